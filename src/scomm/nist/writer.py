"""Writing ANSI/NIST-ITL traditional encoding.

The writer emits fields exactly as stored, so a transaction read from a conforming
file is written back byte for byte. It computes what must agree with the content
(each record's LEN) and refuses what cannot be right (a 1.003 CNT that does not list
the records present, separators inside a text field), so it never produces a file
that its own reader would reject for structure.
"""

from __future__ import annotations

import struct

from scomm.errors import TransactionFormatError
from scomm.nist.parameters import FS, GS, IMAGE_DATA_FIELD, IMAGE_DATA_TYPES, TYPE4_HEADER_BYTES
from scomm.nist.transaction import BinaryRecord, TaggedRecord, Transaction


def write_transaction(txn: Transaction) -> bytes:
    """The transaction as bytes; LEN fields computed, CNT checked against the records."""
    txn.renumber()
    type1 = txn.type1
    _check_content(txn)
    parts: list[bytes] = []
    for rec in txn.records:
        if rec is not type1 and rec.type == 1:
            raise TransactionFormatError(rec.where(), "a transaction has exactly one Type-1 record")
        if isinstance(rec, BinaryRecord):
            parts.append(_binary(rec))
        else:
            parts.append(_tagged(rec))
    return b"".join(parts)


def _check_content(txn: Transaction) -> None:
    type1 = txn.type1
    listed = type1.items(3)
    actual = txn.content_list()
    if listed is None:
        raise TransactionFormatError(type1.where(3), "mandatory field is missing")
    try:
        head = (listed[0][0], int(listed[0][1]))
        body = [(int(t), int(i)) for t, i in (sub[:2] for sub in listed[1:])]
    except (ValueError, IndexError):
        raise TransactionFormatError(type1.where(3), "is not a list of <type> US <IDC> subfields") from None
    if head != ("1", len(actual)) or body != actual:
        raise TransactionFormatError(
            type1.where(3), f"lists {body} but the transaction holds {actual}; set it with content_field()"
        )


def _tagged(rec: TaggedRecord) -> bytes:
    """Fields joined by GS, FS at the end, LEN (x.001) made to count the whole record."""
    if not rec.fields or rec.fields[0].number != 1:
        raise TransactionFormatError(rec.where(1), "the first field of a tagged record must be LEN")
    encoded: list[bytes] = []
    for f in rec.fields[1:]:
        tag = f.tag if f.tag is not None else f"{rec.type}.{f.number:03d}".encode()
        binary = f.number == IMAGE_DATA_FIELD and rec.type in IMAGE_DATA_TYPES
        if not binary and (GS in f.value or FS in f.value):
            raise TransactionFormatError(rec.where(f.number), "text contains a GS or FS separator")
        if binary and f is not rec.fields[-1]:
            raise TransactionFormatError(rec.where(f.number), "binary image data must be the last field")
        encoded.append(tag + b":" + f.value)
    rest = bytes([GS]).join(encoded)
    len_tag = rec.fields[0].tag if rec.fields[0].tag is not None else f"{rec.type}.001".encode()
    fixed = len(len_tag) + 1 + (1 if encoded else 0) + len(rest) + 1
    stored = rec.fields[0].value
    if stored.isdigit() and int(stored) == fixed + len(stored):
        digits = stored  # keep the file's own spelling of a correct length
    else:
        n = len(str(fixed))
        while len(str(fixed + n)) != n:
            n += 1
        digits = str(fixed + n).encode()
    sep = bytes([GS]) if encoded else b""
    return len_tag + b":" + digits + sep + rest + bytes([FS])


def _binary(rec: BinaryRecord) -> bytes:
    fgp = tuple(rec.fgp) + (255,) * (6 - len(rec.fgp))
    if len(fgp) != 6:
        raise TransactionFormatError(rec.where(4), f"a Type-4 record holds at most 6 finger positions, got {len(rec.fgp)}")
    length = TYPE4_HEADER_BYTES + len(rec.data)
    try:
        header = struct.pack(">IBB6BBHHB", length, rec.idc, rec.imp, *fgp, rec.isr, rec.hll, rec.vll, rec.gca)
    except struct.error as exc:
        raise TransactionFormatError(rec.where(), f"header value out of range ({exc})") from None
    return header + rec.data
