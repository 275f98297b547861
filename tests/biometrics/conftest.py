"""Shared fixtures: real impressions from ../shared/data, extracted once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from scomm.biometrics import Template, extract, load_image

DATA = Path("../shared/data")
FVC = DATA / "fvc2002-db2b"
SFINGE = DATA / "sfinge-db4b"
FVC_PPI = 569  # FVC2002 DB2 (Biometrika FX2000), see ../shared/data/README.md

needs_data = pytest.mark.skipif(not FVC.is_dir(), reason="shared FVC data not present")


@pytest.fixture(scope="session")
def fvc_templates() -> dict[tuple[int, int], Template]:
    """Fingers 101-104, impressions 1-4 of FVC2002 DB2_B."""
    if not FVC.is_dir():
        pytest.skip("shared FVC data not present")
    out = {}
    for finger in range(101, 105):
        for imp in range(1, 5):
            img, _ = load_image(FVC / f"{finger}_{imp}.tif")
            out[(finger, imp)] = extract(img, FVC_PPI)
    return out
