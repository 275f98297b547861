import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from search_simulated import finger, impression

from scomm.biometrics import Template
from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.descriptor import descriptor, descriptors, raw_histograms


def _template(m: np.ndarray) -> Template:
    return Template.from_minutiae(m, 600, 600)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0, 2 * np.pi), st.floats(-200, 200), st.floats(-200, 200))
def test_descriptor_is_unchanged_by_rotation_and_translation(seed, theta, dx, dy):
    m = finger(np.random.default_rng(seed), 30)
    c, s = np.cos(theta), np.sin(theta)
    moved = np.column_stack([c * m[:, 0] - s * m[:, 1] + dx, s * m[:, 0] + c * m[:, 1] + dy, m[:, 2] + theta])
    a, b = descriptor(_template(m)), descriptor(_template(moved))
    assert float(a @ b) > 0.999


def test_descriptors_are_unit_length_and_zero_without_pairs():
    rng = np.random.default_rng(3)
    d = descriptors([_template(finger(rng, 20)), _template(np.array([[5.0, 5.0, 1.0]])),
                     _template(np.zeros((0, 3)))])
    assert d.shape == (3, P.DESCRIPTOR_LENGTH) and d.dtype == np.float32
    assert abs(float(np.linalg.norm(d[0])) - 1) < 1e-5
    assert not d[1].any() and not d[2].any()


def test_histogram_counts_every_close_ordered_pair_once():
    m = np.array([[100.0, 100.0, 0.3], [150.0, 100.0, 1.0], [100.0, 400.0, 2.0]])
    h = raw_histograms([_template(m)])[0]
    # only the first two are closer than PAIR_MAX_DISTANCE: two ordered pairs of weight 1
    assert abs(float(h.sum()) - 2.0) < 1e-4


def test_mates_are_closer_than_strangers():
    rng = np.random.default_rng(11)
    masters = [finger(rng, 45) for _ in range(40)]
    a = descriptors([impression(rng, m, 1) for m in masters])
    b = descriptors([impression(rng, m, 1) for m in masters])
    s = a @ b.T
    genuine, impostor = np.diag(s), s[~np.eye(40, dtype=bool)]
    assert genuine.mean() > impostor.mean() + 3 * impostor.std()
