"""Minutiae read back from a ridge field: thinning and crossing numbers.

Used to check that grown ridges carry the master's minutiae and to measure rendered
images; it is a plain textbook extractor (Zhang & Suen 1984 thinning, the crossing
number of Arcelli & Baja), not scomm's production extractor.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

Bool = NDArray[np.bool_]


@numba.njit(cache=True)
def _thin(img: NDArray[np.uint8]) -> None:  # pragma: no cover - compiled
    h, w = img.shape
    changed = True
    marks = np.zeros_like(img)
    while changed:
        changed = False
        for step in range(2):
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
                    if step == 0:
                        if p2 * p4 * p6 != 0 or p4 * p6 * p8 != 0:
                            continue
                    else:
                        if p2 * p4 * p8 != 0 or p2 * p6 * p8 != 0:
                            continue
                    marks[y, x] = 1
            for y in range(h):
                for x in range(w):
                    if marks[y, x]:
                        img[y, x] = 0
                        marks[y, x] = 0
                        changed = True


def thin(ridges: Bool) -> Bool:
    """One-pixel-wide skeleton of a binary ridge map."""
    img = np.ascontiguousarray(ridges, dtype=np.uint8)
    _thin(img)
    return img.astype(bool)


def skeleton_minutiae(ridges: Bool, valid: Bool, margin: int = 10) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.uint8]]:
    """(rows, cols, kind) of crossing-number minutiae of a binary ridge map, kept only
    ``margin`` px inside ``valid`` (1 ending, 2 bifurcation)."""
    sk = thin(ridges).astype(np.int32)
    nb = [sk[:-2, 1:-1], sk[:-2, 2:], sk[1:-1, 2:], sk[2:, 2:], sk[2:, 1:-1], sk[2:, :-2], sk[1:-1, :-2], sk[:-2, :-2]]
    cn = sum(np.abs(nb[i] - nb[(i + 1) % 8]) for i in range(8)) // 2
    core = sk[1:-1, 1:-1] == 1
    inner = ndimage.binary_erosion(valid, iterations=margin)[1:-1, 1:-1]
    ending = core & (cn == 1) & inner
    bif = core & (cn == 3) & inner
    ry, rx = np.nonzero(ending | bif)
    kind = np.where(ending[ry, rx], 1, 2).astype(np.uint8)
    return ry + 1, rx + 1, kind
