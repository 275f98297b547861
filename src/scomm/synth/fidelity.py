"""Persons whose templates are read from their grown ridges, for image-template agreement.

The template path normally moves the master's seeded minutiae; ridge growth adds a few
minutiae of its own (see docs/synth.md), which an extractor then finds in every image
of the finger. Where images and templates of the same person must agree as closely as
possible (an image probe searched against a template gallery), ``image_matched_person``
grows the person's ten masters and replaces each master's minutiae by those read from the
grown ridges (thinning and crossing numbers, direction from the flow and the ridge
field). Growing costs about a second of CPU per finger, so this is for the persons that
are both imaged and enrolled, not for filler galleries.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from scomm.synth import parameters as P
from scomm.synth.master import Master
from scomm.synth.person import Person
from scomm.synth.rendering import master_image
from scomm.synth.ridges import canvas_grid
from scomm.synth.skeleton import skeleton_minutiae

F32 = NDArray[np.float32]


def ridge_minutiae(master: Master, ridges: F32) -> Master:
    """The master with its minutiae replaced by those of its grown ridge field."""
    u, v = canvas_grid(master)
    ry, rx, kind = skeleton_minutiae(ridges > 0, master.inside(u, v), margin=P.RIDGE_MINUTIA_MARGIN)
    h, w = ridges.shape
    mu = rx - w / 2 + 0.5
    mv = h / 2 - 0.5 - ry
    # Drop tight clusters (one-pixel spurs and holes of the thinning).
    if mu.size:
        d = np.hypot(mu[:, None] - mu[None, :], mv[:, None] - mv[None, :])
        np.fill_diagonal(d, np.inf)
        keep = d.min(axis=1) > P.RIDGE_MINUTIA_MIN_GAP
        mu, mv, kind = mu[keep], mv[keep], kind[keep]
    theta = master.orientation.at(mu, mv)
    # Point along the ridge body (ending) or between the branches (bifurcation, i.e. along
    # the valley that ends there): probe the ridge field a few pixels each way.
    step = P.RIDGE_MINUTIA_PROBE
    fwd = _sample(ridges, mu + step * np.cos(theta), mv + step * np.sin(theta))
    bwd = _sample(ridges, mu - step * np.cos(theta), mv - step * np.sin(theta))
    along = np.where(kind == 1, fwd >= bwd, fwd <= bwd)
    angle = np.mod(theta + np.pi * ~along, 2 * np.pi)
    n = mu.shape[0]
    return dataclasses.replace(master, mx=mu.astype(np.float64), my=mv.astype(np.float64), mangle=angle,
                               mkind=kind.astype(np.uint8), mphase=np.zeros(n), mcharge=np.ones(n, np.int8))


def _sample(ridges: F32, u: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.float64]:
    h, w = ridges.shape
    x = np.clip(np.rint(u + w / 2 - 0.5).astype(np.int64), 0, w - 1)
    y = np.clip(np.rint(h / 2 - 0.5 - v).astype(np.int64), 0, h - 1)
    return ridges[y, x].astype(np.float64)


def image_matched_person(person: Person) -> Person:
    """The same person, whose templates carry the minutiae its images show."""
    masters = {pos: ridge_minutiae(m, master_image(person, pos)) for pos, m in person.masters.items()}
    return Person(person.spec, masters)
