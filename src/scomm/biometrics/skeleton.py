"""Binarised ridges and their one-pixel-wide skeleton.

Thinning is Zhang & Suen's two-subiteration algorithm followed by one pass that
removes the remaining staircase pixels (simple points that are not ends), so
that the crossing number on the skeleton finds only true ridge ends and forks.
Written with Numba because it is a per-pixel loop.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray
from scipy import ndimage

# Neighbours clockwise from north: (dy, dx).
_DY = np.array([-1, -1, 0, 1, 1, 1, 0, -1], dtype=np.int64)
_DX = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int64)


def binarize(enhanced: NDArray[np.float32], mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Ridge pixels (True) of the enhanced image, small specks and pores removed."""
    ridges = (enhanced < 0) & mask
    # A 3x3 majority vote smooths ragged ridge edges that would become skeleton spurs.
    votes = ndimage.uniform_filter(ridges.astype(np.float32), 3)
    return np.asarray(votes > 0.5)


@njit(cache=True)
def _zhang_suen(img: NDArray[np.uint8]) -> None:
    h, w = img.shape
    changed = True
    marks = np.zeros((h, w), np.uint8)
    while changed:
        changed = False
        for sub in range(2):
            for y in range(1, h - 1):
                for x in range(1, w - 1):
                    if img[y, x] == 0:
                        continue
                    p2 = img[y - 1, x]
                    p3 = img[y - 1, x + 1]
                    p4 = img[y, x + 1]
                    p5 = img[y + 1, x + 1]
                    p6 = img[y + 1, x]
                    p7 = img[y + 1, x - 1]
                    p8 = img[y, x - 1]
                    p9 = img[y - 1, x - 1]
                    b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9
                    if b < 2 or b > 6:
                        continue
                    a = ((p2 == 0 and p3 == 1) + (p3 == 0 and p4 == 1) + (p4 == 0 and p5 == 1)
                         + (p5 == 0 and p6 == 1) + (p6 == 0 and p7 == 1) + (p7 == 0 and p8 == 1)
                         + (p8 == 0 and p9 == 1) + (p9 == 0 and p2 == 1))
                    if a != 1:
                        continue
                    if sub == 0:
                        if p2 * p4 * p6 != 0 or p4 * p6 * p8 != 0:
                            continue
                    else:
                        if p2 * p4 * p8 != 0 or p2 * p6 * p8 != 0:
                            continue
                    marks[y, x] = 1
            for y in range(1, h - 1):
                for x in range(1, w - 1):
                    if marks[y, x]:
                        img[y, x] = 0
                        marks[y, x] = 0
                        changed = True


@njit(cache=True)
def _remove_staircases(img: NDArray[np.uint8], dy: NDArray[np.int64], dx: NDArray[np.int64]) -> None:
    h, w = img.shape
    nb = np.zeros(8, np.uint8)
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            if img[y, x] == 0:
                continue
            count = 0
            for k in range(8):
                nb[k] = img[y + dy[k], x + dx[k]]
                count += nb[k]
            if count < 2:
                continue
            # Yokoi's 8-connectivity number: 1 means the pixel is a simple point,
            # removable without changing the skeleton's topology.
            conn = 0
            for k in range(0, 8, 2):
                q0 = 1 - nb[k]
                q1 = 1 - nb[(k + 1) % 8]
                q2 = 1 - nb[(k + 2) % 8]
                conn += q0 - q0 * q1 * q2
            if conn == 1:
                img[y, x] = 0


def thin(ridges: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """One-pixel-wide skeleton of the ridge mask."""
    img = np.zeros((ridges.shape[0] + 2, ridges.shape[1] + 2), np.uint8)
    img[1:-1, 1:-1] = ridges
    _zhang_suen(img)
    _remove_staircases(img, _DY, _DX)
    return np.asarray(img[1:-1, 1:-1] > 0)
