"""An ANSI/NIST-ITL transaction in memory: records of fields, kept as the bytes that were read.

Field values stay raw bytes (separators included) so that reading then writing a
conforming file gives back the same bytes: nothing is normalised on the way in.
Structured views (subfields, items, text) are computed on demand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from scomm.errors import TransactionFormatError
from scomm.nist.fields import where
from scomm.nist.parameters import RS, US

FieldValue = bytes | str | Sequence[Sequence[str]]
"""What a field may be set to: raw bytes, one text item, or subfields of items."""


def encode_value(value: FieldValue) -> bytes:
    """Raw bytes of a field: subfields joined by RS, their items by US, text as UTF-8."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes([RS]).join(
        bytes([US]).join(item.encode("utf-8") for item in sub) for sub in value
    )


@dataclass(frozen=True)
class Field:
    """One field of a tagged record: its number and raw value (``tag`` only if non-canonical)."""

    number: int
    value: bytes
    tag: bytes | None = None

    def subfields(self) -> list[list[bytes]]:
        """Items of each subfield, split on RS then US (not meaningful for binary data)."""
        return [sub.split(bytes([US])) for sub in self.value.split(bytes([RS]))]


@dataclass(eq=False)
class TaggedRecord:
    """A record of tagged fields ``T.FFF:value``; ``index`` is its place in the file, from 1."""

    type: int
    fields: list[Field] = field(default_factory=list)
    index: int = 0

    def get(self, number: int) -> Field | None:
        for f in self.fields:
            if f.number == number:
                return f
        return None

    def __contains__(self, number: object) -> bool:
        return any(f.number == number for f in self.fields)

    def value(self, number: int) -> bytes | None:
        f = self.get(number)
        return None if f is None else f.value

    def where(self, number: int | None = None) -> str:
        return where(self.index, self.type, number)

    def text(self, number: int) -> str | None:
        """The field as UTF-8 text (ASCII is a subset), or None if the field is absent."""
        raw = self.value(number)
        if raw is None:
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TransactionFormatError(self.where(number), f"is not valid UTF-8 text ({exc.reason})") from None

    def items(self, number: int) -> list[list[str]] | None:
        """Subfields of text items, or None if the field is absent."""
        txt = self.text(number)
        if txt is None:
            return None
        return [sub.split(chr(US)) for sub in txt.split(chr(RS))]

    def integer(self, number: int) -> int:
        """A mandatory all-digit field as an int; a missing or non-numeric value is an error."""
        raw = self.value(number)
        if raw is None:
            raise TransactionFormatError(self.where(number), "mandatory field is missing")
        if not raw.isdigit() or len(raw) > 12:
            raise TransactionFormatError(self.where(number), f"must be an unsigned integer (got {raw[:20]!r})")
        return int(raw)

    def set(self, number: int, value: FieldValue) -> None:
        """Replace a field, or insert it before the first field with a larger number."""
        new = Field(number, encode_value(value))
        for i, f in enumerate(self.fields):
            if f.number == number:
                self.fields[i] = new
                return
        pos = next((i for i, f in enumerate(self.fields) if f.number > number), len(self.fields))
        self.fields.insert(pos, new)

    def remove(self, number: int) -> None:
        self.fields = [f for f in self.fields if f.number != number]

    @property
    def idc(self) -> int:
        """Information designation character (field 002) of Types 2 and up."""
        return self.integer(2)


@dataclass(eq=False)
class BinaryRecord:
    """A Type-4 record: fixed 18-byte header then the image bytes (no separators)."""

    idc: int
    imp: int
    fgp: tuple[int, ...]
    isr: int
    hll: int
    vll: int
    gca: int
    data: bytes
    index: int = 0
    type: int = 4

    def where(self, number: int | None = None) -> str:
        return where(self.index, self.type, number)


Record = TaggedRecord | BinaryRecord


@dataclass(eq=False)
class Transaction:
    """A whole transaction: the Type-1 record first, then the records its CNT lists."""

    records: list[Record]

    def __post_init__(self) -> None:
        self.renumber()

    def renumber(self) -> None:
        for i, rec in enumerate(self.records, start=1):
            rec.index = i

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    @property
    def type1(self) -> TaggedRecord:
        first = self.records[0] if self.records else None
        if not isinstance(first, TaggedRecord) or first.type != 1:
            raise TransactionFormatError("record 1 (Type-1)", "a transaction must start with its Type-1 record")
        return first

    def of_type(self, record_type: int) -> list[Record]:
        return [r for r in self.records if r.type == record_type]

    def tagged(self, record_type: int) -> list[TaggedRecord]:
        return [r for r in self.records if isinstance(r, TaggedRecord) and r.type == record_type]

    @property
    def version(self) -> str:
        return self.type1.text(2) or ""

    @property
    def tot(self) -> str:
        return self.type1.text(4) or ""

    @property
    def tcn(self) -> str:
        return self.type1.text(9) or ""

    @property
    def ori(self) -> str:
        return self.type1.text(8) or ""

    def content_list(self) -> list[tuple[int, int]]:
        """(record type, IDC) of every record after Type-1, as 1.003 CNT must list them."""
        out: list[tuple[int, int]] = []
        for rec in self.records[1:]:
            out.append((rec.type, rec.idc))
        return out

    def append(self, record: Record) -> None:
        """Add a record and update 1.003 CNT to list it (IDC written with two digits)."""
        self.records.append(record)
        self.renumber()
        self.type1.set(3, content_field(self.content_list()))


def content_field(content: Sequence[tuple[int, int]]) -> list[list[str]]:
    """The 1.003 CNT subfields for records after Type-1: ``1 US n`` then ``type US IDC``."""
    subs = [["1", str(len(content))]]
    subs.extend([str(t), f"{idc:02d}"] for t, idc in content)
    return subs
