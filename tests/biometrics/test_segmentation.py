"""The foreground mask: small holes in a print are filled, a hole punched through it is not."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.biometrics import extract, load_image
from scomm.biometrics import parameters as P
from scomm.biometrics.extraction import extract_features
from scomm.biometrics.segmentation import segmentation_mask

from .conftest import SFINGE, needs_data


def _grating_with_discs(discs: list[tuple[int, int, int]], size: int = 320) -> np.ndarray:
    """A ridge-like grating (period 9 px) with textureless black discs (cy, cx, radius) painted on it."""
    yy, xx = np.mgrid[:size, :size]
    img = 128 + 80 * np.sin(2 * np.pi * (xx * 0.8 + yy * 0.6) / 9.0)
    for cy, cx, r in discs:
        img[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = 0.0
    return img.astype(np.float32)


def test_a_small_textureless_hole_is_filled_and_a_large_one_is_not() -> None:
    small, large = (80, 80, 14), (200, 200, 60)  # ~600 px and ~11,300 px: under and over MASK_MAX_HOLE_PX
    mask = segmentation_mask(_grating_with_discs([small, large]))
    assert mask[80, 80]  # a dry spot or pore inside a print stays part of it
    assert not mask[200, 200]
    # the rim (black against ridges reads as texture over one block) goes with the hole
    assert not mask[200, 200 + 60 + P.BLOCK // 4]
    assert mask[200, 200 + 60 + 3 * P.BLOCK]


def test_every_hole_is_filled_when_the_limit_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(P, "MASK_MAX_HOLE_PX", 0)
    assert segmentation_mask(_grating_with_discs([(160, 160, 60)]))[160, 160]


@needs_data
def test_no_minutia_or_ridge_flow_is_read_off_a_hole_punched_through_a_print() -> None:
    img, _ = load_image(SFINGE / "102_1.tif")
    img = img.astype(np.float32)
    yy, xx = np.mgrid[:img.shape[0], :img.shape[1]]
    cy, cx, r = 200, 150, 55
    hole = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    img[hole] = 0.0
    f = extract_features(img, 500)
    assert not f.mask[hole].any()
    d = np.hypot(f.minutiae[:, 0] - cx, f.minutiae[:, 1] - cy)
    assert len(d) >= 15 and d.min() > r + P.BORDER_MARGIN_PX  # no minutiae on the hole's edge
    flow = extract(img, 500).flow
    cell = P.FLOW_CELL_PX
    assert flow[cy // cell, cx // cell] == 0 and flow[(cy - r // 2) // cell, (cx + r // 2) // cell] == 0
