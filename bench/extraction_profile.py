"""Per-stage CPU time of scomm's minutiae extraction, old beside new in one run.

Every function that ``scomm.biometrics.extraction`` calls from another module
(resampling, mask, orientation, period, normalisation, Gabor enhancement,
binarise, thin, minutia filter context, minutiae, quality) is wrapped in a
process-CPU-time timer, then every image of the shared sets is extracted.
A variant is the work tree or a git commit (``--ref COMMIT``: its ``src`` is
exported to a temporary folder and run in a subprocess, as
bench/extractor_eval.py does), so old and new are timed on the same machine
under the same load. ``--repeat`` extracts each set that many times per
variant, and variants are interleaved round by round, which evens out the
noise of a shared machine. The script also checks that the templates are
identical (max abs difference of the minutiae arrays, count of templates that
differ) between the first variant and each other one.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/extraction_profile.py --ref main [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SETS = ("fvc2002-db2b", "sfinge-db4b")
DATA = Path("../shared/data")


def _timed(name: str, fn: Callable[..., Any], totals: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[name] += time.process_time() - t0

    return wrapper


def dump(out: Path, sets: tuple[str, ...]) -> None:
    """Extract every image of ``sets`` with the scomm importable here; save stage times and minutiae."""
    import inspect

    from scomm.biometrics import extraction as E
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder
    from scomm.errors import ImageError

    totals: dict[str, float] = defaultdict(float)
    for name, obj in list(vars(E).items()):
        if inspect.isfunction(obj) and obj.__module__ != E.__name__ and obj.__module__.startswith("scomm."):
            setattr(E, name, _timed(name, obj, totals))
    result: dict[str, Any] = {}
    for s in sets:
        images = {k: load_at_500ppi(p) for k, p in read_fvc_folder(DATA / s).items()}
        E.extract(next(iter(images.values())), 500)  # warm caches (Numba, FFT plans) outside the timing
        totals.clear()
        rows: dict[str, Any] = {}
        t0 = time.process_time()
        for (f, i), img in images.items():
            try:
                rows[f"{f}_{i}"] = E.extract_features(img, 500).minutiae.tolist()
            except ImageError:
                rows[f"{f}_{i}"] = None
        total = (time.process_time() - t0) * 1000 / len(images)
        stages = {k: v * 1000 / len(images) for k, v in totals.items()}
        result[s] = {"total": total, "stages": stages, "minutiae": rows}
    out.write_text(json.dumps(result))


def run_variant(ref: str | None, sets: tuple[str, ...], workdir: Path, out: Path) -> dict[str, Any]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    if ref is not None:
        src = workdir / f"src-{ref.replace('/', '_')}"
        if not src.exists():
            src.mkdir()
            archive = subprocess.run(["git", "archive", ref, "src"], check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        env["PYTHONPATH"] = str(src / "src")
    else:
        env["PYTHONPATH"] = str(Path("src").resolve())
    subprocess.run([sys.executable, __file__, "--dump", str(out), "--sets", *sets], check=True, env=env)
    return dict(json.loads(out.read_text()))


def compare(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, int]:
    """Max abs difference of the minutiae arrays and number of templates that differ."""
    worst, differ = 0.0, 0
    for key, ra in a.items():
        rb = b[key]
        if ra is None or rb is None:
            differ += int((ra is None) != (rb is None))
            continue
        xa, xb = np.asarray(ra, float).reshape(-1, 5), np.asarray(rb, float).reshape(-1, 5)
        if xa.shape != xb.shape:
            differ += 1
            worst = float("inf")
            continue
        d = float(np.max(np.abs(xa - xb))) if xa.size else 0.0
        differ += int(d > 0)
        worst = max(worst, d)
    return worst, differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", action="append", default=[], help="git commit to run as a variant (first: baseline)")
    parser.add_argument("--no-work", action="store_true", help="leave out the work tree")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--repeat", type=int, default=1, help="rounds; variants interleaved, stage times averaged")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sets = tuple(args.sets)
    if args.dump:
        dump(args.dump, sets)
        return
    variants: list[tuple[str, str | None]] = [(f"ref:{r}", r) for r in args.ref]
    if not args.no_work:
        variants.append(("work", None))
    runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(args.repeat):
            for name, ref in variants:
                runs[name].append(run_variant(ref, sets, Path(tmp), Path(tmp) / f"{rnd}-{len(runs[name])}-{name[-6:]}.json"))
    base = variants[0][0]
    for s in sets:
        stages = sorted({k for res in runs.values() for r in res for k in r[s]["stages"]},
                        key=lambda k: -np.mean([r[s]["stages"].get(k, 0.0) for r in runs[base]]))
        print(f"\n{s}: CPU ms per image (mean of {args.repeat} round(s))")
        print(f"{'stage':24s}" + "".join(f"{name[:14]:>15s}" for name, _ in variants) + f"{'ratio':>8s}")
        for k in [*stages, "total"]:
            vals = [float(np.mean([r[s]["stages"].get(k, 0.0) if k != "total" else r[s]["total"] for r in runs[n]]))
                    for n, _ in variants]
            ratio = vals[-1] / vals[0] if vals[0] > 0 else float("nan")
            print(f"{k:24s}" + "".join(f"{v:15.2f}" for v in vals) + f"{ratio:8.2f}")
        for name, _ in variants[1:]:
            worst, differ = compare(runs[base][0][s]["minutiae"], runs[name][0][s]["minutiae"])
            print(f"minutiae {name} vs {base}: max abs difference {worst:.3g}, templates differing {differ}")


if __name__ == "__main__":
    main()
