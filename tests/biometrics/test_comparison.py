"""Genuine pairs outscore impostor pairs; scores survive rotation and translation."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.biometrics import (
    MATCH_THRESHOLD,
    Template,
    compare,
    compare_many,
    compare_prepared,
    extract,
    load_image,
    prepare,
    stack,
)

from .conftest import FVC, FVC_PPI, needs_data


def _scores(t: dict[tuple[int, int], Template]) -> tuple[list[float], list[float]]:
    genuine = [compare(t[(f, i)], t[(f, j)]) for f in range(101, 105) for i in range(1, 5) for j in range(i + 1, 5)]
    impostor = [compare(t[(f, 1)], t[(g, 1)]) for f in range(101, 105) for g in range(f + 1, 105)]
    return genuine, impostor


@needs_data
def test_genuine_pairs_score_above_impostor_pairs(fvc_templates: dict[tuple[int, int], Template]) -> None:
    genuine, impostor = _scores(fvc_templates)
    worst_impostor = max(impostor)
    above = np.mean(np.array(genuine) > worst_impostor)
    assert above >= 0.75
    assert np.median(genuine) > 2 * np.median(impostor)


@needs_data
def test_impostor_pairs_stay_below_the_threshold(fvc_templates: dict[tuple[int, int], Template]) -> None:
    _, impostor = _scores(fvc_templates)
    assert max(impostor) < MATCH_THRESHOLD


def test_a_template_matches_itself_strongly_and_scores_are_non_negative() -> None:
    rng = np.random.default_rng(7)
    t = Template(rng.uniform(20, 280, 40), rng.uniform(20, 380, 40), rng.uniform(0, 2 * np.pi, 40),
                 np.ones(40, np.uint8), np.ones(40), 300, 400)
    assert compare(t, t) > 0.8
    empty = Template([], [], [], [], [], 300, 400)
    assert compare(t, empty) == 0.0


def _rigid(t: Template, theta: float, tx: float, ty: float) -> Template:
    """Rotate counter-clockwise by theta (template convention: y down) about the centre, then shift."""
    cx, cy = t.width / 2, t.height / 2
    dx, dy = t.x - cx, -(t.y - cy)
    c, s = np.cos(theta), np.sin(theta)
    x = cx + c * dx - s * dy + tx
    y = cy - (s * dx + c * dy) + ty
    return Template(x, y, t.angle + theta, t.kind, t.reliability, t.width + 200, t.height + 200)


@pytest.mark.parametrize(("theta", "tx", "ty"), [(0.5, 30, -20), (-1.2, -15, 40), (0.0, 60, 60)])
def test_rotated_and_shifted_template_keeps_its_score(theta: float, tx: float, ty: float) -> None:
    rng = np.random.default_rng(3)
    t = Template(rng.uniform(40, 260, 45), rng.uniform(40, 360, 45), rng.uniform(0, 2 * np.pi, 45),
                 np.ones(45, np.uint8), np.ones(45), 300, 400)
    assert compare(t, _rigid(t, theta, tx + 100, ty + 100)) > 0.8


def test_upside_down_is_not_a_pair() -> None:
    """Impressions are captured upright, so the matcher refuses rotations beyond 90 degrees."""
    rng = np.random.default_rng(3)
    t = Template(rng.uniform(40, 260, 45), rng.uniform(40, 360, 45), rng.uniform(0, 2 * np.pi, 45),
                 np.ones(45, np.uint8), np.ones(45), 300, 400)
    assert compare(t, _rigid(t, np.pi, 100, 100)) < MATCH_THRESHOLD


@needs_data
def test_rotating_the_image_keeps_the_genuine_score_high(fvc_templates: dict[tuple[int, int], Template]) -> None:
    from PIL import Image

    img, _ = load_image(FVC / "102_2.tif")
    rotated = np.asarray(Image.fromarray(img).rotate(25, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255))
    shifted = np.pad(rotated, ((40, 0), (0, 60)), constant_values=255)
    t = extract(shifted, FVC_PPI)
    ref = fvc_templates[(102, 1)]
    assert compare(t, ref) >= MATCH_THRESHOLD
    assert compare(t, fvc_templates[(102, 2)]) >= MATCH_THRESHOLD


@needs_data
def test_compare_many_equals_one_by_one(fvc_templates: dict[tuple[int, int], Template]) -> None:
    prepared = [prepare(t) for t in fvc_templates.values()]
    probe = prepared[0]
    many = compare_many(probe, stack(prepared))
    single = [compare_prepared(probe, r) for r in prepared]
    assert np.allclose(many, single, atol=1e-3)  # float32 batched vs single products: summation order
    assert np.allclose(compare_many(probe, prepared), many)
