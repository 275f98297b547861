"""Measure 1:N search on synthetic tenprints: speed, accuracy, memory.

The same function backs ``scomm bench search`` and the scripts in ``bench/``:
enrol N synthetic identities (scomm.synth, impression 0), search mated probes
(a second impression of enrolled persons) and non-mated probes (persons never
enrolled), and report latency, throughput, rank-1 identification rate, FNIR at
FPIR 0.1% (threshold set on this run's non-mated searches), the fraction of
the gallery the second stage touched, and bytes per finger.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.calibration import Calibration, calibrate
from scomm.biometrics.search.config import SearchConfig
from scomm.biometrics.search.gallery import Gallery, Tenprint
from scomm.biometrics.search.result import SearchResult

SYNTH_SEED = 1  # synthetic population of the benchmark (any seed; fixed so runs compare)
NONMATED_FIRST_ID = 900_000_000  # persons never enrolled: far above any gallery size used
ENROL_CHUNK = 2000  # identities generated and enrolled per step (bounds memory)
SEARCH_BATCH = 64  # probes per batched first stage in the throughput run

Progress = Callable[[str, int, int], None]


@dataclass
class BenchReport:
    backend: str
    identities: int
    median_ms: float
    p95_ms: float
    searches_per_s: float
    rank1: float
    fnir_at_fpir_0_001: float
    bytes_per_finger: int
    first_stage_median_ms: float
    touched_fraction: float
    disk_bytes_per_identity: float
    mated: int
    nonmated: int
    threshold: float
    enrol_s: float
    matcher: str

    def to_json(self) -> str:
        return json.dumps(self.__dict__)


def _noop(stage: str, done: int, total: int) -> None:
    return None


def synthetic_tenprints(ids: Sequence[int], impression: int) -> list[Tenprint]:
    from scomm.synth import tenprint_templates_batch

    return list(tenprint_templates_batch(SYNTH_SEED, list(ids), impression, workers=2))


def build_gallery(identities: int, directory: Path | None, config: SearchConfig,
                  progress: Progress = _noop) -> tuple[Gallery, float]:
    """Enrol ``identities`` synthetic persons (reusing a gallery already built in ``directory``)."""
    name = f"synth-{SYNTH_SEED}-{identities}"
    if directory is not None and (directory / "manifest.json").exists():
        g = Gallery.open(directory)
        if g.name == name and len(g) == identities:
            g.config = config
            return g, 0.0
        raise SystemExit(f"{directory} holds gallery {g.name!r} ({len(g)} identities), not {name!r}")
    t0 = time.perf_counter()
    g = Gallery.create(directory, name, config)
    for lo in range(0, identities, ENROL_CHUNK):
        ids = range(lo, min(identities, lo + ENROL_CHUNK))
        prints = synthetic_tenprints(ids, 0)
        g.enroll_many((f"S{i:09d}", t) for i, t in zip(ids, prints))
        g.flush()
        progress("enrol", ids.stop, identities)
    return g, time.perf_counter() - t0


def build_shards(identities: int, directory: Path, shards: int, config: SearchConfig,
                 progress: Progress = _noop) -> tuple[list[Path], float]:
    """Enrol ``identities`` synthetic persons into ``shards`` on-disk shard galleries (reused if present)."""
    from scomm.biometrics.search.cluster import ClusterGallery, shard_of

    dirs = [directory / f"shard-{i:02d}" for i in range(shards)]
    if all((d / "manifest.json").exists() for d in dirs):
        return dirs, 0.0
    t0 = time.perf_counter()
    ClusterGallery.create_shards(directory, shards, f"synth-{SYNTH_SEED}-{identities}", config)
    galleries = [Gallery.open(d) for d in dirs]
    for lo in range(0, identities, ENROL_CHUNK):
        ids = range(lo, min(identities, lo + ENROL_CHUNK))
        for i, t in zip(ids, synthetic_tenprints(ids, 0)):
            ident = f"S{i:09d}"
            galleries[shard_of(ident, shards)].enroll(ident, t)
        for g in galleries:
            g.flush()
        progress("enrol", ids.stop, identities)
    return dirs, time.perf_counter() - t0


def run(identities: int, backend: str = "cpu", mated: int = 200, nonmated: int = 1000,
        latency_searches: int = 50, directory: Path | None = None, candidates: int | None = None,
        matcher: str = "mcc", workers: int = 2, progress: Progress = _noop) -> tuple[BenchReport, Calibration]:
    """One benchmark configuration; returns the report and the calibration it measured.

    ``backend`` "cluster" splits the gallery into ``workers`` shards served by a
    local Dask cluster (``directory`` is then required: shards live on disk).
    """
    cluster = None
    if backend == "cluster":
        from scomm.biometrics.search.cluster import ClusterGallery

        if directory is None:
            raise SystemExit("--backend cluster needs --gallery-dir (the shards live on disk)")
        config = SearchConfig(candidates=candidates, matcher=matcher)
        dirs, enrol_s = build_shards(identities, directory / "shards", workers, config, progress)
        cluster = ClusterGallery.local(dirs, workers=workers, processes=True, config=config)
        searcher: Any = cluster
        size = len(cluster)
        bytes_per_finger = P.DESCRIPTOR_LENGTH * 6
    else:
        config = SearchConfig(backend=backend, candidates=candidates, matcher=matcher)
        g, enrol_s = build_gallery(identities, directory, config, progress)
        searcher = g
        size = len(g)
        bytes_per_finger = g.first_stage_bytes_per_finger
    try:
        where = directory / "shards" if cluster is not None and directory is not None else directory
        return _measure(searcher, g if cluster is None else None, identities, size, backend, config, mated,
                        nonmated, latency_searches, where, enrol_s, bytes_per_finger, progress)
    finally:
        if cluster is not None:
            cluster.close()


def _measure(searcher: Any, g: Gallery | None, identities: int, size: int, backend: str, config: SearchConfig,
             mated: int, nonmated: int, latency_searches: int, directory: Path | None, enrol_s: float,
             bytes_per_finger: int, progress: Progress) -> tuple[BenchReport, Calibration]:
    from scomm.biometrics.search.gallery import _check_fingers, _tenprint_descriptors

    rng = np.random.default_rng(identities)
    mate_ids = rng.choice(identities, size=min(mated, identities), replace=False)
    mated_probes = synthetic_tenprints(mate_ids.tolist(), 1)
    non_probes = synthetic_tenprints(range(NONMATED_FIRST_ID, NONMATED_FIRST_ID + nonmated), 1)

    # latency: one search at a time (after one warm-up search)
    searcher.search(mated_probes[0])
    lat: list[float] = []
    stage_lat: list[float] = []
    for i, probe in enumerate(mated_probes[:latency_searches]):
        t = time.perf_counter()
        searcher.search(probe)
        lat.append(time.perf_counter() - t)
        if g is not None:
            q = _tenprint_descriptors([_check_fingers("probe", probe)])
            t = time.perf_counter()
            g._stage().top([*g._segments, g._tail], q, g.config.keep)
            stage_lat.append(time.perf_counter() - t)
        progress("latency", i + 1, min(latency_searches, len(mated_probes)))

    # throughput and accuracy: batched searches
    probes = [*mated_probes, *non_probes]
    results: list[SearchResult] = []
    t0 = time.perf_counter()
    for lo in range(0, len(probes), SEARCH_BATCH):
        results.extend(searcher.search_many(probes[lo: lo + SEARCH_BATCH], top_k=10))
        progress("search", min(len(probes), lo + SEARCH_BATCH), len(probes))
    elapsed = time.perf_counter() - t0
    mres, nres = results[: len(mated_probes)], results[len(mated_probes):]
    truth = [f"S{i:09d}" for i in mate_ids]
    rank1 = float(np.mean([bool(r.candidates) and r.candidates[0].identity_id == t for r, t in zip(mres, truth)]))
    best_non = [r.candidates[0].score if r.candidates else -np.inf for r in nres]
    cal = calibrate(best_non, P.DEFAULT_FPIR, size,
                    source=f"scomm bench search: {len(best_non)} non-mated synthetic tenprint searches "
                           f"against {size:,} synthetic identities, matcher {config.matcher}, "
                           f"{config.keep} candidates")
    misses = 0
    for r, mate in zip(mres, truth):
        s = {c.identity_id: c.score for c in r.candidates}
        misses += int(s.get(mate, float("-inf")) < cal.threshold)
    disk = sum(f.stat().st_size for f in directory.rglob("*")
               if f.is_file() and (g is None or "shards" not in f.relative_to(directory).parts)) if directory else 0
    report = BenchReport(
        backend=backend, identities=identities,
        median_ms=1e3 * float(np.median(lat)), p95_ms=1e3 * float(np.percentile(lat, 95)),
        searches_per_s=len(probes) / elapsed, rank1=rank1, fnir_at_fpir_0_001=misses / len(mres),
        bytes_per_finger=bytes_per_finger,
        first_stage_median_ms=1e3 * float(np.median(stage_lat)) if stage_lat else float("nan"),
        touched_fraction=float(np.mean([r.touched for r in results])) / max(size, 1),
        disk_bytes_per_identity=disk / identities if directory else float("nan"),
        mated=len(mres), nonmated=len(nres), threshold=cal.threshold, enrol_s=enrol_s, matcher=config.matcher)
    return report, cal


def machine() -> str:
    """``nproc`` and the CPU model, for the record."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"
