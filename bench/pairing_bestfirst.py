"""Does a best-first pairing in the matcher's alignments lower EER?  (plain NumPy prototype)

The compiled matcher pairs *greedily in probe order*: each probe minutia, mapped by the alignment,
takes the best still-free reference minutia within tolerance.  A *best-first* pairing instead collects
every (probe, reference) pair within tolerance and assigns them in descending weight (ties: smaller
distance, then probe index, then reference index), each minutia at most once: order-free by
construction, the classical way to settle conflicts where minutiae are dense.

Both pairings run inside the same plain definition of the whole score (the one the tests check the
compiled matcher against: ``_score_plain`` in tests/biometrics/test_comparison.py, imported from
there with the pairing as its parameter); everything else (local similarities, anchors, skipped
anchors, refit gate) is shared.  The greedy variant is the test's own pairing and must reproduce
``compare_many``; ``--check`` verifies it.  Run from the repository root.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/extractor_eval.py --dump /tmp/bf_dump.json \\
        --sets fvc2002-db2b sfinge-db4b
    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/pairing_bestfirst.py /tmp/bf_dump.json --check 40 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' plain definition of the score

from extractor_eval import to_template  # noqa: E402
from tests.biometrics.test_comparison import (  # noqa: E402
    PairsPlain,
    _pairs_plain,
    _score_plain,
    _similarities_plain,
)

from scomm.biometrics import parameters as P  # noqa: E402
from scomm.biometrics.comparison import PreparedTemplate, compare_many, prepare, stack  # noqa: E402
from scomm.biometrics.evaluation import eer, fnmr_at_fmr, threshold_at_fmr  # noqa: E402

Anchor = tuple[float, float, float, float, float]
Pairs = list[tuple[int, int]]
Pairing = Callable[[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]], tuple[float, Pairs]]


def _candidates(sim: np.ndarray, px: np.ndarray, py: np.ndarray, pa: np.ndarray, rx: np.ndarray, ry: np.ndarray,
                ra: np.ndarray, anchor: Anchor) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Under one alignment: which (probe, reference) pairs are within tolerance (ignoring who is taken),
    their weights and squared distances, and the overlap counts.  Row by row with exactly the expressions
    of the test's plain pairing, so the pairings below differ from it only in the order they assign."""
    ax, ay, bx, by, rot = anchor
    c, s = np.cos(rot), np.sin(rot)
    n_p, n_r = len(px), len(rx)
    ok = np.zeros((n_p, n_r), bool)
    dist = np.zeros((n_p, n_r))
    near_r = np.zeros(n_r, bool)
    near_p = 0
    for a in range(n_p):
        dx, dy = px[a] - ax, -(py[a] - ay)
        tx, ty = bx + c * dx - s * dy, by - (s * dx + c * dy)
        d2 = (tx - rx) ** 2 + (ty - ry) ** 2
        near = d2 <= P.OVERLAP_DISTANCE_PX ** 2
        near_r |= near
        near_p += bool(near.any())
        tol = P.PAIR_DISTANCE_PX + P.PAIR_DISTANCE_SLOPE * np.hypot(dx, dy)
        ok[a] = near & (d2 <= tol * tol) & (np.cos(pa[a] + rot - ra) >= np.cos(P.PAIR_ANGLE))
        dist[a] = d2
    base = P.PAIR_BASE_WEIGHT
    w = base + (1 - base) * sim.astype(np.float64)
    return ok, w, dist, near_p, int(near_r.sum())


def _score(total: float, near_p: int, near_r: int) -> float:
    m = float(P.MIN_OVERLAP)
    return total * total / (max(near_p, m) * max(near_r, m)) * min(1.0, total / m)


def best_first(ok: np.ndarray, w: np.ndarray, dist: np.ndarray, near: tuple[int, int]) -> tuple[float, Pairs]:
    """All candidate pairs, heaviest first (then nearest, then probe index, then reference index)."""
    ia, ib = np.nonzero(ok)
    total, pairs = _assign(ok, w, np.lexsort((ib, ia, dist[ia, ib], -w[ia, ib])), ia, ib)
    return _score(total, *near), pairs


def _assign(ok: np.ndarray, w: np.ndarray, order: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> tuple[float, Pairs]:
    """Take candidate pairs (ia, ib) in the given order, each minutia at most once."""
    used_p = np.zeros(ok.shape[0], bool)
    used_r = np.zeros(ok.shape[1], bool)
    total, pairs = 0.0, []  # type: tuple[float, Pairs]
    for k in order:
        a, b = int(ia[k]), int(ib[k])
        if not used_p[a] and not used_r[b]:
            used_p[a] = used_r[b] = True
            total += w[a, b]
            pairs.append((a, b))
    pairs.sort()
    return total, pairs


def nearest_first(ok: np.ndarray, w: np.ndarray, dist: np.ndarray, near: tuple[int, int]) -> tuple[float, Pairs]:
    """Side experiment: candidate pairs nearest first (then heaviest, then indices)."""
    ia, ib = np.nonzero(ok)
    total, pairs = _assign(ok, w, np.lexsort((ib, ia, -w[ia, ib], dist[ia, ib])), ia, ib)
    return _score(total, *near), pairs


def optimal(ok: np.ndarray, w: np.ndarray, dist: np.ndarray, near: tuple[int, int]) -> tuple[float, Pairs]:
    """Side experiment: the one-to-one pairing of largest total weight (the score grows with the total,
    so this is the best any pairing can do for the alignment; best-first is its classical approximation)."""
    from scipy.optimize import linear_sum_assignment

    if not ok.any():
        return 0.0, []
    ra, rb = linear_sum_assignment(np.where(ok, w, 0.0), maximize=True)
    keep = ok[ra, rb]
    pairs = [(int(a), int(b)) for a, b in zip(ra[keep], rb[keep], strict=True)]
    total = float(sum(w[a, b] for a, b in pairs))
    return _score(total, *near), pairs


def _under_alignment(pairing: Pairing) -> PairsPlain:
    """A pairing of candidate pairs as the tests' plain score takes it: (sim, geometry, anchor) -> (score, pairs)."""
    def pairs_of(sim: np.ndarray, px: np.ndarray, py: np.ndarray, pa: np.ndarray, rx: np.ndarray, ry: np.ndarray,
                 ra: np.ndarray, anchor: Anchor, pk: np.ndarray | None = None, rk: np.ndarray | None = None,
                 pw: np.ndarray | None = None, rw: np.ndarray | None = None) -> tuple[float, Pairs]:
        # minutia kinds (pk, rk) and overlap weights (pw, rw) are not used here: this study predates
        # them, so compare it with MINUTIA_TYPE_WEIGHT = 0 and OVERLAP_BY_RELIABILITY = False
        ok, w, dist, near_p, near_r = _candidates(sim, px, py, pa, rx, ry, ra, anchor)
        return pairing(ok, w, dist, (near_p, near_r))
    return pairs_of


# greedy is the tests' own pairing (probe minutiae in order, each takes the heaviest free reference)
PAIRINGS: dict[str, PairsPlain] = {"greedy": _pairs_plain, "best_first": _under_alignment(best_first),
                                   "nearest_first": _under_alignment(nearest_first),
                                   "optimal": _under_alignment(optimal)}


_PREPARED: list[PreparedTemplate | None] = []
_CHOSEN: list[str] = ["greedy", "best_first"]
_BOTH = False


def _row(a: int) -> tuple[int, np.ndarray]:
    """Scores of template a (probe) against every later template (the upper triangle accuracy() reads),
    or against every other one with --both-directions, with each chosen pairing."""
    n = len(_PREPARED)
    out = np.zeros((len(_CHOSEN), n))
    p = _PREPARED[a]
    for b in range(0 if _BOTH else a + 1, n):
        if b == a:
            continue
        r = _PREPARED[b]
        if p is None or r is None:
            continue
        sim = _similarities_plain(p, r)
        for k, name in enumerate(_CHOSEN):
            out[k, b] = _score_plain(p, r, sim, PAIRINGS[name])
    return a, out


def _init(prepared: list[PreparedTemplate | None], chosen: list[str], both: bool) -> None:
    global _PREPARED, _CHOSEN, _BOTH
    _PREPARED, _CHOSEN, _BOTH = prepared, chosen, both


def load(rows: dict[str, object]) -> tuple[list[tuple[int, int]], list[PreparedTemplate | None]]:
    keys = sorted((int(k.split("_")[0]), int(k.split("_")[1])) for k in rows)
    temps = [to_template(rows[f"{f}_{i}"]) for f, i in keys]  # type: ignore[arg-type]
    return keys, [prepare(t) if t is not None and len(t.x) else None for t in temps]


def check(prepared: list[PreparedTemplate | None], count: int, rng: np.random.Generator) -> float:
    """Largest relative difference between compare_many and the greedy plain score on sampled pairs."""
    ok = [p for p in prepared if p is not None]
    batch = stack(ok)
    worst = 0.0
    for k in range(count):
        a, b = rng.integers(len(ok), size=2)
        if k % 2:  # half of them neighbours in key order: mostly the same finger (genuine pairs)
            b = (a + 1) % len(ok)
        fast = float(compare_many(ok[a], batch)[b])
        plain = _score_plain(ok[a], ok[b])
        worst = max(worst, abs(fast - plain) / max(abs(fast), 1e-7))
    return worst


def accuracy(keys: list[tuple[int, int]], m: np.ndarray, both: bool = False) -> dict[str, float]:
    """As bench/extractor_eval.py accuracy(), plus the threshold at FMR 0.1%; with ``both``, every pair
    counts in both directions (each template once as probe, once as reference)."""
    n = len(keys)
    firsts: dict[int, tuple[int, int]] = {}
    for f, i in keys:
        firsts.setdefault(f, (f, i))
    gen, imp_all, imp_fvc = [], [], []
    for a in range(n):
        for b in range(a + 1, n):
            scores = [m[a, b], m[b, a]] if both else [m[a, b]]
            if keys[a][0] == keys[b][0]:
                gen += scores
            else:
                imp_all += scores
                if firsts[keys[a][0]] == keys[a] and firsts[keys[b][0]] == keys[b]:
                    imp_fvc += scores
    return {"eer_fvc": 100 * eer(gen, imp_fvc), "eer_all": 100 * eer(gen, imp_all),
            "fnmr_fmr1000": 100 * fnmr_at_fmr(gen, imp_all, 0.001),
            "thr_fmr1000": threshold_at_fmr(gen, imp_all, 0.001),
            "genuine_mean": float(np.mean(gen)), "impostor_mean": float(np.mean(imp_all)),
            "n_gen": len(gen), "n_imp": len(imp_all), "n_fvc": len(imp_fvc)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump", type=Path, help="minutiae dumped by bench/extractor_eval.py --dump")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--check", type=int, default=20, help="pairs to check against compare_many, per set")
    parser.add_argument("--save", type=Path, help="save the score matrices (npz)")
    parser.add_argument("--pairings", nargs="+", default=["greedy", "best_first"], choices=list(PAIRINGS),
                        help="the first is the baseline the others are compared with")
    parser.add_argument("--both-directions", action="store_true",
                        help="score every ordered pair (the pairing depends on which print is the probe)")
    args = parser.parse_args()
    data = json.loads(args.dump.read_text())
    saved = {}
    for name, entry in data.items():
        keys, prepared = load(entry["templates"])
        worst = check(prepared, args.check, np.random.default_rng(1))
        print(f"{name}: greedy plain vs compare_many, {args.check} pairs: worst relative difference {worst:.2e}")
        t0 = time.time()
        n = len(keys)
        mats = np.zeros((len(args.pairings), n, n))
        if args.jobs > 1:
            with Pool(args.jobs, _init, (prepared, args.pairings, args.both_directions)) as pool:
                for a, out in pool.imap_unordered(_row, range(n)):
                    mats[:, a] = out
        else:
            _init(prepared, args.pairings, args.both_directions)
            for a in range(n):
                mats[:, a] = _row(a)[1]
        print(f"{name}: scored {n * (n - 1) // (1 if args.both_directions else 2)} pairs x {len(args.pairings)} pairings in {time.time() - t0:.0f} s")
        iu = np.nonzero(~np.eye(n, dtype=bool)) if args.both_directions else np.triu_indices(n, 1)
        for k, label in enumerate(args.pairings):
            r = accuracy(keys, mats[k], args.both_directions)
            diff = mats[k][iu] - mats[0][iu]
            print(f"  {label:13s} EER FVC {r['eer_fvc']:5.2f}%  EER all {r['eer_all']:5.2f}%  "
                  f"FNMR@FMR0.1% {r['fnmr_fmr1000']:5.2f}%  thr@FMR0.1% {r['thr_fmr1000']:.4f}  "
                  f"gen mean {r['genuine_mean']:.4f}  imp mean {r['impostor_mean']:.4f}  "
                  f"({r['n_gen']} gen, {r['n_imp']} imp, {r['n_fvc']} FVC imp)")
            if k:
                print(f"  {'':13s} vs {args.pairings[0]}: scores changed on {np.mean(diff != 0) * 100:.1f}% of pairs, "
                      f"higher on {np.mean(diff > 0) * 100:.1f}%")
        saved[name] = mats
    if args.save:
        np.savez(args.save, **saved)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
