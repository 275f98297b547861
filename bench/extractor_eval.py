"""Development harness for scomm's own minutiae extractor (issue 3).

For each shared FVC-style set it extracts every image with one or more
*variants* of the extractor, compares all templates with scomm's matcher, and
prints, per variant and set:

- EER under the FVC protocol (280 genuine, 45 impostor: first impressions) and
  over all 2,880 cross-finger impostor pairs, with FNMR at FMR 0.1% (all impostors);
- CPU ms per image (one BLAS thread);
- precision and recall of the minutiae against LEADER's on the same images
  (a minutia agrees when LEADER has one within 8 px and 45 degrees): a
  label-free diagnostic of what the extractor misses and invents.

A variant is a git commit (``--ref COMMIT``: that commit's ``src`` is
exported to a temporary folder and run in a subprocess, so the reference is
timed in the same run as the work tree) or the work tree with parameter
overrides (``--variant 'name:ORIENTATION_SIGMA=8,GABOR_SIGMA_FACTOR=0.45'``).
LEADER's minutiae are computed once and cached (``--cache``, ~1.4 s an image).

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/extractor_eval.py --ref HEAD --variant work
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SETS = ("fvc2002-db2b", "sfinge-db4b")
DATA = Path("../shared/data")
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "scomm-bench" / "leader"
AGREE_PX = 8.0
AGREE_RAD = np.pi / 4


def load_set(name: str) -> dict[tuple[int, int], np.ndarray]:
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder

    return {k: load_at_500ppi(p) for k, p in read_fvc_folder(DATA / name).items()}


def dump(out: Path, overrides: dict[str, float], sets: tuple[str, ...]) -> None:
    """Extract every image of the sets with the extractor importable here; save minutiae and CPU time."""
    from scomm.biometrics import parameters as P
    from scomm.biometrics.extraction import extract
    from scomm.errors import ImageError

    for key, value in overrides.items():
        if not hasattr(P, key):
            raise SystemExit(f"unknown parameter {key}")
        setattr(P, key, type(getattr(P, key))(float(value)))  # through float: bool("0") would be True
    result: dict[str, object] = {}
    for s in sets:
        images = load_set(s)
        extract(next(iter(images.values())), 500)  # compile Numba caches outside the timing
        rows = {}
        t0 = time.process_time()
        for (f, i), img in images.items():
            try:
                t = extract(img, 500)
                rows[f"{f}_{i}"] = [t.x.tolist(), t.y.tolist(), t.angle.tolist(), t.kind.tolist(),
                                    t.reliability.tolist(), int(t.width), int(t.height), int(t.quality),
                                    getattr(t, "flow", np.zeros((0, 0))).tolist()]  # no grid before session 5
            except ImageError:
                rows[f"{f}_{i}"] = None
        result[s] = {"ms": (time.process_time() - t0) * 1000 / len(images), "templates": rows}
    out.write_text(json.dumps(result))


def leader_minutiae(s: str, cache: Path) -> dict[str, object]:
    path = cache / f"{s}-flow.json"  # with the ridge-flow grid (session 5)
    if path.exists():
        return dict(json.loads(path.read_text()))
    from scomm.biometrics.leader import extract_leader

    rows = {}
    for (f, i), img in load_set(s).items():
        t = extract_leader(img, 500)
        rows[f"{f}_{i}"] = [t.x.tolist(), t.y.tolist(), t.angle.tolist(), t.kind.tolist(),
                            t.reliability.tolist(), int(t.width), int(t.height), int(t.quality), t.flow.tolist()]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows))
    return rows


def to_template(row: list[object] | None):  # type: ignore[no-untyped-def]
    from scomm.biometrics.template import Template

    if row is None:
        return None
    x, y, a, k, r, w, h, q = row[:8]
    flow = np.asarray(row[8], np.uint8).reshape(np.shape(row[8]) if np.size(row[8]) else (0, 0)) if len(row) > 8 \
        else np.zeros((0, 0), np.uint8)  # rows from commits before the ridge-flow grid have none
    return Template(np.asarray(x, np.float32), np.asarray(y, np.float32), np.asarray(a, np.float32),
                    np.asarray(k, np.uint8), np.asarray(r, np.float32), int(w), int(h), quality=int(q),  # type: ignore[arg-type]
                    flow=flow)


def score_matrix(rows: dict[str, object]) -> tuple[list[tuple[int, int]], np.ndarray]:
    from scomm.biometrics.comparison import compare_many, prepare, stack

    keys = sorted((int(k.split("_")[0]), int(k.split("_")[1])) for k in rows)
    temps = [to_template(rows[f"{f}_{i}"]) for f, i in keys]  # type: ignore[arg-type]
    prepared = [prepare(t) if t is not None and len(t.x) else None for t in temps]
    ok = [p for p in prepared if p is not None]
    batch = stack(ok)
    index = {id(p): j for j, p in enumerate(ok)}
    n = len(keys)
    m = np.zeros((n, n))
    for a, p in enumerate(prepared):
        if p is None:
            continue
        s = compare_many(p, batch)
        for b, q in enumerate(prepared):
            if q is not None:
                m[a, b] = s[index[id(q)]]
    return keys, m


def accuracy(keys: list[tuple[int, int]], m: np.ndarray) -> dict[str, float]:
    from scomm.biometrics.evaluation import eer, fnmr_at_fmr

    n = len(keys)
    gen, imp_all, imp_fvc = [], [], []
    firsts = {}
    for f, i in keys:
        firsts.setdefault(f, (f, i))
    for a in range(n):
        for b in range(a + 1, n):
            if keys[a][0] == keys[b][0]:
                gen.append(m[a, b])
            else:
                imp_all.append(m[a, b])
                if firsts[keys[a][0]] == keys[a] and firsts[keys[b][0]] == keys[b]:
                    imp_fvc.append(m[a, b])
    g = np.asarray(gen)
    return {"eer_fvc": 100 * eer(g, imp_fvc), "eer_all": 100 * eer(g, imp_all),
            "fnmr_fmr1000": 100 * fnmr_at_fmr(g, imp_all, 0.001),
            "genuine_mean": float(g.mean())}


def agreement(rows: dict[str, object], ref: dict[str, object]) -> dict[str, float]:
    """Precision and recall of the minutiae against LEADER's, pooled over the set."""
    tp_p = tp_r = n_p = n_r = 0
    for key, row in rows.items():
        lr = ref.get(key)
        if row is None or lr is None:
            continue
        x, y, a = (np.asarray(v) for v in row[:3])  # type: ignore[index]
        lx, ly, la = (np.asarray(v) for v in lr[:3])  # type: ignore[index]
        n_p += x.size
        n_r += lx.size
        if x.size == 0 or lx.size == 0:
            continue
        d = np.hypot(x[:, None] - lx[None, :], y[:, None] - ly[None, :])
        da = np.abs(np.mod(a[:, None] - la[None, :] + np.pi, 2 * np.pi) - np.pi)
        close = (d <= AGREE_PX) & (da <= AGREE_RAD)
        tp_p += int(close.any(axis=1).sum())
        tp_r += int(close.any(axis=0).sum())
    return {"precision": tp_p / max(n_p, 1), "recall": tp_r / max(n_r, 1), "per_image": n_p / 80}


def run_variant(spec: str, ref: str | None, sets: tuple[str, ...], workdir: Path) -> dict[str, object]:
    out = workdir / f"{len(list(workdir.iterdir()))}.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    if ref is not None:
        src = workdir / f"src-{ref}"
        if not src.exists():
            src.mkdir()
            archive = subprocess.run(["git", "archive", ref, "src"], check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        env["PYTHONPATH"] = str(src / "src")
        overrides = ""
    else:
        env["PYTHONPATH"] = str(Path("src").resolve())
        overrides = spec.split(":", 1)[1] if ":" in spec else ""
    subprocess.run([sys.executable, __file__, "--dump", str(out), "--overrides", overrides, "--sets", *sets],
                   check=True, env=env)
    return dict(json.loads(out.read_text()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", action="append", default=[], help="git commit to run as a variant")
    parser.add_argument("--variant", action="append", default=[],
                        help="work tree, optionally with overrides: 'name:PARAM=value,PARAM=value'")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--leader", action="store_true", help="also score LEADER's own minutiae")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--overrides", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sets = tuple(args.sets)
    if args.dump:
        ov = dict(kv.split("=") for kv in args.overrides.split(",") if kv)
        dump(args.dump, {k: float(v) for k, v in ov.items()}, sets)
        return
    leader = {s: leader_minutiae(s, args.cache) for s in sets}
    specs = [("ref:" + r, r) for r in args.ref] + [(v, None) for v in args.variant]
    with tempfile.TemporaryDirectory() as tmp:
        results = [(name, run_variant(name, ref, sets, Path(tmp))) for name, ref in specs]
    if args.leader:
        results.append(("leader", {s: {"ms": float("nan"), "templates": leader[s]} for s in sets}))
    print(f"{'variant':40s} {'set':13s} {'EER fvc':>7s} {'EER all':>7s} {'FNMR@.1%':>8s} {'gen':>5s} "
          f"{'ms':>6s} {'prec':>5s} {'rec':>5s} {'n':>5s}")
    for name, res in results:
        for s in sets:
            r = res[s]  # type: ignore[index]
            keys, m = score_matrix(r["templates"])
            acc = accuracy(keys, m)
            ag = agreement(r["templates"], leader[s])
            print(f"{name[:40]:40s} {s:13s} {acc['eer_fvc']:7.2f} {acc['eer_all']:7.2f} {acc['fnmr_fmr1000']:8.2f} "
                  f"{acc['genuine_mean']:5.3f} {r['ms']:6.1f} {ag['precision']:5.2f} {ag['recall']:5.2f} "
                  f"{ag['per_image']:5.1f}", flush=True)


if __name__ == "__main__":
    main()
