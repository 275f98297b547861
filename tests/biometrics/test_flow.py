"""The ridge-flow grid: its encoding, the agreement of two grids, and what it does to scores."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scomm.biometrics import MATCH_THRESHOLD, Template, compare
from scomm.biometrics import parameters as P
from scomm.biometrics.flow import (
    FLOW_COS2,
    FLOW_SIN2,
    FLOW_WEIGHT,
    ORIENTATION_STEPS,
    flow_agreement,
    flow_factor,
    flow_grid,
    flow_overlap,
    unknown_flow_factor,
)

from .conftest import needs_data

CELL = P.FLOW_CELL_PX


@settings(max_examples=50)
@given(arrays(np.float32, (64, 48), elements=st.floats(0, float(np.nextafter(np.float32(np.pi), np.float32(0))), width=32)),
       arrays(np.float32, (64, 48), elements=st.floats(0, 1, width=32)),
       arrays(np.bool_, (64, 48)))
def test_a_grid_holds_each_cells_orientation_to_half_a_step_and_nothing_off_the_print(theta, coherence, mask):
    grid = flow_grid(theta, coherence, mask)
    assert grid.shape == (64 // CELL, 48 // CELL)
    ys, xs = np.mgrid[CELL // 2:64:CELL, CELL // 2:48:CELL]
    on = mask[ys, xs]
    assert np.all((grid == 0) == ~on) and np.all(FLOW_WEIGHT[grid[on]] > 0)
    # decoded orientation against the field's, template convention (counter-clockwise: -θ), mod π
    decoded = np.arctan2(FLOW_SIN2[grid[on]], FLOW_COS2[grid[on]]) / 2
    error = np.abs(np.angle(np.exp(2j * (decoded + theta[ys, xs][on])))) / 2
    assert np.all(error <= np.pi / ORIENTATION_STEPS / 2 + 1e-6)


def _uniform(theta: float, rows: int = 12, cols: int = 10) -> np.ndarray:
    field = np.full((rows * CELL, cols * CELL), np.mod(-theta, np.pi), np.float32)
    return flow_grid(field, np.ones_like(field), np.ones(field.shape, bool))


def test_agreement_is_one_for_the_same_flow_and_minus_one_across_it() -> None:
    grid = _uniform(0.3)
    assert flow_agreement(grid, grid, (0, 0, 0, 0, 0)) == pytest.approx(1.0)
    assert flow_agreement(grid, _uniform(0.3 + np.pi / 2), (0, 0, 0, 0, 0)) == pytest.approx(-1.0)
    # a probe turned by 0.5 rad agrees once the alignment turns it back
    assert flow_agreement(_uniform(0.3 - 0.5), grid, (80, 90, 80, 90, 0.5)) == pytest.approx(1.0, abs=0.01)
    # no common cells: no agreement to speak of
    assert flow_agreement(grid, grid, (0, 0, 5000, 5000, 0)) is None


def test_the_overlap_is_the_sum_of_the_common_cells_weights() -> None:
    grid = _uniform(0.3)  # 12 x 10 cells, coherence 1 (weight 1 each)
    assert flow_overlap(grid, grid, (0, 0, 0, 0, 0)) == pytest.approx((1.0, 120.0))
    # shifted by 4 cells to the right: 6 of the 10 columns still overlap
    agreement, overlap = flow_overlap(grid, grid, (0, 0, 4 * CELL, 0, 0))
    assert agreement == pytest.approx(1.0) and overlap == pytest.approx(72.0)


def test_a_disagreement_counts_more_over_a_larger_overlap(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = P.FLOW_OVERLAP_REFERENCE
    lo, hi = P.FLOW_OVERLAP_SCALE
    assert flow_factor(1.0, 10.0) == flow_factor(1.0, 1e4) == 1.0  # full agreement costs nothing
    small, typical, large = (flow_factor(0.8, x * ref) for x in (0.5, 1.0, 2.0))
    assert small > typical > large
    assert typical == pytest.approx(np.exp(P.FLOW_AGREEMENT_WEIGHT * -0.2))
    assert large == pytest.approx(np.exp(P.FLOW_AGREEMENT_WEIGHT * -0.2 * np.sqrt(2)))
    # the guard: a sliver keeps part of the penalty, a vast overlap is capped
    assert flow_factor(0.8, 1e-3) == pytest.approx(np.exp(P.FLOW_AGREEMENT_WEIGHT * -0.2 * lo))
    assert flow_factor(0.8, 1e6 * ref) == pytest.approx(np.exp(P.FLOW_AGREEMENT_WEIGHT * -0.2 * hi))
    monkeypatch.setattr(P, "FLOW_OVERLAP_REFERENCE", 0.0)  # off: the overlap does not matter
    assert flow_factor(0.8, 0.5 * ref) == flow_factor(0.8, 2 * ref) == pytest.approx(typical)


@needs_data
def test_the_flow_factor_lowers_impostors_far_more_than_genuine_pairs(
        fvc_templates: dict[tuple[int, int], Template], monkeypatch: pytest.MonkeyPatch) -> None:
    keys = sorted(fvc_templates)
    pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]]

    def scores() -> np.ndarray:
        return np.array([compare(fvc_templates[a], fvc_templates[b]) for a, b in pairs])

    gated = scores()
    unknown, gate = unknown_flow_factor(), P.FLOW_MIN_SCORE
    monkeypatch.setattr(P, "FLOW_MIN_SCORE", 0.0)  # the agreement measured for every pair
    measured = scores()
    monkeypatch.setattr(P, "FLOW_AGREEMENT_WEIGHT", 0.0)
    before = scores()  # the score the gate reads: minutiae and consensus, no flow factor
    genuine = np.array([a[0] == b[0] for a, b in pairs])
    ratio = measured / np.maximum(before, 1e-12)
    assert np.all(ratio <= 1.0 + 1e-6)
    assert np.median(ratio[genuine]) > 0.8  # exp(6 x (0.975 - 1)): a genuine pair's ridges run alike
    assert np.median(ratio[~genuine]) < 0.3
    assert measured[genuine].min() > 0.5 * before[genuine].min()
    # under the gate the agreement is not measured: those pairs take the unknown agreement's factor
    low = before < gate
    assert low.sum() >= 10 and np.array_equal(gated[~low], measured[~low])
    assert gated[low] == pytest.approx(before[low] * unknown, rel=1e-5)
    assert gated[low].max() < MATCH_THRESHOLD / 5  # the gate decides nothing


@needs_data
def test_templates_without_a_flow_grid_score_on_their_minutiae_alone(
        fvc_templates: dict[tuple[int, int], Template], monkeypatch: pytest.MonkeyPatch) -> None:
    """Imported ISO/ANSI and synthetic templates carry no grid: their score is the minutiae score times
    the factor of FLOW_UNKNOWN_AGREEMENT, the same whichever side lacks it."""
    bare = {k: dataclasses.replace(t, flow=np.zeros((0, 0), np.uint8)) for k, t in fvc_templates.items()}
    pairs = [((101, 1), (101, 2)), ((101, 1), (102, 1)), ((103, 2), (104, 4))]
    mixed = np.array([compare(bare[a], fvc_templates[b]) for a, b in pairs])
    assert np.array_equal(mixed, [compare(fvc_templates[a], bare[b]) for a, b in pairs])
    assert np.array_equal(mixed, [compare(bare[a], bare[b]) for a, b in pairs])
    factor = np.exp(P.FLOW_AGREEMENT_WEIGHT * (P.FLOW_UNKNOWN_AGREEMENT - 1))
    monkeypatch.setattr(P, "FLOW_AGREEMENT_WEIGHT", 0.0)
    minutiae = np.array([compare(fvc_templates[a], fvc_templates[b]) for a, b in pairs])
    assert mixed == pytest.approx(minutiae * factor, rel=1e-6)
