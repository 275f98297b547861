"""GPU first stage at scale: latency per search and a 33,000-search batch against N identities.

Rerunnable on a CUDA machine: ``PYTHONPATH=src python bench/search_gpu.py --identities 1000000``.
Descriptors are random unit vectors (the first stage's speed does not depend on
what they hold); accuracy is measured with synthetic tenprints by
``scomm bench search``. Prints the floor (reading every descriptor once at the
measured device bandwidth) next to each time, and checks that the GPU picks
the same candidates as the CPU on synthetic tenprints.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.first_stage import NumpyFirstStage
from scomm.biometrics.search.first_stage_torch import TorchFirstStage
from scomm.biometrics.search.segment import Segment


def bandwidth() -> float:
    """Device-to-device copy bandwidth, bytes read plus written per second (median of 10)."""
    a = torch.empty(1 << 30, dtype=torch.uint8, device="cuda").random_()
    b = torch.empty_like(a)
    times = []
    for _ in range(12):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        b.copy_(a)
        e.record()
        torch.cuda.synchronize()
        times.append(s.elapsed_time(e) / 1e3)
    return 2 * a.numel() / float(np.median(times[2:]))


def random_segment(n: int) -> Segment:
    g = torch.randn(P.FINGERS, n, P.DESCRIPTOR_LENGTH, device="cuda", dtype=torch.float16)
    g /= g.float().norm(dim=2, keepdim=True).half()
    seg = Segment("random", [f"R{i}" for i in range(n)], g.cpu().numpy(),
                  np.full((n, P.FINGERS), 60, np.uint8), np.zeros((n, P.FINGERS), np.int64),
                  np.zeros((n, P.FINGERS), np.int32), np.zeros(0, np.uint8), 0, np.zeros(n, np.bool_))
    del g
    return seg


def queries(b: int, rng: np.random.Generator) -> np.ndarray:
    q = rng.standard_normal((b, P.FINGERS, P.DESCRIPTOR_LENGTH)).astype(np.float32)
    return q / np.linalg.norm(q, axis=2, keepdims=True)


def agreement(identities: int, probes: int) -> dict[str, float]:
    """Share of probes whose first-stage top-32 is identical on CPU (float32) and GPU (float16)."""
    from scomm.biometrics.search.gallery import _check_fingers, _tenprint_descriptors
    from scomm.synth import tenprint_templates_batch

    gal = tenprint_templates_batch(1, list(range(identities)), 0)
    prb = tenprint_templates_batch(1, list(range(probes)), 1)
    seg = Segment.empty("synth", identities)
    d = _tenprint_descriptors([_check_fingers("g", t) for t in gal])
    for i, t in enumerate(gal):
        seg.append(f"S{i}", t, d[i])
    q = _tenprint_descriptors([_check_fingers("p", t) for t in prb])
    cpu = NumpyFirstStage().top([seg], q, 32)
    gpu = TorchFirstStage().top([seg], q, 32)
    same_set = np.mean([{r for _, r, _ in a} == {r for _, r, _ in b} for a, b in zip(cpu, gpu)])
    same_top1 = np.mean([a[0][1] == b[0][1] for a, b in zip(cpu, gpu)])
    mate_top1 = np.mean([b[0][1] == i for i, b in enumerate(gpu)])
    return {"identities": identities, "probes": probes, "same_top32_set": float(same_set),
            "same_top1": float(same_top1), "gpu_first_stage_rank1": float(mate_top1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--identities", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=33_000)
    ap.add_argument("--keep", type=int, default=32)
    ap.add_argument("--agreement", type=int, default=3000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(json.dumps({"device": torch.cuda.get_device_name(), "torch": torch.__version__}), flush=True)
    bw = bandwidth()
    n = args.identities
    t0 = time.perf_counter()
    seg = random_segment(n)
    stage = TorchFirstStage()
    stage.top([seg], queries(1, rng), args.keep)  # upload + warm-up
    setup = time.perf_counter() - t0
    floor = n * P.FINGERS * P.DESCRIPTOR_LENGTH * 2 / bw
    lat = []
    for _ in range(60):
        q = queries(1, rng)
        torch.cuda.synchronize()
        t = time.perf_counter()
        stage.top([seg], q, args.keep)
        lat.append(time.perf_counter() - t)
    lat_ms = 1e3 * np.array(lat[10:])
    qb = queries(args.batch, rng)
    stage.top([seg], qb[:256], args.keep)
    torch.cuda.synchronize()
    t = time.perf_counter()
    stage.top([seg], qb, args.keep)
    batch_s = time.perf_counter() - t
    chunk = max(1, (2 << 30) // (4 * n))
    batch_floor = max(-(-args.batch // chunk) * floor,
                      2 * args.batch * n * P.FINGERS * P.DESCRIPTOR_LENGTH / 700e12)
    print(json.dumps({
        "identities": n, "bandwidth_TBps": bw / 1e12, "setup_s": setup,
        "search_median_ms": float(np.median(lat_ms)), "search_p95_ms": float(np.percentile(lat_ms, 95)),
        "search_floor_ms": 1e3 * floor, "batch": args.batch, "batch_s": batch_s,
        "batch_searches_per_s": args.batch / batch_s, "batch_floor_s": batch_floor,
        "gpu_bytes_per_finger": P.DESCRIPTOR_LENGTH * 2,
    }), flush=True)
    del seg, stage
    torch.cuda.empty_cache()
    if args.agreement:
        print(json.dumps(agreement(args.agreement, 300)), flush=True)


if __name__ == "__main__":
    main()
