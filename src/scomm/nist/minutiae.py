"""The Type-9 standard minutiae block (fields 9.005-9.012, format 'S'), read and written strictly.

Values stay in the record's own units (0.01 mm, whole degrees) and coordinate frame:
scomm extracts its own templates from the images, and converting this legacy frame
into scomm's :class:`~scomm.biometrics.template.Template` needs a convention (origin
corner, angle direction) that docs/nist.md lists as not yet verified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scomm.errors import TransactionFormatError
from scomm.nist.transaction import Field, TaggedRecord

MINUTIA_TYPES = frozenset("ABCD")
"""A ridge ending, B bifurcation, C compound, D type undetermined."""
_XYT = re.compile(r"^\d{11}$")
_XY = re.compile(r"^\d{8}$")
_RIDGE_COUNT = re.compile(r"^(\d{1,4}),(\d{1,2})$")


@dataclass(frozen=True)
class StandardMinutia:
    index: int
    x: int
    """0.01 mm units."""
    y: int
    theta: int
    """Degrees, 0-359."""
    quality: int
    """0 (manual) or 1-63."""
    kind: str
    ridge_counts: tuple[tuple[int, int], ...] = ()
    """(neighbour index, ridge count) pairs."""


@dataclass(frozen=True)
class StandardMinutiae:
    positions: tuple[int, ...]
    minutiae: tuple[StandardMinutia, ...]
    cores: tuple[tuple[int, int], ...] = ()
    deltas: tuple[tuple[int, int], ...] = ()
    reading_system: str = ""


def read_standard_minutiae(rec: TaggedRecord) -> StandardMinutiae:
    """Fields 9.005-9.012 of a Type-9 record whose 9.004 FMT is 'S'."""
    if rec.type != 9:
        raise TransactionFormatError(rec.where(), "is not a Type-9 record")
    fmt = (rec.text(4) or "").strip()
    if fmt != "S":
        raise TransactionFormatError(rec.where(4), f"format {fmt!r} is not the standard block 'S'")
    positions = tuple(_int(rec, 6, sub[0], 0, 20) for sub in rec.items(6) or [])
    if not positions:
        raise TransactionFormatError(rec.where(6), "mandatory field is missing")
    if 10 not in rec:
        raise TransactionFormatError(rec.where(10), "mandatory field is missing")
    count = _int(rec, 10, rec.text(10) or "", 0, 9999)
    out: list[StandardMinutia] = []
    for k, sub in enumerate(rec.items(12) or [], start=1):
        if len(sub) < 4:
            raise TransactionFormatError(rec.where(12), f"minutia {k} needs index, XXXXYYYYTTT, quality and type")
        xyt = sub[1]
        if not _XYT.match(xyt):
            raise TransactionFormatError(rec.where(12), f"minutia {k} position must be 11 digits XXXXYYYYTTT (got {xyt[:16]!r})")
        theta = int(xyt[8:])
        if theta > 359:
            raise TransactionFormatError(rec.where(12), f"minutia {k} angle {theta} is over 359 degrees")
        kind = sub[3]
        if kind not in MINUTIA_TYPES:
            raise TransactionFormatError(rec.where(12), f"minutia {k} type {kind[:4]!r} is not A, B, C or D")
        counts: list[tuple[int, int]] = []
        for item in sub[4:]:
            m = _RIDGE_COUNT.match(item)
            if m is None:
                raise TransactionFormatError(rec.where(12), f"minutia {k} ridge count {item[:12]!r} is not 'index,count'")
            counts.append((int(m.group(1)), int(m.group(2))))
        out.append(
            StandardMinutia(
                _int(rec, 12, sub[0], 1, 9999), int(xyt[:4]), int(xyt[4:8]), theta,
                _int(rec, 12, sub[2], 0, 63), kind, tuple(counts),
            )
        )
    if len(out) != count:
        raise TransactionFormatError(rec.where(10), f"says {count} minutiae but 9.012 MRC holds {len(out)}")
    ofr = rec.items(5)
    return StandardMinutiae(
        positions=positions,
        minutiae=tuple(out),
        cores=_points(rec, 8),
        deltas=_points(rec, 9),
        reading_system=ofr[0][0] if ofr else "",
    )


def standard_minutiae_record(block: StandardMinutiae, idc: int, impression: int) -> TaggedRecord:
    """A Type-9 record carrying ``block`` in the standard format (for tests and exports)."""
    rec = TaggedRecord(9, [Field(1, b"0")])
    rec.set(2, f"{idc:02d}")
    rec.set(3, str(impression))
    rec.set(4, "S")
    rec.set(5, [[block.reading_system or "SCOMM", "A"]])
    rec.set(6, [[str(p)] for p in block.positions])
    rec.set(7, [["T", "UC"]])
    if block.cores:
        rec.set(8, [[f"{x:04d}{y:04d}"] for x, y in block.cores])
    if block.deltas:
        rec.set(9, [[f"{x:04d}{y:04d}"] for x, y in block.deltas])
    rec.set(10, str(len(block.minutiae)))
    rec.set(11, "1" if any(m.ridge_counts for m in block.minutiae) else "0")
    if block.minutiae:
        rec.set(12, [
            [str(m.index), f"{m.x:04d}{m.y:04d}{m.theta:03d}", str(m.quality), m.kind]
            + [f"{n},{c}" for n, c in m.ridge_counts]
            for m in block.minutiae
        ])
    return rec


def _int(rec: TaggedRecord, number: int, text: str, low: int, high: int) -> int:
    if not text.isdigit() or len(text) > 5 or not low <= int(text) <= high:
        raise TransactionFormatError(rec.where(number), f"must be a number from {low} to {high} (got {text[:12]!r})")
    return int(text)


def _points(rec: TaggedRecord, number: int) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for sub in rec.items(number) or []:
        if not _XY.match(sub[0]):
            raise TransactionFormatError(rec.where(number), f"position must be 8 digits XXXXYYYY (got {sub[0][:12]!r})")
        out.append((int(sub[0][:4]), int(sub[0][4:])))
    return tuple(out)
