"""A small fuzz run for CI: mutated real transactions are read or refused, never anything else.

The big run is bench/nist_fuzz.py (results in docs/nist.md).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scomm.errors import TransactionFormatError
from scomm.nist.images import decode_wsq
from scomm.nist.reader import read_transaction

from .conftest import SAMPLE

REAL = SAMPLE.read_bytes()
HEADER = 273 + 57 + 200  # Type-1, Type-2 and the start of the first Type-14

edit = st.one_of(
    st.tuples(st.just("set"), st.integers(0, HEADER), st.integers(0, 255)),
    st.tuples(st.just("sep"), st.integers(0, HEADER), st.sampled_from(b"\x1c\x1d\x1e\x1f:.0123456789")),
    st.tuples(st.just("del"), st.integers(0, HEADER), st.integers(1, 20)),
    st.tuples(st.just("ins"), st.integers(0, HEADER), st.integers(0, 255)),
    st.tuples(st.just("cut"), st.integers(0, len(REAL)), st.just(0)),
    st.tuples(st.just("far"), st.integers(0, len(REAL) - 1), st.integers(0, 255)),
)


def apply(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    buf = bytearray(data)
    for op, i, v in edits:
        i = min(i, len(buf))
        if op in ("set", "sep", "far") and i < len(buf):
            buf[i] = v
        elif op == "del":
            del buf[i : i + v]
        elif op == "ins":
            buf[i:i] = bytes([v])
        elif op == "cut":
            del buf[i:]
    return bytes(buf)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, min_size=1, max_size=4))
def test_mutated_real_transactions_are_read_or_refused(edits: list[tuple[str, int, int]]) -> None:
    try:
        read_transaction(apply(REAL, edits))
    except TransactionFormatError as err:
        assert err.field and err.reason


PLAIN_THUMB = read_transaction(REAL).records[14].value(999) or b""  # 22 KB, 392x1000


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(PLAIN_THUMB) - 1), st.integers(0, 255)), min_size=1, max_size=6),
       st.integers(100, len(PLAIN_THUMB)))
def test_mutated_wsq_decodes_or_is_refused(flips: list[tuple[int, int]], keep: int) -> None:
    buf = bytearray(PLAIN_THUMB)
    for i, v in flips:
        buf[i] = v
    try:
        pixels = decode_wsq(bytes(buf[:keep]), "record 15 (Type-14) field 14.999 DATA")
    except TransactionFormatError as err:
        assert err.field == "record 15 (Type-14) field 14.999 DATA"
    else:
        assert pixels.ndim == 2
