"""Fixed-length per-finger descriptors: the first stage's view of a finger.

A finger's minutiae become a histogram of minutia *pairs*: for every pair closer
than ``PAIR_MAX_DISTANCE`` we bin (distance, direction of the first minutia
relative to the pair's line, direction of the second relative to the line).
Each of the three quantities is unchanged by rotating or shifting the print, so
the histogram needs no alignment, and two descriptors compare by a dot product:
a whole gallery is one matrix-vector product per finger position.

Soft (linear) binning spreads each pair over neighbouring bins so that the
jitter of a re-taken impression moves mass smoothly instead of across a bin
edge. The square root of the normalised histogram (Hellinger map) stops the
many mid-distance pairs from dominating, a fixed centring vector removes what
all fingers share, and a fixed orthogonal projection shortens the vector to
``DESCRIPTOR_LENGTH`` so a finger costs 512 bytes on disk in float16.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numba
import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search import parameters as P
from scomm.biometrics.template import Template

_TWO_PI = 2.0 * np.pi


@numba.njit(cache=True, nogil=True)
def _pair_histograms(x: np.ndarray, y: np.ndarray, angle: np.ndarray, offsets: np.ndarray,
                     max_dist: float, n_dist: int, n_ang: int) -> np.ndarray:  # pragma: no cover - jitted
    n_templates = offsets.shape[0] - 1
    out = np.zeros((n_templates, n_dist * n_ang * n_ang), dtype=np.float32)
    d_step = max_dist / n_dist
    a_step = 2.0 * np.pi / n_ang
    max2 = max_dist * max_dist
    for t in range(n_templates):
        lo = offsets[t]
        hi = offsets[t + 1]
        for i in range(lo, hi):
            for j in range(lo, hi):
                if i == j:
                    continue
                dx = x[j] - x[i]
                dy = y[j] - y[i]
                d2 = dx * dx + dy * dy
                if d2 >= max2:
                    continue
                d = np.sqrt(d2)
                line = np.arctan2(dy, dx)
                a1 = (angle[i] - line) % (2.0 * np.pi)
                a2 = (angle[j] - line) % (2.0 * np.pi)
                # soft bins: centre of bin k at (k + 0.5) * step
                fd = d / d_step - 0.5
                d0 = int(np.floor(fd))
                wd1 = fd - d0
                f1 = a1 / a_step - 0.5
                i0 = int(np.floor(f1))
                w11 = f1 - i0
                f2 = a2 / a_step - 0.5
                j0 = int(np.floor(f2))
                w21 = f2 - j0
                for sd in range(2):
                    db = d0 + sd
                    if db < 0 or db >= n_dist:
                        continue
                    wd = wd1 if sd == 1 else 1.0 - wd1
                    for s1 in range(2):
                        ab = (i0 + s1) % n_ang
                        w1 = w11 if s1 == 1 else 1.0 - w11
                        for s2 in range(2):
                            bb = (j0 + s2) % n_ang
                            w2 = w21 if s2 == 1 else 1.0 - w21
                            out[t, (db * n_ang + ab) * n_ang + bb] += wd * w1 * w2
    return out


@lru_cache(maxsize=1)
def _projection() -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The fixed centring vector and orthogonal projection (raw length -> stored length)."""
    rng = np.random.default_rng(P.PROJECTION_SEED)
    g = rng.standard_normal((P.RAW_DESCRIPTOR_LENGTH, P.DESCRIPTOR_LENGTH))
    q, _ = np.linalg.qr(g)
    centre = _centre_vector()
    return centre.astype(np.float32), np.ascontiguousarray(q, dtype=np.float32)


def _centre_vector() -> NDArray[np.float64]:
    """Expected Hellinger histogram of uniformly placed, uniformly directed minutiae.

    For such minutiae both relative directions are uniform and independent of the
    distance, and the distance density inside a disc of radius R grows like r
    (2r/R^2). That is what every finger shares, so it is removed before the dot
    product; computing it in closed form keeps the descriptor free of any data set.
    """
    edges = np.linspace(0.0, P.PAIR_MAX_DISTANCE, P.DISTANCE_BINS + 1)
    mass = edges[1:] ** 2 - edges[:-1] ** 2
    mass /= mass.sum()
    per_bin = np.repeat(mass, P.ANGLE_BINS * P.ANGLE_BINS) / (P.ANGLE_BINS * P.ANGLE_BINS)
    return np.sqrt(per_bin)


def raw_histograms(templates: Sequence[Template]) -> NDArray[np.float32]:
    """Pair histograms (n, RAW_DESCRIPTOR_LENGTH) of many templates in one jitted pass."""
    counts = np.fromiter((len(t) for t in templates), dtype=np.int64, count=len(templates))
    offsets = np.zeros(len(templates) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    if offsets[-1] == 0:
        return np.zeros((len(templates), P.RAW_DESCRIPTOR_LENGTH), np.float32)
    x = np.concatenate([t.x for t in templates]).astype(np.float64)
    y = np.concatenate([t.y for t in templates]).astype(np.float64)
    a = np.concatenate([t.angle for t in templates]).astype(np.float64)
    return _pair_histograms(x, y, a, offsets, P.PAIR_MAX_DISTANCE, P.DISTANCE_BINS, P.ANGLE_BINS)


def descriptors(templates: Sequence[Template]) -> NDArray[np.float32]:
    """Unit-length first-stage descriptors (n, DESCRIPTOR_LENGTH), float32.

    A template with fewer than two minutiae has no pairs and gets the zero vector,
    which scores 0 against everything: the finger simply adds no evidence.
    """
    if len(templates) == 0:
        return np.zeros((0, P.DESCRIPTOR_LENGTH), np.float32)
    h = raw_histograms(templates).astype(np.float64)
    total = h.sum(axis=1, keepdims=True)
    empty = total[:, 0] <= 0
    h = np.sqrt(h / np.where(total > 0, total, 1.0))
    centre, proj = _projection()
    v = (h - centre) @ proj
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    v = v / np.where(norm > 0, norm, 1.0)
    v[empty] = 0.0
    return v.astype(np.float32)


def descriptor(template: Template) -> NDArray[np.float32]:
    """The descriptor of one template (DESCRIPTOR_LENGTH,)."""
    return descriptors([template])[0]
