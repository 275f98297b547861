"""Running a synthetic county through the real pipeline, in the order events happen.

Enrolment writes the galleries' identities, rap sheets and templates straight to
the store (they stand for files that already exist); every booking then goes
through intake and every stage, and each case is closed on its outcome date, so
a person arrested twice in the year is judged on the convictions recorded by
then.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import insert

from scomm.biometrics import FingerPosition, Template
from scomm.pipeline.galleries import Galleries, GalleryName
from scomm.pipeline.runner import Pipeline
from scomm.pipeline.status import BookingStatus
from scomm.pipeline.submission import BookingSubmission, Charge, FingerImpression, Sex, Subject
from scomm.policy import (
    ActivationChange,
    Policy,
    default_offense_table,
    real_activation_registry,
)
from scomm.simulate.outcomes import SimulatedOutcome, simulate_outcome
from scomm.simulate.population import BookingPlan, County
from scomm.store import Store
from scomm.store.registry import assign_policy, register_agency, register_jurisdiction
from scomm.store.schema import BookingRow, CriminalEventRow, GalleryTemplateRow, IdentityRow

ENROLMENT_IMPRESSION = 0
Progress = Callable[[int], None]


def person_fingers(seed: int, person_ids: list[int], impression_seed: int,
                   workers: int = 1) -> list[dict[FingerPosition, Template]]:
    from scomm.synth import tenprint_templates_batch

    return tenprint_templates_batch(seed, person_ids, impression_seed, workers=workers)


def setup_jurisdictions(store: Store, county: County, policy: Policy,
                        extra_changes: dict[str, list[ActivationChange]] | None = None) -> None:
    registry = real_activation_registry()
    with store.transaction() as session:
        for fips, ori, _share in county.spec.jurisdictions:
            j = registry[fips]
            for change in (extra_changes or {}).get(fips, []):
                j = j.with_change(change)
            register_jurisdiction(session, j, actor="demo-setup")
            register_agency(session, ori, f"{j.name} County booking agency (synthetic)", fips)
            assign_policy(session, fips, policy, date(2008, 1, 1), actor="demo-setup")


def enroll_galleries(store: Store, county: County, progress: Progress | None = None, chunk: int = 1000,
                     galleries: Galleries | None = None, workers: int = 1) -> None:
    """Write both galleries (identities, rap sheets, templates) in bulk.

    With ``galleries``, each committed chunk is also added to the search indexes, so a
    fresh run need not read the templates back from the store.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    spec = county.spec
    plan = [(pid, "criminal") for pid in sorted(county.criminal)] + \
           [(pid, "immigration") for pid in sorted(county.immigration)]
    for i in range(0, len(plan), chunk):
        part = plan[i:i + chunk]
        fingers = person_fingers(spec.seed, [pid for pid, _ in part], ENROLMENT_IMPRESSION, workers)
        identities, events, templates = [], [], []
        for (pid, gallery), fset in zip(part, fingers):
            person = county.people[pid]
            iid = f"{'FBI' if gallery == 'criminal' else 'IDENT'}-{pid:07d}"
            identities.append(dict(id=iid, gallery=gallery, created_at=now, last_name=person.last_name,
                                   first_name=person.first_name, date_of_birth=person.date_of_birth,
                                   immigration_status=county.immigration[pid].value if gallery == "immigration" else None,
                                   enrolled_from_tcn=None))
            if gallery == "criminal":
                for c in county.criminal[pid]:
                    events.append(dict(identity_id=iid, kind="conviction", event_date=c.convicted_on,
                                       ncic_code=c.ncic_code, sentence_days=c.sentence_days, tcn=None))
            for pos, t in fset.items():
                templates.append(dict(identity_id=iid, position=int(pos), data=t.to_bytes()))
        with store.transaction() as session:
            session.execute(insert(IdentityRow), identities)
            if events:
                session.execute(insert(CriminalEventRow), events)
            session.execute(insert(GalleryTemplateRow), templates)
        if galleries is not None:
            for name in GalleryName:
                galleries.index(name).enroll_many(
                    (str(row["id"]), f) for row, f in zip(identities, fingers) if row["gallery"] == name.value)
        if progress:
            progress(len(part))


def submission_for(plan: BookingPlan, seed: int) -> BookingSubmission:
    fingers = person_fingers(seed, [plan.person.person_id], plan.impression_seed)[0]
    p = plan.person
    return BookingSubmission(
        tcn=plan.tcn, ori=plan.ori, arrest_date=plan.arrest_date,
        subject=Subject(p.last_name, p.first_name, p.date_of_birth, Sex(p.sex), p.place_of_birth),
        charges=tuple(Charge(c) for c in plan.charges),
        fingers=tuple(FingerImpression(pos, template=t) for pos, t in sorted(fingers.items())),
    )


@dataclass
class YearResult:
    bookings: int
    outcomes: int


def run_year(pipeline: Pipeline, county: County, progress: Progress | None = None) -> YearResult:
    """Bookings on their arrest dates, case outcomes on theirs, in one time-ordered queue."""
    table = default_offense_table()
    queue: list[tuple[date, int, int]] = [(plan.arrest_date, 0, i) for i, plan in enumerate(county.bookings)]
    heapq.heapify(queue)
    pending: dict[int, SimulatedOutcome] = {}
    while queue:
        day, kind, i = heapq.heappop(queue)
        plan = county.bookings[i]
        if kind == 1:
            sim = pending.pop(i)
            pipeline.record_outcome(plan.tcn, sim.outcome, sim.on, sim.sentence_days)
            continue
        result = pipeline.submit(submission_for(plan, county.spec.seed), today=day)
        status = pipeline.advance(result.booking_id)
        pipeline.dispatch_outbox()
        if status in (BookingStatus.DECIDED, BookingStatus.COMPLETED):
            with pipeline.store.sessions() as session:
                detainer = bool(session.get(BookingRow, result.booking_id).detainer)  # type: ignore[union-attr]
            felony = any(table.lookup(c).felony for c in plan.charges)
            pending[i] = simulate_outcome(plan.outcome_seed, plan.arrest_date, detainer, felony)
            heapq.heappush(queue, (pending[i].on, 1, i))
        if progress:
            progress(1)
    return YearResult(len(county.bookings), len(county.bookings) - len(pending))
