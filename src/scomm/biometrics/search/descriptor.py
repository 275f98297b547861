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

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numba
import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search import parameters as P
from scomm.biometrics.template import Template
from scomm.errors import GalleryError

MODEL_FILE = "descriptor_model.json"

@numba.njit(cache=True, nogil=True, inline="always")
def _add_pair(h: np.ndarray, fd: float, a1: float, a2: float, n_dist: int, n_ang: int,
              a_step: float) -> None:  # pragma: no cover - jitted
    """Spread one ordered pair over the 2x2x2 neighbouring bins (linear weights)."""
    d0 = int(np.floor(fd))
    wd1 = fd - d0
    f1 = a1 / a_step - 0.5
    i0 = int(np.floor(f1))
    w11 = f1 - i0
    f2 = a2 / a_step - 0.5
    j0 = int(np.floor(f2))
    w21 = f2 - j0
    ia = (i0 + n_ang) % n_ang
    ib = (i0 + 1) % n_ang
    ja = (j0 + n_ang) % n_ang
    jb = (j0 + 1) % n_ang
    for sd in range(2):
        db = d0 + sd
        if db < 0 or db >= n_dist:
            continue
        wd = wd1 if sd == 1 else 1.0 - wd1
        base = db * n_ang
        h[(base + ia) * n_ang + ja] += wd * (1.0 - w11) * (1.0 - w21)
        h[(base + ia) * n_ang + jb] += wd * (1.0 - w11) * w21
        h[(base + ib) * n_ang + ja] += wd * w11 * (1.0 - w21)
        h[(base + ib) * n_ang + jb] += wd * w11 * w21


@numba.njit(cache=True, nogil=True)
def _pair_histograms(x: np.ndarray, y: np.ndarray, angle: np.ndarray, offsets: np.ndarray,
                     max_dist: float, n_dist: int, n_ang: int) -> np.ndarray:  # pragma: no cover - jitted
    n_templates = offsets.shape[0] - 1
    out = np.zeros((n_templates, n_dist * n_ang * n_ang), dtype=np.float32)
    d_step = max_dist / n_dist
    a_step = 2.0 * np.pi / n_ang
    two_pi = 2.0 * np.pi
    max2 = max_dist * max_dist
    for t in range(n_templates):
        h = out[t]
        lo = offsets[t]
        hi = offsets[t + 1]
        for i in range(lo, hi):
            for j in range(i + 1, hi):
                dx = x[j] - x[i]
                dy = y[j] - y[i]
                d2 = dx * dx + dy * dy
                if d2 >= max2:
                    continue
                fd = np.sqrt(d2) / d_step - 0.5
                line = np.arctan2(dy, dx)
                # i -> j: directions relative to the line; j -> i: to the reversed line
                a1 = angle[i] - line
                a2 = angle[j] - line
                a1 -= two_pi * np.floor(a1 / two_pi)
                a2 -= two_pi * np.floor(a2 / two_pi)
                b1 = a2 + np.pi
                b2 = a1 + np.pi
                if b1 >= two_pi:
                    b1 -= two_pi
                if b2 >= two_pi:
                    b2 -= two_pi
                _add_pair(h, fd, a1, a2, n_dist, n_ang, a_step)
                _add_pair(h, fd, b1, b2, n_dist, n_ang, a_step)
    return out


@dataclass(frozen=True)
class DescriptorModel:
    """Centring vector and projection from the raw Hellinger histogram to the stored descriptor.

    Fitted by ``bench/search_fit_descriptor.py`` on synthetic tenprints (persons
    that no benchmark searches): the mean histogram is removed (what every
    finger shares) and a PCA projection keeps ``DESCRIPTOR_LENGTH`` components,
    each scaled by 1/sqrt(standard deviation) (half whitening): rare directions
    of variation count more than the dominant ones without amplifying noise.
    ``digest`` names the model in gallery manifests: descriptors made with one
    model are not comparable with another's.
    """

    mean: NDArray[np.float32]
    projection: NDArray[np.float32]
    source: str
    digest: str


def _decode(text: str, dtype: str, shape: tuple[int, ...]) -> NDArray[np.float32]:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).astype(np.float32).reshape(shape)


@lru_cache(maxsize=1)
def model() -> DescriptorModel:
    """The shipped descriptor model (package data ``descriptor_model.json``)."""
    raw = resources.files("scomm.biometrics.search").joinpath(MODEL_FILE).read_bytes()
    data = json.loads(raw)
    if data["raw_length"] != P.RAW_DESCRIPTOR_LENGTH or data["length"] != P.DESCRIPTOR_LENGTH:
        raise GalleryError(f"{MODEL_FILE} is for descriptors {data['raw_length']}->{data['length']}, "
                           f"parameters say {P.RAW_DESCRIPTOR_LENGTH}->{P.DESCRIPTOR_LENGTH}; refit it")
    return DescriptorModel(
        mean=_decode(data["mean"], "<f4", (P.RAW_DESCRIPTOR_LENGTH,)),
        projection=_decode(data["projection"], "<f2", (P.RAW_DESCRIPTOR_LENGTH, P.DESCRIPTOR_LENGTH)),
        source=str(data["source"]), digest=hashlib.sha256(raw).hexdigest()[:16])


def encode_model(mean: NDArray[np.floating], projection: NDArray[np.floating], source: str) -> str:
    """The JSON text of a model (used by the fitting script)."""
    return json.dumps({
        "raw_length": P.RAW_DESCRIPTOR_LENGTH, "length": P.DESCRIPTOR_LENGTH, "source": source,
        "mean": base64.b64encode(np.asarray(mean, "<f4").tobytes()).decode(),
        "projection": base64.b64encode(np.asarray(projection, "<f2").tobytes()).decode(),
    })


def hellinger(raw: NDArray[np.floating]) -> NDArray[np.float64]:
    """Square root of each histogram normalised to sum 1 (zero rows stay zero)."""
    h = np.asarray(raw, np.float64)
    total = h.sum(axis=1, keepdims=True)
    return np.sqrt(h / np.where(total > 0, total, 1.0))


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
    raw = raw_histograms(templates)
    empty = raw.sum(axis=1) <= 0
    m = model()
    v = (hellinger(raw).astype(np.float32) - m.mean) @ m.projection
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    v = v / np.where(norm > 0, norm, 1.0)
    v[empty] = 0.0
    return v.astype(np.float32)


def descriptor(template: Template) -> NDArray[np.float32]:
    """The descriptor of one template (DESCRIPTOR_LENGTH,)."""
    return descriptors([template])[0]
