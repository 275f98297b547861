import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scomm.biometrics.search.calibration import (
    Calibration,
    calibrate,
    default_calibration,
    threshold_for_fpir,
)
from scomm.biometrics.search.fusion import finger_weight, fuse
from scomm.errors import GalleryError


@given(st.lists(st.floats(-100, 100), min_size=1, max_size=500), st.floats(0.001, 0.5))
def test_threshold_keeps_non_mated_hits_at_or_under_fpir(scores, fpir):
    t = threshold_for_fpir(scores, fpir)
    hits = np.mean(np.asarray(scores) >= t)
    assert hits <= fpir + 1e-12
    # and it is the lowest such threshold: the next lower score would exceed the rate
    below = [s for s in scores if s < t]
    if below:
        assert np.mean(np.asarray(scores) >= max(below)) > fpir


def test_calibration_round_trips_and_names_its_fpir():
    c = calibrate(np.arange(1000.0), 0.01, gallery_size=123, source="test")
    assert c.fpir == 0.01 and c.searches == 1000 and c.gallery_size == 123
    assert Calibration.from_dict(c.to_dict()) == c
    assert 989 < c.threshold <= 990.0001


def test_bad_calibration_input_is_refused():
    with pytest.raises(GalleryError, match="at least one"):
        threshold_for_fpir([], 0.01)
    with pytest.raises(GalleryError, match="fpir"):
        threshold_for_fpir([1.0], 1.5)
    with pytest.raises(GalleryError, match="malformed"):
        Calibration.from_dict({"threshold": 1})


def test_package_default_calibration_is_measured_data():
    for matcher in ("mcc", "descriptor"):
        c = default_calibration(matcher)
        assert 0 < c.fpir < 1 and c.searches > 0 and c.gallery_size > 0 and c.source


def test_fusion_weights_quality_and_sums_fingers():
    assert finger_weight(100, 100) == 1.0 and finger_weight(0, 90) == 0.25
    assert finger_weight(50, 80) == finger_weight(80, 50) < finger_weight(80, 80)
    assert fuse({1: 2.0, 2: 4.0}, {1: 1.0, 2: 0.5}) == 4.0


def test_fewer_fingers_use_their_own_threshold_or_the_next_larger_count():
    c = Calibration(threshold=3.0, fpir=0.001, searches=10, gallery_size=5, source="t",
                    by_fingers={1: 0.4, 4: 1.5})
    assert c.threshold_for(1) == 0.4 and c.threshold_for(2) == 1.5 and c.threshold_for(4) == 1.5
    assert c.threshold_for(7) == 3.0 and c.threshold_for(10) == 3.0
    assert Calibration.from_dict(c.to_dict()) == c
