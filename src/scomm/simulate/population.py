"""A synthetic county: galleries with histories, and a year of bookings.

Every number here is a modelling choice, named and commented, chosen so that the
funnel resembles the published one (about 6% of submissions match the
immigration gallery; see DOMAIN.md). Fingerprints come from scomm.synth: the same
person id always has the same fingers, and every booking is a fresh impression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from scomm.policy.status import ImmigrationStatus

# Charges at booking, NCIC code -> weight. Most bookings are for minor offences.
CHARGE_MIX: dict[str, float] = {
    "5499": 0.13,  # traffic
    "5404": 0.11,  # driving under the influence
    "3562": 0.06,  # marijuana possession
    "3563": 0.08,  # drug possession
    "3510": 0.03,  # drug distribution
    "2303": 0.08,  # shoplifting (larceny)
    "2399": 0.03,  # grand larceny
    "2202": 0.05,  # burglary
    "1313": 0.10,  # simple assault
    "1315": 0.04,  # aggravated assault
    "1299": 0.02,  # robbery
    "5212": 0.03,  # weapons
    "5311": 0.08,  # disorderly conduct
    "5707": 0.04,  # trespass
    "4801": 0.03,  # obstructing police
    "2604": 0.03,  # fraud
    "3802": 0.02,  # cruelty toward child or spouse
    "3605": 0.01,  # sex offence
    "0911": 0.004,  # homicide
    "1099": 0.002,  # kidnapping
    "0399": 0.014,  # immigration / unknown
}

# Status of people in the immigration gallery (prior visa, border, benefit or removal encounters).
STATUS_MIX: dict[ImmigrationStatus, float] = {
    ImmigrationStatus.NATURALIZED_CITIZEN: 0.12,
    ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT: 0.25,
    ImmigrationStatus.VALID_VISA: 0.10,
    ImmigrationStatus.VISA_OVERSTAY: 0.23,
    ImmigrationStatus.ENTRY_WITHOUT_INSPECTION: 0.22,
    ImmigrationStatus.PRIOR_REMOVAL: 0.08,
}

LAST_NAMES = ("SMITH", "JOHNSON", "GARCIA", "NGUYEN", "SILVA", "MURPHY", "OKAFOR", "KOWALSKI", "HERNANDEZ",
              "BROWN", "LEE", "PEREIRA", "OBRIEN", "DIAZ", "WALSH", "TRAN", "LOPEZ", "COHEN", "JEAN", "ROSSI")
FIRST_NAMES = ("JOHN", "MARIA", "JOSE", "MICHAEL", "ANA", "DAVID", "LUIS", "SARAH", "KEVIN", "ROSA", "PAUL",
               "LINH", "CARLOS", "MARY", "JAMES", "FATIMA", "PEDRO", "ELENA", "SEAN", "GRACE")


@dataclass(frozen=True)
class CountySpec:
    """What to simulate. Defaults: a county the size the demo can run in well under 3 minutes."""

    seed: int = 2010
    year: int = 2010
    criminal_identities: int = 3000
    immigration_only_identities: int = 1800
    overlap_fraction: float = 0.06
    """Share of the criminal file who also have immigration encounters (foreign-born with records)."""
    bookings: int = 1000
    repeat_share: float = 0.45
    """Share of bookings of people already in the criminal file."""
    immigration_only_share: float = 0.035
    """Share of bookings of people known only to the immigration gallery (first arrest)."""
    jurisdictions: tuple[tuple[str, str, float], ...] = (("25025", "MA0250100", 0.8), ("25017", "MA0170100", 0.2))
    """(county FIPS, booking agency ORI, share of bookings). Default: Suffolk (activated in the 2008
    pilot) and Middlesex, Massachusetts (activated only in May 2012, over the state's objection)."""


@dataclass(frozen=True)
class Person:
    person_id: int
    last_name: str
    first_name: str
    date_of_birth: date
    sex: str
    place_of_birth: str


@dataclass(frozen=True)
class PriorConviction:
    ncic_code: str
    convicted_on: date
    sentence_days: int


@dataclass(frozen=True)
class BookingPlan:
    tcn: str
    ori: str
    fips: str
    arrest_date: date
    person: Person
    charges: tuple[str, ...]
    impression_seed: int
    outcome_seed: int


@dataclass
class County:
    spec: CountySpec
    criminal: dict[int, list[PriorConviction]] = field(default_factory=dict)
    immigration: dict[int, ImmigrationStatus] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    bookings: list[BookingPlan] = field(default_factory=list)


def _person(rng: np.random.Generator, pid: int, foreign: bool, year: int) -> Person:
    age = int(rng.integers(18, 62))
    dob = date(year - age, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    pob = str(rng.choice(["MX", "GT", "SV", "DR", "BR", "HT", "CH", "VN"])) if foreign else "MA"
    return Person(pid, str(rng.choice(LAST_NAMES)), str(rng.choice(FIRST_NAMES)), dob,
                  str(rng.choice(["M", "F"], p=[0.8, 0.2])), pob)


def _draw(rng: np.random.Generator, mix: dict[str, float], n: int) -> list[str]:
    keys = list(mix)
    p = np.array([mix[k] for k in keys])
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def sentence_for(rng: np.random.Generator, ncic_code: str) -> int:
    from scomm.policy import default_offense_table

    off = default_offense_table().lookup(ncic_code)
    if off.felony:
        return int(rng.integers(180, min(off.max_penalty_days, 3650) + 1))
    return int(rng.integers(0, max(off.max_penalty_days // 2, 1) + 1))


def build_county(spec: CountySpec) -> County:
    """The whole population and the year's bookings, deterministic in ``spec.seed``."""
    rng = np.random.default_rng(spec.seed)
    county = County(spec)
    n_c, n_i = spec.criminal_identities, spec.immigration_only_identities
    overlap = set(rng.choice(n_c, size=int(n_c * spec.overlap_fraction), replace=False).tolist())
    start = date(spec.year, 1, 1)
    for pid in range(n_c):
        county.people[pid] = _person(rng, pid, pid in overlap, spec.year)
        k = int(rng.choice([0, 1, 2, 3, 4], p=[0.35, 0.30, 0.17, 0.10, 0.08]))
        county.criminal[pid] = [
            PriorConviction(code, start - timedelta(days=int(rng.integers(200, 5000))), sentence_for(rng, code))
            for code in _draw(rng, CHARGE_MIX, k)
        ]
    statuses = list(STATUS_MIX)
    sp = np.array([STATUS_MIX[s] for s in statuses])
    for pid in [*sorted(overlap), *range(n_c, n_c + n_i)]:
        if pid not in county.people:
            county.people[pid] = _person(rng, pid, True, spec.year)
        county.immigration[pid] = statuses[int(rng.choice(len(statuses), p=sp / sp.sum()))]
    new_pool_start = n_c + n_i
    new_pool = max(int(spec.bookings * 0.6), 1)
    fips_list = [j[0] for j in spec.jurisdictions]
    shares = np.array([j[2] for j in spec.jurisdictions])
    days = np.sort(rng.integers(0, 365, size=spec.bookings))
    for b in range(spec.bookings):
        u = rng.random()
        if u < spec.repeat_share:
            pid = int(rng.integers(0, n_c))
        elif u < spec.repeat_share + spec.immigration_only_share:
            pid = int(rng.integers(n_c, n_c + n_i))
        else:
            pid = new_pool_start + int(rng.integers(0, new_pool))
            if pid not in county.people:
                county.people[pid] = _person(rng, pid, rng.random() < 0.03, spec.year)
        j = int(rng.choice(len(fips_list), p=shares / shares.sum()))
        charges = tuple(_draw(rng, CHARGE_MIX, 1 + int(rng.poisson(0.35))))
        county.bookings.append(BookingPlan(
            tcn=f"SC{spec.year}{b:06d}", ori=spec.jurisdictions[j][1], fips=fips_list[j],
            arrest_date=start + timedelta(days=int(days[b])), person=county.people[pid], charges=charges,
            impression_seed=1000 + b, outcome_seed=int(rng.integers(0, 2**31)),
        ))
    return county
