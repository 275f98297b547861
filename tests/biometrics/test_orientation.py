"""The orientation field's fused tensor against its plain NumPy definition."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from scomm.biometrics import load_image
from scomm.biometrics import parameters as P
from scomm.biometrics.image import to_reference_resolution
from scomm.biometrics.orientation import _smooth, orientation_field

from .conftest import FVC, FVC_PPI, needs_data


def _tensor_plain(gx: np.ndarray, gy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ridge orientation and coherence of the structure tensor, each component smoothed on its own."""
    gxx = _smooth(gx * gx, P.ORIENTATION_SIGMA)
    gyy = _smooth(gy * gy, P.ORIENTATION_SIGMA)
    gxy = _smooth(gx * gy, P.ORIENTATION_SIGMA)
    diff = gxx - gyy
    ridge = np.mod(0.5 * np.arctan2(2 * gxy, diff) + np.pi / 2, np.pi)
    coherence = np.clip(np.sqrt(diff * diff + 4 * gxy * gxy) / np.maximum(gxx + gyy, 1e-9), 0, 1)
    return ridge, coherence


def _orientation_plain(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    gx = ndimage.gaussian_filter(image, P.GRADIENT_SIGMA, order=(0, 1))
    gy = ndimage.gaussian_filter(image, P.GRADIENT_SIGMA, order=(1, 0))
    _, coherence = _tensor_plain(gx, gy)
    energy = ndimage.gaussian_filter(gx * gx + gy * gy, P.ORIENTATION_NORMALISE)
    scale = 1.0 / np.sqrt(energy + P.ORIENTATION_NORMALISE_FLOOR * float(np.mean(energy)))
    ridge, _ = _tensor_plain((gx * scale).astype(np.float32), (gy * scale).astype(np.float32))
    return ridge, coherence


@needs_data
def test_orientation_field_is_the_plain_tensor_definition() -> None:
    img, _ = load_image(FVC / "103_2.tif")
    # an odd size, so the last cells are partial (padded with the edge pixels)
    image = to_reference_resolution(img, FVC_PPI)[3:, 5:]
    ridge, coherence = orientation_field(image)
    want_ridge, want_coherence = _orientation_plain(image)
    assert ridge.shape == coherence.shape == image.shape
    d = np.abs((ridge - want_ridge + np.pi / 2) % np.pi - np.pi / 2)  # angles modulo π
    assert d.max() < 1e-3
    assert np.abs(coherence - want_coherence).max() < 1e-5
