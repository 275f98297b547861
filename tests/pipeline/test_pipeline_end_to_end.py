"""Bookings pushed through the real pipeline: real templates, real 1:N search, a real database."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from conftest import OPTED_OUT_ORI, World, submission
from scomm.errors import InvalidSubmission, StateError
from scomm.pipeline.galleries import GalleryName
from scomm.pipeline.status import BookingStatus, Outcome
from scomm.store import verify_chain
from scomm.store.schema import (
    AuditRow,
    BookingPrintRow,
    BookingRow,
    DeliveryRow,
    MessageRow,
    OutboxRow,
)


def booking(world: World, tcn: str) -> BookingRow:
    with world.store.sessions() as session:
        return session.execute(select(BookingRow).where(BookingRow.tcn == tcn)).scalar_one()


def messages(world: World, tcn: str) -> list[str]:
    with world.store.sessions() as session:
        b = session.execute(select(BookingRow.id).where(BookingRow.tcn == tcn)).scalar_one()
        return list(session.execute(select(MessageRow.kind).where(MessageRow.booking_id == b)
                                    .order_by(MessageRow.id)).scalars())


def test_known_overstay_in_activated_county_gets_iaq_iar_and_detainer(world):
    p = world.pipeline()
    assert p.process(submission("T-1", 3, charges=("5311",))) is BookingStatus.DECIDED
    b = booking(world, "T-1")
    assert b.criminal_identified and b.criminal_identity_id == "FBI-3"
    assert b.immigration_identity_id == "IDENT-3" and b.removable
    assert b.level == "LEVEL_3"  # one prior misdemeanour conviction; the current charge does not count
    assert b.detainer and (b.policy_id, b.policy_version) == ("historical-2008", 1)
    assert messages(world, "T-1") == ["SRE", "IDR", "IAQ", "IAR"]
    assert p.dispatch_outbox() == 3  # field office IAR, agency IAR, agency detainer
    with world.store.sessions() as session:
        assert verify_chain(session).ok


def test_opted_out_jurisdiction_gets_no_immigration_search(world):
    p = world.pipeline()
    assert p.process(submission("T-2", 3, ori=OPTED_OUT_ORI)) is BookingStatus.COMPLETED
    b = booking(world, "T-2")
    assert b.activation_state == "opted_out" and b.immigration_searched is False
    assert b.immigration_identity_id is None and b.detainer is None
    assert messages(world, "T-2") == ["SRE"]
    with world.store.sessions() as session:
        actions = session.execute(select(AuditRow.action, AuditRow.detail).where(
            AuditRow.subject == "booking:T-2")).all()
    assert ("no_search" in {a for a, _ in actions})
    assert not any(a == "search" and '"immigration"' in d for a, d in actions)


def test_subject_with_only_arrests_is_never_classified_as_convicted(world):
    p = world.pipeline()
    # Person 5: immigration record, no criminal record. Arrested three times for Level 1 category offences.
    for i, charges in enumerate([("1299",), ("0911", "5212"), ("1099",)]):
        p.process(submission(f"A-{i}", 5, charges=charges, arrest=date(2010, 3 + i, 1), impression=10 + i))
        b = booking(world, f"A-{i}")
        assert b.level == "NON_CRIMINAL"
        assert b.charge_level == "LEVEL_1"  # what the 2008 rules would have called him
    assert booking(world, "A-1").criminal_identity_id == booking(world, "A-0").criminal_identity_id


def test_a_conviction_outcome_updates_the_history_and_the_next_level(world):
    p = world.pipeline()
    p.process(submission("C-1", 6, charges=("2202",)))
    assert booking(world, "C-1").level == "NON_CRIMINAL" and not booking(world, "C-1").removable  # LPR
    p.record_outcome("C-1", Outcome.CONVICTED, date(2010, 8, 1), sentence_days=400)
    p.process(submission("C-2", 6, charges=("5499",), arrest=date(2010, 9, 1), impression=2))
    b = booking(world, "C-2")
    assert b.level == "LEVEL_1" and b.removable and b.detainer  # burglary with a year's term: aggravated felony
    with pytest.raises(StateError, match="only decided or completed"):
        p.record_outcome("C-1", Outcome.RELEASED, date(2010, 9, 1))


def test_naturalised_citizen_is_matched_but_never_detained(world):
    p = world.pipeline()
    p.process(submission("N-1", 4))
    b = booking(world, "N-1")
    assert b.immigration_identity_id == "IDENT-4" and b.removable is False and b.detainer is False
    with pytest.raises(StateError, match="did not find removable"):
        p.record_outcome("N-1", Outcome.REMOVED, date(2010, 7, 1))


def test_prints_that_do_not_match_stay_off_the_immigration_side(world):
    p = world.pipeline()
    before = len(p.galleries.index(GalleryName.IMMIGRATION))
    assert p.process(submission("U-1", 42)) is BookingStatus.COMPLETED  # never seen anywhere
    b = booking(world, "U-1")
    assert b.immigration_searched and b.immigration_identity_id is None and b.prints_purged
    assert messages(world, "U-1") == ["SRE", "IDR_NO_MATCH"]
    with world.store.sessions() as session:
        assert session.execute(select(func.count()).select_from(BookingPrintRow)).scalar_one() == 0
    assert len(p.galleries.index(GalleryName.IMMIGRATION)) == before
    # ... but the arrest enrolled a new criminal-history identity, as the national file does.
    again = world.pipeline()
    again.process(submission("U-2", 42, impression=5))
    assert booking(world, "U-2").criminal_identity_id == b.criminal_identity_id


def test_same_tcn_twice_is_one_booking_and_a_conflicting_reuse_is_refused(world):
    p = world.pipeline()
    first = p.submit(submission("D-1", 1))
    second = p.submit(submission("D-1", 1))
    assert first.created and not second.created and first.booking_id == second.booking_id
    with pytest.raises(InvalidSubmission) as err:
        p.submit(submission("D-1", 1, last_name="ROE"))
    assert err.value.field == "tcn"


@pytest.mark.parametrize(("change", "field"), [
    (dict(ori="bad"), "ori"),
    (dict(ori="ZZ9999999"), "ori"),
    (dict(charges=("12",)), "charges[0].ncic_code"),
    (dict(arrest=date(2999, 1, 1)), "arrest_date"),
])
def test_malformed_submission_is_refused_by_field_and_nothing_earlier_is_lost(world, change, field):
    p = world.pipeline()
    p.process(submission("OK-1", 3))
    p.dispatch_outbox()
    with world.store.sessions() as session:
        before = [session.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in (BookingRow, MessageRow, OutboxRow, DeliveryRow, AuditRow)]
    with pytest.raises(InvalidSubmission) as err:
        p.submit(submission("BAD-1", 1, **change))
    assert err.value.field == field and field in str(err.value)
    with world.store.sessions() as session:
        after = [session.execute(select(func.count()).select_from(t)).scalar_one()
                 for t in (BookingRow, MessageRow, OutboxRow, DeliveryRow, AuditRow)]
        assert verify_chain(session).ok
    assert after == before
    assert booking(world, "OK-1").status == BookingStatus.DECIDED.value


def test_duplicate_finger_position_is_refused_by_field(world):
    sub = submission("F-1", 1)
    object.__setattr__(sub, "fingers", (sub.fingers[0], sub.fingers[0]))
    with pytest.raises(InvalidSubmission) as err:
        world.pipeline().submit(sub)
    assert err.value.field == "fingers[1].position"


def test_a_poor_impression_is_searched_and_reported_back_for_recapture(world):
    """The agency learns which finger to take again; the booking still goes through on all ten."""
    import dataclasses

    from scomm.biometrics.parameters import RECAPTURE_QUALITY
    from scomm.pipeline.submission import FingerImpression

    sub = submission("Q-1", 7)
    poor = [f if int(f.position) != 3 else FingerImpression(
        f.position, template=dataclasses.replace(f.template, quality=RECAPTURE_QUALITY - 1)) for f in sub.fingers]
    sub = dataclasses.replace(sub, fingers=tuple(poor))
    p = world.pipeline()
    intake = p.submit(sub)
    assert intake.recapture == (3,)
    p.advance(intake.booking_id)
    with world.store.sessions() as session:
        audit = session.execute(select(AuditRow).where(AuditRow.action == "intake", AuditRow.subject == "booking:Q-1")).scalar_one()
        assert json.loads(audit.detail)["recapture"] == [3]
        sre = session.execute(select(MessageRow).where(MessageRow.booking_id == intake.booking_id,
                                                       MessageRow.kind == "SRE")).scalar_one()
        assert json.loads(sre.body)["recapture"] == [3]
    assert p.submit(submission("Q-2", 8)).recapture == ()  # good prints: no advice
