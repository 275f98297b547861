"""Does the ridge-flow agreement under the matcher's own alignment separate genuine from impostor pairs?

Exploration for issue 3 (EER). For each pair of a set, the minutiae score and its best alignment come
from the matcher's definition (the tests' plain scorer, which returns the alignment here); the two
orientation fields, sampled every STEP px inside the masks, are compared under that alignment:
agreement = coherence-weighted mean of cos 2(Δθ) over the overlap. Prints the EER and FNMR at FMR 0.1%
of the minutiae score alone and of several fusions, over all cross-finger impostors.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src:tests python bench/orientation_agreement.py --sets fvc2002-db2b
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DATA = Path("../shared/data")
STEP = 12
CELL = 16
RAW = False
RAW_OUT: list = []


def features(images: dict[tuple[int, int], np.ndarray]) -> dict[tuple[int, int], tuple[object, np.ndarray]]:
    from scomm.biometrics.extraction import extract_features
    from scomm.biometrics.template import Template

    out = {}
    for k, img in images.items():
        f = extract_features(img, 500)
        h, w = f.image.shape
        m = f.minutiae.astype(np.float32)
        t = Template(m[:, 0], m[:, 1], m[:, 2], m[:, 3].astype(np.uint8), m[:, 4], w, h, quality=f.quality)
        ys, xs = np.mgrid[STEP // 2:h:STEP, STEP // 2:w:STEP]
        keep = f.mask[ys, xs]
        ys, xs = ys[keep], xs[keep]
        theta = np.mod(-f.orientation[ys, xs].astype(np.float64), np.pi)  # template convention, y up
        samples = np.column_stack([xs, ys, theta, f.coherence[ys, xs]])
        out[k] = (t, samples, f.mask, f.orientation, f.coherence, grid(f, CELL))
    return out


def grid(f, cell: int) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Orientation (template convention) and coherence at each cell's centre; NaN off the mask."""
    h, w = f.mask.shape
    ys, xs = np.mgrid[cell // 2:h:cell, cell // 2:w:cell]
    th = np.mod(-f.orientation[ys, xs].astype(np.float64), np.pi)
    th[~f.mask[ys, xs]] = np.nan
    return th, f.coherence[ys, xs].astype(np.float64)


def grid_agreement(gp, gr, anchor, cell: int, weighted: bool) -> float:  # type: ignore[no-untyped-def]
    """Agreement of two cell grids: the probe's cell centres mapped into the reference, nearest cell."""
    if anchor is None:
        return 0.0
    th_p, co_p = gp
    th_r, co_r = gr
    ax, ay, bx, by, rot = anchor
    ys, xs = np.mgrid[0:th_p.shape[0], 0:th_p.shape[1]]
    ok = ~np.isnan(th_p)
    px, py = xs[ok] * cell + cell // 2, ys[ok] * cell + cell // 2
    c, s = np.cos(rot), np.sin(rot)
    dx, dy = px - ax, -(py - ay)
    tx = bx + c * dx - s * dy
    ty = by - (s * dx + c * dy)
    cx = np.floor(tx / cell).astype(int)
    cy = np.floor(ty / cell).astype(int)
    inside = (cx >= 0) & (cx < th_r.shape[1]) & (cy >= 0) & (cy < th_r.shape[0])
    tp, cp = th_p[ok][inside], co_p[ok][inside]
    tr, cr = th_r[cy[inside], cx[inside]], co_r[cy[inside], cx[inside]]
    m = ~np.isnan(tr)
    if not m.any():
        return 0.0
    d = np.cos(2 * (tp[m] + rot - tr[m]))
    wgt = cp[m] * cr[m] if weighted else np.ones(int(m.sum()))
    if RAW:
        RAW_OUT.append((d.astype(np.float32), wgt.astype(np.float32)))
    return float(np.sum(wgt * d) / max(np.sum(wgt), 1e-9))


def score_with_alignment(p, r):  # type: ignore[no-untyped-def]
    """The plain score with the alignment (ax, ay, bx, by, rot) that gave it."""
    from biometrics.test_comparison import _pairs_plain, _similarities_plain

    from scomm.biometrics import parameters as P

    sim = _similarities_plain(p, r)
    flat = sim.ravel()
    tops = sorted((i for i in range(flat.size) if flat[i] > 0), key=lambda i: (-flat[i], i))[:P.ALIGN_HYPOTHESES]
    best, best_pairs, covered, best_anchor = 0.0, [], set(), None
    for idx in tops:
        i, j = divmod(idx, len(r))
        if (i, j) in covered:
            continue
        anchor = (float(p.x[i]), float(p.y[i]), float(r.x[j]), float(r.y[j]), float(r.angle[j] - p.angle[i]))
        score, pairs = _pairs_plain(sim, p.x, p.y, p.angle, r.x, r.y, r.angle, anchor)
        covered.update(pairs)
        if score > best:
            best, best_pairs, best_anchor = score, pairs, anchor
    if len(best_pairs) < 3 or best < P.REFIT_MIN_SCORE:
        return best, best_anchor, len(best_pairs)
    ia, ib = np.array(best_pairs).T
    mp = np.array([p.x[ia].astype(np.float64).mean(), p.y[ia].astype(np.float64).mean()])
    mr = np.array([r.x[ib].astype(np.float64).mean(), r.y[ib].astype(np.float64).mean()])
    u1, v1 = p.x[ia] - mp[0], -(p.y[ia] - mp[1])
    u2, v2 = r.x[ib] - mr[0], -(r.y[ib] - mr[1])
    rot = float(np.arctan2(np.sum(u1 * v2 - v1 * u2), np.sum(u1 * u2 + v1 * v2)))
    anchor2 = (mp[0], mp[1], mr[0], mr[1], rot)
    score, pairs = _pairs_plain(sim, p.x, p.y, p.angle, r.x, r.y, r.angle, anchor2)
    if score > best:
        return score, anchor2, len(pairs)
    return best, best_anchor, len(best_pairs)


def agreement(ps: np.ndarray, ref: tuple, anchor) -> tuple[float, int, float]:  # type: ignore[no-untyped-def]
    """Coherence-weighted mean cos 2Δθ over the probe samples that land in the reference's mask."""
    if anchor is None:
        return 0.0, 0, 0.0
    _, _, mask, orient, coh = ref[:5]
    ax, ay, bx, by, rot = anchor
    c, s = np.cos(rot), np.sin(rot)
    dx, dy = ps[:, 0] - ax, -(ps[:, 1] - ay)
    tx = np.round(bx + c * dx - s * dy).astype(int)
    ty = np.round(by - (s * dx + c * dy)).astype(int)
    h, w = mask.shape
    inside = (tx >= 0) & (tx < w) & (ty >= 0) & (ty < h)
    tx, ty = tx[inside], ty[inside]
    q = ps[inside]
    ok = mask[ty, tx]
    tx, ty, q = tx[ok], ty[ok], q[ok]
    if len(q) == 0:
        return 0.0, 0, 0.0
    theta_r = np.mod(-orient[ty, tx].astype(np.float64), np.pi)
    wgt = q[:, 3] * coh[ty, tx]
    d = np.cos(2 * (q[:, 2] + rot - theta_r))
    return float(np.sum(wgt * d) / max(np.sum(wgt), 1e-9)), int(len(q)), float(np.mean(d))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="+", default=["fvc2002-db2b", "sfinge-db4b"])
    parser.add_argument("--cell", type=int, default=16)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/orient_agree"))
    args = parser.parse_args()
    from scomm.biometrics.comparison import prepare
    from scomm.biometrics.evaluation import eer, fnmr_at_fmr
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder

    args.cache.mkdir(exist_ok=True)
    for s in args.sets:
        global CELL
        CELL = args.cell
        path = args.cache / f"{s}-{CELL}.pkl"
        if path.exists():
            rows = pickle.loads(path.read_bytes())
        else:
            if s == "nist-card":
                from fvc_nist_card import card_images

                rolled, _, tips = card_images()
                images = {**{(f, 1): img for f, img in rolled.items()}, **{(f, 2): img for f, img in tips.items()}}
            else:
                images = {k: load_at_500ppi(p) for k, p in read_fvc_folder(DATA / s).items()}
            feats = features(images)
            keys = sorted(feats)
            prepared = {k: prepare(feats[k][0]) for k in keys}
            rows = []
            for a in range(len(keys)):
                for b in range(a + 1, len(keys)):
                    ka, kb = keys[a], keys[b]
                    sc, anchor, n = score_with_alignment(prepared[ka], prepared[kb])
                    ag, n_ov, ag_plain = agreement(feats[ka][1], feats[kb], anchor)
                    global RAW
                    RAW = True
                    gw = grid_agreement(feats[ka][5], feats[kb][5], anchor, CELL, True)
                    RAW = False
                    gu = grid_agreement(feats[ka][5], feats[kb][5], anchor, CELL, False)
                    rows.append((ka, kb, sc, n, ag, n_ov, ag_plain, gw, gu))
            path.write_bytes(pickle.dumps(rows))
            (args.cache / f"{s}-{CELL}-raw.pkl").write_bytes(pickle.dumps(RAW_OUT))
            RAW_OUT.clear()
        gen = np.array([r for r in rows if r[0][0] == r[1][0]], dtype=object)
        imp = np.array([r for r in rows if r[0][0] != r[1][0]], dtype=object)
        print(f"== {s}: {len(gen)} genuine, {len(imp)} impostor")
        for name, col in (("score", 2), ("pairs", 3), ("agreement", 4), ("overlap", 5), ("agree plain", 6)):
            g, i = gen[:, col].astype(float), imp[:, col].astype(float)
            print(f"  {name:12s} genuine median {np.median(g):.3f} p10 {np.percentile(g, 10):.3f}  "
                  f"impostor median {np.median(i):.3f} p90 {np.percentile(i, 90):.3f} max {i.max():.3f}")
        def report(label: str, fg: np.ndarray, fi: np.ndarray) -> None:
            print(f"  {label:34s} EER {100 * eer(fg, fi):5.2f}%  FNMR@0.1% {100 * fnmr_at_fmr(fg, fi, 0.001):5.2f}%")
        sg, si = gen[:, 2].astype(float), imp[:, 2].astype(float)
        ag, ai = gen[:, 4].astype(float), imp[:, 4].astype(float)
        report("minutiae score", sg, si)
        report("agreement alone", ag, ai)
        for a0 in (0.0, 0.2, 0.4, 0.5, 0.6):
            for beta in (0.5, 1.0, 2.0):
                f = lambda sc, agv: sc * np.clip((agv - a0) / (1 - a0), 0, 1) ** beta  # noqa: E731
                report(f"score x ((agr-{a0})/(1-{a0}))^{beta}", f(sg, ag), f(si, ai))


if __name__ == "__main__":
    main()
