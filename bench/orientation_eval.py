"""scomm's orientation field against pyfing's learned SNFOE field, by coherence band (issue 3).

SNFOE (pyfing, Cappelli) is used here only as a *diagnostic teacher*: handing its
field to scomm's own Gabor and minutia stages lowered the EER (docs/biometrics.md,
"pyfing, measured (session 3)"), so the angular distance of a classical field to
it, where scomm's structure-tensor coherence is low, says whether a classical
change goes the right way before the EER run (bench/extractor_eval.py, the real
test). Nothing is fitted to it; its training data is unknown and may include FVC.

Two steps:

1. ``--cache`` (in the pyfing bench venv, see bench/pyfing_stacks.py): run SNFOE
   once on every image of the shared sets, given scomm's mask, and save its field
   (scomm's pixel convention) with scomm's mask and reference coherence
   (σ 10 structure tensor) to ``DIR/<set>.npz``.
2. (in /work/venv, PYTHONPATH=src) compare the work tree's ``orientation_field``,
   with parameter overrides, against the cached fields: median angular difference
   and share over 15° in foreground pixels whose reference coherence is under 0.3,
   0.3-0.7 and over 0.7, per set.

Or, with no pyfing at all, ``--leader``: the angle error at LEADER's minutiae (their
directions, mod π, from bench/extractor_eval.py's cache), by band of the field's coherence:

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src /work/venv/bin/python bench/orientation_eval.py --leader \
        --variant normalised: --variant raw:ORIENTATION_NORMALISE=0

    KERAS_BACKEND=torch OPENBLAS_NUM_THREADS=1 PYTHONPATH=src /work/venv-pyfing/bin/python bench/orientation_eval.py --cache
    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src /work/venv/bin/python bench/orientation_eval.py \
        --variant raw:ORIENTATION_NORMALISE=0 --variant normalised:
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("KERAS_BACKEND", "torch")

SETS = ("fvc2002-db2b", "sfinge-db4b")
DATA = Path("../shared/data")
DEFAULT_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "scomm-bench" / "snfoe"
BANDS = ((0.0, 0.3), (0.3, 0.7), (0.7, 1.01))


def _images(name: str) -> list[tuple[str, np.ndarray]]:
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder

    return [(f"{f}_{k}", load_at_500ppi(p)) for (f, k), p in sorted(read_fvc_folder(DATA / name).items())]


def cache(out: Path) -> None:
    """SNFOE's field (given scomm's mask) for every image, with scomm's mask and σ-10 coherence."""
    import pyfing as pf
    import torch

    from scomm.biometrics.extraction import ridge_structure
    from scomm.errors import ImageError

    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    snfoe = pf.Snfoe()
    out.mkdir(parents=True, exist_ok=True)
    for name in SETS:
        arrays: dict[str, np.ndarray] = {}
        for key, img in _images(name):
            try:
                r = ridge_structure(img, 500)
            except ImageError:
                continue
            u8 = np.clip(np.round(r.image), 0, 255).astype(np.uint8)
            theta = snfoe.run(u8, np.where(r.mask, 255, 0).astype(np.uint8), 500)[0]
            arrays[f"{key}/snfoe"] = np.mod(np.pi - theta, np.pi).astype(np.float32)  # scomm's convention
            arrays[f"{key}/mask"] = r.mask
            arrays[f"{key}/coherence"] = r.coherence
            arrays[f"{key}/image"] = r.image
        np.savez_compressed(out / f"{name}.npz", **arrays)
        print(f"{name}: {len(arrays) // 4} fields cached", file=sys.stderr)


def angular_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest difference of two orientation fields (mod π), degrees."""
    d = np.abs(np.mod(a - b, np.pi))
    return np.degrees(np.minimum(d, np.pi - d))


def compare(cache_dir: Path, variants: list[str]) -> None:
    from scomm.biometrics import orientation
    from scomm.biometrics import parameters as P

    defaults = {k: getattr(P, k) for k in dir(P) if k.isupper()}
    for name in SETS:
        data = np.load(cache_dir / f"{name}.npz")
        keys = sorted({k.split("/")[0] for k in data.files})
        for variant in variants:
            label, _, spec = variant.partition(":")
            _apply(spec, defaults)
            diffs: list[list[np.ndarray]] = [[] for _ in BANDS]
            seconds = 0.0
            for key in keys:
                mask, coh = data[f"{key}/mask"], data[f"{key}/coherence"]
                t0 = time.process_time()
                field, _ = orientation.orientation_field(data[f"{key}/image"])
                seconds += time.process_time() - t0
                d = angular_difference(field, data[f"{key}/snfoe"])
                for i, (lo, hi) in enumerate(BANDS):
                    sel = mask & (coh >= lo) & (coh < hi)
                    diffs[i].append(d[sel])
            cells = []
            for (lo, hi), ds in zip(BANDS, diffs, strict=True):
                d = np.concatenate(ds)
                cells.append(f"coh {lo:.1f}-{min(hi, 1):.1f}: med {np.median(d):5.2f} deg, >15 {100 * np.mean(d > 15):5.1f}%"
                             f", mean {np.mean(d):5.2f}")
            print(f"{name:13s} {label:16s} {' | '.join(cells)} | {1000 * seconds / len(keys):.0f} ms", flush=True)


def _apply(spec: str, defaults: dict[str, object]) -> None:
    """Reset the parameters, then set those of a 'PARAM=value,...' spec."""
    from scomm.biometrics import parameters as P

    for k, v in defaults.items():
        setattr(P, k, v)
    for item in filter(None, spec.split(",")):
        k, _, v = item.partition("=")
        if not hasattr(P, k):
            raise SystemExit(f"unknown parameter {k}")
        setattr(P, k, type(getattr(P, k))(float(v)))


def compare_leader(leader_dir: Path, variants: list[str]) -> None:
    """Angle error of the field at LEADER's minutiae, by band of the field's coherence.

    A reference on the *real* images that needs no pyfing: LEADER's minutia directions (cached by
    bench/extractor_eval.py) are a ridge direction, mod π, at a few thousand points a set. Biased
    towards where LEADER could read ridges, and LEADER may have seen FVC in training: a diagnostic,
    nothing is fitted to it. Template angles are counter-clockwise with y up, so the ridge
    orientation in scomm's pixel frame is -angle mod π.
    """
    import json

    from scomm.biometrics import orientation
    from scomm.biometrics import parameters as P

    defaults = {k: getattr(P, k) for k in dir(P) if k.isupper()}
    for name in SETS:
        rows = json.loads((leader_dir / f"{name}.json").read_text())
        images = [(key, img, rows[key]) for key, img in _images(name) if rows.get(key)]
        for variant in variants:
            label, _, spec = variant.partition(":")
            _apply(spec, defaults)
            errors: list[list[np.ndarray]] = [[] for _ in BANDS]
            for _key, img, row in images:
                field, coh = orientation.orientation_field(img.astype(np.float32))
                x = np.clip(np.round(np.asarray(row[0])).astype(np.intp), 0, img.shape[1] - 1)
                y = np.clip(np.round(np.asarray(row[1])).astype(np.intp), 0, img.shape[0] - 1)
                d = angular_difference(field[y, x], np.mod(-np.asarray(row[2]), np.pi))
                for i, (lo, hi) in enumerate(BANDS):
                    errors[i].append(d[(coh[y, x] >= lo) & (coh[y, x] < hi)])
            cells = []
            for (lo, hi), es in zip(BANDS, errors, strict=True):
                e = np.concatenate(es)
                cells.append(f"coh {lo:.1f}-{min(hi, 1):.1f}: n {e.size}, mean {np.mean(e):5.2f} deg, "
                             f">15 {100 * np.mean(e > 15):4.1f}%")
            print(f"{name:13s} {label:16s} {' | '.join(cells)}", flush=True)
    _apply("", defaults)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", action="store_true", help="compute and save SNFOE's fields (pyfing venv)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--variant", action="append", default=[],
                        help="'label:PARAM=value,...' (parameters of scomm.biometrics.parameters)")
    parser.add_argument("--leader", type=Path, nargs="?", const=DEFAULT_DIR.parent / "leader",
                        help="score against LEADER's minutia directions instead (cache of bench/extractor_eval.py)")
    args = parser.parse_args()
    if args.leader:
        compare_leader(args.leader, args.variant or ["base:"])
        return
    if args.cache:
        cache(args.dir)
    compare(args.dir, args.variant or ["base:"])


if __name__ == "__main__":
    main()
