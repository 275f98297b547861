"""Foreground mask: where the finger touched the sensor.

Ridges make the grey level vary strongly over a ridge period; background and
smudges do not. A pixel is foreground when the local grey-level deviation over
one block is a good fraction of the print's typical deviation (variance
segmentation, as in Bazen & Gerez 2001), cleaned by morphology, its small holes
filled (a large one, such as a hole punched through a card, stays out) and
reduced to the largest connected region.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from scomm.biometrics import parameters as P


def local_deviation(image: NDArray[np.float32], size: int = P.BLOCK) -> NDArray[np.float32]:
    """Grey-level standard deviation over a ``size`` square around each pixel."""
    mean = ndimage.uniform_filter(image, size, mode="reflect")
    sq = ndimage.uniform_filter(image * image, size, mode="reflect")
    return np.sqrt(np.maximum(sq - mean * mean, 0.0)).astype(np.float32)


def segmentation_mask(image: NDArray[np.float32]) -> NDArray[np.bool_]:
    """Boolean foreground mask of the same shape as ``image``.

    The decision and the morphology run on a grid of 4x4-pixel cells (a mask
    needs no finer detail), then the mask is expanded back to pixels.
    """
    step = P.MASK_CELL
    h, w = image.shape
    dev = local_deviation(image)
    hh, ww = -(-h // step) * step, -(-w // step) * step
    padded = np.pad(dev, ((0, hh - h), (0, ww - w)), mode="edge")
    cells = padded.reshape(hh // step, step, ww // step, step).mean(axis=(1, 3))
    reference = float(np.percentile(cells, 90))
    mask = cells > max(P.FOREGROUND_FRACTION * reference, 1e-6)
    disk = _disk(P.BLOCK // (2 * step))
    mask = ndimage.binary_opening(mask, structure=disk)
    mask = ndimage.binary_closing(mask, structure=disk, border_value=0)
    mask = _fill_small_holes(mask, P.MASK_MAX_HOLE_PX // (step * step))
    mask = _largest_region(mask)
    full = np.repeat(np.repeat(mask, step, axis=0), step, axis=1)[:h, :w]
    return np.ascontiguousarray(full, dtype=bool)


def extended_mask(mask: NDArray[np.bool_], px: float) -> NDArray[np.bool_]:
    """``mask`` grown by ``px`` pixels: where ridges are enhanced and skeletonised.

    Ridges cut by the mask's edge end there, and every cut is a false ridge
    ending; growing the area the skeleton is traced in moves those cuts
    ``px`` outside the foreground, so minutiae near the foreground's border
    can be told from them (the border filter then measures from the grown edge).
    """
    if px <= 0:
        return mask
    return np.asarray(ndimage.distance_transform_edt(~mask) <= px)


def _fill_small_holes(mask: NDArray[np.bool_], max_cells: int) -> NDArray[np.bool_]:
    """Fill holes in the foreground of at most ``max_cells`` cells (a dry spot, a scar, pores); larger
    ones stay background. A textureless region that large inside a print is not skin that touched
    the sensor: a hole punched through a card, a blot of ink."""
    filled = np.asarray(ndimage.binary_fill_holes(mask))
    if max_cells <= 0:
        return filled
    holes, n = ndimage.label(filled & ~mask)
    if n == 0:
        return filled
    big = np.bincount(holes.ravel()) > max_cells
    big[0] = False
    # the hole's rim reads as texture (black against grey over one block): it goes with the hole
    rim = P.BLOCK // P.MASK_CELL
    return filled & ~np.asarray(ndimage.binary_dilation(big[holes], structure=_disk(rim)))


def _largest_region(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The largest connected region of the mask: one print (smudges and specks apart are dropped)."""
    labels, n = ndimage.label(mask)
    if n <= 1:
        return mask
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return np.asarray(labels == int(np.argmax(sizes)))


def _disk(radius: int) -> NDArray[np.bool_]:
    yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    return np.asarray(xx * xx + yy * yy <= radius * radius)
