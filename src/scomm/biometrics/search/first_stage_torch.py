"""First stage on a CUDA GPU with PyTorch: one half-precision matrix product per batch.

Imported only when a gallery's config names the "gpu" backend, so the CPU path
never loads torch. Each segment's descriptors go to the device once, laid out as
(n, 10 * D) float16 so that a batch of B probes (B, 10 * D) scores the whole
segment in a single GEMM that reads every descriptor exactly once; the best
rows are picked on the device with ``topk`` and only they come back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.first_stage import merge_top
from scomm.biometrics.search.segment import Segment
from scomm.errors import GalleryError

try:
    import torch
except ImportError as exc:  # pragma: no cover - depends on the machine
    raise GalleryError("the gpu search backend needs PyTorch (pip install torch)") from exc

# Scratch memory for one batch's score matrix (B x n float32); bounds the batch size.
SCORE_BYTES = 2 << 30


def cuda_available() -> bool:
    return bool(torch.cuda.is_available())


class TorchFirstStage:
    """Descriptors resident on the GPU; scores by float16 GEMM with float32 accumulation."""

    def __init__(self, device: str = "cuda") -> None:
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise GalleryError("the gpu search backend needs a CUDA device; none is visible")
        self.device = torch.device(device)
        self._cache: dict[int, tuple[int, Any, Any]] = {}

    def _resident(self, seg: Segment) -> tuple[Any, Any]:
        key = seg.uid
        hit = self._cache.get(key)
        n = seg.n
        if hit is None or hit[0] != seg.version:
            flat = np.ascontiguousarray(np.asarray(seg.desc[:, :n], np.float16).transpose(1, 0, 2)).reshape(
                n, P.FINGERS * P.DESCRIPTOR_LENGTH)
            g = torch.from_numpy(flat).to(self.device)
            dead = torch.from_numpy(np.ascontiguousarray(seg.deleted[:n])).to(self.device)
            hit = (seg.version, g, dead)
            self._cache[key] = hit
        return hit[1], hit[2]

    def scores(self, seg: Segment, queries: NDArray[np.float32]) -> Any:
        """Device tensor (B, n) float32 of query scores against one segment (removed rows -inf)."""
        g, dead = self._resident(seg)
        q = torch.from_numpy(np.ascontiguousarray(queries.reshape(queries.shape[0], -1))).to(
            self.device, torch.float16)
        s = (q @ g.T).float()
        s.masked_fill_(dead.unsqueeze(0), float("-inf"))
        return s

    def top(self, segments: Sequence[Segment], queries: NDArray[np.float32], keep: int
            ) -> list[list[tuple[int, int, float]]]:
        per_query: list[list[tuple[int, NDArray[np.int64], NDArray[np.float32]]]] = [[] for _ in queries]
        live = {seg.uid for seg in segments}
        for stale in [k for k in self._cache if k not in live]:
            del self._cache[stale]  # segments compacted away or flushed from the tail
        for si, seg in enumerate(segments):
            n = seg.n
            if n == 0:
                continue
            batch = max(1, SCORE_BYTES // (4 * n))
            k = min(keep, n)
            for lo in range(0, queries.shape[0], batch):
                s = self.scores(seg, queries[lo: lo + batch])
                vals, rows = torch.topk(s, k, dim=1)
                vals_np = vals.cpu().numpy()
                rows_np = rows.cpu().numpy().astype(np.int64)
                for j in range(vals_np.shape[0]):
                    per_query[lo + j].append((si, rows_np[j], vals_np[j]))
        return [merge_top(lists, keep) for lists in per_query]
