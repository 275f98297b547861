"""Gabor enhancement: the fast bank gives what the plain one (every orientation, every pixel) gives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import fft as sfft

from scomm.biometrics import parameters as P
from scomm.biometrics.enhancement import _gabor_spectrum, _period_levels, enhance, normalize


def _plain_enhance(image: np.ndarray, orientation: np.ndarray, period: np.ndarray | float,
                   mask: np.ndarray) -> np.ndarray:
    """The bank written the obvious way: a full inverse FFT per orientation and level, a stack, a gather."""
    norm = normalize(image, mask)
    h, w = norm.shape
    n = P.GABOR_ORIENTATIONS
    levels = _period_levels(period, mask)
    reach = int(np.ceil(3 * P.GABOR_SIGMA_FACTOR * max(levels)))
    pos = orientation * (n / np.pi)
    k0 = np.floor(pos).astype(np.intp) % n
    k1 = (k0 + 1) % n
    t = (pos - np.floor(pos)).astype(np.float32)
    if len(levels) > 1:
        lp = np.log(np.clip(period, levels[0], levels[-1]))
        x = (lp - np.log(levels[0])) / (np.log(levels[-1]) - np.log(levels[0])) * (len(levels) - 1)
    else:
        x = np.zeros((h, w))
    out = np.zeros((h, w), np.float32)
    rows, cols = np.indices((h, w))
    for j, p_level in enumerate(levels):
        lw = np.clip(1 - np.abs(x - j), 0, 1).astype(np.float32)
        support = (lw > 0) & mask
        ys, xs = (np.flatnonzero(support.any(axis=a)) for a in (1, 0))
        y0, y1, x0, x1 = int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1
        if len(levels) == 1:
            y0, y1, x0, x1 = 0, h, 0, w
        cy0, cy1, cx0, cx1 = max(0, y0 - reach), min(h, y1 + reach), max(0, x0 - reach), min(w, x1 + reach)
        crop = norm[cy0:cy1, cx0:cx1]
        fh = sfft.next_fast_len(crop.shape[0] + reach, real=True)
        fw = sfft.next_fast_len(crop.shape[1] + reach, real=True)
        spectrum = sfft.rfft2(crop, s=(fh, fw), workers=1)
        fy, fx = np.fft.fftfreq(fh)[:, None], np.fft.rfftfreq(fw)[None, :]
        stack = np.zeros((n, h, w), np.float32)
        for k in range(n):
            kf = _gabor_spectrum(np.pi * k / n, p_level, fy, fx).astype(np.float32)
            full = sfft.irfft2(spectrum * kf, s=(fh, fw), workers=1)
            stack[k, y0:y1, x0:x1] = full[y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0]
        box = np.zeros((h, w), bool)
        box[y0:y1, x0:x1] = True
        out += np.where(box, lw * ((1 - t) * stack[k0, rows, cols] + t * stack[k1, rows, cols]), 0)
    return np.where(mask, out, 0.0).astype(np.float32)


def _whorl(h: int = 180, w: int = 150) -> tuple[np.ndarray, ...]:
    """A noisy circular grating whose spacing grows outwards, its orientation, period map and an oval mask."""
    yy, xx = np.mgrid[:h, :w].astype(np.float64)
    cy, cx = 0.45 * h, 0.55 * w
    radius = np.hypot(yy - cy, xx - cx)
    spacing = 7.0 + 5.0 * radius / radius.max()
    phase = np.cumsum(1.0 / spacing, axis=1)  # not a true whorl phase; the texture only has to be print-like
    image = 128 + 60 * np.cos(2 * np.pi * (radius / spacing + 0.1 * phase))
    image += np.random.default_rng(3).normal(0, 30, (h, w))
    orientation = np.mod(np.arctan2(yy - cy, xx - cx) + np.pi / 2, np.pi).astype(np.float32)
    mask = ((yy - cy) / (0.45 * h)) ** 2 + ((xx - cx) / (0.45 * w)) ** 2 < 1
    return image.astype(np.float32), orientation, spacing.astype(np.float32), mask


@pytest.mark.parametrize("mapped", [True, False])
def test_banked_enhancement_equals_the_plain_bank(mapped: bool) -> None:
    image, orientation, period_map, mask = _whorl()
    period = period_map if mapped else 9.0
    # with a map: both levels, with boxes smaller than the image
    assert len(_period_levels(period, mask)) == (2 if mapped else 1)
    fast = enhance(image, orientation, period, mask)
    plain = _plain_enhance(image, orientation, period, mask)
    # leaving out the filter's spectrum below 1e-20 is invisible in float32
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-6)
    assert np.array_equal(fast < 0, plain < 0)


@pytest.mark.parametrize("elongation", [1.0, 1.6])
def test_enhancement_keeps_ridges_of_a_clean_grating(monkeypatch: pytest.MonkeyPatch, elongation: float) -> None:
    monkeypatch.setattr(P, "GABOR_ELONGATION", elongation)
    h, w = 120, 140
    xx = np.arange(w, dtype=np.float64)
    image = np.tile(128 + 60 * np.cos(2 * np.pi * xx / 9.0), (h, 1)).astype(np.float32)
    orientation = np.full((h, w), np.pi / 2, np.float32)  # vertical ridges
    mask = np.zeros((h, w), bool)
    mask[10:110, 15:125] = True
    out = enhance(image, orientation, 9.0, mask)
    inner = (slice(30, 90), slice(35, 105))
    assert np.mean((out[inner] < 0) == (image[inner] < 128)) > 0.97
    assert not out[~mask].any()


def test_enhancement_does_not_rely_on_scipy_transforming_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """The column pass is asked to overwrite its input; a scipy that returns a new array must give the same image."""
    image, orientation, period_map, mask = _whorl()
    want = enhance(image, orientation, period_map, mask)
    real_ifft = sfft.ifft

    def copying_ifft(x, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["overwrite_x"] = False
        return np.array(real_ifft(x, *args, **kwargs), copy=True)

    monkeypatch.setattr(sfft, "ifft", copying_ifft)
    assert np.array_equal(enhance(image, orientation, period_map, mask), want)
