import subprocess
import sys
from pathlib import Path

import pytest
from search_simulated import tenprint

from scomm.biometrics.search import Gallery, SearchConfig

N = 40


@pytest.fixture(scope="module")
def people():
    return {f"P{i:03d}": (tenprint(100 + i, 0), tenprint(100 + i, 1)) for i in range(N)}


def _ranking(result):
    return [(c.identity_id, round(c.score, 3)) for c in result.candidates]


def test_cpu_search_never_imports_a_gpu_package():
    code = ("import sys; sys.path.insert(0, 'tests/biometrics/search'); from search_simulated import tenprint; "
            "from scomm.biometrics.search import Gallery, SearchConfig; g = Gallery.create(None, 'x', SearchConfig(matcher='descriptor')); "
            "g.enroll('a', tenprint(1, 0)); g.search(tenprint(1, 1)); "
            "bad = [m for m in ('torch', 'cupy', 'jax') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def _torch_device() -> str | None:
    """"cuda" where a GPU is visible, "cpu" where only PyTorch is installed, None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    return "cuda" if torch.cuda.is_available() else "cpu"


@pytest.mark.skipif(_torch_device() is None, reason="needs PyTorch (pip install 'scomm[gpu]'); on CUDA where present, else torch on the CPU")
def test_gpu_and_cpu_backends_rank_alike(people):
    """The torch first stage (float16 GEMM + topk) ranks like the NumPy one; run on the CPU it checks the code, on CUDA the device."""
    cpu = Gallery.create(None, "cpu", SearchConfig(candidates=10, exhaustive_below=0, matcher="descriptor"))
    gpu = Gallery.create(None, "gpu", SearchConfig(backend="gpu", candidates=10, exhaustive_below=0, matcher="descriptor",
                                                    device=_torch_device() or "cuda"))
    for g in (cpu, gpu):
        g.enroll_many((pid, e) for pid, (e, _) in people.items())
        g.remove("P005")
    for pid in ("P001", "P005", "P017", "P033"):
        a, b = cpu.search(people[pid][1]), gpu.search(people[pid][1])
        assert [c.identity_id for c in a.candidates] == [c.identity_id for c in b.candidates]
        assert "P005" not in [c.identity_id for c in b.candidates]


def test_cluster_search_returns_the_local_candidates(tmp_path: Path, people):
    pytest.importorskip("distributed")
    from scomm.biometrics.search.cluster import ClusterGallery, split_into_shards

    fast = SearchConfig(matcher="descriptor")
    local = Gallery.create(None, "local", fast)
    local.enroll_many((pid, e) for pid, (e, _) in people.items())
    dirs = ClusterGallery.create_shards(tmp_path, 3, "sharded", fast)
    split_into_shards([(pid, e) for pid, (e, _) in people.items()], dirs)
    cluster = ClusterGallery.local(dirs, workers=2, processes=False)
    try:
        assert len(cluster) == N
        for pid in ("P002", "P019", "P038"):
            assert _ranking(cluster.search(people[pid][1], top_k=5)) == _ranking(local.search(people[pid][1], 5))
        assert cluster.remove("P019") and not cluster.remove("P019")
        assert "P019" not in [c.identity_id for c in cluster.search(people["P019"][1], top_k=N).candidates]
        cluster.enroll("P019-again", people["P019"][0])
        cluster.flush()
        assert cluster.search(people["P019"][1]).candidates[0].identity_id == "P019-again"
    finally:
        cluster.close()
