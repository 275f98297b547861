"""The pipeline: intake, then one restartable stage per step of the interoperability process.

Each stage reads a booking in one status, does one thing, and writes its result,
its messages, its audit events and the booking's next status in ONE transaction
(MOSIP-style). A process killed anywhere therefore resumes from the status table:
a stage either happened completely or not at all, and nothing is sent twice
because notifications leave only through the outbox.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scomm.biometrics import FingerPosition, Template
from scomm.biometrics.parameters import RECAPTURE_QUALITY
from scomm.errors import ImageError, InvalidSubmission, StateError
from scomm.pipeline.galleries import Galleries, GalleryName, store_templates
from scomm.pipeline.messages import CJIS, IDENT, LESC_ORI, MessageKind
from scomm.pipeline.status import WAITING, BookingStatus, Outcome
from scomm.pipeline.submission import BookingSubmission, validate_submission
from scomm.policy import (
    Conviction,
    Level,
    PendingCharge,
    Recipient,
    compute_level,
    conviction_level,
    decide,
    default_offense_table,
    determine_status,
)
from scomm.policy.status import ImmigrationStatus
from scomm.store import Store, append_audit
from scomm.store.registry import load_jurisdiction, policy_for, utcnow
from scomm.store.schema import (
    AgencyRow,
    BookingPrintRow,
    BookingRow,
    ChargeRow,
    CriminalEventRow,
    DeliveryRow,
    IdentityRow,
    MessageRow,
    OutboxRow,
)

StageHook = Callable[[str, int], None]


@dataclass(frozen=True)
class IntakeResult:
    booking_id: int
    tcn: str
    created: bool
    recapture: tuple[int, ...] = ()
    """Finger positions whose impression is too poor to rely on: the agency should take them again."""


def recapture_advised(templates: Mapping[FingerPosition, Template]) -> tuple[int, ...]:
    """Fingers whose quality is under ``RECAPTURE_QUALITY`` (they are still searched, with less weight)."""
    return tuple(sorted(int(p) for p, t in templates.items() if t.quality < RECAPTURE_QUALITY))


def submission_digest(sub: BookingSubmission) -> str:
    """A digest of everything the agency sent, to tell a resubmission from a conflicting one."""
    h = hashlib.sha256()
    head = [sub.tcn, sub.ori, sub.arrest_date.isoformat(), sub.subject.full_name,
            sub.subject.date_of_birth.isoformat() if sub.subject.date_of_birth else "", sub.subject.sex.value,
            sub.subject.place_of_birth or "", [(c.ncic_code, c.description) for c in sub.charges]]
    h.update(json.dumps(head).encode())
    for f in sorted(sub.fingers, key=lambda f: int(f.position)):
        h.update(int(f.position).to_bytes(1, "little"))
        # The image is what the agency sent; a template extracted from it on the way in (scomm submit
        # extracts once for the sequence check) must not make the same card a "different submission".
        if f.image is not None:
            h.update(f.image.tobytes())
        elif f.template is not None:
            h.update(f.template.to_bytes())
    return h.hexdigest()


def most_serious_charge(codes: Iterable[str]) -> str:
    """The NCIC code an IAQ carries: the gravest charge, or 0399 when none is known."""
    table = default_offense_table()
    best, key = "0399", (-1, -1, -1)
    for code in codes:
        off = table.lookup(code)
        k = (int(off.aggravated.value == "always"), int(off.felony), off.max_penalty_days)
        if k > key:
            best, key = code, k
    return best


def field_office_for(state: str) -> str:
    return f"ERO-{state}"


def extract_templates(sub: BookingSubmission) -> dict[FingerPosition, Template]:
    """Each finger's template: the one submitted, or extracted from its image.

    Raises :class:`InvalidSubmission` naming the finger whose image is unusable.
    """
    from scomm.biometrics import extract

    out: dict[FingerPosition, Template] = {}
    for i, f in enumerate(sub.fingers):
        if f.template is not None:
            out[FingerPosition(f.position)] = f.template
            continue
        assert f.image is not None
        try:
            out[FingerPosition(f.position)] = extract(f.image, f.ppi, FingerPosition(f.position), f.impression)
        except ImageError as exc:
            raise InvalidSubmission(f"fingers[{i}].image", str(exc)) from exc
    return out


def with_templates(sub: BookingSubmission, templates: Mapping[FingerPosition, Template]) -> BookingSubmission:
    """The same submission with these templates attached to its fingers (images kept), so intake does not extract again."""
    fingers = tuple(replace(f, template=templates.get(FingerPosition(f.position), f.template)) for f in sub.fingers)
    return replace(sub, fingers=fingers)


class Pipeline:
    """Runs bookings through the stages against one store and its galleries."""

    def __init__(self, store: Store, galleries: Galleries | None = None, *, actor: str = "scomm-pipeline",
                 after_stage: StageHook | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.galleries = galleries if galleries is not None else Galleries.load(store)
        self.actor = actor
        self.after_stage = after_stage
        self.clock = clock

    # ------------------------------------------------------------------ intake
    def submit(self, sub: BookingSubmission, today: date | None = None) -> IntakeResult:
        """Validate and record a submission; the same TCN with the same content is one booking."""
        validate_submission(sub, today)
        digest = submission_digest(sub)
        with self.store.sessions() as session:
            existing = session.execute(select(BookingRow).where(BookingRow.tcn == sub.tcn)).scalar_one_or_none()
            if existing is not None:
                return self._resubmission(existing, digest)
            if session.get(AgencyRow, sub.ori) is None:
                raise InvalidSubmission("ori", f"agency {sub.ori} is not registered with any jurisdiction")
        templates = extract_templates(sub)
        recapture = recapture_advised(templates)
        now = self.clock()
        try:
            with self.store.transaction() as session:
                agency = session.get(AgencyRow, sub.ori)
                assert agency is not None
                s = sub.subject
                row = BookingRow(
                    tcn=sub.tcn, ori=sub.ori, fips=agency.fips, arrest_date=sub.arrest_date, received_at=now,
                    updated_at=now, content_digest=digest, last_name=s.last_name, first_name=s.first_name,
                    middle_name=s.middle_name, date_of_birth=s.date_of_birth, sex=s.sex.value,
                    place_of_birth=s.place_of_birth, status=BookingStatus.RECEIVED.value,
                )
                session.add(row)
                session.flush()
                for i, ch in enumerate(sub.charges):
                    session.add(ChargeRow(booking_id=row.id, seq=i, ncic_code=ch.ncic_code, description=ch.description))
                for pos, t in templates.items():
                    session.add(BookingPrintRow(booking_id=row.id, position=int(pos), data=t.to_bytes()))
                append_audit(session, actor=sub.ori, action="intake", subject=f"booking:{sub.tcn}",
                             detail={"fingers": sorted(int(p) for p in templates), "charges": len(sub.charges),
                                     "digest": digest, "recapture": list(recapture)}, at=now)
                booking_id = row.id
        except IntegrityError:
            with self.store.sessions() as session:
                existing = session.execute(select(BookingRow).where(BookingRow.tcn == sub.tcn)).scalar_one()
                return self._resubmission(existing, digest)
        return IntakeResult(booking_id, sub.tcn, True, recapture)

    @staticmethod
    def _resubmission(existing: BookingRow, digest: str) -> IntakeResult:
        if existing.content_digest != digest:
            raise InvalidSubmission("tcn", f"{existing.tcn} was already used on {existing.received_at:%Y-%m-%d} "
                                           "for a different submission; a new booking needs a new TCN")
        return IntakeResult(existing.id, existing.tcn, False)

    # ------------------------------------------------------------------ driving
    def advance(self, booking_id: int) -> BookingStatus:
        """Run stages until the booking waits for an outcome or is final."""
        while True:
            with self.store.sessions() as session:
                row = session.get(BookingRow, booking_id)
                if row is None:
                    raise StateError(f"no booking with id {booking_id}")
                status = BookingStatus(row.status)
            if status in WAITING:
                return status
            stage = self._stages[status]
            stage(self, booking_id)
            if self.after_stage is not None:
                self.after_stage(stage.__name__, booking_id)

    def pending(self) -> list[int]:
        with self.store.sessions() as session:
            return list(session.execute(
                select(BookingRow.id).where(BookingRow.status.not_in([s.value for s in WAITING])).order_by(BookingRow.id)
            ).scalars())

    def run_pending(self, on_booking: Callable[[int], None] | None = None) -> int:
        """Advance every unfinished booking in arrival order (repeat arrests must see earlier enrolments)."""
        ids = self.pending()
        for booking_id in ids:
            self.advance(booking_id)
            if on_booking is not None:
                on_booking(booking_id)
        return len(ids)

    def process(self, sub: BookingSubmission, today: date | None = None) -> BookingStatus:
        result = self.submit(sub, today)
        return self.advance(result.booking_id)

    # ------------------------------------------------------------------ stages
    def _load(self, session: Session, booking_id: int, expected: BookingStatus) -> BookingRow:
        row = session.get(BookingRow, booking_id, with_for_update=True)
        if row is None or row.status != expected.value:
            raise StateError(f"booking {booking_id} is not in status {expected.value}")
        return row

    def _probe(self, session: Session, booking_id: int) -> dict[FingerPosition, Template]:
        rows = session.execute(select(BookingPrintRow).where(BookingPrintRow.booking_id == booking_id)).scalars()
        return {FingerPosition(r.position): Template.from_bytes(r.data) for r in rows}

    def _message(self, session: Session, booking_id: int, kind: MessageKind, sender: str, receiver: str,
                 body: Mapping[str, object]) -> None:
        session.add(MessageRow(booking_id=booking_id, kind=kind.value, sender=sender, receiver=receiver,
                               body=json.dumps(body, sort_keys=True, default=str), created_at=self.clock()))

    def _purge_prints(self, session: Session, row: BookingRow) -> None:
        """Probe prints are transient: once both searches are done they are deleted."""
        for p in session.execute(select(BookingPrintRow).where(BookingPrintRow.booking_id == row.id)).scalars():
            session.delete(p)
        row.prints_purged = True

    def _charges(self, session: Session, booking_id: int) -> list[ChargeRow]:
        return list(session.execute(select(ChargeRow).where(ChargeRow.booking_id == booking_id)
                                    .order_by(ChargeRow.seq)).scalars())

    def criminal_check(self, booking_id: int) -> None:
        enrolled: tuple[str, dict[FingerPosition, Template]] | None = None
        with self.store.transaction() as session:
            row = self._load(session, booking_id, BookingStatus.RECEIVED)
            probe = self._probe(session, booking_id)
            result = self.galleries.search(GalleryName.CRIMINAL, probe)
            now = self.clock()
            if result.hit:
                identity_id = result.candidates[0].identity_id
                score: float | None = result.candidates[0].score
            else:
                identity_id = "FBI" + hashlib.sha256(row.tcn.encode()).hexdigest()[:10].upper()
                score = result.candidates[0].score if result.candidates else None
                session.add(IdentityRow(id=identity_id, gallery=GalleryName.CRIMINAL.value, created_at=now,
                                        last_name=row.last_name, first_name=row.first_name,
                                        date_of_birth=row.date_of_birth, enrolled_from_tcn=row.tcn))
                session.flush()
                store_templates(session, identity_id, probe)
                enrolled = (identity_id, probe)
            for ch in self._charges(session, booking_id):
                session.add(CriminalEventRow(identity_id=identity_id, kind="arrest", event_date=row.arrest_date,
                                             ncic_code=ch.ncic_code, tcn=row.tcn))
            row.criminal_identity_id, row.criminal_identified, row.criminal_score = identity_id, result.hit, score
            self._message(session, booking_id, MessageKind.SRE, CJIS, row.ori,
                          {"tcn": row.tcn, "identified": result.hit, "identity": identity_id,
                           "recapture": list(recapture_advised(probe))})
            append_audit(session, actor=self.actor, action="search", subject=f"booking:{row.tcn}",
                         detail={"gallery": "criminal", "hit": result.hit, "threshold": result.threshold,
                                 "candidates": [c.identity_id for c in result.candidates],
                                 "touched": result.touched}, at=now)
            row.status, row.updated_at = BookingStatus.CRIMINAL_CHECKED.value, now
        if enrolled is not None:
            self.galleries.index(GalleryName.CRIMINAL).enroll(*enrolled)

    def immigration_check(self, booking_id: int) -> None:
        with self.store.transaction() as session:
            row = self._load(session, booking_id, BookingStatus.CRIMINAL_CHECKED)
            now = self.clock()
            state = load_jurisdiction(session, row.fips).state_on(row.arrest_date)
            row.activation_state = state.value
            row.updated_at = now
            if not state.searches_immigration:
                row.immigration_searched = False
                append_audit(session, actor=self.actor, action="no_search", subject=f"booking:{row.tcn}",
                             detail={"gallery": "immigration", "activation": state.value}, at=now)
                self._purge_prints(session, row)
                row.status = BookingStatus.COMPLETED.value
                return
            result = self.galleries.search(GalleryName.IMMIGRATION, self._probe(session, booking_id))
            row.immigration_searched = True
            append_audit(session, actor=self.actor, action="search", subject=f"booking:{row.tcn}",
                         detail={"gallery": "immigration", "hit": result.hit, "threshold": result.threshold,
                                 "candidates": [c.identity_id for c in result.candidates],
                                 "touched": result.touched}, at=now)
            self._purge_prints(session, row)
            if not result.hit:
                self._message(session, booking_id, MessageKind.IDR_NO_MATCH, CJIS, row.ori, {"tcn": row.tcn})
                row.status = BookingStatus.COMPLETED.value
                return
            top = result.candidates[0]
            row.immigration_identity_id, row.immigration_score = top.identity_id, top.score
            self._message(session, booking_id, MessageKind.IDR, IDENT, CJIS,
                          {"tcn": row.tcn, "match": True, "identity": top.identity_id})
            iaq = {"ori": row.ori, "tcn": row.tcn, "nam": f"{row.last_name}, {row.first_name}".strip(", "),
                   "dob": row.date_of_birth, "sex": row.sex, "pob": row.place_of_birth, "cus": "Y",
                   "off": most_serious_charge(c.ncic_code for c in self._charges(session, booking_id)),
                   "ident": top.identity_id, "fbi": row.criminal_identity_id}
            self._message(session, booking_id, MessageKind.IAQ, CJIS, LESC_ORI, iaq)
            append_audit(session, actor=self.actor, action="disclosure", subject=f"booking:{row.tcn}",
                         detail={"to": LESC_ORI, "message": "IAQ"}, at=now)
            row.status = BookingStatus.IAQ_SENT.value

    def _convictions(self, session: Session, identity_id: str | None) -> list[Conviction]:
        if identity_id is None:
            return []
        rows = session.execute(select(CriminalEventRow).where(CriminalEventRow.identity_id == identity_id,
                                                              CriminalEventRow.kind == "conviction")).scalars()
        return [Conviction(r.ncic_code, r.event_date, r.sentence_days) for r in rows]

    def status_determination(self, booking_id: int) -> None:
        """LESC: status from the immigration record, level from convictions only; the IAR."""
        with self.store.transaction() as session:
            row = self._load(session, booking_id, BookingStatus.IAQ_SENT)
            now = self.clock()
            policy = policy_for(session, row.fips, row.arrest_date)
            convictions = self._convictions(session, row.criminal_identity_id)
            charges = [PendingCharge(c.ncic_code, row.arrest_date) for c in self._charges(session, booking_id)]
            identity = session.get(IdentityRow, row.immigration_identity_id)
            assert identity is not None and identity.immigration_status is not None
            level = conviction_level(convictions)
            det = determine_status(ImmigrationStatus(identity.immigration_status), level)
            row.level, row.level_rules = level.value, policy.level_rules
            row.charge_level = compute_level("offense-category-2008", convictions, charges).value
            row.removable, row.immigration_status, row.status_reason = det.removable, det.status.value, det.reason
            self._message(session, booking_id, MessageKind.IAR, LESC_ORI, CJIS,
                          {"tcn": row.tcn, "removable": det.removable, "status": det.status.value,
                           "reason": det.reason, "level": level.value, "charge_level": row.charge_level})
            row.status, row.updated_at = BookingStatus.IAR_RECEIVED.value, now

    def decision(self, booking_id: int) -> None:
        with self.store.transaction() as session:
            row = self._load(session, booking_id, BookingStatus.IAR_RECEIVED)
            now = self.clock()
            policy = policy_for(session, row.fips, row.arrest_date)
            assert row.level is not None and row.immigration_status is not None
            acting_level = Level(row.level)
            if policy.level_rules == "offense-category-2008" and row.charge_level is not None:
                acting_level = Level(row.charge_level)
            det = determine_status(ImmigrationStatus(row.immigration_status), Level(row.level))
            d = decide(policy, det, acting_level)
            row.detainer, row.detainer_form, row.decision_reason = d.detainer, d.detainer_form, d.reason
            row.policy_id, row.policy_version = d.policy_id, d.policy_version
            state = load_jurisdiction(session, row.fips).state
            for note in d.notifications:
                address = field_office_for(state) if note.recipient is Recipient.FIELD_OFFICE else row.ori
                payload = {"tcn": row.tcn, "message": note.message, "removable": row.removable,
                           "level": row.level, "detainer": d.detainer, "form": d.detainer_form,
                           "reason": d.reason, "policy": f"{d.policy_id}@{d.policy_version}"}
                session.add(OutboxRow(booking_id=booking_id, recipient=note.recipient.value, address=address,
                                      kind=note.message, dedupe_key=f"{row.tcn}/{note.recipient.value}/{note.message}",
                                      payload=json.dumps(payload, sort_keys=True), created_at=now))
            append_audit(session, actor=self.actor, action="decision", subject=f"booking:{row.tcn}",
                         detail={"policy": f"{d.policy_id}@{d.policy_version}", "detainer": d.detainer,
                                 "reason": d.reason}, at=now)
            row.status, row.updated_at = BookingStatus.DECIDED.value, now

    _stages: dict[BookingStatus, Callable[[Pipeline, int], None]] = {
        BookingStatus.RECEIVED: criminal_check,
        BookingStatus.CRIMINAL_CHECKED: immigration_check,
        BookingStatus.IAQ_SENT: status_determination,
        BookingStatus.IAR_RECEIVED: decision,
    }

    # ------------------------------------------------------------------ outbox
    def dispatch_outbox(self, limit: int = 1000) -> int:
        """Deliver pending notifications exactly once; safe to run again after any crash."""
        with self.store.sessions() as session:
            ids = list(session.execute(select(OutboxRow.id).where(OutboxRow.delivered_at.is_(None))
                                       .order_by(OutboxRow.id).limit(limit)).scalars())
        for oid in ids:
            with self.store.transaction() as session:
                item = session.get(OutboxRow, oid)
                if item is None or item.delivered_at is not None:
                    continue
                now = self.clock()
                seen = session.execute(select(DeliveryRow.id).where(DeliveryRow.dedupe_key == item.dedupe_key)).first()
                if seen is None:
                    session.add(DeliveryRow(dedupe_key=item.dedupe_key, recipient=item.recipient, address=item.address,
                                            kind=item.kind, payload=item.payload, delivered_at=now))
                    append_audit(session, actor=self.actor, action="disclosure", subject=f"outbox:{item.dedupe_key}",
                                 detail={"to": item.address, "message": item.kind}, at=now)
                item.delivered_at = now
        return len(ids)

    # ------------------------------------------------------------------ outcomes
    def record_outcome(self, tcn: str, outcome: Outcome, on: date, sentence_days: int = 0,
                       actor: str = "scomm-case") -> None:
        """Close a case. A conviction is written to the criminal history (so later levels see it)."""
        with self.store.transaction() as session:
            row = session.execute(select(BookingRow).where(BookingRow.tcn == tcn)).scalar_one_or_none()
            if row is None:
                raise StateError(f"no booking with TCN {tcn}")
            if row.status not in (BookingStatus.DECIDED.value, BookingStatus.COMPLETED.value):
                raise StateError(f"booking {tcn} is {row.status}; only decided or completed cases can be closed")
            if outcome is Outcome.REMOVED and not row.removable:
                raise StateError(f"booking {tcn}: removal recorded for a person LESC did not find removable")
            if on < row.arrest_date:
                raise StateError(f"booking {tcn}: outcome date {on} is before the arrest ({row.arrest_date})")
            if outcome is Outcome.CONVICTED:
                assert row.criminal_identity_id is not None
                for ch in self._charges(session, row.id):
                    session.add(CriminalEventRow(identity_id=row.criminal_identity_id, kind="conviction",
                                                 event_date=on, ncic_code=ch.ncic_code,
                                                 sentence_days=sentence_days, tcn=tcn))
            elif outcome is Outcome.CHARGES_DROPPED and row.criminal_identity_id is not None:
                for ch in self._charges(session, row.id):
                    session.add(CriminalEventRow(identity_id=row.criminal_identity_id, kind="dismissal",
                                                 event_date=on, ncic_code=ch.ncic_code, tcn=tcn))
            row.outcome, row.outcome_date = outcome.value, on
            row.status, row.updated_at = BookingStatus.CLOSED.value, self.clock()
            append_audit(session, actor=actor, action="outcome", subject=f"booking:{tcn}",
                         detail={"outcome": outcome.value, "on": on.isoformat()}, at=self.clock())
