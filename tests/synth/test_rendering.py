"""The image path: deterministic images that carry the template path's minutiae."""

from __future__ import annotations

import numpy as np
import pytest

from scomm.biometrics.template import FingerPosition, ImpressionType
from scomm.synth import impression_template, make_person, master_image, render_impression
from scomm.synth.errors import SynthesisError
from scomm.synth.ridges import canvas_grid
from scomm.synth.skeleton import skeleton_minutiae

PERSON = make_person(21, 4)
FINGER = FingerPosition.RIGHT_LITTLE     # the smallest master: quickest to grow


@pytest.fixture(scope="module")
def ridges() -> np.ndarray:
    return master_image(PERSON, FINGER)


def test_master_ridges_carry_the_master_minutiae(ridges: np.ndarray) -> None:
    m = PERSON.master(FINGER)
    u, v = canvas_grid(m)
    ry, rx, kind = skeleton_minutiae(ridges > 0, m.inside(u, v), margin=12)
    h, w = ridges.shape
    inner = m.inside(m.mx, m.my, 1 - 14 / m.half_width)
    mx, my = m.mx[inner] + w / 2 - 0.5, h / 2 - 0.5 - m.my[inner]
    d = np.hypot(rx[:, None] - mx[None, :], ry[:, None] - my[None, :])
    found = d.min(axis=0) < 6.0
    assert found.mean() > 0.8
    nearest = d.argmin(axis=1)
    close = d.min(axis=1) < 6.0
    assert np.mean(kind[close] == m.mkind[inner][nearest[close]]) > 0.85


def test_ridge_field_has_the_master_period(ridges: np.ndarray) -> None:
    m = PERSON.master(FINGER)
    h, w = ridges.shape
    patch = ridges[h // 2 - 64:h // 2 + 64, w // 2 - 64:w // 2 + 64]
    spec = np.abs(np.fft.fftshift(np.fft.fft2(patch - patch.mean())))
    yy, xx = np.indices(spec.shape) - 64
    radius = np.hypot(yy, xx)
    peak = radius.ravel()[np.argmax(spec.ravel())]
    assert abs(128 / peak - m.period) < 2.0


def test_images_are_deterministic_and_well_formed(ridges: np.ndarray) -> None:
    a = render_impression(PERSON, FINGER, 2, ImpressionType.LIVESCAN_PLAIN)
    b = render_impression(make_person(21, 4), FINGER, 2, ImpressionType.LIVESCAN_PLAIN)
    assert a.dtype == np.uint8 and a.shape == (400, 400)
    assert np.array_equal(a, b)
    assert a[:8, :8].mean() > 200            # white background
    assert a[150:250, 150:250].min() < 100   # dark ridges on the finger
    c = render_impression(PERSON, FINGER, 3, ImpressionType.LIVESCAN_PLAIN)
    assert not np.array_equal(a, c)
    d = render_impression(PERSON, FINGER, 2, ImpressionType.LIVESCAN_PLAIN, size=(320, 480))
    assert d.shape == (480, 320)


def test_template_minutiae_sit_on_the_imaged_finger(ridges: np.ndarray) -> None:
    img = render_impression(PERSON, FINGER, 5, ImpressionType.LIVESCAN_PLAIN).astype(np.float64)
    t = impression_template(PERSON, FINGER, 5, ImpressionType.LIVESCAN_PLAIN)
    xs = np.clip(np.rint(t.x).astype(int), 8, 391)
    ys = np.clip(np.rint(t.y).astype(int), 8, 391)
    local = np.array([img[y - 8:y + 8, x - 8:x + 8].std() for x, y in zip(xs, ys, strict=True)])
    assert np.mean(local > 20) > 0.9         # ridges (contrast) around nearly every minutia


def test_tiny_image_size_is_refused() -> None:
    with pytest.raises(SynthesisError):
        render_impression(PERSON, FINGER, 0, size=(8, 8))


def test_minutiae_read_from_grown_ridges_agree_with_the_seeded_ones(ridges: np.ndarray) -> None:
    from scomm.synth.fidelity import ridge_minutiae

    seeded = PERSON.master(FINGER)
    read = ridge_minutiae(seeded, ridges)
    assert read.pattern == seeded.pattern and len(read.mx) >= 0.8 * len(seeded.mx)
    d = np.hypot(read.mx[:, None] - seeded.mx[None, :], read.my[:, None] - seeded.my[None, :])
    inner = seeded.inside(seeded.mx, seeded.my, 1 - 14 / seeded.half_width)
    assert np.mean(d[:, inner].min(axis=0) < 6.0) > 0.8
    near = d.min(axis=1) < 4.0
    j = d.argmin(axis=1)[near]
    turn = np.angle(np.exp(1j * (read.mangle[near] - seeded.mangle[j])))
    assert np.mean(np.abs(turn) < np.radians(30)) > 0.8
