"""Minutiae read back from a ridge field: thinning and crossing numbers.

Used to check that grown ridges carry the master's minutiae and to measure rendered
images; it is a plain textbook reading (the extractor's thinning, then the crossing
number of Arcelli & Baja without scomm's extractor's filters).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from scomm.biometrics.skeleton import thin

Bool = NDArray[np.bool_]


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
