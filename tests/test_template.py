import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scomm.biometrics import FingerPosition, Template
from scomm.errors import TemplateError


@given(st.lists(st.tuples(st.floats(0, 800), st.floats(0, 800), st.floats(0, 6.28), st.integers(0, 2), st.floats(0, 1)),
                max_size=120))
def test_binary_round_trip_keeps_minutiae_within_quantisation(rows):
    arr = np.array(rows, dtype=np.float64).reshape(-1, 5)
    t = Template.from_minutiae(arr, 800, 800, quality=42, position=FingerPosition.LEFT_RING)
    u = Template.from_bytes(t.to_bytes())
    assert len(u) == len(t) and u.quality == 42 and u.position == FingerPosition.LEFT_RING
    assert np.allclose(u.x, t.x, atol=1 / 16 + 1e-4) and np.allclose(u.y, t.y, atol=1 / 16 + 1e-4)
    d = np.abs(np.angle(np.exp(1j * (u.angle - t.angle))))
    assert np.all(d <= np.pi / 256 + 1e-4)
    assert np.array_equal(u.kind, t.kind)


def test_truncated_template_is_refused_with_reason():
    t = Template.from_minutiae(np.array([[1, 2, 3, 1, 1.0]]), 10, 10)
    with pytest.raises(TemplateError, match="declares 1 minutiae"):
        Template.from_bytes(t.to_bytes()[:-1])
