"""Minutiae from the skeleton: the stage table and the valley skeleton's minutiae."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.biometrics import load_image
from scomm.biometrics import parameters as P
from scomm.biometrics.extraction import detection_area, enhanced_ridges, ridge_structure
from scomm.biometrics.image import to_reference_resolution
from scomm.biometrics.minutiae import (
    CLOSE_PAIR,
    KEPT,
    SPUR,
    STAGE_NAMES,
    detect_minutiae,
    filter_context,
    minutia_stages,
    minutiae_cap,
    ridge_clarity,
)
from scomm.biometrics.skeleton import binarize, thin
from scomm.biometrics.template import MinutiaKind

from .conftest import FVC, FVC_PPI, needs_data

PERIOD = 9


def _stages_of(name: str) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    img, _ = load_image(FVC / name)
    r = ridge_structure(to_reference_resolution(img, FVC_PPI), 500)
    period_map, normalized, enhanced = enhanced_ridges(r)
    area = detection_area(r)
    skel = thin(binarize(enhanced, area))
    clarity = ridge_clarity(enhanced, r.mask)
    ctx = filter_context(enhanced, normalized, r.mask, skel, period_map, r.period, clarity)
    args = (skel, r.orientation, r.coherence, r.mask, clarity, ctx, area)
    return minutia_stages(*args), detect_minutiae(*args)


@needs_data
@pytest.mark.parametrize("valley", [0.0, 0.7])
def test_stage_table_keeps_exactly_the_extracted_minutiae(monkeypatch: pytest.MonkeyPatch, valley: float) -> None:
    monkeypatch.setattr(P, "VALLEY_ADD_SCORE", valley)
    (m, stage), out = _stages_of("101_1.tif")
    assert len(STAGE_NAMES) > int(stage.max())
    kept = m[stage == KEPT]
    assert kept.shape == out.shape
    assert np.array_equal(kept[np.lexsort(kept.T[:2])], out[np.lexsort(out.T[:2])])
    # every rule removes something on a real print
    assert (stage == SPUR).any() and (stage == CLOSE_PAIR).any()


def _grating_with_an_ending(size: int = 160) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Vertical ridges (True) one PERIOD apart, the middle one cut above ``y0``; and that ridge's x."""
    x = np.arange(size)
    ridges = np.broadcast_to((x % PERIOD) < 4, (size, size)).copy()
    x0 = (size // 2 // PERIOD) * PERIOD + 1  # centre column of a ridge near the middle
    y0 = size // 2
    cut = ridges.copy()
    cut[:y0, x0 - 2:x0 + 3] = False
    return ridges, cut, x0, y0


def test_valley_skeleton_finds_an_ending_the_ridge_skeleton_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """As when the Gabor stage continues a ridge through its ending: the ridge skeleton runs
    on, but the valleys meet beyond the tip, and their bifurcation is the ridge's ending."""
    monkeypatch.setattr(P, "VALLEY_CONFIRM_PX", 0.0)
    ridges, cut, x0, y0 = _grating_with_an_ending()
    size = ridges.shape[0]
    mask = np.zeros((size, size), bool)
    mask[8:-8, 8:-8] = True
    enhanced = np.where(cut, -1.0, 1.0).astype(np.float32)  # the valleys see the ending ...
    skeleton = thin(ridges & mask)  # ... the ridge skeleton does not
    orientation = np.full((size, size), np.pi / 2, np.float32)  # ridges run down the image
    coherence = np.ones((size, size), np.float32)
    period_map = np.full((size, size), float(PERIOD), np.float32)
    clarity = np.ones((size, size), np.float32)

    def minutiae(valley: float) -> np.ndarray:
        monkeypatch.setattr(P, "VALLEY_ADD_SCORE", valley)
        ctx = filter_context(enhanced, enhanced, mask, skeleton, period_map, float(PERIOD), clarity)
        return detect_minutiae(skeleton, orientation, coherence, mask, clarity, ctx)

    assert minutiae(0.0).shape[0] == 0  # straight ridges, ends on the border only
    got = minutiae(1e-9)
    near = np.hypot(got[:, 0] - x0, got[:, 1] - y0) < 8
    assert near.sum() == 1
    x, y, angle, kind, reliability = got[near][0]
    assert kind == MinutiaKind.ENDING
    # it points into its ridge, i.e. down the image: direction (cos a, -sin a) = (0, 1)
    assert abs(np.cos(angle)) < 0.3 and -np.sin(angle) > 0.9
    assert 0 < reliability <= 1


def test_ending_is_moved_on_while_the_normalised_image_still_shows_ridge(monkeypatch: pytest.MonkeyPatch) -> None:
    from scomm.biometrics.minutiae import FilterContext, _ridge_beyond

    img = np.ones((40, 60), np.float32)  # valley everywhere ...
    img[18:23, 10:40] = -1.0  # ... but a horizontal ridge from x = 10 to 39
    ctx = FilterContext({"smooth_normalized": img}, float(PERIOD))
    # skeleton end at x = 30 (the Gabor stage shortened the ridge), pointing into the ridge (+x)
    x, y, angle = np.array([30, 30]), np.array([20, 20]), np.array([0.0, 0.0])
    shift = np.array([5.0, 0.0])  # the fixed shift already took it to x = 25 (first row)
    monkeypatch.setattr(P, "ENDING_EXTEND_PX", 20.0)
    # the ridge is dark down to x = 10: 15 px more from x = 25, 20 (the cap) from x = 30
    assert _ridge_beyond(x, y, angle, shift, ctx).tolist() == [15.0, 20.0]
    monkeypatch.setattr(P, "ENDING_EXTEND_PX", 6.0)
    assert _ridge_beyond(x, y, angle, shift, ctx).tolist() == [6.0, 6.0]


def test_the_minutiae_cap_grows_with_the_print_area() -> None:
    """A rolled print (2-4 plain impressions' area) keeps proportionally more minutiae; plain ones keep 90."""
    plain = np.zeros((560, 300), bool)
    plain[20:540, 20:280] = True  # 135,200 px: an FVC-sized impression
    assert minutiae_cap(plain) == P.MAX_MINUTIAE
    rolled = np.zeros((800, 800), bool)
    rolled[:, :500] = True  # 400,000 px: twice MINUTIAE_CAP_AREA_PX
    assert minutiae_cap(rolled) == round(P.MAX_MINUTIAE * 400_000 / P.MINUTIAE_CAP_AREA_PX) > P.MAX_MINUTIAE
    assert minutiae_cap(np.zeros((10, 10), bool)) == P.MAX_MINUTIAE
