"""Shared fixtures: the real NIST ten-print card, and a CAR made from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scomm.nist.reader import read_transaction
from scomm.nist.transaction import Field, TaggedRecord, Transaction
from scomm.nist.writer import write_transaction

SAMPLE = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture
def sample_txn(sample_bytes: bytes) -> Transaction:
    return read_transaction(sample_bytes)


def as_car(txn: Transaction) -> Transaction:
    """The real card turned into a criminal submission: TOT CAR, a TCN without spaces and an
    EBTS Type-2 with arrest data (the sample is an amnesia inquiry with an empty Type-2)."""
    t1 = txn.type1
    t1.set(4, "CAR")
    t1.set(9, "MD2001080800042")
    t2 = TaggedRecord(2, [Field(1, b"0")])
    t2.set(2, "00")
    t2.set(18, "DOE,JOHN Q")
    t2.set(20, "MX")
    t2.set(22, "19750412")
    t2.set(24, "M")
    t2.set(45, "20010807")
    t2.set(47, [["20010806", "1313 SIMPLE ASSAULT"], ["", "TRESPASSING"]])
    t2.set(73, "MD0030000")
    txn.records[1] = t2
    txn.renumber()
    return txn


@pytest.fixture
def car_bytes(sample_bytes: bytes) -> bytes:
    return write_transaction(as_car(read_transaction(sample_bytes)))


@pytest.fixture(scope="session")
def sample_bytes_cached() -> bytes:
    """The sample for hypothesis tests (function-scoped fixtures are not reset per example)."""
    return SAMPLE.read_bytes()
