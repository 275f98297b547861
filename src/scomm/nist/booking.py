"""A criminal ten-print submission (EBTS TOT CAR) as the pipeline's BookingSubmission, and back.

Field mapping (EBTS Type-1/Type-2; see docs/nist.md for what is verified and what
is scomm's own choice):

==========================  =============================================================
BookingSubmission           transaction
==========================  =============================================================
tcn                         1.009 TCN
ori                         1.008 ORI (2.073 CRI, when present, kept in metadata["cri"])
submitted_on                1.005 DAT
arrest_date                 2.045 DOA (CCYYMMDD)
subject.last/first/middle   2.018 NAM ``LAST,FIRST MIDDLE``
subject.date_of_birth       2.022 DOB (first subfield)
subject.sex                 2.024 SEX (M, F, X, U)
subject.place_of_birth      2.020 POB
charges                     2.047 ASL, one per subfield ``DOO US AOL``; the NCIC code is
                            the 4 leading digits of AOL when present, else 0399
fingers                     Type-14 / Type-4 / Type-13 images, positions 1-10 (11 and 12,
                            the plain thumbs, count as 1 and 6); rolled preferred to plain;
                            a finger with no image of its own is cut from its plain slap
                            (13, 14, 15) by scomm.biometrics.slap
==========================  =============================================================
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from datetime import date

from scomm.biometrics.image import REFERENCE_PPI
from scomm.biometrics.slap import SLAP_FINGERS, segment_slap
from scomm.biometrics.template import FingerPosition, ImpressionType
from scomm.errors import ImageError, TransactionFormatError
from scomm.nist.images import FingerImageRecord, decode_image, encode_wsq, finger_image_records
from scomm.nist.parameters import DEFAULT_VERSION
from scomm.nist.reader import read_transaction, read_transaction_file
from scomm.nist.transaction import Field, TaggedRecord, Transaction, content_field
from scomm.pipeline.submission import (
    UNKNOWN_OFFENSE,
    BookingSubmission,
    Charge,
    FingerImpression,
    Sex,
    Subject,
)

CRIMINAL_TENPRINT_TOTS = frozenset({"CAR", "CNA"})
"""Criminal ten-print submissions, answer required or not (EBTS)."""
PLAIN_THUMBS = {11: 1, 12: 6}
"""Plain right/left thumb positions (ANSI/NIST-ITL Table 8) as the finger they show."""
ROLLED_IMPRESSIONS = frozenset({1, 3})
"""IMP codes of rolled impressions (live-scan and non-live-scan)."""
PLAIN_IMPRESSIONS = frozenset({0, 2})
"""IMP codes of plain impressions (live-scan and non-live-scan)."""
SLAP_POSITIONS = frozenset({13, 14, 15})
"""Plain slaps holding several fingers: four-finger right and left, and both thumbs."""
DEFAULT_DAI = "DCSCOMM00"
"""Destination (1.007 DAI) of CAR files scomm writes: a project placeholder, not CJIS's ORI."""
_NCIC_PREFIX = re.compile(r"^\s*(\d{4})(?:\s*[-:]\s*|\s+|$)(.*)$", re.DOTALL)


def read_booking(
    source: bytes | bytearray | str | os.PathLike[str],
    *,
    accept_tots: Collection[str] = CRIMINAL_TENPRINT_TOTS,
) -> BookingSubmission:
    """Read a CAR transaction (bytes or a file path) into a BookingSubmission.

    Raises TransactionFormatError naming the record and field of the first defect;
    the result still has to pass ``validate_submission``, which the pipeline runs.
    """
    if isinstance(source, (bytes, bytearray)):
        txn = read_transaction(source)
    else:
        txn = read_transaction_file(source)
    return booking_from_transaction(txn, accept_tots=accept_tots)


def booking_from_transaction(
    txn: Transaction, *, accept_tots: Collection[str] = CRIMINAL_TENPRINT_TOTS
) -> BookingSubmission:
    """Map a parsed transaction; every image used is decoded here."""
    t1 = txn.type1
    tot = txn.tot
    if tot not in accept_tots:
        raise TransactionFormatError(t1.where(4), f"TOT {tot!r} is not a criminal ten-print submission (want {'/'.join(sorted(accept_tots))})")
    type2s = txn.tagged(2)
    if len(type2s) != 1:
        raise TransactionFormatError("record 2 (Type-2)", f"a ten-print submission carries exactly one Type-2 record, found {len(type2s)}")
    t2 = type2s[0]
    metadata = {"tot": tot, "version": txn.version}
    for key, rec, number in (("dai", t1, 7), ("oca", t2, 9), ("fbi", t2, 14), ("sid", t2, 15), ("cri", t2, 73)):
        items = rec.items(number)
        if items and items[0][0]:
            metadata[key] = items[0][0]
    return BookingSubmission(
        tcn=txn.tcn,
        ori=txn.ori,
        arrest_date=_date(t2, 45, required=True),  # type: ignore[arg-type]
        subject=_subject(t2),
        charges=_charges(t2),
        fingers=_fingers(txn),
        submitted_on=_date(t1, 5, required=True),
        metadata=metadata,
    )


def _date(rec: TaggedRecord, number: int, *, required: bool) -> date | None:
    items = rec.items(number)
    if not items or not items[0][0]:
        if required:
            raise TransactionFormatError(rec.where(number), "mandatory field is missing")
        return None
    text = items[0][0]
    if len(text) != 8 or not text.isdigit():
        raise TransactionFormatError(rec.where(number), f"date must be CCYYMMDD (got {text[:12]!r})")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise TransactionFormatError(rec.where(number), f"{text} is not a calendar date") from None


def _subject(t2: TaggedRecord) -> Subject:
    name = t2.text(18)
    if not name or not name.strip():
        raise TransactionFormatError(t2.where(18), "mandatory field is missing")
    last, _, given = name.partition(",")
    first, _, middle = given.strip().partition(" ")
    if not last.strip():
        raise TransactionFormatError(t2.where(18), f"name must be 'LAST,FIRST MIDDLE' (got {name[:40]!r})")
    sex_text = (t2.text(24) or "U").strip().upper() or "U"
    try:
        sex = Sex(sex_text)
    except ValueError:
        raise TransactionFormatError(t2.where(24), f"sex code {sex_text[:4]!r} is not M, F, X or U") from None
    pob = (t2.text(20) or "").strip() or None
    return Subject(
        last_name=last.strip(),
        first_name=first.strip(),
        middle_name=middle.strip(),
        date_of_birth=_date(t2, 22, required=False),
        sex=sex,
        place_of_birth=pob,
    )


def _charges(t2: TaggedRecord) -> tuple[Charge, ...]:
    items = t2.items(47)
    if not items:
        raise TransactionFormatError(t2.where(47), "mandatory field is missing: a booking needs its arrest charges")
    out: list[Charge] = []
    for k, sub in enumerate(items, start=1):
        literal = sub[1] if len(sub) > 1 else sub[0]
        if len(sub) > 2:
            raise TransactionFormatError(t2.where(47), f"subfield {k} must be DOO US AOL")
        m = _NCIC_PREFIX.match(literal)
        if m:
            out.append(Charge(ncic_code=m.group(1), description=m.group(2).strip()))
        else:
            out.append(Charge(ncic_code=UNKNOWN_OFFENSE, description=literal.strip()))
    return tuple(out)


def _fingers(txn: Transaction) -> tuple[FingerImpression, ...]:
    """One impression per finger 1-10, rolled over plain; a finger with neither is cut from its slap."""
    chosen: dict[int, FingerImageRecord] = {}
    slaps: list[FingerImageRecord] = []
    for img in finger_image_records(txn):
        if len(img.positions) == 1 and img.position in SLAP_POSITIONS and img.impression in PLAIN_IMPRESSIONS:
            slaps.append(img)
            continue
        if len(img.positions) != 1 or img.impression not in ROLLED_IMPRESSIONS | PLAIN_IMPRESSIONS:
            continue
        finger = PLAIN_THUMBS.get(img.position, img.position)
        if not 1 <= finger <= 10:
            continue
        if img.position in PLAIN_THUMBS and img.impression in ROLLED_IMPRESSIONS:
            continue  # a "rolled plain thumb" is contradictory; ignore rather than guess
        rolled = img.impression in ROLLED_IMPRESSIONS
        held = chosen.get(finger)
        if held is None or (rolled and held.impression not in ROLLED_IMPRESSIONS):
            chosen[finger] = img
    out: dict[int, FingerImpression] = {}
    for finger in sorted(chosen):
        img = chosen[finger]
        out[finger] = FingerImpression(
            position=FingerPosition(finger),
            image=decode_image(img),
            ppi=_scale(img),
            impression=ImpressionType(img.impression),
        )
    for img in slaps:
        if all(int(f) in out for f in SLAP_FINGERS[img.position]):
            continue  # every finger it shows has an image of its own: nothing to cut
        try:
            cuts = segment_slap(decode_image(img), img.position, _scale(img))
        except ImageError:
            continue  # the fingers stay missing; the submission's finger count decides
        for cut in cuts:
            out.setdefault(int(cut.position), FingerImpression(
                position=cut.position, image=cut.image, ppi=REFERENCE_PPI, impression=ImpressionType(img.impression)))
    return tuple(out[f] for f in sorted(out))


def _scale(img: FingerImageRecord) -> int:
    if img.ppi is None:
        from scomm.nist.fields import where

        field = 8 if img.record_type != 4 else 5
        raise TransactionFormatError(where(img.record_index, img.record_type, field), "the image gives no scale: its resolution is unknown")
    return img.ppi


# --- the other way: a booking as a CAR transaction ------------------------------------------


def type2_for_booking(subject: Subject, arrest_date: date, charges: Sequence[Charge], *, cri: str | None = None) -> TaggedRecord:
    """The EBTS Type-2 record of a booking: NAM, POB, DOB, SEX, DOA, ASL (and CRI if given)."""
    t2 = TaggedRecord(2, [Field(1, b"0")])
    t2.set(2, "00")
    given = " ".join(p for p in (subject.first_name, subject.middle_name) if p)
    t2.set(18, f"{subject.last_name},{given}" if given else subject.last_name)
    if subject.place_of_birth:
        t2.set(20, subject.place_of_birth)
    if subject.date_of_birth:
        t2.set(22, subject.date_of_birth.strftime("%Y%m%d"))
    t2.set(24, subject.sex.value)
    t2.set(45, arrest_date.strftime("%Y%m%d"))
    t2.set(47, [["", f"{c.ncic_code} {c.description}".strip()] for c in charges])
    if cri:
        t2.set(73, cri)
    return t2


def car_from_tenprint(
    txn: Transaction,
    *,
    tcn: str,
    subject: Subject,
    arrest_date: date,
    charges: Sequence[Charge],
    cri: str | None = None,
) -> Transaction:
    """A CAR made from another ten-print transaction: TOT and TCN set, its Type-2 replaced by a
    booking's, every image record kept byte for byte (how the demo turns the NIST card, an
    amnesia inquiry, into an arrest)."""
    type2s = txn.tagged(2)
    if len(type2s) > 1:
        raise TransactionFormatError("record 2 (Type-2)", f"expected at most one Type-2 record, found {len(type2s)}")
    t2 = type2_for_booking(subject, arrest_date, charges, cri=cri)
    records = list(txn.records)
    if type2s:
        records[records.index(type2s[0])] = t2
    else:
        records.insert(1, t2)
    out = Transaction(records)
    out.type1.set(4, "CAR")
    out.type1.set(9, tcn)
    out.type1.set(3, content_field(out.content_list()))
    return out


def booking_transaction(
    sub: BookingSubmission,
    *,
    dai: str = DEFAULT_DAI,
    version: str = DEFAULT_VERSION,
    dat: date | None = None,
) -> Transaction:
    """A CAR transaction for a booking (for the simulator and tests); images are WSQ encoded."""
    submitted = dat or sub.submitted_on or sub.arrest_date
    t1 = TaggedRecord(1, [Field(1, b"0")])
    t1.set(2, version)
    t1.set(3, content_field([]))
    t1.set(4, "CAR")
    t1.set(5, submitted.strftime("%Y%m%d"))
    t1.set(7, dai)
    t1.set(8, sub.ori)
    t1.set(9, sub.tcn)
    t1.set(11, "00.00")
    t1.set(12, "00.00")
    txn = Transaction([t1])
    t2 = type2_for_booking(sub.subject, sub.arrest_date, sub.charges)
    txn.append(t2)
    for f in sub.fingers:
        if f.image is None:
            raise TransactionFormatError(f"finger {int(f.position)}", "has no image: a CAR carries images, not templates")
        rec = TaggedRecord(14, [Field(1, b"0")])
        rec.set(2, f"{len(txn.records) - 1:02d}")
        rec.set(3, str(int(f.impression)))
        rec.set(4, sub.ori)
        rec.set(5, submitted.strftime("%Y%m%d"))
        rec.set(6, str(f.image.shape[1]))
        rec.set(7, str(f.image.shape[0]))
        rec.set(8, "1")
        rec.set(9, str(f.ppi))
        rec.set(10, str(f.ppi))
        rec.set(11, "WSQ20")
        rec.set(12, "8")
        rec.set(13, str(int(f.position)))
        rec.set(999, encode_wsq(f.image))
        txn.append(rec)
    return txn
