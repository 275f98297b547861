"""Impression quality, 0..100: how much reliable ridge structure the image holds.

A transparent score, not NFIQ 2: the product of ridge clarity (mean
orientation coherence of the foreground, which falls on smudged, dry or noisy
prints), usable area (foreground size against a typical plain impression) and
minutiae yield. It is meant to rank a person's ten fingers for fusion and to
flag re-captures, which is what scomm uses it for.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics import parameters as P


def impression_quality(coherence: NDArray[np.float32], mask: NDArray[np.bool_], minutiae_count: int) -> int:
    """Quality score 0..100 (higher is better)."""
    area = int(mask.sum())
    if area == 0:
        return 0
    mean_coherence = float(coherence[mask].mean())
    clarity = float(np.clip((mean_coherence - P.MIN_COHERENCE) / (P.GOOD_COHERENCE - P.MIN_COHERENCE), 0, 1))
    size = min(1.0, area / P.GOOD_FOREGROUND_PX)
    yield_ = min(1.0, minutiae_count / P.GOOD_MINUTIAE)
    return round(100 * clarity ** 0.7 * size ** 0.5 * yield_ ** 0.5)
