"""Checks beyond the syntax: what an image record says must make sense before anyone uses it.

The reader runs these after the structure is known good. They stay cheap (no pixel
decoding): decoding is a separate, explicit step (:func:`check_images_decode`).
"""

from __future__ import annotations

from scomm.errors import TransactionFormatError
from scomm.nist.images import (
    FingerImageRecord,
    check_image_size,
    decode_image,
    finger_image_records,
    wsq_size,
)
from scomm.nist.transaction import Transaction

VALID_FGP = frozenset(range(21)) | frozenset(range(40, 51))
"""Finger positions of ANSI/NIST-ITL 1-2011 Table 8: 0-10 fingers, 11-15 plain and slap
images, 16-20 EJI/tips; 40-50 finger segments."""
ROLLED_IMPRESSIONS = frozenset({1, 3})
PLAIN_IMPRESSIONS = frozenset({0, 2})


def fgp_field(img: FingerImageRecord) -> int:
    """Number of the finger position field in the image's record type."""
    return 4 if img.record_type == 4 else 13


def validate_transaction(txn: Transaction) -> None:
    """Image records: sizes, positions and compression headers agree; no finger twice.
    Type-9 standard minutiae blocks are read in full."""
    from scomm.nist.fields import where

    _check_minutiae(txn)
    seen: dict[tuple[int, bool], int] = {}
    for img in finger_image_records(txn):
        loc_fgp = where(img.record_index, img.record_type, fgp_field(img))
        if not img.positions:
            raise TransactionFormatError(loc_fgp, "no finger position given")
        for p in img.positions:
            if p not in VALID_FGP:
                raise TransactionFormatError(loc_fgp, f"finger position {p} is not defined")
        if not 0 <= img.impression <= 99:
            raise TransactionFormatError(where(img.record_index, img.record_type, 3), f"impression type {img.impression} is not defined")
        if img.width <= 0 or img.height <= 0:
            raise TransactionFormatError(where(img.record_index, img.record_type, 6), f"image size {img.width}x{img.height} is empty")
        check_image_size(img.width, img.height, img.where)
        if img.compression in ("WSQ", "WSQ20"):
            w, h = wsq_size(img.data, img.where)
            if (w, h) != (img.width, img.height):
                raise TransactionFormatError(img.where, f"WSQ frame is {w}x{h} but the record says {img.width}x{img.height}")
        if img.impression in ROLLED_IMPRESSIONS | PLAIN_IMPRESSIONS and len(img.positions) == 1:
            key = (img.position, img.impression in ROLLED_IMPRESSIONS)
            if img.position != 0 and key in seen:
                kind = "rolled" if key[1] else "plain"
                raise TransactionFormatError(
                    loc_fgp, f"finger position {img.position} ({kind}) repeats record {seen[key]}"
                )
            seen[key] = img.record_index


def _check_minutiae(txn: Transaction) -> None:
    from scomm.nist.minutiae import read_standard_minutiae

    for rec in txn.tagged(9):
        if (rec.text(4) or "").strip() == "S":
            read_standard_minutiae(rec)


def check_images_decode(txn: Transaction) -> None:
    """Decode every image once; the first that fails raises, naming its data field."""
    for img in finger_image_records(txn):
        decode_image(img)
