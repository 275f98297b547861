"""EER, FMR-at-FNMR and DET points against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scomm.biometrics.evaluation import det_points, eer, fnmr_at_fmr, threshold_at_fmr


def test_perfect_separation_has_zero_eer_and_zero_fmr_points() -> None:
    g, i = [0.8, 0.9, 0.95], [0.1, 0.2, 0.3]
    assert eer(g, i) == 0.0
    assert fnmr_at_fmr(g, i, 0.0) == 0.0


def test_complete_overlap_inverted_scores_give_full_error() -> None:
    assert eer([0.1, 0.2], [0.8, 0.9]) == 1.0


def test_one_impostor_above_one_genuine_of_four() -> None:
    g = [0.5, 0.6, 0.7, 0.8]
    i = [0.1, 0.2, 0.3, 0.65]
    # threshold 0.7: FNMR 2/4 with FMR 0; threshold 0.65: FNMR 1/4 with FMR 1/4.
    assert eer(g, i) == pytest.approx(0.25)
    assert fnmr_at_fmr(g, i, 0.0) == pytest.approx(0.5)
    assert threshold_at_fmr(g, i, 0.0) == pytest.approx(0.7)


def test_det_points_run_from_full_fmr_to_full_fnmr() -> None:
    fmr, fnmr = det_points([0.5, 0.7], [0.1, 0.6])
    assert fmr[0] == 1.0 and fnmr[0] == 0.0
    assert fmr[-1] == 0.0 and fnmr[-1] == 1.0


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30), st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_rates_are_monotone_and_eer_is_a_rate(g: list[float], i: list[float]) -> None:
    fmr, fnmr = det_points(g, i)
    assert np.all(np.diff(fmr) <= 0) and np.all(np.diff(fnmr) >= 0)
    assert 0.0 <= eer(g, i) <= 1.0
    assert fnmr_at_fmr(g, i, 0.01) >= fnmr_at_fmr(g, i, 0.1)


def test_empty_scores_are_refused() -> None:
    with pytest.raises(ValueError):
        eer([], [0.1])
