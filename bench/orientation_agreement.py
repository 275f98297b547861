"""Does ridge-flow agreement under the matcher's own alignment separate genuine from impostor pairs?

The measurement behind the ridge-flow factor (issue 3; docs/biometrics.md, "Ridge-flow agreement").
For each pair of a set the minutiae score and the alignment that gave it come from the matcher's
definition (the tests' plain scorer, flow factor off); the two orientation fields are compared under
that alignment in two ways: the pixel field sampled every 12 px (the probe's samples looked up in the
reference's pixels) and the templates' 16 px grids (`scomm.biometrics.flow.flow_agreement`, what the
comparison uses), each a coherence-weighted mean of cos 2Δθ. It prints the distributions and the EER
and FNMR at FMR 0.1% over all cross-finger impostors of the minutiae score, of each agreement alone
and of score x exp(k (agreement - 1)). ``nist-card`` is the card's rolled prints against its plain
fingertips (impostors include rolled/rolled and plain/plain pairs). About 30 s a set.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/orientation_agreement.py [--sets fvc2002-db2b sfinge-db4b nist-card]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DATA = Path("../shared/data")
STEP = 12
WEIGHTS = (2.0, 3.0, 4.0, 6.0)


def images_of(name: str) -> dict[tuple[int, int], np.ndarray]:
    if name == "nist-card":
        from fvc_nist_card import card_images

        rolled, _, tips = card_images()
        return {**{(f, 1): img for f, img in rolled.items()}, **{(f, 2): img for f, img in tips.items()}}
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder

    return {k: load_at_500ppi(p) for k, p in read_fvc_folder(DATA / name).items()}


def pixel_agreement(probe, reference, alignment) -> float:  # type: ignore[no-untyped-def]
    """The probe's field every STEP px inside its mask, looked up in the reference's pixel field."""
    ax, ay, bx, by, rot = alignment
    h, w = probe.mask.shape
    ys, xs = np.mgrid[STEP // 2:h:STEP, STEP // 2:w:STEP]
    keep = probe.mask[ys, xs]
    ys, xs = ys[keep], xs[keep]
    c, s = np.cos(rot), np.sin(rot)
    dx, dy = xs - ax, -(ys - ay)
    tx = np.round(bx + c * dx - s * dy).astype(int)
    ty = np.round(by - (s * dx + c * dy)).astype(int)
    rh, rw = reference.mask.shape
    inside = (tx >= 0) & (tx < rw) & (ty >= 0) & (ty < rh)
    ys, xs, tx, ty = ys[inside], xs[inside], tx[inside], ty[inside]
    on = reference.mask[ty, tx]
    ys, xs, tx, ty = ys[on], xs[on], tx[on], ty[on]
    if len(ys) == 0:
        return 0.0
    # template convention (counter-clockwise, y up) is -θ of the pixel field
    d = np.cos(2 * (-probe.orientation[ys, xs].astype(np.float64) + rot + reference.orientation[ty, tx]))
    wgt = probe.coherence[ys, xs] * reference.coherence[ty, tx]
    return float(np.sum(wgt * d) / max(float(np.sum(wgt)), 1e-9))


def pair_rows(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: minutiae score, pixel agreement, grid agreement; and whether it is genuine."""
    from biometrics.test_comparison import _pairs_plain, _score_and_alignment_plain
    from scomm.biometrics.comparison import prepare
    from scomm.biometrics.extraction import extract_features
    from scomm.biometrics.flow import flow_agreement, flow_grid
    from scomm.biometrics.template import Template

    feats, prepared = {}, {}
    for k, img in images_of(name).items():
        f = extract_features(img, 500)
        m = f.minutiae.astype(np.float32)
        h, w = f.image.shape
        flow = flow_grid(f.orientation, f.coherence, f.mask)
        feats[k] = f
        prepared[k] = prepare(Template(m[:, 0], m[:, 1], m[:, 2], m[:, 3].astype(np.uint8), m[:, 4], w, h, flow=flow))
    keys = sorted(feats)
    rows, genuine = [], []
    for a, ka in enumerate(keys):
        for kb in keys[a + 1:]:
            score, alignment = _score_and_alignment_plain(prepared[ka], prepared[kb], None, _pairs_plain)
            if alignment is None:
                rows.append((score, 0.0, 0.0))
            else:
                grid = flow_agreement(prepared[ka].flow, prepared[kb].flow, alignment)
                rows.append((score, pixel_agreement(feats[ka], feats[kb], alignment), 0.0 if grid is None else grid))
            genuine.append(ka[0] == kb[0])
    return np.array(rows), np.array(genuine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=["fvc2002-db2b", "sfinge-db4b", "nist-card"])
    args = parser.parse_args()
    from scomm.biometrics.evaluation import eer, fnmr_at_fmr

    for name in args.sets:
        rows, gen = pair_rows(name)
        print(f"== {name}: {int(gen.sum())} genuine, {int((~gen).sum())} impostor pairs")
        for col, label in ((0, "minutiae score"), (1, "agreement, pixels"), (2, "agreement, 16 px grid")):
            g, i = rows[gen, col], rows[~gen, col]
            print(f"  {label:24s} genuine median {np.median(g):.3f} p10 {np.percentile(g, 10):.3f}   impostor "
                  f"median {np.median(i):.3f} p90 {np.percentile(i, 90):.3f} max {i.max():.3f}")
        print(f"  {'score':40s} {'EER %':>6s} {'FNMR@0.1% %':>12s}")
        variants = [("minutiae score", rows[:, 0]), ("agreement alone (grid)", rows[:, 2])]
        variants += [(f"score x exp({k:g} (agreement - 1)), {src}", rows[:, 0] * np.exp(k * (rows[:, col] - 1)))
                     for col, src in ((1, "pixels"), (2, "grid")) for k in WEIGHTS]
        for label, v in variants:
            print(f"  {label:40s} {100 * eer(v[gen], v[~gen]):6.2f} {100 * fnmr_at_fmr(v[gen], v[~gen], 0.001):12.2f}")


if __name__ == "__main__":
    main()
