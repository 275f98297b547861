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

import numba
import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

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
    mphase: Array                  # ridge phase offset at each minutia (see _phases)
    mcharge: NDArray[np.int8]      # +1: points along the unwrapped flow, -1: against it

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
        v = np.broadcast_to(np.asarray(v, dtype=np.float64), np.broadcast(np.asarray(u), np.asarray(v)).shape)
        top = float(self.cores[:, 1].max()) if len(self.cores) else np.inf
        low = float(self.deltas[:, 1].min()) if len(self.deltas) else -np.inf
        return _period(np.float64(self.period), np.float64(top), np.float64(low), v)


def _period(base: Array | np.float64, top: Array | np.float64, low: Array | np.float64, v: Array) -> Array:
    widen = (P.RIDGE_PERIOD_WIDENING * np.clip((v - top) / 80.0, 0.0, 1.0)
             + P.RIDGE_PERIOD_WIDENING * np.clip((low - v) / 80.0, 0.0, 1.0))
    return np.asarray(np.clip(base * (1.0 + widen), *P.RIDGE_PERIOD_LIMITS))


def _phases(f: NDArray[np.intp], u: Array, v: Array, flow: Array, charge: NDArray[np.int8],
            period: Array) -> Array:
    """The ridge phase at each minutia, from which its type follows.

    Ridges are modelled as cos(Psi), Psi a smooth phase whose gradient is 2 pi / period
    times the flow's normal, plus one phase spiral per minutia (the AM-FM view of
    fingerprints of Larkin & Fletcher 2007). Around minutia i, Psi is
    phase_i + k_i nu_i . (x - m_i) + charge_i (arg(x - m_i) - flow_i); two neighbours
    agree when these meet in step at their midpoint. The offsets that best satisfy all
    neighbour pairs are found by the generalised power method on the nearest-neighbour
    graph (phase synchronisation), all fingers at once; one common rotation per finger is
    free and is chosen to give the usual share of ridge endings. A minutia pointing along
    its charge is then a ridge ending where its phase is near 0 and a bifurcation near pi.
    """
    n = u.shape[0]
    if n == 0:
        return np.zeros(0)
    pts = np.column_stack([u + 4096.0 * f, v])        # fingers far apart: no edges between them
    k = min(P.PHASE_NEIGHBOURS + 1, n)
    dist, idx = cKDTree(pts).query(pts, k=k)
    phase = np.zeros(n)
    bounds = np.searchsorted(f, np.arange(int(f[-1]) + 2)).astype(np.int64)
    _synchronise(idx[:, 1:].astype(np.int64), dist[:, 1:], u, v, flow, charge.astype(np.float64), period,
                 P.PHASE_NEIGHBOUR_RADIUS, P.PHASE_ITERATIONS, bounds, P.ENDING_SHARE, phase)
    return phase


@numba.njit(cache=True, nogil=True)
def _edge_delta(a: int, b: int, u: Array, v: Array, flow: Array, charge: Array,
                period: Array) -> float:  # pragma: no cover - compiled
    """Phase_b - phase_a that makes minutiae a and b meet in step at their midpoint."""
    mu = 0.5 * (u[a] + u[b])
    mv = 0.5 * (v[a] + v[b])
    return (_seen_from(a, mu, mv, u, v, flow, charge, period)
            - _seen_from(b, mu, mv, u, v, flow, charge, period))


@numba.njit(cache=True, nogil=True, inline="always")
def _seen_from(q: int, mu: float, mv: float, u: Array, v: Array, flow: Array, charge: Array,
               period: Array) -> float:  # pragma: no cover - compiled
    du = mu - u[q]
    dv = mv - v[q]
    lin = 2 * np.pi / period[q] * (-np.sin(flow[q]) * du + np.cos(flow[q]) * dv)
    return lin + charge[q] * (np.arctan2(dv, du) - flow[q])


@numba.njit(cache=True, nogil=True)
def _synchronise(nbr: NDArray[np.int64], dist: Array, u: Array, v: Array, flow: Array, charge: Array,
                 period: Array, radius: float, iterations: int, bounds: NDArray[np.int64],
                 ending_share: float, phase: Array) -> None:  # pragma: no cover - compiled
    ne = 0
    i = np.empty(nbr.size, np.int64)
    j = np.empty(nbr.size, np.int64)
    dc = np.empty(nbr.size)
    ds = np.empty(nbr.size)
    for a in range(nbr.shape[0]):
        for c in range(nbr.shape[1]):
            b = nbr[a, c]
            if dist[a, c] >= radius or np.cos(flow[a] - flow[b]) <= 0.0:
                continue
            d = _edge_delta(a, b, u, v, flow, charge, period)
            i[ne] = a
            j[ne] = b
            dc[ne] = np.cos(d)
            ds[ne] = np.sin(d)
            ne += 1
    i = i[:ne]
    j = j[:ne]
    n = phase.shape[0]
    zr = np.ones(n)
    zi = np.zeros(n)
    for _ in range(iterations):
        ar = zr.copy()
        ai = zi.copy()
        for e in range(i.shape[0]):
            a, b = i[e], j[e]
            # z_b += z_a e^{i delta}, z_a += z_b e^{-i delta}
            ar[b] += zr[a] * dc[e] - zi[a] * ds[e]
            ai[b] += zr[a] * ds[e] + zi[a] * dc[e]
            ar[a] += zr[b] * dc[e] + zi[b] * ds[e]
            ai[a] += zi[b] * dc[e] - zr[b] * ds[e]
        for q in range(n):
            m = np.sqrt(ar[q] * ar[q] + ai[q] * ai[q])
            if m > 1e-12:
                zr[q] = ar[q] / m
                zi[q] = ai[q] / m
    for q in range(n):
        phase[q] = np.arctan2(zi[q], zr[q])
    nshift = 24
    for s in range(bounds.shape[0] - 1):
        a, b = bounds[s], bounds[s + 1]
        if b - a < 1:
            continue
        best, best_err = 0.0, 2.0
        for k in range(nshift):
            shift = 2 * np.pi * k / nshift
            ends = 0
            for q in range(a, b):
                if charge[q] * np.cos(phase[q] + shift) > 0:
                    ends += 1
            err = abs(ends / (b - a) - ending_share)
            if err < best_err:
                best, best_err = shift, err
        for q in range(a, b):
            phase[q] = np.mod(phase[q] + best, 2 * np.pi)


def make_masters(seed: int, person: int, positions: Sequence[FingerPosition], dominant: int) -> list[Master]:
    """Draw the masters of several fingers of one person, each from its own random stream."""
    return make_masters_many([(seed, person, FingerPosition(int(p)), dominant) for p in positions])


def make_masters_many(fingers: Sequence[tuple[int, int, FingerPosition, int]]) -> list[Master]:
    """Masters of many (seed, person, position, dominant class) fingers at once.

    The per-finger draws come first (a handful of calls per finger, each from the finger's
    own stream); the geometry of all fingers' minutiae is then computed in vectorised
    passes, so a finger's master does not depend on which others share the call.
    """
    drafts = []
    cells = []
    fid = []
    for i, (seed, person, position, dominant) in enumerate(fingers):
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
        r = g.random((4, ny * nx))       # jitter x, jitter y, keep, direction per cell
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
    flow = stack.at(f, u, v, wrap=False)
    charge = np.where(r[3] < 0.5, -1, 1).astype(np.int8)
    angle = np.mod(flow + np.pi * (charge < 0), 2 * np.pi)
    base = np.array([d[5] for d in drafts])
    top = np.array([d[4].cores[:, 1].max() if len(d[4].cores) else np.inf for d in drafts])
    low = np.array([d[4].deltas[:, 1].min() if len(d[4].deltas) else -np.inf for d in drafts])
    local_period = _period(base[f], top[f], low[f], v)
    phase = _phases(f, u, v, flow, charge, local_period)
    # A spiral pointing along its direction is a ridge ending when the ridge phase there is
    # near 0 and a bifurcation near pi (and the other way round for charge -1).
    kind = np.where(charge * np.cos(phase) > 0, MinutiaKind.ENDING, MinutiaKind.BIFURCATION).astype(np.uint8)
    bounds = np.searchsorted(f, np.arange(len(drafts) + 1))
    out = []
    for i, (pos, cls, half_w, half_h, model, period) in enumerate(drafts):
        sl = slice(bounds[i], bounds[i + 1])
        out.append(Master(pos, cls, half_w, half_h, model, period, u[sl], v[sl], angle[sl], kind[sl],
                          phase[sl], charge[sl]))
    return out


def make_master(seed: int, person: int, position: FingerPosition, dominant: int) -> Master:
    """One finger's master (the same as the one make_masters draws for it)."""
    return make_masters(seed, person, [position], dominant)[0]


@lru_cache(maxsize=64)
def _grid(nx: int, ny: int) -> tuple[Array, Array]:
    gx, gy = np.meshgrid(np.arange(nx, dtype=np.float64), np.arange(ny, dtype=np.float64))
    return gx.ravel(), gy.ravel()
