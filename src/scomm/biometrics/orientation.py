"""Ridge orientation field, its coherence, and the ridge period.

Orientation comes from the smoothed gradient structure tensor (Kass & Witkin;
Bazen & Gerez): ridges run perpendicular to the dominant gradient. Angles here
are in *pixel* coordinates (x right, y down), in [0, π); the minutiae stage
converts to the template's counter-clockwise convention.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from scomm.biometrics import parameters as P


def orientation_field(image: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Return (ridge orientation in [0, π) in pixel coordinates, coherence in [0, 1])."""
    gx = ndimage.gaussian_filter(image, P.GRADIENT_SIGMA, order=(0, 1))
    gy = ndimage.gaussian_filter(image, P.GRADIENT_SIGMA, order=(1, 0))
    if not P.ORIENTATION_SIGMA_NEAR:
        gxx = _smooth(gx * gx, P.ORIENTATION_SIGMA)
        gyy = _smooth(gy * gy, P.ORIENTATION_SIGMA)
        gxy = _smooth(gx * gy, P.ORIENTATION_SIGMA)
        diff = gxx - gyy
        gradient_angle = 0.5 * np.arctan2(2 * gxy, diff)
        ridge = np.mod(gradient_angle + np.pi / 2, np.pi).astype(np.float32)
        coherence = np.sqrt(diff * diff + 4 * gxy * gxy) / np.maximum(gxx + gyy, 1e-9)
        return ridge, np.clip(coherence, 0.0, 1.0).astype(np.float32)
    products = (gx * gx, gy * gy, gx * gy)
    wide = [_smooth_cells(p, P.ORIENTATION_SIGMA) for p in products]
    near = [_smooth_cells(p, P.ORIENTATION_SIGMA_NEAR) for p in products]
    (vx_w, vy_w, c_w), (vx_n, vy_n, c_n) = _doubled(*wide), _doubled(*near)
    # near a core or delta the ridges bend within the wide window (low wide coherence) but are
    # locally parallel (high near coherence): there, follow the narrow window
    t = np.clip((c_n - c_w) / P.ORIENTATION_ADAPT, 0.0, 1.0)
    vx = _to_pixels((t * vx_n + (1 - t) * vx_w).astype(np.float32), image.shape)
    vy = _to_pixels((t * vy_n + (1 - t) * vy_w).astype(np.float32), image.shape)
    coherence = _to_pixels(c_w, image.shape)
    ridge = np.mod(0.5 * np.arctan2(vy, vx) + np.pi / 2, np.pi).astype(np.float32)
    return ridge, np.clip(coherence, 0.0, 1.0).astype(np.float32)


def _doubled(gxx: NDArray[np.float32], gyy: NDArray[np.float32],
             gxy: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """Doubled-angle gradient vector (cos 2θ, sin 2θ scaled by coherence) and the coherence."""
    trace = np.maximum(gxx + gyy, 1e-9)
    vx, vy = (gxx - gyy) / trace, 2 * gxy / trace
    return vx.astype(np.float32), vy.astype(np.float32), np.sqrt(vx * vx + vy * vy).astype(np.float32)


def _smooth(field: NDArray[np.float32], sigma: float) -> NDArray[np.float32]:
    """Gaussian smoothing at ``sigma`` px, done on cell averages and interpolated back."""
    return _to_pixels(_smooth_cells(field, sigma), field.shape)


def _smooth_cells(field: NDArray[np.float32], sigma: float) -> NDArray[np.float32]:
    """Averages over ORIENTATION_CELL-pixel cells, then Gaussian-smoothed at ``sigma`` px on the cell grid."""
    step = P.ORIENTATION_CELL
    h, w = field.shape
    hh, ww = -(-h // step) * step, -(-w // step) * step
    padded = np.pad(field, ((0, hh - h), (0, ww - w)), mode="edge")
    cells = padded.reshape(hh // step, step, ww // step, step).mean(axis=(1, 3))
    return np.asarray(ndimage.gaussian_filter(cells, sigma / step, mode="nearest"), dtype=np.float32)


def _to_pixels(cells: NDArray[np.float32], shape: tuple[int, ...]) -> NDArray[np.float32]:
    """Cell grid back to pixels by bilinear interpolation (two small matrix products)."""
    step = P.ORIENTATION_CELL
    h, w = shape
    return (_interpolation(h, cells.shape[0], step) @ cells @ _interpolation(w, cells.shape[1], step).T).astype(
        np.float32)


def _interpolation(n: int, cells: int, step: int) -> NDArray[np.float32]:
    """(n, cells) linear-interpolation weights from cell centres back to pixels."""
    pos = np.clip((np.arange(n) + 0.5) / step - 0.5, 0, cells - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, cells - 1)
    t = (pos - lo).astype(np.float32)
    weights = np.zeros((n, cells), np.float32)
    weights[np.arange(n), lo] += 1 - t
    weights[np.arange(n), hi] += t
    return weights


def ridge_period(image: NDArray[np.float32], mask: NDArray[np.bool_]) -> tuple[float, float]:
    """Dominant ridge period in pixels and the share of spectral power in the ridge band.

    One period per impression is enough for Gabor enhancement at 500 ppi: within
    a finger the period varies by about ±20%, inside the filter's bandwidth. The
    band share tells ridges from other textures (smooth shading has almost none).
    """
    centred = (image - ndimage.uniform_filter(image, P.BLOCK)) * mask
    spec = np.abs(np.fft.rfft2(centred)) ** 2
    h, w = centred.shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    radius = np.sqrt(fx * fx + fy * fy)
    band = (radius >= 1.0 / P.MAX_PERIOD_PX) & (radius <= 1.0 / P.MIN_PERIOD_PX)
    total = float(spec.sum())
    if not band.any() or spec[band].sum() <= 0 or total <= 0:
        return P.DEFAULT_PERIOD_PX, 0.0
    share = float(spec[band].sum()) / total
    bins = np.linspace(1.0 / P.MAX_PERIOD_PX, 1.0 / P.MIN_PERIOD_PX, 41)
    idx = np.digitize(radius[band], bins)
    power = np.convolve(np.bincount(idx, weights=spec[band], minlength=len(bins) + 1)[1 : len(bins)],
                        np.ones(3) / 3, mode="same")
    k = int(np.argmax(power))
    freq = 0.5 * (bins[k] + bins[k + 1])
    return float(np.clip(1.0 / freq, P.MIN_PERIOD_PX, P.MAX_PERIOD_PX)), share


def local_period(image: NDArray[np.float32], mask: NDArray[np.bool_], period: float) -> NDArray[np.float32]:
    """Ridge period at every pixel, px, clipped to the ridge range.

    For a sinusoidal grating of frequency f, the mean squared gradient is
    (2πf)² times the mean squared (zero-mean) grey level, so the ratio of the
    two local energies gives the local frequency without any peak search. Both
    are taken after the same Gaussian smoothing, which cancels its attenuation;
    the local mean is removed at a scale wider than any ridge period. The map
    is then scaled so that its foreground median equals the impression's
    spectral ``period`` (the energy ratio is biased by the ridges'
    non-sinusoidal profile, the spectral peak is not), and pulled towards it
    where the estimate is uncertain.
    """
    smooth = ndimage.gaussian_filter(image, P.GRADIENT_SIGMA)
    centred = smooth - _smooth(image, P.PERIOD_MEAN_SIGMA)
    gx = ndimage.gaussian_filter(image, P.GRADIENT_SIGMA, order=(0, 1))
    gy = ndimage.gaussian_filter(image, P.GRADIENT_SIGMA, order=(1, 0))
    grad = _smooth_cells(gx * gx + gy * gy, P.PERIOD_SIGMA)
    grey = _smooth_cells(centred * centred, P.PERIOD_SIGMA)
    local = _to_pixels((2 * np.pi * np.sqrt(grey / np.maximum(grad, 1e-6))).astype(np.float32), image.shape)
    if P.PERIOD_ANCHOR and mask.any():
        local *= period / float(np.median(local[mask]))
    return np.clip(local, P.MIN_PERIOD_PX, P.MAX_PERIOD_PX).astype(np.float32)
