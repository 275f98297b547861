"""1:1 comparison of minutiae templates, fast enough for 1:N search.

Two stages, both vectorised:

1. *Local*: every minutia gets a Minutia Cylinder-Code descriptor (Cappelli,
   Maio & Maltoni, IEEE TPAMI 2010): how the neighbouring minutiae and their
   directions are spread in a disc around it, in the minutia's own frame, so it
   is invariant to rotation and translation and tolerant to distortion. The
   descriptors are computed once per template (:func:`prepare`); the similarity
   of every probe/reference minutia pair is then a few matrix products.
2. *Global*: the most similar local pairs are tried as anchors of a rigid
   alignment; under each, minutiae are paired one-to-one within a tolerance
   that grows with distance from the anchor (elastic skin), and the best
   alignment's paired local similarity, normalised by the minutiae in the
   overlapping area, is the score.

:func:`compare_many` runs stage 1 for one probe against many references in one
matrix product, which is what the 1:N search uses on its candidate lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from scomm.biometrics import parameters as P
from scomm.biometrics.template import Template

# Score at or above which two impressions are declared the same finger: the
# threshold at FMR 0.1% over all 5,760 cross-finger impostor pairs of
# fvc2002-db2b and sfinge-db4b (FNMR 10% there; docs/biometrics.md).
MATCH_THRESHOLD: float = 0.22


def _cell_offsets() -> NDArray[np.float32]:
    ns = P.CYLINDER_CELLS
    step = 2 * P.CYLINDER_RADIUS / ns
    c = (np.arange(ns) - (ns - 1) / 2) * step
    gx, gy = np.meshgrid(c, c)
    keep = np.hypot(gx, gy) <= P.CYLINDER_RADIUS
    return np.column_stack([gx[keep], gy[keep]]).astype(np.float32)


_CELLS = _cell_offsets()
_BIN_CENTRES = (-np.pi + (np.arange(P.CYLINDER_DIRECTIONS) + 0.5) * 2 * np.pi / P.CYLINDER_DIRECTIONS)


@dataclass(frozen=True, eq=False)
class PreparedTemplate:
    """A template with its local descriptors computed, ready for fast comparison.

    ``cylinders`` is (n, cells*directions), zero on invalid cells; ``cell_mask``
    (n, cells) marks valid cells; ``cell_energy`` (n, cells) is the squared
    cylinder summed over directions; ``usable`` marks minutiae whose cylinder
    holds enough information to be compared.
    """

    x: NDArray[np.float32]
    y: NDArray[np.float32]
    angle: NDArray[np.float32]
    cylinders: NDArray[np.float32]
    cell_mask: NDArray[np.float32]
    cell_energy: NDArray[np.float32]
    usable: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.x.shape[0])


def _angle_diff(a: NDArray[np.floating], b: NDArray[np.floating]) -> NDArray[np.floating]:
    """a - b wrapped to (-π, π]."""
    return np.asarray(np.mod(a - b + np.pi, 2 * np.pi) - np.pi)


def prepare(template: Template) -> PreparedTemplate:
    """Compute the local descriptors of a template once (enrolment time)."""
    x = template.x.astype(np.float32)
    y = template.y.astype(np.float32)
    a = template.angle.astype(np.float32)
    n = x.shape[0]
    nc, nd = _CELLS.shape[0], P.CYLINDER_DIRECTIONS
    if n == 0:
        z = np.zeros((0, nc), np.float32)
        return PreparedTemplate(x, y, a, np.zeros((0, nc * nd), np.float32), z, z, np.zeros(0, bool))
    # Cell centres in image pixels: the minutia's direction is (cos a, -sin a) with y down.
    ux, uy = np.cos(a), -np.sin(a)
    vx, vy = -uy, ux
    cx = x[:, None] + _CELLS[None, :, 0] * ux[:, None] + _CELLS[None, :, 1] * vx[:, None]
    cy = y[:, None] + _CELLS[None, :, 0] * uy[:, None] + _CELLS[None, :, 1] * vy[:, None]
    dx = cx[:, :, None] - x[None, None, :]
    dy = cy[:, :, None] - y[None, None, :]
    d2 = dx * dx + dy * dy  # (n, cells, n)
    ss = P.CYLINDER_SIGMA_S
    gs = np.exp(-d2 / (2 * ss * ss)) / (ss * np.sqrt(2 * np.pi))
    pair = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    neighbour = (pair <= P.CYLINDER_RADIUS + 3 * ss) & ~np.eye(n, dtype=bool)
    gs *= neighbour[:, None, :]
    dtheta = _angle_diff(a[None, :], a[:, None])  # (m, t): neighbour direction relative to the minutia's
    sd = P.CYLINDER_SIGMA_D
    bins = _angle_diff(_BIN_CENTRES[None, None, :], dtheta[:, :, None])
    gd = np.exp(-bins * bins / (2 * sd * sd)) / (sd * np.sqrt(2 * np.pi)) * (2 * np.pi / nd)
    raw = np.einsum("mct,mtk->mck", gs, gd.astype(np.float32), optimize=True)
    cyl = 1.0 / (1.0 + np.exp(-P.CYLINDER_TAU * (raw - P.CYLINDER_MU)))
    # Valid cells: where the print has minutiae nearby (MCC uses the minutiae's
    # convex hull); independent of the image frame, so rotation cannot change it.
    valid = d2.min(axis=2) <= P.CYLINDER_VALID_DISTANCE ** 2
    cyl *= valid[:, :, None]
    usable = (valid.mean(axis=1) >= P.CYLINDER_MIN_VALID_CELLS) & (neighbour.sum(axis=1) >= P.CYLINDER_MIN_NEIGHBOURS)
    cyl32 = np.ascontiguousarray(cyl.reshape(n, nc * nd), dtype=np.float32)
    energy = np.ascontiguousarray((cyl * cyl).sum(axis=2), dtype=np.float32)
    return PreparedTemplate(x, y, a, cyl32, valid.astype(np.float32), energy, usable)


@njit(cache=True, fastmath=True)
def _pair_under(sim: NDArray[np.float32], px: NDArray[np.float32], py: NDArray[np.float32],
                pa: NDArray[np.float32], rx: NDArray[np.float32], ry: NDArray[np.float32],
                ra: NDArray[np.float32], ax: float, ay: float, bx: float, by: float, rot: float,
                tol0: float, slope: float, tol_angle: float, overlap_d: float, min_overlap: float,
                base: float, pair_p: NDArray[np.int64], pair_r: NDArray[np.int64]) -> tuple[float, int]:
    """Pair minutiae one-to-one under the rigid map taking probe point (ax, ay) to reference (bx, by),
    rotated by ``rot``; return the score and the number of pairs (written to pair_p/pair_r)."""
    n_p = px.shape[0]
    n_r = rx.shape[0]
    c = np.cos(rot)
    s = np.sin(rot)
    taken = np.zeros(n_r, np.bool_)
    near_r = np.zeros(n_r, np.bool_)
    total = 0.0
    n_near_p = 0
    n_pairs = 0
    od2 = overlap_d * overlap_d
    for a in range(n_p):
        # rotate about the anchor in math orientation (y up = -y pixel)
        dx = px[a] - ax
        dy = -(py[a] - ay)
        tx = bx + (c * dx - s * dy)
        ty = by - (s * dx + c * dy)
        tol = tol0 + slope * np.sqrt(dx * dx + dy * dy)
        tol2 = tol * tol
        ta = pa[a] + rot
        bj = -1
        bs = 0.0
        close = False
        for b in range(n_r):
            ddx = tx - rx[b]
            ddy = ty - ry[b]
            d2 = ddx * ddx + ddy * ddy
            if d2 > od2:
                continue
            close = True
            near_r[b] = True
            if d2 > tol2 or taken[b]:
                continue
            dang = ta - ra[b]
            dang = dang - 2 * np.pi * np.floor((dang + np.pi) / (2 * np.pi))
            if abs(dang) > tol_angle:
                continue
            # a geometric pair counts even with a weak local similarity
            w = base + (1.0 - base) * sim[a, b]
            if w > bs:
                bs = w
                bj = b
        if close:
            n_near_p += 1
        if bj >= 0:
            taken[bj] = True
            total += bs
            pair_p[n_pairs] = a
            pair_r[n_pairs] = bj
            n_pairs += 1
    n_near_r = 0
    for b in range(n_r):
        if near_r[b]:
            n_near_r += 1
    norm2 = max(float(n_near_p), min_overlap) * max(float(n_near_r), min_overlap)
    return total * total / norm2 * min(1.0, total / min_overlap), n_pairs


@njit(cache=True, fastmath=True)
def _consolidate(sim: NDArray[np.float32], px: NDArray[np.float32], py: NDArray[np.float32], pa: NDArray[np.float32],
                 rx: NDArray[np.float32], ry: NDArray[np.float32], ra: NDArray[np.float32], hypotheses: int,
                 tol0: float, slope: float, tol_angle: float, overlap_d: float, min_overlap: float,
                 base: float) -> float:
    n_p, n_r = sim.shape
    if n_p == 0 or n_r == 0:
        return 0.0
    # the best `hypotheses` local pairs, by insertion into a short sorted list
    k = max(1, min(hypotheses, n_p * n_r))
    top_v = np.full(k, -1.0)
    top_i = np.zeros(k, np.int64)
    for q in range(n_p * n_r):
        v = sim[q // n_r, q % n_r]
        if v <= top_v[k - 1]:
            continue
        pos = k - 1
        while pos > 0 and top_v[pos - 1] < v:
            top_v[pos] = top_v[pos - 1]
            top_i[pos] = top_i[pos - 1]
            pos -= 1
        top_v[pos] = v
        top_i[pos] = q
    best = 0.0
    best_n = 0
    pair_p = np.empty(n_p, np.int64)
    pair_r = np.empty(n_p, np.int64)
    best_p = np.empty(n_p, np.int64)
    best_r = np.empty(n_p, np.int64)
    # pairs already found under an alignment tried: an anchor among them would
    # give (nearly) the same alignment again, so it is skipped
    covered = np.zeros((n_p, n_r), np.bool_)
    for h in range(k):
        if top_v[h] <= 0:
            break
        i = top_i[h] // n_r
        j = top_i[h] % n_r
        if covered[i, j]:
            continue
        rot = ra[j] - pa[i]  # counter-clockwise in the template convention
        score, n = _pair_under(sim, px, py, pa, rx, ry, ra, px[i], py[i], rx[j], ry[j], rot,
                               tol0, slope, tol_angle, overlap_d, min_overlap, base, pair_p, pair_r)
        for q in range(n):
            covered[pair_p[q], pair_r[q]] = True
        if score > best:
            best = score
            best_n = n
            best_p[:n] = pair_p[:n]
            best_r[:n] = pair_r[:n]
    if best_n < 3:
        return best
    # Refine the best alignment: least-squares rotation and translation of its
    # pairs (2-D Procrustes about their centroids), then pair again; corrects
    # an anchor that was itself displaced by distortion.
    n = best_n
    mpx = 0.0
    mpy = 0.0
    mrx = 0.0
    mry = 0.0
    for q in range(n):
        mpx += px[best_p[q]]
        mpy += py[best_p[q]]
        mrx += rx[best_r[q]]
        mry += ry[best_r[q]]
    mpx /= n
    mpy /= n
    mrx /= n
    mry /= n
    sxx = 0.0
    sxy = 0.0
    for q in range(n):
        u1 = px[best_p[q]] - mpx
        v1 = -(py[best_p[q]] - mpy)
        u2 = rx[best_r[q]] - mrx
        v2 = -(ry[best_r[q]] - mry)
        sxx += u1 * u2 + v1 * v2
        sxy += u1 * v2 - v1 * u2
    rot2 = np.arctan2(sxy, sxx)
    score, n = _pair_under(sim, px, py, pa, rx, ry, ra, mpx, mpy, mrx, mry, rot2,
                           tol0, slope, tol_angle, overlap_d, min_overlap, base, pair_p, pair_r)
    return max(best, score)


@njit(cache=True, fastmath=True)
def _local_and_global(dot: NDArray[np.float32], pe: NDArray[np.float32], re: NDArray[np.float32],
                      common: NDArray[np.float32], pa: NDArray[np.float32], pu: NDArray[np.bool_],
                      px: NDArray[np.float32], py: NDArray[np.float32],
                      ra: NDArray[np.float32], ru: NDArray[np.bool_], rx: NDArray[np.float32],
                      ry: NDArray[np.float32], offsets: NDArray[np.int64], min_common: float,
                      max_rotation: float, hypotheses: int, tol0: float, slope: float, tol_angle: float, overlap_d: float,
                      min_overlap: float, base: float) -> NDArray[np.float32]:
    n_p = dot.shape[0]
    n_refs = offsets.shape[0] - 1
    out = np.zeros(n_refs, np.float32)
    cos_max = np.cos(max_rotation)
    pcos = np.cos(pa)
    psin = np.sin(pa)
    rcos = np.cos(ra)
    rsin = np.sin(ra)
    for k in range(n_refs):
        s0 = offsets[k]
        s1 = offsets[k + 1]
        n_r = s1 - s0
        if n_r == 0 or n_p == 0:
            continue
        sim = np.zeros((n_p, n_r), np.float32)
        for a in range(n_p):
            if not pu[a]:
                continue
            for b in range(n_r):
                c = s0 + b
                if not ru[c] or common[a, c] < min_common:
                    continue
                # cos of the direction difference, against cos of the largest rotation
                if pcos[a] * rcos[c] + psin[a] * rsin[c] < cos_max:
                    continue
                e1 = pe[a, c]
                e2 = re[a, c]
                den = np.sqrt(e1) + np.sqrt(e2)
                if den <= 0:
                    continue
                num = np.sqrt(max(e1 + e2 - 2 * dot[a, c], 0.0))
                sim[a, b] = 1.0 - num / den
        out[k] = _consolidate(sim, px, py, pa, rx[s0:s1], ry[s0:s1], ra[s0:s1], hypotheses, tol0, slope,
                              tol_angle, overlap_d, min_overlap, base)
    return out


@dataclass(frozen=True, eq=False)
class PreparedBatch:
    """Many prepared references stacked into single arrays, for :func:`compare_many`.

    Build it once per candidate list or gallery shard with :func:`stack`;
    ``offsets[k]:offsets[k+1]`` are reference ``k``'s rows.
    """

    offsets: NDArray[np.int64]
    x: NDArray[np.float32]
    y: NDArray[np.float32]
    angle: NDArray[np.float32]
    usable: NDArray[np.bool_]
    cylinders_t: NDArray[np.float32]
    cell_mask_t: NDArray[np.float32]
    cell_energy_t: NDArray[np.float32]

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)


def stack(references: Sequence[PreparedTemplate]) -> PreparedBatch:
    """Stack prepared references (transposed, so the probe's products read them contiguously)."""
    nc, nd = _CELLS.shape[0], P.CYLINDER_DIRECTIONS
    offsets = np.zeros(len(references) + 1, np.int64)
    offsets[1:] = np.cumsum([len(r) for r in references])

    def cat(name: str, width: int | None, dtype: type) -> NDArray[np.generic]:
        if not references:
            return np.zeros((0,) if width is None else (0, width), dtype)
        return np.concatenate([getattr(r, name) for r in references]).astype(dtype, copy=False)

    return PreparedBatch(
        offsets,
        cat("x", None, np.float32),  # type: ignore[arg-type]
        cat("y", None, np.float32),  # type: ignore[arg-type]
        cat("angle", None, np.float32),  # type: ignore[arg-type]
        cat("usable", None, np.bool_),  # type: ignore[arg-type]
        np.ascontiguousarray(cat("cylinders", nc * nd, np.float32).T),
        np.ascontiguousarray(cat("cell_mask", nc, np.float32).T),
        np.ascontiguousarray(cat("cell_energy", nc, np.float32).T),
    )


def compare_many(probe: PreparedTemplate, references: PreparedBatch | Sequence[PreparedTemplate]) -> NDArray[np.float32]:
    """Scores of one prepared probe against many prepared references (1:N candidate lists).

    The local similarities of all references come from one matrix product, so
    most of the per-reference cost is the global consolidation. Pass a
    :class:`PreparedBatch` (from :func:`stack`) to reuse the stacking.
    """
    batch = references if isinstance(references, PreparedBatch) else stack(references)
    if len(probe) == 0 or batch.offsets[-1] == 0:
        return np.zeros(len(batch), np.float32)
    dot = probe.cylinders @ batch.cylinders_t
    pe = probe.cell_energy @ batch.cell_mask_t
    re = probe.cell_mask @ batch.cell_energy_t
    common = probe.cell_mask @ batch.cell_mask_t
    return _local_and_global(dot, pe, re, common, probe.angle, probe.usable, probe.x, probe.y,
                             batch.angle, batch.usable, batch.x, batch.y, batch.offsets,
                             P.CYLINDER_MIN_COMMON * _CELLS.shape[0], P.MAX_ROTATION, P.ALIGN_HYPOTHESES,
                             P.PAIR_DISTANCE_PX, P.PAIR_DISTANCE_SLOPE, P.PAIR_ANGLE,
                             P.OVERLAP_DISTANCE_PX, float(P.MIN_OVERLAP), P.PAIR_BASE_WEIGHT)


def compare_prepared(probe: PreparedTemplate, reference: PreparedTemplate) -> float:
    """Similarity of two prepared templates (see :func:`compare`)."""
    return float(compare_many(probe, stack([reference]))[0])


def compare(probe: Template, reference: Template) -> float:
    """Similarity of two impressions: 0 for nothing in common, towards 1 for identical.

    At or above :data:`MATCH_THRESHOLD` means the same finger.
    """
    return compare_prepared(prepare(probe), prepare(reference))
