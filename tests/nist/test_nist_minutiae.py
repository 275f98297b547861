from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scomm.errors import TransactionFormatError
from scomm.nist.minutiae import (
    StandardMinutia,
    StandardMinutiae,
    read_standard_minutiae,
    standard_minutiae_record,
)
from scomm.nist.reader import read_transaction
from scomm.nist.transaction import Transaction
from scomm.nist.writer import write_transaction

minutia = st.builds(
    StandardMinutia,
    index=st.integers(1, 200),
    x=st.integers(0, 9999),
    y=st.integers(0, 9999),
    theta=st.integers(0, 359),
    quality=st.integers(0, 63),
    kind=st.sampled_from("ABCD"),
    ridge_counts=st.lists(st.tuples(st.integers(1, 200), st.integers(0, 99)), max_size=3).map(tuple),
)
blocks = st.builds(
    StandardMinutiae,
    positions=st.lists(st.integers(1, 10), min_size=1, max_size=2).map(tuple),
    minutiae=st.lists(minutia, max_size=30).map(tuple),
    cores=st.lists(st.tuples(st.integers(0, 9999), st.integers(0, 9999)), max_size=2).map(tuple),
    deltas=st.lists(st.tuples(st.integers(0, 9999), st.integers(0, 9999)), max_size=2).map(tuple),
    reading_system=st.just("SCOMM"),
)


@settings(max_examples=80, deadline=None)
@given(block=blocks)
def test_standard_minutiae_survive_a_transaction_round_trip(block: StandardMinutiae, sample_bytes_cached: bytes) -> None:
    txn = read_transaction(sample_bytes_cached)
    txn = Transaction(txn.records[:2])
    txn.append(standard_minutiae_record(block, idc=1, impression=3))
    again = read_transaction(write_transaction(txn))
    assert read_standard_minutiae(again.tagged(9)[0]) == block


@pytest.mark.parametrize(
    ("number", "value", "field"),
    [
        (10, "3", "9.010 MIN"),
        (12, "1\x1f012301230360\x1f10\x1fA", "9.012 MRC"),
        (12, "1\x1f01230123036\x1f10\x1fE", "9.012 MRC"),
        (12, "1\x1f0123012303\x1f10\x1fA", "9.012 MRC"),
    ],
)
def test_bad_minutiae_blocks_are_refused(sample_bytes_cached: bytes, number: int, value: str, field: str) -> None:
    txn = Transaction(read_transaction(sample_bytes_cached).records[:2])
    block = StandardMinutiae((1,), (StandardMinutia(1, 123, 123, 36, 10, "A"),))
    rec = standard_minutiae_record(block, idc=1, impression=3)
    rec.set(number, value)
    txn.append(rec)
    with pytest.raises(TransactionFormatError) as err:
        read_transaction(write_transaction(txn))
    assert err.value.field == f"record 3 (Type-9) field {field}"
