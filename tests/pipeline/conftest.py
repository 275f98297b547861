"""A small world for end-to-end tests: two jurisdictions, two galleries, synthetic tenprints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import insert

from scomm.biometrics import FingerPosition, Template
from scomm.pipeline.runner import Pipeline
from scomm.pipeline.submission import BookingSubmission, Charge, FingerImpression, Sex, Subject
from scomm.policy import ActivationChange, ActivationState, Jurisdiction, shipped_policy
from scomm.store import Store
from scomm.store.registry import assign_policy, register_agency, register_jurisdiction
from scomm.store.schema import CriminalEventRow, GalleryTemplateRow, IdentityRow

SEED = 77
ACTIVE_ORI, OPTED_OUT_ORI = "MA0250100", "IL0310100"
ACTIVE, OPTED_OUT = "25025", "17031"
ARREST = date(2010, 6, 1)


def fingers(person: int, impression: int) -> dict[FingerPosition, Template]:
    from scomm.synth import tenprint_templates_batch

    return tenprint_templates_batch(SEED, [person], impression)[0]


def submission(tcn: str, person: int, *, ori: str = ACTIVE_ORI, charges: tuple[str, ...] = ("5499",),
               arrest: date = ARREST, impression: int = 1, last_name: str = "DOE") -> BookingSubmission:
    return BookingSubmission(
        tcn=tcn, ori=ori, arrest_date=arrest,
        subject=Subject(last_name, "JOHN", date(1980, 1, 1), Sex.MALE, "MX"),
        charges=tuple(Charge(c) for c in charges),
        fingers=tuple(FingerImpression(p, template=t) for p, t in sorted(fingers(person, impression).items())),
    )


@dataclass
class World:
    store: Store
    policy_id: str

    def pipeline(self, **kw: object) -> Pipeline:
        return Pipeline(self.store, **kw)  # type: ignore[arg-type]


def enroll(store: Store, identity_id: str, gallery: str, person: int, *, status: str | None = None,
           convictions: tuple[tuple[str, int], ...] = ()) -> None:
    now = datetime(2009, 1, 1)
    with store.transaction() as session:
        session.execute(insert(IdentityRow), [dict(id=identity_id, gallery=gallery, created_at=now, last_name="X",
                                                   first_name="Y", immigration_status=status)])
        session.execute(insert(GalleryTemplateRow), [dict(identity_id=identity_id, position=int(p), data=t.to_bytes())
                                                     for p, t in fingers(person, 0).items()])
        for code, sentence in convictions:
            session.add(CriminalEventRow(identity_id=identity_id, kind="conviction", event_date=date(2005, 1, 1),
                                         ncic_code=code, sentence_days=sentence))


def make_world(store: Store, policy_id: str = "historical-2008") -> World:
    with store.transaction() as session:
        register_jurisdiction(session, Jurisdiction("25025", "MA", "Suffolk", (
            ActivationChange(date(2008, 11, 5), ActivationState.PILOT),)))
        register_jurisdiction(session, Jurisdiction("17031", "IL", "Cook", (
            ActivationChange(date(2009, 1, 1), ActivationState.ACTIVATED),
            ActivationChange(date(2010, 1, 1), ActivationState.OPTED_OUT, "county ordinance"))))
        register_agency(session, ACTIVE_ORI, "Suffolk booking", ACTIVE)
        register_agency(session, OPTED_OUT_ORI, "Cook booking", OPTED_OUT)
        for fips in (ACTIVE, OPTED_OUT):
            assign_policy(session, fips, shipped_policy(policy_id), date(2008, 1, 1))
    # persons 1-4 have a criminal record; 3-6 are known to the immigration gallery.
    enroll(store, "FBI-1", "criminal", 1)
    enroll(store, "FBI-2", "criminal", 2, convictions=(("2202", 400),))
    enroll(store, "FBI-3", "criminal", 3, convictions=(("5499", 0),))
    enroll(store, "FBI-4", "criminal", 4)
    enroll(store, "IDENT-3", "immigration", 3, status="visa_overstay")
    enroll(store, "IDENT-4", "immigration", 4, status="naturalized_citizen")
    enroll(store, "IDENT-5", "immigration", 5, status="entry_without_inspection")
    enroll(store, "IDENT-6", "immigration", 6, status="lawful_permanent_resident")
    return World(store, policy_id)


@pytest.fixture
def world(store: Store) -> Iterator[World]:
    yield make_world(store)


@pytest.fixture
def sqlite_world(sqlite_store: Store) -> Iterator[World]:
    yield make_world(sqlite_store)
