"""First-stage speed on the CPU at gallery sizes too large to enrol synthetically here.

Rerunnable: ``PYTHONPATH=src python bench/search_first_stage.py --identities 100000``.
Descriptors are random unit vectors: the first stage's cost depends only on
the gallery's size, not on what the descriptors hold (accuracy is measured with
synthetic tenprints by ``scomm bench search``). Prints the median and p95 time
of one tenprint probe, the throughput of 64-probe batches, for the float32
in-memory copy and for float16 memory-mapped chunks, and the bytes per finger.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.benchmark import machine
from scomm.biometrics.search.first_stage import NumpyFirstStage
from scomm.biometrics.search.segment import Segment


def random_segment(n: int, rng: np.random.Generator) -> Segment:
    d = np.empty((P.FINGERS, n, P.DESCRIPTOR_LENGTH), np.float16)
    for p in range(P.FINGERS):
        v = rng.standard_normal((n, P.DESCRIPTOR_LENGTH), dtype=np.float32)
        d[p] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return Segment("random", [f"R{i}" for i in range(n)], d, np.full((n, P.FINGERS), 60, np.uint8),
                   np.zeros((n, P.FINGERS), np.int64), np.zeros((n, P.FINGERS), np.int32),
                   np.zeros(0, np.uint8), 0, np.zeros(n, np.bool_))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--identities", type=int, default=100_000)
    ap.add_argument("--searches", type=int, default=30)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    seg = random_segment(args.identities, rng)
    print(f"{args.identities:,} identities, {machine()}")
    print(f"{'layout':28s} {'median ms':>10s} {'p95 ms':>8s} {'batch-64 searches/s':>20s} {'bytes/finger':>13s}")
    for name, cache, bpf in (("float32 copy in memory", True, P.DESCRIPTOR_LENGTH * 6),
                             ("float16 chunks (no copy)", False, P.DESCRIPTOR_LENGTH * 2)):
        stage = NumpyFirstStage(cache_float32=cache)
        q = rng.standard_normal((args.searches + 2, P.FINGERS, P.DESCRIPTOR_LENGTH)).astype(np.float32)
        stage.top([seg], q[:1], 32)
        lat = []
        for i in range(args.searches):
            t = time.perf_counter()
            stage.top([seg], q[i + 1: i + 2], 32)
            lat.append(time.perf_counter() - t)
        qb = rng.standard_normal((64, P.FINGERS, P.DESCRIPTOR_LENGTH)).astype(np.float32)
        t = time.perf_counter()
        stage.top([seg], qb, 32)
        tput = 64 / (time.perf_counter() - t)
        ms = 1e3 * np.array(lat)
        print(f"{name:28s} {np.median(ms):10.1f} {np.percentile(ms, 95):8.1f} {tput:20.1f} {bpf:13d}")


if __name__ == "__main__":
    main()
