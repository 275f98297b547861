"""Extraction on real impressions: minutiae where the print is, a quality score, compact templates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from scomm.biometrics import (
    FingerPosition,
    ImpressionType,
    MinutiaKind,
    Template,
    extract,
    load_image,
)
from scomm.biometrics import parameters as P
from scomm.biometrics.enhancement import enhance
from scomm.biometrics.extraction import extract_features
from scomm.biometrics.orientation import local_period, orientation_field
from scomm.biometrics.segmentation import extended_mask

from .conftest import FVC, FVC_PPI, SFINGE, needs_data


@needs_data
def test_real_impressions_give_plausible_minutiae(fvc_templates: dict[tuple[int, int], Template]) -> None:
    for t in fvc_templates.values():
        assert 15 <= len(t) <= 90
        assert set(np.unique(t.kind)) <= {MinutiaKind.ENDING, MinutiaKind.BIFURCATION}
        assert np.all((t.reliability >= 0) & (t.reliability <= 1))
        assert np.all((t.x >= 0) & (t.x < t.width) & (t.y >= 0) & (t.y < t.height))


@needs_data
def test_569_ppi_images_are_measured_at_500_ppi() -> None:
    img, _ = load_image(FVC / "101_1.tif")
    t = extract(img, FVC_PPI, FingerPosition.RIGHT_INDEX, ImpressionType.LIVESCAN_PLAIN)
    assert (t.height, t.width) == (round(560 * 500 / 569), round(296 * 500 / 569))
    assert t.position == FingerPosition.RIGHT_INDEX and t.impression == ImpressionType.LIVESCAN_PLAIN


@needs_data
def test_minutiae_lie_inside_the_foreground_and_on_the_skeleton_s_ends() -> None:
    img, _ = load_image(SFINGE / "102_1.tif")
    f = extract_features(img, 500)
    x = np.round(f.minutiae[:, 0]).astype(int)
    y = np.round(f.minutiae[:, 1]).astype(int)
    assert f.mask[y, x].all()
    fork = f.minutiae[:, 3] == MinutiaKind.BIFURCATION
    assert f.skeleton[y[fork], x[fork]].all()
    # endings are moved back towards the ridge's tip, off the skeleton by at most ENDING_SHIFT_PX + ENDING_EXTEND_PX
    to_skeleton = ndimage.distance_transform_edt(~f.skeleton)
    assert np.all(to_skeleton[y[~fork], x[~fork]] <= P.ENDING_SHIFT_PX + P.ENDING_EXTEND_PX + 1)
    assert 6.0 <= f.period <= 12.0
    assert f.period_map.shape == f.image.shape
    assert 0.7 * f.period <= float(np.median(f.period_map[f.mask])) <= 1.3 * f.period


def test_local_period_follows_a_grating_whose_spacing_changes() -> None:
    # ridges 7 px apart on the left half, 11 px on the right (vertical ridges)
    h, w = 200, 320
    xx = np.arange(w, dtype=np.float64)
    phase = np.where(xx < w / 2, xx / 7.0, (w / 2) / 7.0 + (xx - w / 2) / 11.0)
    img = np.tile(128 + 80 * np.cos(2 * np.pi * phase), (h, 1)).astype(np.float32)
    mask = np.ones((h, w), bool)
    saved = P.PERIOD_ANCHOR
    P.PERIOD_ANCHOR = 0  # the raw energy-ratio estimate
    try:
        period = local_period(img, mask, 9.0)
    finally:
        P.PERIOD_ANCHOR = saved
    assert abs(float(np.median(period[40:160, 20:120])) - 7.0) < 1.0
    assert abs(float(np.median(period[40:160, 200:300])) - 11.0) < 1.5


def test_gabor_with_a_period_map_beats_any_single_period_on_mixed_spacings() -> None:
    # ridges 6 px apart on the left half, 12 px on the right, in heavy noise
    h, w = 200, 320
    xx = np.arange(w, dtype=np.float64)
    phase = np.where(xx < w / 2, xx / 6.0, (w / 2) / 6.0 + (xx - w / 2) / 12.0)
    clean = np.tile(np.cos(2 * np.pi * phase), (h, 1))
    noisy = (128 + 60 * clean + np.random.default_rng(1).normal(0, 120, (h, w))).astype(np.float32)
    mask = np.ones((h, w), bool)
    orientation = np.full((h, w), np.pi / 2, np.float32)  # vertical ridges, pixel coordinates
    period_map = np.where(xx < w / 2, 6.0, 12.0)[None, :].repeat(h, 0).astype(np.float32)
    inner = (slice(30, 170), np.r_[20:140, 180:300])

    def agreement(period: float | np.ndarray) -> float:
        out = enhance(noisy, orientation, period, mask)
        return float(np.mean((out[inner] > 0) == (clean[inner] > 0)))

    mapped = agreement(period_map)
    assert mapped > 0.92
    assert all(mapped > agreement(p) + 0.03 for p in (6.0, 8.5, 12.0))


def test_extended_mask_grows_the_foreground_by_the_given_distance() -> None:
    mask = np.zeros((60, 60), bool)
    mask[20:40, 20:40] = True
    assert extended_mask(mask, 0) is mask
    grown = extended_mask(mask, 5)
    assert grown[mask].all() and grown[15, 30] and grown[30, 44] and not grown[14, 30] and not grown[30, 46]


@needs_data
def test_grown_detection_area_keeps_minutiae_inside_the_foreground(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(P, "MASK_EXTENSION_PX", 12.0)
    img, _ = load_image(FVC / "102_1.tif")
    f = extract_features(img, FVC_PPI)
    assert f.skeleton[~f.mask].any()  # ridges are traced past the foreground's edge ...
    x, y = f.minutiae[:, 0].astype(int), f.minutiae[:, 1].astype(int)
    assert len(x) >= 15 and f.mask[y, x].all()  # ... but minutiae are kept only inside it


def test_orientation_follows_faint_ridges_across_a_high_contrast_crease(monkeypatch: pytest.MonkeyPatch) -> None:
    # faint ridges at 120 degrees, crossed at right angles by a dark crease six times their contrast
    yy, xx = np.mgrid[:200, :200].astype(np.float32)
    normal = np.pi / 6
    ridges = 128 + 20 * np.cos(2 * np.pi * (xx * np.cos(normal) + yy * np.sin(normal)) / 9)
    to_crease = np.abs((xx - 100) * np.sin(normal) - (yy - 100) * np.cos(normal))
    img = (ridges - 120 * np.exp(-(to_crease**2) / 8)).astype(np.float32)
    along = (to_crease < 6) & (np.hypot(xx - 100, yy - 100) < 60)

    def error_deg(theta: np.ndarray) -> np.ndarray:
        return np.degrees(np.abs(np.mod(theta - normal, np.pi) - np.pi / 2))  # ridges run at normal + 90°

    theta, coherence = orientation_field(img)
    assert np.percentile(error_deg(theta)[along], 95) < 5  # the ridges' direction on the crease, nearly everywhere
    monkeypatch.setattr(P, "ORIENTATION_NORMALISE", 0.0)  # raw gradients: the crease outvotes the ridges
    theta_raw, coherence_raw = orientation_field(img)
    assert error_deg(theta_raw)[along].mean() > 45
    assert np.array_equal(coherence, coherence_raw)  # the coherence stays the raw tensor's


def test_close_pair_ending_with_a_clear_valley_beyond_its_tip_is_kept() -> None:
    from scomm.biometrics.minutiae import FilterContext, _valley_beyond

    # a horizontal ridge (dark) ending at x = 42, valley (bright) beyond it to the left
    img = np.full((64, 96), 1.5, np.float32)
    img[30:35, 42:] = -1.5
    ctx = FilterContext({"smooth_normalized": img}, 9.0)
    ending_into_ridge = [41.0, 32.0, 0.0, MinutiaKind.ENDING, 1.0]  # angle 0: points along +x into the ridge
    ending_mid_ridge = [70.0, 32.0, 0.0, MinutiaKind.ENDING, 1.0]  # a noise break: ridge continues beyond
    fork = [41.0, 32.0, 0.0, MinutiaKind.BIFURCATION, 1.0]
    v = _valley_beyond(np.array([ending_into_ridge, ending_mid_ridge, fork]), ctx)
    assert v[0] >= P.PAIR_VALLEY_RESCUE > v[1]
    assert v[2] == -np.inf

