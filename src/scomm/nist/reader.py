"""Reading ANSI/NIST-ITL traditional encoding, strictly and in bounded memory.

The reader trusts nothing it has not checked: every length is compared with the
bytes actually present before anything is sliced (a LEN claiming 4 GB is refused,
never allocated), every scan for a separator is bounded, and every loop advances,
so no input can make it hang. Anything malformed raises
:class:`~scomm.errors.TransactionFormatError` naming the record and field.

The 1.003 CNT content list drives the parse: it is the only way to know where the
binary Type-4 records are, and each record read must agree with it.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

from scomm.errors import TransactionFormatError
from scomm.nist.fields import MANDATORY, where
from scomm.nist.parameters import (
    BINARY_TYPES,
    FS,
    GS,
    IMAGE_DATA_FIELD,
    IMAGE_DATA_TYPES,
    MAX_LEN_DIGITS,
    MAX_RECORDS,
    MAX_TAG_BYTES,
    MAX_TRANSACTION_BYTES,
    SUPPORTED_VERSIONS,
    TAGGED_TYPES,
    TYPE4_HEADER_BYTES,
)
from scomm.nist.transaction import BinaryRecord, Field, TaggedRecord, Transaction

_TAG = re.compile(rb"^(\d{1,2})\.(\d{1,9})$")
_DIGITS = re.compile(r"^\d{1,4}$")


def read_transaction(data: bytes | bytearray | memoryview, *, validate: bool = True) -> Transaction:
    """Parse a whole transaction; raise TransactionFormatError on the first defect found.

    With ``validate`` (the default) the image records are also checked for sense
    (:func:`scomm.nist.validation.validate_transaction`); pixels are not decoded.
    """
    buf = bytes(data)
    if len(buf) > MAX_TRANSACTION_BYTES:
        raise TransactionFormatError("transaction", f"{len(buf)} bytes exceeds the {MAX_TRANSACTION_BYTES}-byte limit")
    if not buf:
        raise TransactionFormatError("record 1 (Type-1)", "the transaction is empty")
    type1, pos = _read_tagged(buf, 0, 1, 1)
    _check_version(type1)
    content = _content_list(type1)
    records: list[TaggedRecord | BinaryRecord] = [type1]
    for index, (rtype, idc) in enumerate(content, start=2):
        if pos >= len(buf):
            raise TransactionFormatError(
                where(index, rtype), f"missing: 1.003 CNT lists {len(content) + 1} records, the file ends after {index - 1} (truncated?)"
            )
        rec: TaggedRecord | BinaryRecord
        if rtype in BINARY_TYPES:
            rec, pos = _read_type4(buf, pos, index)
            if rec.idc != idc:
                raise TransactionFormatError(rec.where(2), f"IDC {rec.idc} disagrees with 1.003 CNT, which lists IDC {idc}")
        else:
            rec, pos = _read_tagged(buf, pos, index, rtype)
            _check_idc(rec, idc)
        _check_mandatory(rec)
        records.append(rec)
    if pos != len(buf):
        raise TransactionFormatError(
            "record 1 (Type-1) field 1.003 CNT",
            f"lists {len(content) + 1} records but {len(buf) - pos} bytes follow the last of them",
        )
    txn = Transaction(records)
    if validate:
        from scomm.nist.validation import validate_transaction

        validate_transaction(txn)
    return txn


def read_type1(data: bytes | bytearray | memoryview) -> TaggedRecord:
    """Only the Type-1 record: enough to address an error response when the rest is broken."""
    buf = bytes(data[:MAX_TRANSACTION_BYTES])
    if not buf:
        raise TransactionFormatError("record 1 (Type-1)", "the transaction is empty")
    record, _ = _read_tagged(buf, 0, 1, 1)
    return record


def read_transaction_file(path: str | os.PathLike[str], *, validate: bool = True) -> Transaction:
    """Read a transaction from a file, refusing files over the size limit before reading them."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_TRANSACTION_BYTES:
            raise TransactionFormatError(str(p), f"{size} bytes exceeds the {MAX_TRANSACTION_BYTES}-byte limit")
        data = p.read_bytes()
    except OSError as exc:
        raise TransactionFormatError(str(p), f"cannot be read: {exc.strerror or exc}") from None
    return read_transaction(data, validate=validate)


# --- records ------------------------------------------------------------------------------


def _read_tagged(buf: bytes, pos: int, index: int, rtype: int) -> tuple[TaggedRecord, int]:
    """One tagged record starting at ``pos``: its LEN bounds it, FS must end it."""
    if rtype not in TAGGED_TYPES:
        raise TransactionFormatError(where(index, rtype), f"record type {rtype} is not supported")
    length = _record_length(buf, pos, index, rtype)
    end = pos + length
    if buf[end - 1] != FS:
        raise TransactionFormatError(
            where(index, rtype, 1), f"record of {length} bytes does not end with the FS separator (wrong LEN?)"
        )
    record = TaggedRecord(rtype, _fields(buf[pos : end - 1], index, rtype), index)
    return record, end


def _record_length(buf: bytes, pos: int, index: int, rtype: int) -> int:
    """Read and check the x.001 LEN field at the start of a tagged record."""
    loc = where(index, rtype, 1)
    colon = buf.find(b":", pos, pos + MAX_TAG_BYTES + 1)
    if colon < 0:
        raise TransactionFormatError(loc, f"expected the tag '{rtype}.001:' at byte {pos}, found {buf[pos:pos + 12]!r}")
    number = _parse_tag(buf[pos:colon], index, rtype)
    if number != 1:
        raise TransactionFormatError(loc, f"the first field must be {rtype}.001 LEN, found {buf[pos:colon]!r}")
    gs = buf.find(bytes([GS]), colon + 1, colon + 2 + MAX_LEN_DIGITS)
    raw = buf[colon + 1 : gs] if gs >= 0 else buf[colon + 1 : colon + 2 + MAX_LEN_DIGITS]
    if gs < 0 or not raw.isdigit():
        raise TransactionFormatError(loc, f"must be 1-{MAX_LEN_DIGITS} digits followed by GS (got {raw[:12]!r})")
    length = int(raw)
    remaining = len(buf) - pos
    if length > remaining:
        raise TransactionFormatError(loc, f"claims {length} bytes but only {remaining} remain (truncated file or wrong LEN)")
    if length < gs - pos + 2:
        raise TransactionFormatError(loc, f"claims {length} bytes, shorter than the LEN field itself")
    return length


def _parse_tag(tag: bytes, index: int, rtype: int) -> int:
    m = _TAG.match(tag)
    if m is None:
        raise TransactionFormatError(where(index, rtype), f"malformed field tag {tag[:MAX_TAG_BYTES]!r} (want '{rtype}.NNN')")
    if int(m.group(1)) != rtype:
        raise TransactionFormatError(
            where(index, rtype), f"field tag {tag.decode('ascii')!r} belongs to Type-{int(m.group(1))}, not Type-{rtype}"
        )
    return int(m.group(2))


def _fields(body: bytes, index: int, rtype: int) -> list[Field]:
    """Split a record body (FS removed) into fields; binary field 999 runs to the end."""
    out: list[Field] = []
    seen: set[int] = set()
    pos = 0
    n = len(body)
    while pos < n:
        colon = body.find(b":", pos, pos + MAX_TAG_BYTES + 1)
        if colon < 0:
            after = f" after field {out[-1].number:03d}" if out else ""
            raise TransactionFormatError(where(index, rtype), f"field{after} has no 'T.FFF:' tag (found {body[pos:pos + 12]!r})")
        tag = body[pos:colon]
        number = _parse_tag(tag, index, rtype)
        if number in seen:
            raise TransactionFormatError(where(index, rtype, number), "appears twice in the record")
        seen.add(number)
        if number == IMAGE_DATA_FIELD and rtype in IMAGE_DATA_TYPES:
            value = body[colon + 1 :]
            pos = n
        else:
            gs = body.find(bytes([GS]), colon + 1)
            stop = n if gs < 0 else gs
            value = body[colon + 1 : stop]
            if FS in value:
                raise TransactionFormatError(where(index, rtype, number), "contains the FS separator: the record's LEN is wrong")
            if gs == n - 1:
                raise TransactionFormatError(where(index, rtype, number), "is followed by a GS with no field after it")
            pos = stop + 1 if gs >= 0 else n
        canonical = f"{rtype}.{number:03d}".encode()
        out.append(Field(number, value, None if tag == canonical else tag))
    return out


def _read_type4(buf: bytes, pos: int, index: int) -> tuple[BinaryRecord, int]:
    """A binary Type-4 record: 18-byte big-endian header, then image bytes up to LEN."""
    remaining = len(buf) - pos
    if remaining < TYPE4_HEADER_BYTES:
        raise TransactionFormatError(where(index, 4, 1), f"only {remaining} bytes remain, a Type-4 header needs {TYPE4_HEADER_BYTES}")
    length, idc, imp = struct.unpack_from(">IBB", buf, pos)
    fgp = tuple(buf[pos + 6 : pos + 12])
    isr, hll, vll, gca = struct.unpack_from(">BHHB", buf, pos + 12)
    if length > remaining:
        raise TransactionFormatError(where(index, 4, 1), f"claims {length} bytes but only {remaining} remain (truncated file or wrong LEN)")
    if length <= TYPE4_HEADER_BYTES:
        raise TransactionFormatError(where(index, 4, 1), f"claims {length} bytes: no room for image data after the header")
    rec = BinaryRecord(idc, imp, fgp, isr, hll, vll, gca, buf[pos + TYPE4_HEADER_BYTES : pos + length], index)
    return rec, pos + length


# --- Type-1 checks --------------------------------------------------------------------------


def _check_version(type1: TaggedRecord) -> None:
    _check_mandatory(type1)
    ver = type1.text(2) or ""
    if ver not in SUPPORTED_VERSIONS:
        raise TransactionFormatError(type1.where(2), f"version {ver!r} is not supported (want one of {', '.join(sorted(SUPPORTED_VERSIONS))})")


def _content_list(type1: TaggedRecord) -> list[tuple[int, int]]:
    """(type, IDC) of each record after Type-1, from 1.003 CNT, checked for form."""
    loc = type1.where(3)
    items = type1.items(3) or []
    first = items[0]
    if len(first) != 2 or first[0] != "1" or not first[1].isdigit():
        raise TransactionFormatError(loc, f"first subfield must be '1' US <count> (got {'/'.join(first)[:20]!r})")
    count = int(first[1]) if len(first[1]) <= 6 else MAX_RECORDS + 1
    if count > MAX_RECORDS:
        raise TransactionFormatError(loc, f"lists {first[1][:12]} records, more than the {MAX_RECORDS} accepted")
    if count != len(items) - 1:
        raise TransactionFormatError(loc, f"says {count} records follow Type-1 but lists {len(items) - 1}")
    out: list[tuple[int, int]] = []
    for k, sub in enumerate(items[1:], start=2):
        if len(sub) != 2 or not _DIGITS.match(sub[0]) or not _DIGITS.match(sub[1]):
            raise TransactionFormatError(loc, f"subfield {k} must be <record type> US <IDC> (got {'/'.join(sub)[:20]!r})")
        rtype = int(sub[0])
        if rtype == 1:
            raise TransactionFormatError(loc, f"subfield {k} lists a second Type-1 record")
        if rtype not in TAGGED_TYPES and rtype not in BINARY_TYPES:
            raise TransactionFormatError(loc, f"subfield {k} lists record type {rtype}, which scomm does not read")
        out.append((rtype, int(sub[1])))
    return out


def _check_idc(rec: TaggedRecord, listed: int) -> None:
    if 2 not in rec:
        raise TransactionFormatError(rec.where(2), "mandatory field is missing")
    idc = rec.integer(2)
    if idc != listed:
        raise TransactionFormatError(rec.where(2), f"IDC {idc} disagrees with 1.003 CNT, which lists IDC {listed}")


def _check_mandatory(rec: TaggedRecord | BinaryRecord) -> None:
    if not isinstance(rec, TaggedRecord):
        return
    for number in MANDATORY.get(rec.type, (1, 2)):
        if number not in rec:
            raise TransactionFormatError(rec.where(number), "mandatory field is missing")
