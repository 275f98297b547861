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


def _gabor_spectrum(theta: float, period: float, fy: NDArray[np.floating], fx: NDArray[np.floating]) -> NDArray[np.float64]:
    """Fourier transform of an even Gabor filter, evaluated on the FFT grid.

    The filter is a Gaussian envelope times a cosine across the ridges; its
    spectrum is two Gaussian blobs at plus and minus the ridge frequency along
    the ridge normal, so no kernel FFT is needed. The envelope may be longer
    along the ridges than across them (GABOR_ELONGATION), which bridges small
    breaks and averages noise along the flow. DC is removed so flat areas give
    no response.
    """
    s_across = P.GABOR_SIGMA_FACTOR * period
    s_along = s_across * P.GABOR_ELONGATION
    f0 = 1.0 / period
    cn, sn = -np.sin(theta), np.cos(theta)  # ridge normal (x, y), pixel coordinates
    if P.GABOR_ELONGATION == 1.0:
        k = 2 * (np.pi * s_across) ** 2
        nx, ny = cn * f0, sn * f0
        # isotropic: each blob is an outer product of two 1-D Gaussians
        g = np.exp(-k * (fy - ny) ** 2) * np.exp(-k * (fx - nx) ** 2) + np.exp(-k * (fy + ny) ** 2) * np.exp(
            -k * (fx + nx) ** 2)
    else:
        u = fx * cn + fy * sn  # frequency across the ridges
        v = fy * cn - fx * sn  # frequency along the ridges
        a_u = 2 * (np.pi * s_across) ** 2
        a_v = 2 * (np.pi * s_along) ** 2
        g = (np.exp(-a_u * (u - f0) ** 2) + np.exp(-a_u * (u + f0) ** 2)) * np.exp(-a_v * v * v)
    g[0, 0] = 0.0  # zero DC: flat areas give no response
    return np.asarray(g)


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
    fh, fw = sfft.next_fast_len(h + r, real=True), sfft.next_fast_len(w + r, real=True)
    spectrum = sfft.rfft2(norm.astype(np.float32), s=(fh, fw), workers=1)
    fy = np.fft.fftfreq(fh)[:, None]
    fx = np.fft.rfftfreq(fw)[None, :]
    responses = np.empty((n, h, w), np.float32)
    for k in range(n):
        kf = _gabor_spectrum(np.pi * k / n, period, fy, fx).astype(np.float32)
        full = sfft.irfft2(spectrum * kf, s=(fh, fw), workers=1)
        responses[k] = full[:h, :w]
    pos = orientation * (n / np.pi)
    k0 = np.floor(pos).astype(np.intp) % n
    k1 = (k0 + 1) % n
    t = (pos - np.floor(pos)).astype(np.float32)
    rows, cols = np.indices((h, w))
    out = (1 - t) * responses[k0, rows, cols] + t * responses[k1, rows, cols]
    return np.where(mask, out, 0.0).astype(np.float32)
