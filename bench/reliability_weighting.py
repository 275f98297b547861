"""Would the matcher gain from weighting pairs by minutia reliability? (measurement only)

comparison.py ignores ``Template.reliability``. This script builds a patched
copy of comparison.py in a temporary folder (text substitutions on the current
source, so nothing is copied into the repository) in which each geometric pair
weighs ``(base + (1 - base) * local similarity) * (r_probe * r_reference) ** (EXP / 2)``
and, with ``--weighted-overlap``, the overlap counts of the denominator are sums of
reliability ** EXP instead of minutia counts (a soft version of dropping unreliable
minutiae: their cylinders still describe their neighbours). It extracts each set
once with the work tree's extractor and scores every pair with the unpatched
matcher and the patched ones, in the same process.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/reliability_weighting.py --exp 1 --exp 2
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).parent))

SUBSTITUTIONS = [
    # probe reliabilities travel next to the probe directions
    ("pa: NDArray[np.float32], ref: NDArray[np.float32], order: NDArray[np.int32],",
     "pa: NDArray[np.float32], prel: NDArray[np.float32], ref: NDArray[np.float32], order: NDArray[np.int32],", 1),
    ("_pair_under(sim, px, py, pa, ref,", "_pair_under(sim, px, py, pa, prel, ref,", 1),
    ("px: NDArray[np.float32], py: NDArray[np.float32], pa: NDArray[np.float32],\n                 ref:",
     "px: NDArray[np.float32], py: NDArray[np.float32], pa: NDArray[np.float32], prel: NDArray[np.float32],\n"
     "                 ref:", 1),
    ("px: NDArray[np.float32], py: NDArray[np.float32], pa: NDArray[np.float32],\n                   r_terms",
     "px: NDArray[np.float32], py: NDArray[np.float32], pa: NDArray[np.float32], prel: NDArray[np.float32],\n"
     "                   r_terms", 1),
    ("_consolidate(sim, top_v, top_i, px, py, pa, ref_sorted", "_consolidate(sim, top_v, top_i, px, py, pa, prel, ref_sorted", 1),
    # reference reliabilities: a fifth row of ref_sorted (already ** EXP / 2, as are the probe's)
    ("w = base + (1.0 - base) * sim[a, q]", "w = (base + (1.0 - base) * sim[a, q]) * prel[a] * ref[4, q]", 1),
]
OVERLAP = [
    ("        if close:\n            n_near_p += 1", "        if close:\n            n_near_p += prel[a] * prel[a]", 1),
    ("n_near_p = 0\n", "n_near_p = 0.0\n", 1),
    ("n_near_r = 0\n    for q in range(n_r):\n        n_near_r += near_r[q]",
     "n_near_r = 0.0\n    for q in range(n_r):\n        n_near_r += near_r[q] * ref[4, q] * ref[4, q]", 1),
]


def patched(weighted_overlap: bool, tmp: Path, name: str):  # type: ignore[no-untyped-def]
    src = Path("src/scomm/biometrics/comparison.py").read_text()
    for old, new, count in SUBSTITUTIONS + (OVERLAP if weighted_overlap else []):
        found = src.count(old)
        if found < count:
            raise SystemExit(f"comparison.py changed: cannot patch {old[:60]!r}")
        src = src.replace(old, new)
    src = src.replace("@njit(cache=True", "@njit(cache=False")
    path = tmp / f"{name}.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def scores(mod, temps, rels, exp: float):  # type: ignore[no-untyped-def]
    """All-pairs score matrix with the patched module (reliability ** (exp / 2) per minutia)."""
    from scomm.biometrics import parameters as P

    prepared = [mod.prepare(t) for t in temps]
    batch = mod.stack(prepared)
    counts = np.array([len(p) for p in prepared])
    owner = np.repeat(np.arange(len(prepared)), counts)
    rows = batch.order + batch.offsets[owner]
    rel = np.concatenate(rels).astype(np.float32) ** np.float32(exp / 2)
    ref5 = np.ascontiguousarray(np.vstack([batch.ref_sorted, rel[rows][None, :]]), np.float32)
    out = np.zeros((len(temps), len(temps)))
    for a, p in enumerate(prepared):
        out[a] = mod._compare_batch(
            p.cylinders, p.valid, p.usable, p.x, p.y, p.angle, rels[a].astype(np.float32) ** np.float32(exp / 2),
            batch.terms, batch.valid, batch.usable, batch.x, batch.y, batch.angle, batch.cos, batch.sin, ref5,
            batch.order, batch.position, batch.y_start, batch.y0, batch.y_scale, batch.a_order, batch.a_start,
            batch.offsets, int(np.ceil(P.CYLINDER_MIN_COMMON * mod.N_CELLS)), P.MAX_ROTATION, P.ALIGN_HYPOTHESES,
            P.PAIR_DISTANCE_PX, P.PAIR_DISTANCE_SLOPE, P.PAIR_ANGLE, P.OVERLAP_DISTANCE_PX, float(P.MIN_OVERLAP),
            P.PAIR_BASE_WEIGHT)
    return out


def main() -> None:
    import extractor_eval as E

    from scomm.biometrics.comparison import compare_many, prepare, stack
    from scomm.biometrics.extraction import extract

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exp", type=float, action="append", default=[])
    parser.add_argument("--floor", type=float, default=0.0,
                        help="use floor + (1 - floor) x reliability (softer weighting)")
    parser.add_argument("--hand", action="store_true", help="the hand-made reliability (MINUTIA_FILTER=0)")
    parser.add_argument("--sets", nargs="+", default=list(E.SETS))
    args = parser.parse_args()
    if args.hand:
        from scomm.biometrics import parameters as P

        P.MINUTIA_FILTER = 0
    exps = args.exp or [1.0]
    with tempfile.TemporaryDirectory() as tmp:
        mods = {w: patched(w, Path(tmp), f"cmp_{int(w)}") for w in (False, True)}
        print(f"{'set':13s} {'matcher':28s} {'EER fvc':>7s} {'EER all':>7s} {'FNMR@.1%':>8s}")
        for s in args.sets:
            images = E.load_set(s)
            keys = sorted(images)
            temps = [extract(images[k], 500) for k in keys]
            rels = [args.floor + (1 - args.floor) * t.reliability for t in temps]
            prepared = [prepare(t) for t in temps]
            batch = stack(prepared)
            base = np.stack([compare_many(p, batch) for p in prepared])
            rows = [("main matcher", base)]
            for e in exps:
                for w, mod in mods.items():
                    rows.append((f"rel^{e:g} pairs{' + overlap' if w else ''}", scores(mod, temps, rels, e)))
            for name, m in rows:
                acc = E.accuracy(keys, m)
                print(f"{s:13s} {name:28s} {acc['eer_fvc']:7.2f} {acc['eer_all']:7.2f} {acc['fnmr_fmr1000']:8.2f}",
                      flush=True)


if __name__ == "__main__":
    main()
