"""Contextual (Gabor) enhancement: each pixel filtered along its own ridge orientation.

A bank of even Gabor filters tuned to the print's ridge period (Hong, Wan & Jain
1998) is applied in the Fourier domain, one inverse transform per orientation,
and each pixel takes the response of its orientation (linearly interpolated
between the two nearest filters). Ridges come out negative (dark), valleys positive.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import fft as sfft
from scipy import ndimage

from scomm.biometrics import parameters as P


def _gabor_kernel(theta: float, period: float) -> NDArray[np.float64]:
    sigma = P.GABOR_SIGMA_FACTOR * period
    r = int(np.ceil(3 * sigma))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float64)
    across = -xx * np.sin(theta) + yy * np.cos(theta)  # distance across the ridges
    along = xx * np.cos(theta) + yy * np.sin(theta)
    g = np.exp(-0.5 * (across * across + along * along) / (sigma * sigma)) * np.cos(2 * np.pi * across / period)
    g -= g.mean()  # zero DC: flat areas give no response
    return np.asarray(g / np.abs(g).sum())


def enhance(
    image: NDArray[np.float32], orientation: NDArray[np.float32], period: float, mask: NDArray[np.bool_]
) -> NDArray[np.float32]:
    """Gabor-enhanced image (float, zero-mean; ridges < 0) of the same shape."""
    norm = image - ndimage.uniform_filter(image, P.BLOCK)
    dev = np.sqrt(ndimage.uniform_filter(norm * norm, P.BLOCK)) + 1e-3
    norm = np.where(mask, norm / dev, 0.0).astype(np.float32)
    h, w = norm.shape
    n = P.GABOR_ORIENTATIONS
    r = int(np.ceil(3 * P.GABOR_SIGMA_FACTOR * period))
    fh, fw = sfft.next_fast_len(h + 2 * r), sfft.next_fast_len(w + 2 * r, real=True)
    spectrum = sfft.rfft2(norm, s=(fh, fw), workers=1)
    responses = np.empty((n, h, w), np.float32)
    for k in range(n):
        ker = _gabor_kernel(np.pi * k / n, period)
        kf = sfft.rfft2(ker, s=(fh, fw), workers=1)
        full = sfft.irfft2(spectrum * kf, s=(fh, fw), workers=1)
        responses[k] = full[r : r + h, r : r + w]
    pos = orientation * (n / np.pi)
    k0 = np.floor(pos).astype(np.intp) % n
    k1 = (k0 + 1) % n
    t = (pos - np.floor(pos)).astype(np.float32)
    rows, cols = np.indices((h, w))
    out = (1 - t) * responses[k0, rows, cols] + t * responses[k1, rows, cols]
    return np.where(mask, out, 0.0).astype(np.float32)
