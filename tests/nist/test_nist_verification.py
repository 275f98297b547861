"""A ten-print transaction as a verification set (rolled against plain) and ``scomm bench fvc CARD``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from scomm.biometrics import extract, prepare
from scomm.biometrics.comparison import MATCH_THRESHOLD, compare_prepared
from scomm.cli import app
from scomm.errors import ScommError
from scomm.nist.reader import read_transaction
from scomm.nist.transaction import Transaction, content_field
from scomm.nist.verification import rolled_plain_set
from scomm.nist.writer import write_transaction


def _keep(txn: Transaction, positions: set[int]) -> Transaction:
    """The transaction with only the Type-14 images of the given finger positions (FGP 14.013)."""
    txn.records = [r for r in txn.records if r.type != 14 or int(r.text(13) or 0) in positions]  # type: ignore[union-attr]
    txn.renumber()
    txn.type1.set(3, content_field(txn.content_list()))
    return txn


def test_the_real_card_gives_ten_genuine_pairs_and_every_impostor(sample_bytes: bytes) -> None:
    card = rolled_plain_set(read_transaction(sample_bytes))
    assert card.genuine == [(("rolled", f), ("plain", f)) for f in range(1, 11)]
    assert len(card.impostor) == 10 * 9 + 45  # rolled against other plain, and rolled against rolled
    assert not set(card.genuine) & set(card.impostor)
    assert card.skipped == []
    for img in card.images.values():
        assert img.ndim == 2 and img.dtype.name == "uint8"
    # fingertips cut from the slaps are smaller than the rolled boxes
    assert all(card.images[("plain", f)].size < card.images[("rolled", f)].size for f in range(1, 11))


def test_a_transaction_without_plain_impressions_is_refused_with_the_reason(sample_bytes: bytes) -> None:
    txn = _keep(read_transaction(sample_bytes), set(range(1, 11)))  # rolled prints only
    with pytest.raises(ScommError, match="0 finger.*both rolled and plain"):
        rolled_plain_set(txn)


def test_bench_fvc_runs_the_rolled_against_plain_protocol_on_a_transaction_file(sample_bytes: bytes,
                                                                                 tmp_path: Path) -> None:
    # the right hand's index to ring fingers, rolled, and the right slap they are cut from: 3 fingers
    path = tmp_path / "three.eft"
    path.write_bytes(write_transaction(_keep(read_transaction(sample_bytes), {2, 3, 4, 13})))
    result = CliRunner().invoke(app, ["bench", "fvc", str(path), "--json"])
    assert result.exit_code == 0, result.output
    row = json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][0])
    assert row["matcher"] == "scomm" and row["genuine"] == 3 and row["impostor"] == 3 * 2 + 3
    assert 0.0 <= row["eer"] <= 100.0 and row["extract_ms"] > 0


def test_bench_fvc_names_what_a_file_that_is_no_transaction_is_not(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a transaction")
    result = CliRunner().invoke(app, ["bench", "fvc", str(path)])
    assert isinstance(result.exception, ScommError)  # the console entry point prints it as "error: ..."
    assert "nor a readable ANSI/NIST-ITL transaction" in str(result.exception)


def test_on_the_real_card_no_impostor_reaches_the_match_threshold(sample_bytes: bytes) -> None:
    """Rolled against plain through the real extractor and matcher: the worst failure (another
    finger's print accepted) does not happen on the card, and most fingers are accepted."""
    card = rolled_plain_set(read_transaction(sample_bytes))
    prepared = {key: prepare(extract(img)) for key, img in card.images.items()}
    genuine = [compare_prepared(prepared[a], prepared[b]) for a, b in card.genuine]
    impostor = [compare_prepared(prepared[a], prepared[b]) for a, b in card.impostor]
    assert max(impostor) < MATCH_THRESHOLD
    assert sum(g >= MATCH_THRESHOLD for g in genuine) >= 7  # 8 in session 6, 9 in session 7 (finger 5 under)
    assert float(np.median(genuine)) > 2 * max(impostor)
