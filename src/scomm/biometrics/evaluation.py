"""Verification accuracy from score arrays: EER, FMR-at-FNMR points, DET curve.

Pure functions of genuine and impostor scores (higher = more alike), the
figures the FVC competitions report (Maio et al., FVC2002): EER, FMR100 and
FMR1000 (the lowest FNMR with FMR at most 1% / 0.1%), ZeroFMR (lowest FNMR
with no false match). All rates are fractions in [0, 1]; callers print percent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class ErrorRates:
    """FMR and FNMR at every distinct threshold, thresholds ascending."""

    thresholds: NDArray[np.float64]
    fmr: NDArray[np.float64]
    fnmr: NDArray[np.float64]


def error_rates(genuine: ArrayLike, impostor: ArrayLike) -> ErrorRates:
    """FMR(t) = share of impostor scores >= t, FNMR(t) = share of genuine scores < t."""
    g = np.sort(np.asarray(genuine, dtype=np.float64).ravel())
    i = np.sort(np.asarray(impostor, dtype=np.float64).ravel())
    if g.size == 0 or i.size == 0:
        raise ValueError("need at least one genuine and one impostor score")
    t = np.unique(np.concatenate([g, i, [np.inf]]))
    fmr = 1.0 - np.searchsorted(i, t, side="left") / i.size
    fnmr = np.searchsorted(g, t, side="left") / g.size
    return ErrorRates(t, fmr, fnmr)


def eer(genuine: ArrayLike, impostor: ArrayLike) -> float:
    """Equal error rate, FVC style: the midpoint of the interval where FMR and FNMR cross."""
    r = error_rates(genuine, impostor)
    # FMR falls and FNMR rises with the threshold; find where they cross.
    k = int(np.argmax(r.fnmr >= r.fmr))
    if k == 0:
        return float((r.fmr[0] + r.fnmr[0]) / 2)
    # Between thresholds k-1 (FNMR < FMR) and k (FNMR >= FMR).
    lo = max(r.fnmr[k - 1], r.fmr[k])
    hi = min(r.fmr[k - 1], r.fnmr[k])
    if lo <= hi:
        return float((lo + hi) / 2)
    return float(min(max(r.fmr[k - 1], r.fnmr[k - 1]), max(r.fmr[k], r.fnmr[k])))


def fnmr_at_fmr(genuine: ArrayLike, impostor: ArrayLike, max_fmr: float) -> float:
    """Lowest FNMR over thresholds whose FMR is at most ``max_fmr`` (FMR100: 0.01, ZeroFMR: 0)."""
    r = error_rates(genuine, impostor)
    ok = r.fmr <= max_fmr + 1e-12
    return float(r.fnmr[ok].min())


def threshold_at_fmr(genuine: ArrayLike, impostor: ArrayLike, max_fmr: float) -> float:
    """Smallest threshold whose FMR is at most ``max_fmr``."""
    r = error_rates(genuine, impostor)
    ok = r.fmr <= max_fmr + 1e-12
    return float(r.thresholds[ok].min())


def det_points(genuine: ArrayLike, impostor: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(FMR, FNMR) pairs of the DET curve, one per distinct threshold."""
    r = error_rates(genuine, impostor)
    return r.fmr, r.fnmr
