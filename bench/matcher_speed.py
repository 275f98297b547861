"""Old-vs-new matcher, same run: speed of ``prepare`` and ``compare_many``, accuracy on all impostors.

Rerunnable (from the repository root)::

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/matcher_speed.py [--ref main] [--extractor scomm --extractor leader]

The reference matcher is ``comparison.py`` and ``parameters.py`` as of git
revision ``--ref`` (default ``main``), loaded as a separate module next to the
working tree's, so both run on the same templates, on the same machine, at the
same moment (the machine is shared: only same-run ratios mean anything).

Accuracy: every pair of impressions of a finger is genuine (280 a set); every
pair of impressions of different fingers is an impostor (2,880 a set, instead
of FVC's 45 first-impression pairs, which cannot resolve FMR below 2.2%).
Scores come from ``compare_many`` of impression i against the batch of all
impressions, upper triangle (i < j), which is what ``compare_prepared(i, j)``
returns. Templates are cached under ``--cache`` (extraction is the slow part,
LEADER especially) and reused while the images and the extractor's code and parameters
(every file of ``scomm.biometrics`` outside ``search/``, and its data) are unchanged.

Speed is process CPU time with one BLAS thread: ``prepare`` per template, and
``compare_many`` of every template against a PreparedBatch of all 80
(``scomm bench fvc``'s comparisons_per_s), best of ``--repeat`` passes. The speed-up row
says whether the new matcher's 6,400 scores of the set are identical to the reference's, bit for
bit (else the largest difference and how many differ).

Parameter trade-offs: ``--variant LABEL:NAME=VALUE[,NAME=VALUE...]`` (repeatable) measures the
working tree's matcher again with those comparison constants of ``parameters.py`` overridden
(e.g. ``--variant rot125:MAX_ROTATION=1.25 --variant gate04:REFIT_MIN_SCORE=0.04``), each row
against the reference in the same run; ``--dump FILE.npz`` saves every matcher's 80 x 80 scores.
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from scomm.biometrics import comparison as new
from scomm.biometrics import parameters as new_parameters
from scomm.biometrics.evaluation import eer, fnmr_at_fmr, threshold_at_fmr
from scomm.biometrics.fvc import fvc_pairs, load_at_500ppi, read_fvc_folder

SETS = ("../shared/data/fvc2002-db2b", "../shared/data/sfinge-db4b")


def load_reference(rev: str, into: Path) -> ModuleType:
    """comparison.py of ``rev`` as module ``ref_comparison``, reading ``rev``'s parameters.py."""
    params = subprocess.run(["git", "show", f"{rev}:src/scomm/biometrics/parameters.py"],
                            check=True, capture_output=True, text=True).stdout
    source = subprocess.run(["git", "show", f"{rev}:src/scomm/biometrics/comparison.py"],
                            check=True, capture_output=True, text=True).stdout
    (into / "ref_parameters.py").write_text(params)
    source = source.replace("from scomm.biometrics import parameters as P", "import ref_parameters as P")
    (into / "ref_comparison.py").write_text(source)
    sys.path.insert(0, str(into))
    spec = importlib.util.spec_from_file_location("ref_comparison", into / "ref_comparison.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["ref_comparison"] = mod
    spec.loader.exec_module(mod)
    return mod


def _extractor_digest() -> str:
    """A digest of the extractor's source and data, so cached templates of another extractor are not reused."""
    import hashlib

    import scomm.biometrics

    root = Path(scomm.biometrics.__file__).parent
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "search" not in p.relative_to(root).parts
                    and p.suffix in (".py", ".json")):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def templates_of(folder: Path, extractor: str, cache: Path) -> tuple[list[tuple[int, int]], list[Any]]:
    """(keys, templates) of every image of the set, extracted once and cached."""
    files = read_fvc_folder(folder)
    stamp = [(k, p.stat().st_mtime_ns) for k, p in files.items()] + [("extractor", _extractor_digest())]
    path = cache / f"{folder.name}-{extractor}.pkl"
    if path.exists():
        saved = pickle.loads(path.read_bytes())
        if saved["stamp"] == stamp:
            return saved["keys"], saved["templates"]
    if extractor == "scomm":
        from scomm.biometrics.extraction import extract
    else:
        from scomm.biometrics.leader import extract_leader as extract
    keys, templates = [], []
    for key, p in files.items():
        try:
            templates.append(extract(load_at_500ppi(p), 500))
            keys.append(key)
        except (ValueError, RuntimeError) as exc:  # counted as 0-score failures below
            print(f"  {p.name}: {exc}", file=sys.stderr)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({"stamp": stamp, "keys": keys, "templates": templates}))
    return keys, templates


def cpu(fn: Any, repeat: int) -> float:
    """Best CPU seconds of ``repeat`` calls."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def measure(mod: ModuleType, keys: list[tuple[int, int]], templates: list[Any], repeat: int) -> dict[str, float]:
    prepared = [mod.prepare(t) for t in templates]  # also compiles
    prep_s = cpu(lambda: [mod.prepare(t) for t in templates], repeat)
    batch = mod.stack(prepared)
    mod.compare_many(prepared[0], batch)
    scores = np.stack([mod.compare_many(p, batch) for p in prepared])
    many_s = cpu(lambda: [mod.compare_many(p, batch) for p in prepared], repeat)
    index = {k: i for i, k in enumerate(keys)}
    genuine_pairs, fvc_impostor_pairs = fvc_pairs(keys)

    def pick(pairs: list[tuple[Any, Any]]) -> np.ndarray:
        return np.array([scores[index[a], index[b]] for a, b in pairs], np.float64)

    genuine = pick(genuine_pairs)
    n = len(keys)
    all_impostor = np.array([scores[i, j] for i in range(n) for j in range(i + 1, n) if keys[i][0] != keys[j][0]])
    return {
        "eer_all": 100 * eer(genuine, all_impostor),
        "fmr1000_all": 100 * fnmr_at_fmr(genuine, all_impostor, 0.001),
        "fmr100_all": 100 * fnmr_at_fmr(genuine, all_impostor, 0.01),
        "eer_fvc": 100 * eer(genuine, pick(fvc_impostor_pairs)),
        "prepare_ms": 1000 * prep_s / len(templates),
        "per_s": n * n / many_s,
        "genuine": genuine,  # type: ignore[dict-item]
        "impostor": all_impostor,  # type: ignore[dict-item]
        "minutiae": float(np.mean([len(t.x) for t in templates])),
        "scores": scores,  # type: ignore[dict-item]
    }


def parse_variant(text: str) -> tuple[str, dict[str, float]]:
    """'LABEL:NAME=VALUE,NAME=VALUE' as (label, {name: value}); names must be existing constants."""
    label, _, assignments = text.partition(":")
    values: dict[str, float] = {}
    for item in filter(None, assignments.split(",")):
        name, _, value = item.partition("=")
        if not hasattr(new_parameters, name):
            raise SystemExit(f"--variant {text}: parameters.py has no {name}")
        values[name] = type(getattr(new_parameters, name))(float(value))
    return label, values


def measure_variant(values: dict[str, float], keys: list[tuple[int, int]], templates: list[Any],
                    repeat: int) -> dict[str, float]:
    """:func:`measure` of the working tree's matcher with some constants overridden, then restored."""
    saved = {name: getattr(new_parameters, name) for name in values}
    try:
        for name, value in values.items():
            setattr(new_parameters, name, value)
        return measure(new, keys, templates, repeat)
    finally:
        for name, value in saved.items():
            setattr(new_parameters, name, value)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="main", help="git revision of the reference matcher")
    ap.add_argument("--extractor", action="append", choices=("scomm", "leader"))
    ap.add_argument("--set", action="append", help="FVC-style folders (default: the two shared sets)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "scomm-matcher-speed")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--variant", action="append", default=[], help="LABEL:NAME=VALUE[,NAME=VALUE...]")
    ap.add_argument("--dump", type=Path, help="save every matcher's scores (npz)")
    args = ap.parse_args()
    variants = [("new", {})] + [parse_variant(v) for v in args.variant]
    dumped: dict[str, np.ndarray] = {}
    extractors = args.extractor or ["scomm", "leader"]
    sets = [Path(s) for s in (args.set or SETS)]
    with tempfile.TemporaryDirectory() as tmp:
        ref = load_reference(args.ref, Path(tmp))
        print(f"reference: {args.ref}; new: working tree. CPU time, one BLAS thread.\n")
        print("| set | minutiae | extractor | matcher | EER % (all imp.) | FNMR@FMR1% | FNMR@FMR0.1% "
              "| EER % (FVC 45 imp.) | prepare ms | comparisons/s/core |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        pooled: dict[str, dict[str, list[np.ndarray]]] = {}
        for folder in sets:
            for ex in extractors:
                keys, templates = templates_of(folder, ex, args.cache)
                rows = {}
                for name, values in [(args.ref, None)] + variants:  # type: ignore[list-item]
                    r = measure(ref, keys, templates, args.repeat) if values is None else \
                        measure_variant(values, keys, templates, args.repeat)
                    rows[name] = r
                    dumped[f"{folder.name}/{ex}/{name}"] = np.asarray(r["scores"])
                    pool = pooled.setdefault(f"{ex}/{name}", {"g": [], "i": []})
                    pool["g"].append(r["genuine"])  # type: ignore[arg-type]
                    pool["i"].append(r["impostor"])  # type: ignore[arg-type]
                    print(f"| {folder.name} | {r['minutiae']:.0f} | {ex} | {name} | {r['eer_all']:.2f} "
                          f"| {r['fmr100_all']:.2f} | {r['fmr1000_all']:.2f} | {r['eer_fvc']:.2f} "
                          f"| {r['prepare_ms']:.3f} | {r['per_s']:,.0f} |", flush=True)
                o = rows[args.ref]
                for name, _ in variants:
                    nn = rows[name]
                    diff = np.abs(np.asarray(nn["scores"]) - np.asarray(o["scores"]))
                    same = "identical" if not diff.any() else \
                        f"max diff {diff.max():.4g}, {int((diff > 0).sum())} differ"
                    print(f"| | | | {name} speed-up (scores {same}) | | | | | "
                          f"x{o['prepare_ms'] / nn['prepare_ms']:.1f} | x{nn['per_s'] / o['per_s']:.2f} |", flush=True)
        print("\nThreshold at FMR 0.1% over the cross-finger impostors of all sets (MATCH_THRESHOLD's definition):")
        for name, pool in pooled.items():
            g, i = np.concatenate(pool["g"]), np.concatenate(pool["i"])
            t = threshold_at_fmr(g, i, 0.001)
            print(f"  {name}: {t:.4f} ({i.size} impostors, {int((i >= t).sum())} at or above; "
                  f"FNMR {100 * np.mean(g < t):.1f}%)")
        if args.dump:
            np.savez_compressed(args.dump, **dumped)


if __name__ == "__main__":
    main()
