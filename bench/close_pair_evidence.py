"""Can the raw image judge the close pairs scomm's cluster filter removes? (issue 3, extractor recall)

The cluster filter (``minutiae._isolated``) removes every minutia with another
closer than ``SPURIOUS_DISTANCE_PX``; a fifth of the LEADER minutiae scomm misses
on FVC2002 DB2 go that way. For every member of such a pair this script measures
evidence in the locally normalised image (``enhancement.normalize``, Gaussian
σ 1 px; ridges < 0 < valleys), not the Gabor-enhanced one:

- ``valley``: mean grey level over one ridge period beyond the member's tip
  (against its direction; a real ending has valley there, a noise break the
  ridge's dark level a few pixels on), and ``valley - ridge`` (minus the same
  on the ridge side);
- ``side``: the same one period to either side (parallel ridges continue);
- ``gap``: mean over the inner 60% of the segment to the partner;
- ``run``: for two endings, the longest valley-level (> 0) run on the segment
  between their skeleton points, in ridge periods (a real break spans about
  half a period or more);

and, as a baseline without the image, the hand-made reliability, coherence,
log distance to the partner, facing cosine and the two kinds. A member is
"true" when LEADER has a minutia within 8 px and 45 degrees (cached by
``extractor_eval.py``). Reported: AUC per feature on the odd and the even
fingers, and a logistic regression fitted on one half and scored on the other.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/close_pair_evidence.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from scipy import ndimage
from scipy.optimize import minimize
from scipy.stats import rankdata

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).parent))

import extractor_eval as E  # noqa: E402


def auc(score: np.ndarray, label: np.ndarray) -> float:
    r = rankdata(score)
    n1, n0 = int(label.sum()), int((~label).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((r[label].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def leader_label(m: np.ndarray, ref: list[list[float]] | None) -> np.ndarray:
    if ref is None or len(ref[0]) == 0:
        return np.zeros(len(m), bool)
    lx, ly, la = (np.asarray(v) for v in ref[:3])
    d = np.hypot(m[:, None, 0] - lx[None], m[:, None, 1] - ly[None])
    da = np.abs(np.mod(m[:, None, 2] - la[None] + np.pi, 2 * np.pi) - np.pi)
    return np.asarray(((d <= E.AGREE_PX) & (da <= E.AGREE_RAD)).any(axis=1))


def longest_run(v: np.ndarray) -> int:
    best = cur = 0
    for b in v:
        cur = cur + 1 if b else 0
        best = max(best, cur)
    return best


NAMES = ("valley", "valley - ridge", "side", "gap", "run", "reliability", "coherence", "log distance",
         "facing", "is ending", "partner is ending")
IMAGE = (0, 1, 2, 3, 4)
NO_IMAGE = (5, 6, 7, 8, 9, 10)


def pair_members(setname: str, cache: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, LEADER labels and finger numbers of every close-pair member of the set."""
    from scomm.biometrics import parameters as P
    from scomm.biometrics.extraction import detection_area, enhanced_ridges, ridge_structure
    from scomm.biometrics.minutiae import filter_context, minutia_candidates, ridge_clarity
    from scomm.biometrics.skeleton import binarize, thin
    from scomm.errors import ImageError

    leader = E.leader_minutiae(setname, cache)
    limit = P.SPURIOUS_DISTANCE_PX
    feats, labels, fingers = [], [], []
    for (f, i), img in E.load_set(setname).items():
        try:
            r = ridge_structure(img, 500)
        except ImageError:
            continue
        period_map, normalized, enhanced = enhanced_ridges(r)
        area = detection_area(r)
        skel = thin(binarize(enhanced, area))
        clarity = ridge_clarity(enhanced, r.mask)
        ctx = filter_context(enhanced, normalized, r.mask, skel, period_map, r.period, clarity)
        P.SPURIOUS_DISTANCE_PX = 0.0  # keep the pairs
        try:
            m, _ = minutia_candidates(skel, r.orientation, r.coherence, r.mask, clarity, ctx, area)
        finally:
            P.SPURIOUS_DISTANCE_PX = limit
        if len(m) < 2:
            continue
        d = np.hypot(m[:, None, 0] - m[None, :, 0], m[:, None, 1] - m[None, :, 1])
        np.fill_diagonal(d, np.inf)
        sel = d.min(axis=1) < limit
        if not sel.any():
            continue
        j = d.argmin(axis=1)
        per = r.period
        sm = ndimage.gaussian_filter(normalized, 1.0)

        def at(x: np.ndarray, y: np.ndarray, sm: np.ndarray = sm) -> np.ndarray:
            return np.asarray(ndimage.map_coordinates(sm, [y.ravel(), x.ravel()], order=1, mode="nearest")
                              ).reshape(x.shape)

        ux, uy = np.cos(m[:, 2]), -np.sin(m[:, 2])  # direction in pixel coordinates
        t = np.linspace(0.0, per, 8)[None, :]

        def profile(t: np.ndarray, off: float = 0.0, m: np.ndarray = m, ux: np.ndarray = ux,
                    uy: np.ndarray = uy) -> np.ndarray:
            return at(m[:, 0, None] - t * ux[:, None] - off * uy[:, None],
                      m[:, 1, None] - t * uy[:, None] + off * ux[:, None]).mean(axis=1)

        valley = profile(t)
        ridge = profile(-t)
        side = 0.5 * (profile(t, per) + profile(t, -per))
        s = np.linspace(0.2, 0.8, 9)[None, :]
        gap = at(m[:, 0, None] + s * (m[j, 0] - m[:, 0])[:, None], m[:, 1, None] + s * (m[j, 1] - m[:, 1])[:, None]).mean(1)
        # skeleton points of endings (before ENDING_SHIFT_PX moved them), for the valley run between two
        shift = np.where(m[:, 3] == 1, P.ENDING_SHIFT_PX, 0.0)
        sx, sy = m[:, 0] + shift * ux, m[:, 1] + shift * uy
        run = np.zeros(len(m))
        for a in np.flatnonzero(sel & (m[:, 3] == 1) & (m[j, 3] == 1)):
            b = j[a]
            n = max(int(2 * np.hypot(sx[b] - sx[a], sy[b] - sy[a])), 2)
            q = np.linspace(0.0, 1.0, n)
            run[a] = longest_run(at(sx[a] + q * (sx[b] - sx[a]), sy[a] + q * (sy[b] - sy[a])) > 0) * 0.5 / per
        iy = np.clip(np.round(m[:, 1]).astype(int), 0, sm.shape[0] - 1)
        ix = np.clip(np.round(m[:, 0]).astype(int), 0, sm.shape[1] - 1)
        feats.append(np.column_stack([
            valley, valley - ridge, side, gap, run, m[:, 4], r.coherence[iy, ix], np.log(np.maximum(d.min(axis=1), 1.0)),
            -(ux * ux[j] + uy * uy[j]), m[:, 3] == 1, m[j, 3] == 1])[sel])
        labels.append(leader_label(m, leader[f"{f}_{i}"])[sel])  # type: ignore[arg-type]
        fingers += [f] * int(sel.sum())
    return np.vstack(feats), np.concatenate(labels), np.asarray(fingers)


def logistic(x: np.ndarray, y: np.ndarray, c: float = 1.0) -> np.ndarray:
    """Weights (last: bias) of an L2-regularised logistic regression."""
    xb = np.column_stack([x, np.ones(len(x))])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        p = 1 / (1 + np.exp(-(xb @ w)))
        val = -np.sum(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)) + 0.5 / c * np.sum(w[:-1] ** 2)
        g = xb.T @ (p - y)
        g[:-1] += w[:-1] / c
        return float(val), g

    return np.asarray(minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B").x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=["fvc2002-db2b"])
    parser.add_argument("--cache", type=Path, default=E.DEFAULT_CACHE)
    args = parser.parse_args()
    for setname in args.sets:
        x, y, fingers = pair_members(setname, args.cache)
        odd = fingers % 2 == 1
        print(f"{setname}: {len(y)} close-pair members, {int(y.sum())} LEADER's "
              f"(odd fingers {int(odd.sum())}/{int(y[odd].sum())}, even {int((~odd).sum())}/{int(y[~odd].sum())})")
        groups = {"all members": np.ones(len(y), bool), "endings": x[:, 9] == 1, "bifurcations": x[:, 9] == 0}
        for gname, g in groups.items():
            print(f"  AUC per feature, {gname}: odd / even fingers")
            for k, name in enumerate(NAMES[:9]):
                if name == "run" and gname != "endings":
                    continue
                print(f"    {name:16s} {auc(x[g & odd, k], y[g & odd]):.3f} / {auc(x[g & ~odd, k], y[g & ~odd]):.3f}")
        print("  logistic regression fitted on one half, AUC and precision of the top 25 on the other:")
        for cols, tag in ((IMAGE + (9, 10), "raw image (+ kinds)"), (NO_IMAGE, "no image"),
                          (IMAGE + NO_IMAGE, "both")):
            out = []
            for train in (odd, ~odd):
                xs = x[:, list(cols)]
                mu, sd = xs[train].mean(axis=0), xs[train].std(axis=0) + 1e-9
                w = logistic((xs[train] - mu) / sd, y[train].astype(float))
                p = ((xs[~train] - mu) / sd) @ w[:-1] + w[-1]
                top = y[~train][np.argsort(-p)[:25]].mean()
                out.append(f"{auc(p, y[~train]):.3f} (top-25 precision {top:.2f})")
            print(f"    {tag:22s} odd->even {out[0]}, even->odd {out[1]}")
        print("  endings kept by valley >= threshold: kept / precision, odd | even fingers")
        for th in (0.5, 0.7, 0.9, 1.1):
            cells = []
            for h in (odd, ~odd):
                k = h & (x[:, 9] == 1) & (x[:, 0] >= th)
                cells.append(f"{int(k.sum())} / {y[k].mean() if k.any() else float('nan'):.2f}")
            print(f"    {th:.1f}: {cells[0]} | {cells[1]}")


if __name__ == "__main__":
    main()
