"""Master fingerprints: the finger itself, before any impression.

A master holds the finger's outline, pattern class, singular points, orientation field,
ridge-period map and its true minutiae. The minutiae are drawn cheaply (a jittered grid
over the finger, typed and oriented along the ridge flow) so that galleries of millions
of fingers never need an image; the image fidelity (scomm.synth.ridges) grows ridges
that carry these same minutiae.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.template import FingerPosition, MinutiaKind
from scomm.synth import parameters as P
from scomm.synth.orientation import OrientationModel, OrientationStack, orientation_model
from scomm.synth.pattern import PatternClass, finger_class, finger_index, singular_points
from scomm.synth.seeds import Stream, rng

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Master:
    """One finger of one synthetic person (master frame: centre origin, y up, 500 ppi)."""

    position: FingerPosition
    pattern: PatternClass
    half_width: float
    half_height: float
    orientation: OrientationModel
    period: float                  # mean ridge period (px)
    mx: Array                      # true minutiae, master frame
    my: Array
    mangle: Array                  # template convention, radians in [0, 2 pi)
    mkind: NDArray[np.uint8]

    @property
    def cores(self) -> Array:
        return self.orientation.cores

    @property
    def deltas(self) -> Array:
        return self.orientation.deltas

    def inside(self, u: Array, v: Array, scale: float = 1.0) -> NDArray[np.bool_]:
        """Whether points lie on the finger (its outline scaled by ``scale``)."""
        return ((u / (scale * self.half_width)) ** 2 + (v / (scale * self.half_height)) ** 2) <= 1.0

    def period_at(self, u: Array, v: Array) -> Array:
        """Ridge period (px) at points: wider above the top core and below the lowest delta."""
        t = np.full(np.broadcast(np.asarray(u), np.asarray(v)).shape, self.period)
        if len(self.cores):
            top = float(self.cores[:, 1].max())
            t = t * (1.0 + P.RIDGE_PERIOD_WIDENING * _ramp((v - top) / 80.0))
        if len(self.deltas):
            low = float(self.deltas[:, 1].min())
            t = t * (1.0 + P.RIDGE_PERIOD_WIDENING * _ramp((low - v) / 80.0))
        return np.clip(t, *P.RIDGE_PERIOD_LIMITS)


def _ramp(x: Array) -> Array:
    return np.clip(x, 0.0, 1.0)


def make_masters(seed: int, person: int, positions: Sequence[FingerPosition], dominant: int) -> list[Master]:
    """Draw the masters of several fingers of one person, each from its own random stream.

    The per-finger draws come first (a handful of calls per finger); the geometry of all
    fingers' minutiae is then computed in one vectorised pass.
    """
    drafts = []
    cells = []
    fid = []
    for i, position in enumerate(positions):
        g = rng(seed, person, int(position), 0, Stream.MASTER)
        idx = finger_index(position)
        cls = finger_class(g, position, dominant)
        half_w = max(110.0, float(g.normal(*P.FINGER_HALF_WIDTH))) * P.FINGER_SIZE_FACTOR[idx]
        half_h = half_w * P.FINGER_ASPECT
        cores, deltas = singular_points(g, cls, half_w)
        model = orientation_model(g, cores, deltas, cls == PatternClass.ARCH)
        period = float(np.clip(g.normal(*P.RIDGE_PERIOD), *P.RIDGE_PERIOD_LIMITS))
        c = P.MINUTIA_CELL
        nx = int(np.ceil(2 * half_w / c))
        ny = int(np.ceil(2 * half_h / c))
        r = g.random((5, ny * nx))       # jitter x, jitter y, keep, direction, kind per cell
        gx, gy = _grid(nx, ny)
        r[0] = -half_w + (gx + r[0]) * c
        r[1] = -half_h + (gy + r[1]) * c
        cells.append(r)
        fid.append(np.full(ny * nx, i, dtype=np.intp))
        drafts.append((FingerPosition(int(position)), cls, half_w, half_h, model, period))
    r = np.concatenate(cells, axis=1)
    f = np.concatenate(fid)
    hw = np.array([d[2] for d in drafts])[f]
    hh = np.array([d[3] for d in drafts])[f]
    stack = OrientationStack.of([d[4] for d in drafts])
    u, v = r[0], r[1]
    ok = (r[2] < P.MINUTIA_KEEP) & ((u / hw) ** 2 + (v / hh) ** 2 <= 1.0)
    d2 = ((u[:, None] - stack.sing[f, :, 0]) ** 2 + (v[:, None] - stack.sing[f, :, 1]) ** 2)
    d2 = np.where(stack.weight[f] != 0.0, d2, np.inf)
    ok &= d2.min(axis=1) > P.MINUTIA_SINGULAR_CLEARANCE ** 2
    r, f, u, v = r[:, ok], f[ok], u[ok], v[ok]
    angle = np.mod(stack.at(f, u, v) + np.pi * (r[3] < 0.5), 2 * np.pi)
    kind = np.where(r[4] < P.ENDING_SHARE, MinutiaKind.ENDING, MinutiaKind.BIFURCATION).astype(np.uint8)
    bounds = np.searchsorted(f, np.arange(len(drafts) + 1))
    out = []
    for i, (pos, cls, half_w, half_h, model, period) in enumerate(drafts):
        sl = slice(bounds[i], bounds[i + 1])
        out.append(Master(pos, cls, half_w, half_h, model, period, u[sl], v[sl], angle[sl], kind[sl]))
    return out


def make_master(seed: int, person: int, position: FingerPosition, dominant: int) -> Master:
    """One finger's master (the same as the one make_masters draws for it)."""
    return make_masters(seed, person, [position], dominant)[0]


@lru_cache(maxsize=64)
def _grid(nx: int, ny: int) -> tuple[Array, Array]:
    gx, gy = np.meshgrid(np.arange(nx, dtype=np.float64), np.arange(ny, dtype=np.float64))
    return gx.ravel(), gy.ravel()
