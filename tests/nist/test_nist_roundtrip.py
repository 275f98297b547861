"""Property: any transaction the writer produces reads back to the same fields and bytes."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scomm.nist.images import decode_image, finger_image_records
from scomm.nist.parameters import SUPPORTED_VERSIONS
from scomm.nist.reader import read_transaction
from scomm.nist.transaction import BinaryRecord, Field, TaggedRecord, Transaction, content_field
from scomm.nist.writer import write_transaction

SEPARATORS = "\x1c\x1d\x1e\x1f"
text = st.text(st.characters(blacklist_characters=SEPARATORS, blacklist_categories=("Cs",)), max_size=20)
structured = st.lists(st.lists(text, min_size=1, max_size=3), min_size=1, max_size=3)


@st.composite
def tagged_text_record(draw: st.DrawFn, rtype: int, idc: int) -> TaggedRecord:
    rec = TaggedRecord(rtype, [Field(1, b"0")])
    rec.set(2, f"{idc:02d}")
    if rtype == 9:
        rec.set(3, "1")
        rec.set(4, "U")  # user-defined minutiae: free content
    numbers = draw(st.lists(st.integers(3, 2000), unique=True, max_size=8))
    for n in numbers:
        if n not in rec:
            rec.set(n, draw(structured))
    return rec


@st.composite
def image(draw: st.DrawFn) -> tuple[int, int, bytes]:
    w, h = draw(st.integers(8, 24)), draw(st.integers(8, 24))
    return w, h, draw(st.binary(min_size=w * h, max_size=w * h))


@st.composite
def transactions(draw: st.DrawFn) -> Transaction:
    t1 = TaggedRecord(1, [Field(1, b"0")])
    t1.set(2, draw(st.sampled_from(sorted(SUPPORTED_VERSIONS))))
    t1.set(3, content_field([]))
    for n, value in ((4, "CAR"), (5, "20240101"), (7, "DCSCOMM00"), (8, "MA0130100"), (11, "19.69"), (12, "19.69")):
        t1.set(n, value)
    t1.set(9, draw(text.filter(bool)))
    if draw(st.booleans()):
        t1.set(13, [["NORAM", ""]])  # an empty trailing item, as the NIST sample has
    txn = Transaction([t1])
    txn.append(draw(tagged_text_record(2, 0)))
    positions = draw(st.lists(st.integers(1, 10), unique=True, max_size=4))
    for k, pos in enumerate(positions, start=1):
        w, h, pixels = draw(image())
        kind = draw(st.sampled_from([4, 14, 13]))
        if kind == 4:
            txn.append(BinaryRecord(k, 1, (pos,), draw(st.integers(0, 1)), w, h, 0, pixels))
            continue
        rec = TaggedRecord(kind, [Field(1, b"0")])
        for n, value in ((2, f"{k:02d}"), (3, "4" if kind == 13 else "1"), (4, "MA0130100"), (5, "20240101"),
                         (6, str(w)), (7, str(h)), (8, "1"), (9, "500"), (10, "500"), (11, "NONE"), (12, "8"),
                         (13, str(pos))):
            rec.set(n, value)
        rec.set(999, pixels)
        txn.append(rec)
    if draw(st.booleans()):
        txn.append(draw(tagged_text_record(9, 50)))
    return txn


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions())
def test_written_transactions_read_back_identically(txn: Transaction) -> None:
    data = write_transaction(txn)
    again = read_transaction(data)
    assert write_transaction(again) == data
    assert [r.type for r in again] == [r.type for r in txn]
    for a, b in zip(again.records, txn.records):
        if isinstance(a, TaggedRecord):
            assert isinstance(b, TaggedRecord)
            assert [(f.number, f.value) for f in a.fields[1:]] == [(f.number, f.value) for f in b.fields[1:]]
        else:
            assert isinstance(b, BinaryRecord) and (a.fgp[0], a.data) == (b.fgp[0], b.data)
    for img in finger_image_records(again):
        pixels = decode_image(img)
        assert pixels.shape == (img.height, img.width)
        assert pixels.tobytes() == img.data and np.asarray(pixels).dtype == np.uint8


def test_non_canonical_tags_are_kept() -> None:
    data = (b"1.001:99\x1d1.2:0300\x1d1.003:1\x1f0\x1d1.04:CAR\x1d1.005:20240101\x1d1.007:X\x1d"
            b"1.008:MA0130100\x1d1.009:T\x1d1.011:00.00\x1d1.012:00.00\x1c")
    data = data.replace(b"1.001:99", b"1.001:%d" % (len(data) + 1))  # 99 -> a 3-digit length
    txn = read_transaction(data)
    assert txn.version == "0300" and txn.tot == "CAR"
    assert write_transaction(txn) == data
