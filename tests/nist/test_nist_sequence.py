"""The sequence check on the real NIST card: in order it passes; rolled prints filed in the wrong boxes are refused."""

from __future__ import annotations

import pytest

from scomm.biometrics import FingerPosition
from scomm.errors import TransactionFormatError
from scomm.nist.reader import read_transaction
from scomm.nist.sequence import check_transaction_sequence, require_sequence
from scomm.nist.transaction import Transaction


def _swap_rolled(txn: Transaction, a: int, b: int) -> Transaction:
    """File the rolled print of finger a in finger b's box and the other way round (FGP 14.013)."""
    for rec in txn.tagged(14):
        fgp = int(rec.text(13) or 0)
        if fgp in (a, b) and rec.text(3) in ("1", "3"):
            rec.set(13, str(b if fgp == a else a))
    return txn


def test_the_real_card_is_in_sequence(sample_bytes: bytes) -> None:
    result = require_sequence(read_transaction(sample_bytes))
    assert result is not None and result.in_sequence
    assert len(result.fingers) == 10
    assert len(result.confirmed) >= 4  # the card has several very poor rolled prints (NFIQ 5)
    assert "in sequence" in result.describe()


def test_exchanged_rolled_prints_are_found_and_refused(sample_bytes: bytes) -> None:
    txn = _swap_rolled(read_transaction(sample_bytes), 2, 3)
    result = check_transaction_sequence(txn)
    assert result is not None
    assert result.moved == {FingerPosition.RIGHT_INDEX: FingerPosition.RIGHT_MIDDLE,
                            FingerPosition.RIGHT_MIDDLE: FingerPosition.RIGHT_INDEX}
    with pytest.raises(TransactionFormatError) as err:
        require_sequence(txn)
    assert err.value.field.endswith("field 14.013 FGP")
    assert "out of sequence" in err.value.reason and "right_index matches right_middle" in err.value.reason


def test_a_card_without_plain_impressions_is_not_checked(sample_bytes: bytes) -> None:
    txn = read_transaction(sample_bytes)
    txn.records[:] = [r for r in txn.records if r.type != 14 or r.text(3) in ("1", "3")]  # type: ignore[union-attr]
    assert check_transaction_sequence(txn) is None
