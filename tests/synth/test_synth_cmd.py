"""``scomm synth`` writes an FVC-named image set and its manifest."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from scomm.cli import app


def test_synth_writes_fvc_named_pngs_and_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "set"
    result = CliRunner().invoke(app, ["synth", str(out), "--people", "1", "--impressions", "2",
                                      "--fingers", "1", "--seed", "3", "--size", "200x240"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == ["1_1.png", "1_2.png"]
    img = np.asarray(Image.open(out / "1_1.png"))
    assert img.shape == (240, 200) and img.dtype == np.uint8
    with open(out / "manifest.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["finger"] == "1" and rows[0]["position_name"] == "RIGHT_THUMB"


def test_synth_refuses_a_malformed_size(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--size", "big"])
    assert result.exit_code != 0
