"""Learned minutia scoring: how likely each detected minutia is a true one.

The crossing-number detector (``minutiae.py``) keeps every candidate that
survives its geometric filters; hand-set thresholds on single cues (ridge
clarity, a smudge mask) were measured to drop too many useful minutiae (see
docs/biometrics.md). Here the cues are combined by a tiny model instead: a
logistic regression or a one-hidden-layer MLP over a dozen local features
that the extractor already has at hand (orientation coherence, distance to the
mask border, ridge clarity at two scales, block clarity, deviation of the
local ridge period, the traced ridge length, the type, and the geometry of the
nearest other minutiae and candidates).

The model was trained on scomm's own synthetic images, where the true
minutiae are known (``bench/minutia_filter_train.py``, seeded and rerunnable),
never on the FVC / SFinGe evaluation sets. Its weights are a small JSON file
in ``data/`` read once at import. The score is a probability in [0, 1]; it
becomes the minutia's ``reliability``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MODEL_PATH = Path(__file__).with_name("data") / "minutia_filter.json"

FEATURE_NAMES = (
    "coherence",        # orientation coherence at the minutia
    "border",           # distance to the mask border / 30 px, capped at 2
    "clarity",          # ridge clarity (Gabor amplitude / print median) over ~2 periods, capped at 2
    "clarity_wide",     # the same over ~5 periods (smudged regions are wide)
    "block_clarity",    # clarity of quality.py's 16x16 block (correlation image/enhanced)
    "period_dev",       # |log(local period / impression period)|
    "trace",            # ridge length traced from the minutia / TRACE_PX (negative: hit a node)
    "ending",           # 1 ending, 0 bifurcation
    "nn_log",           # log distance to the nearest other kept minutia (px)
    "nn_facing",        # -cos of the angle between the two directions (1: facing, a break)
    "nn_ahead",         # cos between this direction and the way to that neighbour
    "raw_nn_log",       # log distance to the nearest other raw crossing-number point (px)
    "density",          # kept minutiae within 30 px
    "raw_density",      # raw crossing-number points within 20 px
    "skeleton_density",  # skeleton pixels per pixel over ~2 periods x period (1: regular ridges)
)


@dataclass(frozen=True)
class MinutiaModel:
    """Standardisation and weights of the scorer (``hidden`` empty: logistic regression)."""

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    w1: NDArray[np.float64]   # (F, H), or (F, 1) for logistic regression
    b1: NDArray[np.float64]
    w2: NDArray[np.float64]   # (H,), empty for logistic regression
    b2: float

    def score(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """Probability that each row's minutia is true."""
        z = (features - self.mean) / self.scale
        if self.w2.size == 0:
            logit = z @ self.w1[:, 0] + self.b1[0]
        else:
            logit = np.tanh(z @ self.w1 + self.b1) @ self.w2 + self.b2
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30))))

    def to_json(self, **info: object) -> str:
        return json.dumps({"features": list(FEATURE_NAMES), "mean": self.mean.tolist(),
                           "scale": self.scale.tolist(), "w1": self.w1.tolist(), "b1": self.b1.tolist(),
                           "w2": self.w2.tolist(), "b2": self.b2, "info": info}, indent=1)

    @staticmethod
    def from_json(text: str) -> MinutiaModel:
        d = json.loads(text)
        if tuple(d["features"]) != FEATURE_NAMES:
            raise ValueError("minutia filter model was trained on other features; rerun "
                             "bench/minutia_filter_train.py")
        return MinutiaModel(np.asarray(d["mean"], np.float64), np.asarray(d["scale"], np.float64),
                            np.asarray(d["w1"], np.float64).reshape(len(FEATURE_NAMES), -1),
                            np.asarray(d["b1"], np.float64), np.asarray(d["w2"], np.float64), float(d["b2"]))


@lru_cache(maxsize=1)
def model() -> MinutiaModel:
    """The shipped model (read once)."""
    return MinutiaModel.from_json(MODEL_PATH.read_text())


def _nearest(ax: NDArray[np.float64], ay: NDArray[np.float64], bx: NDArray[np.float64],
             by: NDArray[np.float64], exclude_self: bool) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Distance from each a to its nearest b (and which), 1e3 when there is none."""
    if bx.size == 0:
        return np.full(ax.size, 1e3), np.zeros(ax.size, np.intp)
    d = np.hypot(ax[:, None] - bx[None, :], ay[:, None] - by[None, :])
    if exclude_self:
        d[d < 0.5] = np.inf
    j = np.argmin(d, axis=1)
    return np.minimum(d[np.arange(ax.size), j], 1e3), j


def minutia_features(
    m: NDArray[np.float64],
    py: NDArray[np.intp],
    px: NDArray[np.intp],
    trace: NDArray[np.float64],
    raw_y: NDArray[np.float64],
    raw_x: NDArray[np.float64],
    maps: dict[str, NDArray[np.float32] | NDArray[np.float64]],
    period: float,
    trace_px: int,
) -> NDArray[np.float64]:
    """(N, F) features of minutiae ``m`` (x, y, angle, kind, reliability as detect_minutiae makes them).

    ``py, px`` are the skeleton pixels the minutiae were found at (before endings
    are moved), ``trace`` the signed ridge length traced from each, ``raw_y, raw_x``
    every crossing-number point of the skeleton, ``maps`` the per-pixel
    coherence, border distance, clarity, wide clarity, block clarity, period map
    and skeleton density.
    """
    n = m.shape[0]
    f = np.zeros((n, len(FEATURE_NAMES)))
    if n == 0:
        return f
    f[:, 0] = maps["coherence"][py, px]
    f[:, 1] = np.minimum(maps["border"][py, px] / 30.0, 2.0)
    f[:, 2] = np.minimum(maps["clarity"][py, px], 2.0)
    f[:, 3] = np.minimum(maps["clarity_wide"][py, px], 2.0)
    f[:, 4] = maps["block_clarity"][py, px]
    f[:, 5] = np.abs(np.log(np.maximum(maps["period"][py, px], 1.0) / max(period, 1.0)))
    f[:, 6] = trace / trace_px
    f[:, 7] = m[:, 3] == 1
    x, y, a = m[:, 0], m[:, 1], m[:, 2]
    d, j = _nearest(x, y, x, y, exclude_self=True)
    f[:, 8] = np.log(np.maximum(d, 1.0))
    ca, sa = np.cos(a), -np.sin(a)  # direction in pixel coordinates
    f[:, 9] = -(ca * ca[j] + sa * sa[j])
    vx, vy = x[j] - x, y[j] - y
    f[:, 10] = (ca * vx + sa * vy) / np.maximum(np.hypot(vx, vy), 1e-6)
    rd, _ = _nearest(px.astype(np.float64), py.astype(np.float64), raw_x, raw_y, exclude_self=True)
    f[:, 11] = np.log(np.maximum(rd, 1.0))
    dk = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    f[:, 12] = (dk < 30.0).sum(axis=1) - 1
    if raw_x.size:
        dr = np.hypot(px[:, None] - raw_x[None, :], py[:, None] - raw_y[None, :])
        f[:, 13] = (dr < 20.0).sum(axis=1) - 1
    f[:, 14] = maps["skeleton_density"][py, px]
    return f
