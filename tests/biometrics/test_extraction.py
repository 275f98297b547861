"""Extraction on real impressions: minutiae where the print is, a quality score, compact templates."""

from __future__ import annotations

import numpy as np

from scomm.biometrics import (
    FingerPosition,
    ImpressionType,
    MinutiaKind,
    Template,
    extract,
    load_image,
)
from scomm.biometrics.ansi378 import to_ansi378
from scomm.biometrics.extraction import extract_features
from scomm.biometrics.iso19794_2 import to_iso19794_2

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
    x = f.minutiae[:, 0].astype(int)
    y = f.minutiae[:, 1].astype(int)
    assert f.mask[y, x].all()
    assert f.skeleton[y, x].all()
    assert 6.0 <= f.period <= 12.0


@needs_data
def test_quality_ranks_a_clean_print_above_a_poor_one(fvc_templates: dict[tuple[int, int], Template]) -> None:
    assert all(0 <= t.quality <= 100 for t in fvc_templates.values())
    clean = fvc_templates[(101, 1)].quality
    img, _ = load_image(FVC / "101_1.tif")
    noisy = img.astype(float) + np.random.default_rng(0).normal(0, 60, img.shape)
    degraded = extract(np.clip(noisy, 0, 255).astype(np.uint8), FVC_PPI)
    assert degraded.quality < clean


@needs_data
def test_templates_stay_under_two_kilobytes_in_every_format(fvc_templates: dict[tuple[int, int], Template]) -> None:
    for t in fvc_templates.values():
        assert len(t.to_bytes()) < 2048
        assert len(to_iso19794_2(t)) < 2048
        assert len(to_ansi378(t)) < 2048


@needs_data
def test_every_stage_can_be_saved_as_a_picture(tmp_path: object) -> None:
    from pathlib import Path

    from scomm.biometrics.pictures import save_pictures

    img, _ = load_image(FVC / "101_1.tif")
    paths = save_pictures(extract_features(img, FVC_PPI), Path(str(tmp_path)))
    assert {p.stem for p in paths} >= {"segmentation", "orientation", "enhancement", "skeleton", "minutiae"}
    assert all(p.stat().st_size > 0 for p in paths)
