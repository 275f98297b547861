"""First stage: score every enrolled identity by descriptor dot products, keep the best.

For a probe with descriptors q_p (finger position p) the score of a gallery row
r is sum_p w_p * <q_p, g_{p,r}>, one matrix product per finger position over the
whole segment. Absent fingers have zero descriptors and add nothing; removed
rows get -inf so they can never be candidates. Batched probes turn the
matrix-vector products into matrix-matrix products.

This module is NumPy only; the GPU variant lives in ``first_stage_torch`` and is
imported only when a gallery is configured for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.segment import Segment


class FirstStage(Protocol):
    def top(self, segments: Sequence[Segment], queries: NDArray[np.float32], keep: int
            ) -> list[list[tuple[int, int, float]]]:
        """For each query (B, 10, D), the best ``keep`` (segment index, row, score), best first."""
        ...


def segment_scores(seg: Segment, queries: NDArray[np.float32], cache: bool) -> NDArray[np.float32]:
    """Scores (B, n) of B weighted queries (B, 10, D) against one segment's rows."""
    n = seg.n
    b = queries.shape[0]
    out = np.zeros((b, n), np.float32)
    used = [p for p in range(P.FINGERS) if np.any(queries[:, p])]
    d32 = seg.desc32(cache)
    if d32 is not None:
        for p in used:
            out += queries[:, p] @ d32[p, :n].T
    else:
        step = P.SEARCH_CHUNK_ROWS
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            for p in used:
                out[:, lo:hi] += queries[:, p] @ np.asarray(seg.desc[p, lo:hi], np.float32).T
    out[:, seg.deleted[:n]] = -np.inf
    return out


def merge_top(per_segment: list[tuple[int, NDArray[np.int64], NDArray[np.float32]]], keep: int
              ) -> list[tuple[int, int, float]]:
    """Merge (segment index, rows, scores) lists into the best ``keep``, best first."""
    if not per_segment:
        return []
    segs = np.concatenate([np.full(len(r), s, np.int64) for s, r, _ in per_segment])
    rows = np.concatenate([r for _, r, _ in per_segment])
    scores = np.concatenate([v for _, _, v in per_segment])
    ok = np.isfinite(scores)
    segs, rows, scores = segs[ok], rows[ok], scores[ok]
    order = np.lexsort((rows, segs, -scores))[:keep]
    return [(int(segs[i]), int(rows[i]), float(scores[i])) for i in order]


def top_rows(scores: NDArray[np.float32], keep: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Indices and values of the ``keep`` largest scores (unordered) of a 1-D array."""
    if scores.shape[0] <= keep:
        idx = np.arange(scores.shape[0], dtype=np.int64)
    else:
        idx = np.argpartition(-scores, keep - 1)[:keep].astype(np.int64)
    return idx, scores[idx]


class NumpyFirstStage:
    """BLAS matrix products on the CPU (float32 copy of the descriptors, or float16 chunks)."""

    def __init__(self, cache_float32: bool = True) -> None:
        self.cache = cache_float32

    def top(self, segments: Sequence[Segment], queries: NDArray[np.float32], keep: int
            ) -> list[list[tuple[int, int, float]]]:
        per_query: list[list[tuple[int, NDArray[np.int64], NDArray[np.float32]]]] = [[] for _ in queries]
        for si, seg in enumerate(segments):
            if seg.n == 0:
                continue
            s = segment_scores(seg, queries, self.cache)
            for qi in range(queries.shape[0]):
                rows, vals = top_rows(s[qi], keep)
                per_query[qi].append((si, rows, vals))
        return [merge_top(lists, keep) for lists in per_query]
