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
from scomm.biometrics.skeleton import binarize, thin
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
    valley: NDArray[np.bool_] | None = None  # the valleys' skeleton, when VALLEY_ADD_SCORE is on


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
    valley = thin(binarize(-enhanced, mask)) if P.VALLEY_ADD_SCORE > 0 else None
    return FilterContext(maps, period, valley)


# Why a crossing-number candidate is not in the template (``candidate_table``, ``minutia_stages``):
# the stage that removed it, in pipeline order (bench/recall_stages.py counts them).
KEPT = 0
SPUR = 1  # an ending whose ridge meets another node within SPUR_PX (spur, island)
BORDER = 2  # nearer the mask border than the candidate margin
AREA = 3  # nearer the grown detection area's edge than BORDER_MARGIN_PX
FAINT = 4  # ridge clarity under MIN_CLARITY
CLOSE_PAIR = 5  # another candidate within SPURIOUS_DISTANCE_PX (and no valley rescue)
SCORER_BORDER = 6  # inside BORDER_MARGIN_PX and scored under BORDER_RESCUE_SCORE
SCORER_LOW = 7  # scored under MIN_MINUTIA_SCORE (or, without the scorer, reliability under MIN_RELIABILITY)
CAPPED = 8  # beyond the MAX_MINUTIAE best
VALLEY_NEAR = 9  # a valley-skeleton minutia with a ridge candidate within SPURIOUS_DISTANCE_PX
VALLEY_LOW = 10  # a valley-skeleton minutia scored under VALLEY_ADD_SCORE
STAGE_NAMES = ("kept", "spur", "border", "area", "faint", "close pair", "scorer border", "scorer low", "capped",
               "valley near", "valley low")


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
    ``MIN_MINUTIA_SCORE`` are dropped, and the cap (:func:`minutiae_cap`) keeps the
    best scored.
    """
    out, stage = minutia_stages(skeleton, orientation, coherence, mask, clarity, context, area)
    capped = bool((stage == CAPPED).any())
    out = out[stage == KEPT]
    if capped:  # the capped template lists the best first
        out = out[np.argsort(-out[:, 4], kind="stable")]
    return out


def minutia_stages(
    skeleton: NDArray[np.bool_],
    orientation: NDArray[np.float32],
    coherence: NDArray[np.float32],
    mask: NDArray[np.bool_],
    clarity: NDArray[np.float32] | None = None,
    context: FilterContext | None = None,
    area: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.uint8]]:
    """Every candidate (x, y, angle, kind, reliability) and the stage that removed it.

    For diagnosis (which stage loses the minutiae a reference extractor finds):
    the rows with stage ``KEPT`` are :func:`detect_minutiae`'s output, the
    others carry the geometry they would have had. The ridge skeleton's
    crossing-number points come first, then (with ``VALLEY_ADD_SCORE``) the
    valley skeleton's that passed its geometric filters.
    """
    table = candidate_table(skeleton, orientation, coherence, mask, clarity, context, area)
    m, stage = table.minutiae, table.stage.copy()
    live = np.flatnonzero(stage == KEPT)
    sub = m[live]
    cap = minutiae_cap(mask)
    stage[live] = _scored_stage(sub, table.features, cap)
    m[live, 4] = sub[:, 4]
    if context is not None and context.valley is not None and table.features is not None and P.MINUTIA_FILTER:
        vm, vstage = _valley_minutiae(m, stage, table, orientation, coherence, mask, clarity, context, area)
        m, stage = np.concatenate([m, vm]), np.concatenate([stage, vstage])
        stage[stage == CAPPED] = KEPT  # the cap is taken again over both
        kept = np.flatnonzero(stage == KEPT)
        if kept.size > cap:
            order = kept[np.argsort(-m[kept, 4], kind="stable")]
            stage[order[cap:]] = CAPPED
    return m, stage


def minutiae_cap(mask: NDArray[np.bool_]) -> int:
    """The most minutiae kept for a print of this foreground area: ``MAX_MINUTIAE`` per
    ``MINUTIAE_CAP_AREA_PX``, never fewer than ``MAX_MINUTIAE`` (a rolled print is 2-4 plain ones)."""
    return max(P.MAX_MINUTIAE, int(round(P.MAX_MINUTIAE * float(np.count_nonzero(mask)) / P.MINUTIAE_CAP_AREA_PX)))


def _valley_minutiae(
    m: NDArray[np.float64],
    stage: NDArray[np.uint8],
    table: CandidateTable,
    orientation: NDArray[np.float32],
    coherence: NDArray[np.float32],
    mask: NDArray[np.bool_],
    clarity: NDArray[np.float32] | None,
    context: FilterContext,
    area: NDArray[np.bool_] | None,
) -> tuple[NDArray[np.float64], NDArray[np.uint8]]:
    """The valley skeleton's minutiae, kinds swapped, with their stage (``KEPT``: added).

    pyfing's SBMEX idea, written anew: a ridge ending is a valley bifurcation
    and a ridge bifurcation a valley ending, both pointing the same way (the
    template convention), so the valleys' skeleton sees every minutia a second
    time, with other flaws: where the ridge skeleton's spur or close-pair
    filters removed a true minutia, or its ridges are merged, the valleys'
    may hold it cleanly. A valley minutia that passed its own skeleton's
    geometric filters is added when no ridge candidate that passed them lies
    within ``SPURIOUS_DISTANCE_PX`` (else ``VALLEY_NEAR``) and the learned
    scorer gives it at least ``VALLEY_ADD_SCORE`` (else ``VALLEY_LOW``).
    Measured against LEADER's minutiae, the valley's positions are as close as
    the ridge's (median under 1 px along the direction for both kinds).
    """
    assert context.valley is not None
    vt = candidate_table(context.valley, orientation, coherence, mask, clarity, None, area, table.border)
    sel = np.flatnonzero(vt.stage == KEPT)
    vm = vt.minutiae[sel].copy()
    vm[:, 3] = np.where(vm[:, 3] == MinutiaKind.ENDING, MinutiaKind.BIFURCATION, MinutiaKind.ENDING)
    vstage = np.full(sel.size, VALLEY_NEAR, np.uint8)
    ridge = np.flatnonzero(table.stage == KEPT)  # geometric survivors, whatever the scorer said
    far = np.arange(sel.size)
    if ridge.size:
        d = np.hypot(vm[:, None, 0] - m[None, ridge, 0], vm[:, None, 1] - m[None, ridge, 1]).min(axis=1)
        far = np.flatnonzero(d >= P.SPURIOUS_DISTANCE_PX)
    if P.VALLEY_CONFIRM_PX > 0:
        far = far[_confirmed(vm[far], table.minutiae)]
    if far.size == 0:
        return vm, vstage
    both = np.concatenate([m[ridge], vm[far]])
    py = np.concatenate([table.py[ridge], vt.py[sel[far]]])
    px = np.concatenate([table.px[ridge], vt.px[sel[far]]])
    trace = np.concatenate([table.trace[ridge], vt.trace[sel[far]]])
    border = vt.border if table.border is None else table.border
    assert border is not None
    maps = dict(context.maps, coherence=coherence, border=border)
    f = minutia_filter.minutia_features(both, py, px, trace, vt.py.astype(np.float64), vt.px.astype(np.float64),
                                        maps, context.period, P.TRACE_PX)[ridge.size:]
    vm[far, 4] = minutia_filter.model().score(f)
    vstage[far] = np.where(vm[far, 4] >= P.VALLEY_ADD_SCORE, KEPT, VALLEY_LOW)
    return vm, vstage


def _scored_stage(out: NDArray[np.float64], features: NDArray[np.float64] | None, cap: int) -> NDArray[np.uint8]:
    """Stage (``KEPT``, ``SCORER_BORDER``, ``SCORER_LOW``, ``CAPPED``) of each geometric survivor.

    With the learned scorer this also writes its score into ``out``'s reliability column.
    """
    stage = np.zeros(out.shape[0], np.uint8)
    if features is not None and P.MINUTIA_FILTER:
        out[:, 4] = minutia_filter.model().score(features)
        # candidates inside the border margin (looked for when BORDER_CANDIDATE_PX < BORDER_MARGIN_PX)
        # stay only when the scorer is confident
        border = features[:, minutia_filter.FEATURE_NAMES.index("border")] * 30.0
        stage[(border < P.BORDER_MARGIN_PX) & (out[:, 4] < P.BORDER_RESCUE_SCORE)] = SCORER_BORDER
        stage[out[:, 4] < P.MIN_MINUTIA_SCORE] = SCORER_LOW
    else:
        stage[out[:, 4] < P.MIN_RELIABILITY] = SCORER_LOW
    alive = np.flatnonzero(stage == KEPT)
    if alive.size > cap:
        order = alive[np.argsort(-out[alive, 4], kind="stable")]
        stage[order[cap:]] = CAPPED
    return stage


@dataclass
class CandidateTable:
    """Every crossing-number candidate with its geometry and why it was removed (``KEPT`` if not).

    ``features`` are the learned scorer's, for the ``KEPT`` rows only (None without a context).
    """

    minutiae: NDArray[np.float64]
    stage: NDArray[np.uint8]
    features: NDArray[np.float64] | None
    border: NDArray[np.float64] | None  # distance to the mask border, per pixel (None: no candidates)
    py: NDArray[np.intp]  # the skeleton pixel each candidate was found at (before endings are moved)
    px: NDArray[np.intp]
    trace: NDArray[np.float64]  # signed ridge length traced from it (negative: stopped at a node)


def _confirmed(vm: NDArray[np.float64], ridge: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which valley minutiae have a ridge crossing-number point within ``VALLEY_CONFIRM_PX`` and 45°.

    The valley minutiae that reach here have no ridge candidate that passed the
    geometric filters nearby, so the confirming point is one the ridge filters
    removed (a spur, a close pair): both skeletons saw a node there, and the
    valley's is the clean one. Measured against LEADER's minutiae on the shared
    sets, valley minutiae scored ≥ 0.7 agree 54% of the time when a removed
    close-pair member confirms them, 69-76% when a removed spur does, and 22-29%
    when nothing does.
    """
    if vm.shape[0] == 0 or ridge.shape[0] == 0:
        return np.zeros(vm.shape[0], np.bool_)
    d = np.hypot(vm[:, None, 0] - ridge[None, :, 0], vm[:, None, 1] - ridge[None, :, 1])
    da = np.abs(np.mod(vm[:, None, 2] - ridge[None, :, 2] + np.pi, 2 * np.pi) - np.pi)
    return np.asarray(((d <= P.VALLEY_CONFIRM_PX) & (da <= np.pi / 4)).any(axis=1))


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
    table = candidate_table(skeleton, orientation, coherence, mask, clarity, context, area)
    return table.minutiae[table.stage == KEPT], table.features


def candidate_table(
    skeleton: NDArray[np.bool_],
    orientation: NDArray[np.float32],
    coherence: NDArray[np.float32],
    mask: NDArray[np.bool_],
    clarity: NDArray[np.float32] | None = None,
    context: FilterContext | None = None,
    area: NDArray[np.bool_] | None = None,
    border: NDArray[np.float64] | None = None,
) -> CandidateTable:
    """The geometric filters of :func:`minutia_candidates`, keeping every candidate with its stage.

    ``border``: the mask's distance transform, when the caller has it already.
    """
    skel = np.ascontiguousarray(skeleton, dtype=np.uint8)
    raw = _detect(skel, P.TRACE_PX, _DY, _DX)
    nf = len(minutia_filter.FEATURE_NAMES)
    if raw.shape[0] == 0:
        none = np.zeros(0, np.intp)
        return CandidateTable(np.zeros((0, 5)), np.zeros(0, np.uint8), None if context is None else np.zeros((0, nf)),
                              None, none, none, np.zeros(0))
    y = raw[:, 0].astype(np.intp)
    x = raw[:, 1].astype(np.intp)
    kind = raw[:, 2]
    stage = np.zeros(raw.shape[0], np.uint8)
    if border is None:
        border = np.asarray(ndimage.distance_transform_edt(mask))
    margin = P.BORDER_MARGIN_PX if context is None or not P.MINUTIA_FILTER else P.BORDER_CANDIDATE_PX
    if clarity is not None:
        stage[clarity[y, x] < P.MIN_CLARITY] = FAINT
    if area is not None and area is not mask:
        # padded: the image's own edge cuts ridges too
        inside = ndimage.distance_transform_edt(np.pad(area, 1))[1:-1, 1:-1]
        stage[inside[y, x] < P.BORDER_MARGIN_PX] = AREA
    stage[border[y, x] < margin] = BORDER
    # Endings whose ridge stops at another node within the trace are spurs or islands.
    stage[(kind == MinutiaKind.ENDING) & (raw[:, 5] < 0) & (np.abs(raw[:, 5]) < P.SPUR_PX)] = SPUR
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
    if context is not None and P.ENDING_EXTEND_PX > 0:
        shift = shift + np.where(kind == MinutiaKind.ENDING, _ridge_beyond(x, y, angle, shift, context), 0.0)
    fx = np.clip(x - shift * np.cos(angle), 0, mask.shape[1] - 1)
    fy = np.clip(y + shift * np.sin(angle), 0, mask.shape[0] - 1)
    out = np.column_stack([fx, fy, angle, kind, rel])
    live = np.flatnonzero(stage == KEPT)
    alone = _isolated(out[live])
    if context is not None and P.PAIR_VALLEY_RESCUE > 0 and live.size:
        alone |= _valley_beyond(out[live], context) >= P.PAIR_VALLEY_RESCUE
    stage[live[~alone]] = CLOSE_PAIR
    if context is None:
        return CandidateTable(out, stage, None, border, y, x, raw[:, 5])
    k = stage == KEPT
    maps = dict(context.maps, coherence=coherence, border=border)
    features = minutia_filter.minutia_features(out[k], y[k], x[k], raw[k, 5], raw[:, 0], raw[:, 1], maps,
                                               context.period, P.TRACE_PX)
    return CandidateTable(out, stage, features, border, y, x, raw[:, 5])


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


def _ridge_beyond(x: NDArray[np.intp], y: NDArray[np.intp], angle: NDArray[np.float64],
                  shift: NDArray[np.float64], context: FilterContext) -> NDArray[np.float64]:
    """How much further (px, up to ``ENDING_EXTEND_PX``) the ridge stays dark on the normalised image.

    Gabor filtering and thinning shorten ridges by varying amounts; the fixed
    ``ENDING_SHIFT_PX`` is the median. Beyond it, the ending is moved on, one
    pixel at a time, while the (σ 1 px smoothed) normalised image there is
    still below 0 (ridge).
    """
    img = context.maps["smooth_normalized"]
    steps = np.arange(1, int(P.ENDING_EXTEND_PX) + 1, dtype=np.float64)
    t = shift[:, None] + steps[None, :]
    xs = x[:, None] - t * np.cos(angle)[:, None]
    ys = y[:, None] + t * np.sin(angle)[:, None]
    v = ndimage.map_coordinates(img, [ys.ravel(), xs.ravel()], order=1, mode="nearest").reshape(xs.shape)
    dark = np.cumprod(v < 0, axis=1)
    return np.asarray(dark.sum(axis=1), np.float64)


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
