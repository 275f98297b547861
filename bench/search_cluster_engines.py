"""Dask distributed vs Ray for serving search shards: start-up and per-search fan-out cost.

Rerunnable: ``python bench/search_cluster_engines.py dask|dask-actors|ray`` (each
engine in its own process so imports are counted in its start-up). A "search"
here is a call to each of two shard servers carrying a (10, 256) float32 probe
and returning ten candidates: the messaging cost a real search pays on top of
its computation. Install sizes were measured with ``du`` on site-packages
before and after ``pip install``.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

CALLS = 100


def work(q: np.ndarray) -> list[tuple[str, float]]:
    return [("id", float(q.sum()))] * 10


class Shard:
    def work(self, q: np.ndarray) -> list[tuple[str, float]]:
        return work(q)


def dask_tasks() -> tuple[float, float]:
    t0 = time.perf_counter()
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.submit(work, np.ones(3)).result()
    start = time.perf_counter() - t0
    workers = sorted(client.scheduler_info()["workers"])[:2]
    q = np.random.rand(10, 256).astype(np.float32)
    lat = []
    for _ in range(CALLS):
        t = time.perf_counter()
        client.gather([client.submit(work, q, pure=False, workers=[w]) for w in workers])
        lat.append(time.perf_counter() - t)
    client.close()
    cluster.close()
    return start, statistics.median(lat)


def dask_actors() -> tuple[float, float]:
    t0 = time.perf_counter()
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    workers = sorted(client.scheduler_info()["workers"])[:2]
    actors = [client.submit(Shard, actor=True, workers=[w]).result() for w in workers]
    for a in actors:
        a.work(np.ones(3)).result()
    start = time.perf_counter() - t0
    q = np.random.rand(10, 256).astype(np.float32)
    lat = []
    for _ in range(CALLS):
        t = time.perf_counter()
        for f in [a.work(q) for a in actors]:
            f.result()
        lat.append(time.perf_counter() - t)
    client.close()
    cluster.close()
    return start, statistics.median(lat)


def ray_actors() -> tuple[float, float]:
    t0 = time.perf_counter()
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    remote = ray.remote(Shard)
    actors = [remote.remote() for _ in range(2)]
    ray.get([a.work.remote(np.ones(3)) for a in actors])
    start = time.perf_counter() - t0
    q = np.random.rand(10, 256).astype(np.float32)
    lat = []
    for _ in range(CALLS):
        t = time.perf_counter()
        ray.get([a.work.remote(q) for a in actors])
        lat.append(time.perf_counter() - t)
    ray.shutdown()
    return start, statistics.median(lat)


if __name__ == "__main__":
    engine = sys.argv[1] if len(sys.argv) > 1 else "dask-actors"
    run = {"dask": dask_tasks, "dask-actors": dask_actors, "ray": ray_actors}[engine]
    s, m = run()
    print(f"{engine:12s} start-up {s:5.2f} s   per-search fan-out to 2 shard servers, median {1e3 * m:6.2f} ms")
