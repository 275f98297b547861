"""The ridge-flow grid a template carries beside its minutiae, and what two grids agree on.

Minutiae alone say little where a print has few of them (a dry or smudged finger, a small
overlap), and an impostor's minutiae can line up by chance. The ridge orientation field is
available everywhere on the print: under the alignment the minutiae chose, the two fields run
alike over the whole overlap for the same finger and differ somewhere for most other fingers.
The comparison uses that agreement to weigh the minutiae score (:mod:`scomm.biometrics.comparison`).

A grid is one byte a cell of ``FLOW_CELL_PX`` at 500 ppi, sampled at the cell's centre: 0 off the
print, else the ridge orientation in 32 steps over [0, π) (template convention: counter-clockwise,
y up) in the high five bits and the orientation's coherence in 1..7 in the low three. Pure
functions, no I/O.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics import parameters as P

ORIENTATION_STEPS = 32
COHERENCE_STEPS = 7
NO_FLOW: NDArray[np.uint8] = np.zeros((0, 0), np.uint8)


def flow_grid(orientation: NDArray[np.floating], coherence: NDArray[np.floating],
              mask: NDArray[np.bool_], cell: int = P.FLOW_CELL_PX) -> NDArray[np.uint8]:
    """Encode a pixel orientation field (pixel coordinates, [0, π)) with its coherence and mask."""
    h, w = mask.shape
    ys, xs = np.mgrid[cell // 2:h:cell, cell // 2:w:cell]
    theta = np.mod(-orientation[ys, xs].astype(np.float64), np.pi)  # to the template's convention
    o = np.floor(theta * (ORIENTATION_STEPS / np.pi) + 0.5).astype(np.int64) % ORIENTATION_STEPS
    q = np.clip(np.round(coherence[ys, xs].astype(np.float64) * COHERENCE_STEPS), 1, COHERENCE_STEPS).astype(np.int64)
    return np.where(mask[ys, xs], (o << 3) | q, 0).astype(np.uint8)


def unknown_flow_factor() -> float:
    """The factor on a minutiae score whose ridge-flow agreement cannot be measured (a template without
    a grid, or grids that do not overlap): its agreement is taken as ``FLOW_UNKNOWN_AGREEMENT``, which
    keeps the score at FMR 0.1% where it is for templates with grids."""
    return float(np.exp(P.FLOW_AGREEMENT_WEIGHT * (P.FLOW_UNKNOWN_AGREEMENT - 1.0)))


def _tables() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    code = np.arange(256)
    theta = (code >> 3) * (np.pi / ORIENTATION_STEPS)
    weight = np.where(code & 7, (code & 7) / COHERENCE_STEPS, 0.0)
    return np.cos(2 * theta), np.sin(2 * theta), weight


# cos 2θ, sin 2θ and weight of each byte value (weight 0: off the print)
FLOW_COS2, FLOW_SIN2, FLOW_WEIGHT = _tables()


def flow_agreement(probe: NDArray[np.uint8], reference: NDArray[np.uint8],
                   alignment: tuple[float, float, float, float, float],
                   cell: int = P.FLOW_CELL_PX) -> float | None:
    """Coherence-weighted mean cos 2Δθ of two grids, the probe's cells mapped into the reference by the
    rigid ``alignment`` (ax, ay, bx, by, rot: probe point (ax, ay) to reference (bx, by), rotated
    counter-clockwise by rot); None when they do not overlap."""
    measured = flow_overlap(probe, reference, alignment, cell)
    return None if measured is None else measured[0]


def flow_overlap(probe: NDArray[np.uint8], reference: NDArray[np.uint8],
                 alignment: tuple[float, float, float, float, float],
                 cell: int = P.FLOW_CELL_PX) -> tuple[float, float] | None:
    """The agreement (:func:`flow_agreement`) and the overlap it was measured on (the sum of the mapped
    cells' weights, each the product of the two coherences); None when the grids do not overlap. The
    definition the compiled comparison implements (tests check one against the other)."""
    ax, ay, bx, by, rot = alignment
    ys, xs = np.nonzero(probe)
    codes = probe[ys, xs]
    px, py = xs * cell + cell // 2, ys * cell + cell // 2
    c, s = np.cos(rot), np.sin(rot)
    dx, dy = px - ax, -(py - ay)
    cx = np.floor((bx + c * dx - s * dy) / cell).astype(np.int64)
    cy = np.floor((by - (s * dx + c * dy)) / cell).astype(np.int64)
    inside = (cx >= 0) & (cx < reference.shape[1]) & (cy >= 0) & (cy < reference.shape[0])
    ref = reference[cy[inside], cx[inside]]
    w = FLOW_WEIGHT[codes[inside]] * FLOW_WEIGHT[ref]
    total = float(np.sum(w))
    if total <= 0:
        return None
    pc, ps = FLOW_COS2[codes[inside]], FLOW_SIN2[codes[inside]]
    c2, s2 = np.cos(2 * rot), np.sin(2 * rot)
    d = (pc * c2 - ps * s2) * FLOW_COS2[ref] + (ps * c2 + pc * s2) * FLOW_SIN2[ref]
    return float(np.sum(w * d)) / total, total


def flow_factor(agreement: float, overlap: float) -> float:
    """What the minutiae score is multiplied by for an ``agreement`` measured over ``overlap``
    (:func:`flow_overlap`): exp(FLOW_AGREEMENT_WEIGHT x (agreement - 1) x the overlap's scale,
    sqrt(overlap / FLOW_OVERLAP_REFERENCE) clipped to FLOW_OVERLAP_SCALE, 1 when the reference is 0)."""
    return float(np.exp(P.FLOW_AGREEMENT_WEIGHT * (agreement - 1.0) * overlap_scale(overlap)))


def overlap_scale(overlap: float) -> float:
    """How much an agreement measured over ``overlap`` counts (see :func:`flow_factor`)."""
    if P.FLOW_OVERLAP_REFERENCE <= 0:
        return 1.0
    lo, hi = P.FLOW_OVERLAP_SCALE
    return float(min(max(np.sqrt(overlap / P.FLOW_OVERLAP_REFERENCE), lo), hi))
