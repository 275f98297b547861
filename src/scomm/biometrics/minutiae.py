"""Minutiae from the skeleton: detection, direction, and removal of false ones.

Ridge endings have crossing number 1 on the skeleton, bifurcations 3. The
direction is the local ridge orientation, turned to point along the ridge away
from the minutia (ending: into the ridge; bifurcation: between its two
branches), as the template convention asks. The false minutiae that skeletons
are known to produce (Maltoni et al., Handbook ch. 3.9) are removed by
geometry: near the print's border, in tight clusters (breaks, spurs, bridges,
short islands).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray
from scipy import ndimage

from scomm.biometrics import minutia_filter
from scomm.biometrics import parameters as P
from scomm.biometrics.quality import block_clarity
from scomm.biometrics.template import MinutiaKind

_DY = np.array([-1, -1, 0, 1, 1, 1, 0, -1], dtype=np.int64)
_DX = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int64)


@njit(cache=True)
def _trace(skel: NDArray[np.uint8], y0: int, x0: int, y1: int, x1: int, steps: int,
           dy: NDArray[np.int64], dx: NDArray[np.int64]) -> tuple[int, int, int]:
    """Follow the skeleton from (y0,x0) through (y1,x1); return end y, x and steps (<0: stopped early)."""
    h, w = skel.shape
    vy = np.empty(steps + 2, np.int64)
    vx = np.empty(steps + 2, np.int64)
    vy[0], vx[0] = y0, x0
    vy[1], vx[1] = y1, x1
    nv = 2
    cy, cx = y1, x1
    for s in range(1, steps):
        found = 0
        ny, nx = -1, -1
        for k in range(8):
            yy = cy + dy[k]
            xx = cx + dx[k]
            if yy < 0 or xx < 0 or yy >= h or xx >= w or skel[yy, xx] == 0:
                continue
            if abs(yy - y0) <= 1 and abs(xx - x0) <= 1:
                continue
            seen = False
            for v in range(nv):
                if vy[v] == yy and vx[v] == xx:
                    seen = True
                    break
            if seen:
                continue
            # skip pixels touching the previous one: they belong to the path just walked
            if nv >= 2 and abs(yy - vy[nv - 2]) <= 1 and abs(xx - vx[nv - 2]) <= 1:
                continue
            found += 1
            ny, nx = yy, xx
        if found != 1:
            return cy, cx, -s
        cy, cx = ny, nx
        vy[nv], vx[nv] = cy, cx
        nv += 1
    return cy, cx, steps


@njit(cache=True)
def _detect(skel: NDArray[np.uint8], steps: int, dy: NDArray[np.int64], dx: NDArray[np.int64]) -> NDArray[np.float64]:
    h, w = skel.shape
    out = np.zeros((h * w // 16 + 16, 6), np.float64)  # y, x, kind, vy, vx, shortest trace
    n = 0
    nb = np.zeros(8, np.int64)
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            if skel[y, x] == 0:
                continue
            for k in range(8):
                nb[k] = skel[y + dy[k], x + dx[k]]
            cn = 0
            for k in range(8):
                cn += abs(nb[k] - nb[(k + 1) % 8])
            cn //= 2
            if cn != 1 and cn != 3:
                continue
            vy = 0.0
            vx = 0.0
            shortest = steps
            branches = 0
            for k in range(8):
                if nb[k] == 0:
                    continue
                # one branch per run of set neighbours around the ring
                if nb[(k + 7) % 8] == 1:
                    continue
                ey, ex, s = _trace(skel, y, x, y + dy[k], x + dx[k], steps, dy, dx)
                d = np.sqrt((ey - y) ** 2 + (ex - x) ** 2) + 1e-9
                vy += (ey - y) / d
                vx += (ex - x) / d
                branches += 1
                if abs(s) < shortest:
                    shortest = abs(s)
                    if s < 0:
                        shortest = -abs(s)
            if branches == 0:
                continue
            if n >= out.shape[0]:
                break
            out[n, 0] = y
            out[n, 1] = x
            out[n, 2] = 1 if cn == 1 else 2
            out[n, 3] = vy
            out[n, 4] = vx
            out[n, 5] = shortest
            n += 1
    return out[:n]


@dataclass(frozen=True)
class FilterContext:
    """Per-pixel maps the learned minutia scorer reads (see minutia_filter.py)."""

    maps: dict[str, NDArray[np.float32] | NDArray[np.float64]]
    period: float


def filter_context(enhanced: NDArray[np.float32], normalized: NDArray[np.float32], mask: NDArray[np.bool_],
                   skeleton: NDArray[np.bool_], period_map: NDArray[np.float32], period: float,
                   clarity: NDArray[np.float32]) -> FilterContext:
    """The maps for :func:`detect_minutiae`'s learned scoring (about 3 ms at 400x400)."""
    amp = ndimage.uniform_filter(np.abs(enhanced), P.CLARITY_WIDE_WINDOW_PX)
    ref = float(np.median(amp[mask])) if mask.any() else 0.0
    block, _ = block_clarity(normalized, enhanced, mask)
    b = P.QUALITY_BLOCK
    h, w = mask.shape
    full = np.zeros((h, w), np.float32)
    up = np.repeat(np.repeat(block, b, axis=0), b, axis=1)
    full[:up.shape[0], :up.shape[1]] = up
    dens = ndimage.uniform_filter(skeleton.astype(np.float32), P.CLARITY_WINDOW_PX) * np.float32(period)
    maps: dict[str, NDArray[np.float32] | NDArray[np.float64]] = {
        "clarity": clarity, "clarity_wide": (amp / max(ref, 1e-6)).astype(np.float32),
        "block_clarity": full, "period": period_map, "skeleton_density": dens,
        "smooth_normalized": ndimage.gaussian_filter(normalized, 1.0)}
    return FilterContext(maps, period)


def detect_minutiae(
    skeleton: NDArray[np.bool_],
    orientation: NDArray[np.float32],
    coherence: NDArray[np.float32],
    mask: NDArray[np.bool_],
    clarity: NDArray[np.float32] | None = None,
    context: FilterContext | None = None,
    area: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """Minutiae as an (N, 5) array of x, y, angle (template convention), kind, reliability.

    ``clarity`` (see :func:`ridge_clarity`), when given, drops minutiae where
    the enhanced ridges are faint and scales the reliability. With ``context``
    (and ``MINUTIA_FILTER`` on) the reliability is instead the learned
    scorer's probability that the minutia is true, minutiae under
    ``MIN_MINUTIA_SCORE`` are dropped, and the ``MAX_MINUTIAE`` cap keeps the
    best scored.
    """
    out, features = minutia_candidates(skeleton, orientation, coherence, mask, clarity, context, area)
    if features is not None and P.MINUTIA_FILTER:
        out[:, 4] = minutia_filter.model().score(features)
        # candidates inside the border margin (looked for when BORDER_CANDIDATE_PX < BORDER_MARGIN_PX)
        # stay only when the scorer is confident
        border = features[:, minutia_filter.FEATURE_NAMES.index("border")] * 30.0
        keep = out[:, 4] >= P.MIN_MINUTIA_SCORE
        keep &= (border >= P.BORDER_MARGIN_PX) | (out[:, 4] >= P.BORDER_RESCUE_SCORE)
        out = out[keep]
    else:
        out = out[out[:, 4] >= P.MIN_RELIABILITY]
    if out.shape[0] > P.MAX_MINUTIAE:
        out = out[np.argsort(-out[:, 4], kind="stable")[: P.MAX_MINUTIAE]]
    return out


def minutia_candidates(
    skeleton: NDArray[np.bool_],
    orientation: NDArray[np.float32],
    coherence: NDArray[np.float32],
    mask: NDArray[np.bool_],
    clarity: NDArray[np.float32] | None = None,
    context: FilterContext | None = None,
    area: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Minutiae after the geometric filters, with the hand-made reliability, and
    their learned-scorer features when ``context`` is given (for training too).

    ``area``, when given, is the (grown) region the skeleton was traced in:
    candidates must also lie ``BORDER_MARGIN_PX`` inside its edge, where ridges
    were cut.
    """
    skel = np.ascontiguousarray(skeleton, dtype=np.uint8)
    raw_all = _detect(skel, P.TRACE_PX, _DY, _DX)
    empty = (np.zeros((0, 5)), None if context is None else np.zeros((0, len(minutia_filter.FEATURE_NAMES))))
    if raw_all.shape[0] == 0:
        return empty
    raw = raw_all
    y = raw[:, 0].astype(np.intp)
    x = raw[:, 1].astype(np.intp)
    kind = raw[:, 2]
    # Endings whose ridge stops at another node within the trace are spurs or islands.
    keep = ~((kind == MinutiaKind.ENDING) & (raw[:, 5] < 0) & (np.abs(raw[:, 5]) < P.SPUR_PX))
    border = ndimage.distance_transform_edt(mask)
    margin = P.BORDER_MARGIN_PX if context is None or not P.MINUTIA_FILTER else P.BORDER_CANDIDATE_PX
    keep &= border[y, x] >= margin
    if area is not None and area is not mask:
        # padded: the image's own edge cuts ridges too
        inside = ndimage.distance_transform_edt(np.pad(area, 1))[1:-1, 1:-1]
        keep &= inside[y, x] >= P.BORDER_MARGIN_PX
    if clarity is not None:
        keep &= clarity[y, x] >= P.MIN_CLARITY
    raw, y, x, kind = raw[keep], y[keep], x[keep], kind[keep]
    if raw.shape[0] == 0:
        return empty
    # Direction: the smooth orientation field, pointed the way the ridge(s) leave the minutia.
    phi = orientation[y, x].astype(np.float64)  # pixel coordinates, [0, π)
    ux, uy = np.cos(phi), np.sin(phi)
    flip = ux * raw[:, 4] + uy * raw[:, 3] < 0
    phi = np.where(flip, phi + np.pi, phi)
    angle = np.mod(-phi, 2 * np.pi)  # counter-clockwise with y pointing down
    rel = coherence[y, x] * np.clip(border[y, x] / (3.0 * P.BORDER_MARGIN_PX), 0.0, 1.0)
    if clarity is not None:
        rel = rel * np.clip(clarity[y, x], 0.0, 1.0)
    shift = np.where(kind == MinutiaKind.ENDING, P.ENDING_SHIFT_PX, 0.0)
    fx = np.clip(x - shift * np.cos(angle), 0, mask.shape[1] - 1)
    fy = np.clip(y + shift * np.sin(angle), 0, mask.shape[0] - 1)
    out = np.column_stack([fx, fy, angle, kind, rel])
    alone = _isolated(out)
    if context is not None and P.PAIR_VALLEY_RESCUE > 0:
        alone |= _valley_beyond(out, context) >= P.PAIR_VALLEY_RESCUE
    out, y, x, trace = out[alone], y[alone], x[alone], raw[alone, 5]
    if context is None:
        return out, None
    maps = dict(context.maps, coherence=coherence, border=border)
    features = minutia_filter.minutia_features(out, y, x, trace, raw_all[:, 0], raw_all[:, 1], maps,
                                               context.period, P.TRACE_PX)
    return out, features


def ridge_clarity(enhanced: NDArray[np.float32], mask: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Local amplitude of the enhanced ridges relative to the impression's median, per pixel.

    The Gabor bank passes only ridge-like texture at the local orientation and
    period, so its output is strong on clear ridges and weak on smudges, scars,
    dry or wet patches; 1 is a typical area of this print. Minutiae measured
    against LEADER's on the shared sets: a quarter of scomm's minutiae with the
    lowest clarity are LEADER's in 27-33% of cases, the clearest quarter in 92-94%.
    """
    amp = ndimage.uniform_filter(np.abs(enhanced), P.CLARITY_WINDOW_PX)
    ref = float(np.median(amp[mask])) if mask.any() else 0.0
    return (amp / max(ref, 1e-6)).astype(np.float32)


def _valley_beyond(m: NDArray[np.float64], context: FilterContext) -> NDArray[np.float64]:
    """Mean normalised grey level over one ridge period beyond each ending's tip (-inf for bifurcations).

    Read on the normalised image, not the enhanced one, because the Gabor stage
    bridges short breaks. A real ending has valley (bright, > 0) beyond its tip;
    a noise break of one ridge has the ridge's dark level a few pixels on. Only
    a high level is telling: over all close-pair members this separates
    LEADER-confirmed ones no better than the reliability does (AUC 0.65-0.72 on
    endings), but its top few are LEADER's 80-90% of the time.
    """
    img = context.maps["smooth_normalized"]
    t = np.linspace(0.0, context.period, 8)
    dx, dy = np.cos(m[:, 2]), -np.sin(m[:, 2])
    xs = m[:, 0, None] - t[None, :] * dx[:, None]
    ys = m[:, 1, None] - t[None, :] * dy[:, None]
    v = ndimage.map_coordinates(img, [ys.ravel(), xs.ravel()], order=1, mode="nearest").reshape(xs.shape).mean(axis=1)
    return np.where(m[:, 3] == MinutiaKind.ENDING, v, -np.inf)


def _isolated(m: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which minutiae have no other one closer than the spurious distance.

    Skeleton flaws (spurs, short islands, holes, small breaks) make minutiae
    in tight pairs; a true minutia rarely lies within one ridge period of
    another, so every minutia of such a pair is removed (but see
    ``PAIR_VALLEY_RESCUE``). (A wider facing-pair
    rule for creases and bridges was measured and lost more true minutiae
    than it removed false ones.)
    """
    if m.shape[0] < 2:
        return np.ones(m.shape[0], np.bool_)
    d = np.hypot(m[:, None, 0] - m[None, :, 0], m[:, None, 1] - m[None, :, 1])
    np.fill_diagonal(d, np.inf)
    return np.asarray(d.min(axis=1) >= P.SPURIOUS_DISTANCE_PX)
