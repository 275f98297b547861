"""The FBI-style sequence check of a ten-print transaction: rolled prints against its plain ones.

Reads the transaction's rolled single-finger images and its plain impressions
(plain thumbs and slaps, cut into fingertips), extracts both and runs
:func:`scomm.biometrics.sequence.sequence_check`. Kept apart from the booking
mapping because it costs about twenty extractions (seconds), which a bureau
spends once at intake, not on every read.
"""

from __future__ import annotations

from collections.abc import Mapping

from scomm.biometrics import extract, prepare
from scomm.biometrics.comparison import PreparedTemplate
from scomm.biometrics.sequence import SequenceCheck, sequence_check
from scomm.biometrics.slap import SLAP_FINGERS, segment_slap
from scomm.biometrics.template import FingerPosition, ImpressionType, Template
from scomm.errors import ImageError, TransactionFormatError
from scomm.nist.booking import PLAIN_IMPRESSIONS as PLAIN
from scomm.nist.booking import ROLLED_IMPRESSIONS as ROLLED
from scomm.nist.fields import where
from scomm.nist.images import FingerImageRecord, decode_image, finger_image_records
from scomm.nist.transaction import Transaction


def check_transaction_sequence(txn: Transaction,
                               rolled_templates: Mapping[FingerPosition, Template] | None = None) -> SequenceCheck | None:
    """The sequence check of a ten-print transaction; None when it has no plain impressions to check against.

    ``rolled_templates``: templates already extracted from this transaction's rolled
    prints (``scomm submit`` extracts the booking's fingers once for both); the
    rolled prints they cover are not extracted again.
    """
    given = rolled_templates or {}
    rolled_records: dict[FingerPosition, FingerImageRecord] = {}
    plain: dict[FingerPosition, PreparedTemplate] = {}
    for img in finger_image_records(txn):
        if len(img.positions) != 1:
            continue
        if img.impression in ROLLED and 1 <= img.position <= 10:
            rolled_records.setdefault(FingerPosition(img.position), img)
        elif img.impression in PLAIN and img.position in SLAP_FINGERS:
            try:
                cuts = segment_slap(decode_image(img), img.position, img.ppi or 500)
            except ImageError:
                continue  # an uncuttable slap confirms nothing; the rest still counts
            for cut in cuts:
                try:
                    plain[cut.position] = prepare(extract(cut.image, impression=ImpressionType(img.impression)))
                except ImageError:
                    continue
    rolled: dict[FingerPosition, PreparedTemplate] = {}
    for finger, img in rolled_records.items():
        if finger in plain and finger in given:
            rolled[finger] = prepare(given[finger])
        elif finger in plain:
            try:
                rolled[finger] = prepare(extract(decode_image(img), img.ppi or 500, finger, ImpressionType(img.impression)))
            except ImageError:
                continue
    if len(set(rolled) & set(plain)) < 2:
        return None
    return sequence_check(rolled, plain)


def require_sequence(txn: Transaction,
                     rolled_templates: Mapping[FingerPosition, Template] | None = None) -> SequenceCheck | None:
    """Run the sequence check and refuse the transaction, naming the misfiled records, when it fails."""
    result = check_transaction_sequence(txn, rolled_templates)
    if result is None or result.in_sequence:
        return result
    records = {img.position: img for img in finger_image_records(txn) if img.impression in ROLLED and len(img.positions) == 1}
    first = min(result.moved, key=int)
    img = records[int(first)]
    raise TransactionFormatError(where(img.record_index, img.record_type, 13 if img.record_type != 4 else 4),
                                 result.describe() + "; re-roll the card or correct the finger positions")
