"""How the score weighs its three factors: a grid, and a logistic fit, on every shared set.

The 1:1 score is minutiae x consensus^CONSENSUS_POWER x exp(FLOW_AGREEMENT_WEIGHT x (agreement - 1)
x s) (docs/biometrics.md, "How comparison works"). This bench scores every pair of the two FVC-style
sets (all cross-finger impostors) and the NIST card's rolled-against-plain set with the compiled
matcher under a grid of (flow weight, consensus power), and prints one row per setting: the card's
EER and how many impostors outscore its weakest genuine pair, each FVC set's EER and FNMR at FMR
0.1%, and both FVC sets pooled at FMR 1%, 0.1% and 0.01%. With ``--fit`` it also fits a logistic
regression of genuine against impostor on log(minutiae score), the flow exponent (agreement - 1) x s
and log(consensus) over the FVC sets' pairs (the card held out) and prints the weights per unit of
log(minutiae score), which is what the grid's two knobs are.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/score_weights.py [--flow 4,5,6,7] [--power 1,3,5] [--fit]

Session 7 chose (6, 5) by the pooled FNMR at FMR 0.1% (docs/biometrics.md, "Session 7"). Gates are
as in parameters.py; FLOW_UNKNOWN_AGREEMENT is not re-derived per row (it only moves pairs whose
flow cannot be measured, so it shifts the absolute scale, not these error rates, on these sets).
"""

from __future__ import annotations

import argparse
import itertools
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SETS = ("fvc2002-db2b", "sfinge-db4b")
CARD = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")


def load() -> dict[str, tuple[list, list, list]]:
    """Per set: prepared templates, genuine index pairs, impostor index pairs."""
    from scomm.biometrics.comparison import prepare
    from scomm.biometrics.extraction import extract
    from scomm.biometrics.fvc import load_at_500ppi, read_fvc_folder
    from scomm.nist.reader import read_transaction_file
    from scomm.nist.verification import rolled_plain_set

    out = {}
    for name in SETS:
        files = read_fvc_folder(Path("../shared/data") / name)
        keys = sorted(files)
        prepared = [prepare(extract(load_at_500ppi(files[k]), 500)) for k in keys]
        pairs = list(itertools.combinations(range(len(keys)), 2))
        out[name] = (prepared, [(a, b) for a, b in pairs if keys[a][0] == keys[b][0]],
                     [(a, b) for a, b in pairs if keys[a][0] != keys[b][0]])
    card = rolled_plain_set(read_transaction_file(CARD))
    keys = sorted(card.images)
    index = {k: i for i, k in enumerate(keys)}
    prepared = [prepare(extract(card.images[k], 500)) for k in keys]
    out["card"] = (prepared, [(index[a], index[b]) for a, b in card.genuine],
                   [(index[a], index[b]) for a, b in card.impostor])
    return out


def scores(prepared: list, pairs: list[tuple[int, int]]) -> np.ndarray:
    from scomm.biometrics.comparison import compare_many, stack

    batch = stack(prepared)
    matrix = np.stack([compare_many(p, batch) for p in prepared])
    return np.array([matrix[a, b] for a, b in pairs], np.float64)


def row(data: dict, label: str) -> str:
    from scomm.biometrics.evaluation import eer, fnmr_at_fmr

    cells = [label]
    pooled_g, pooled_i = [], []
    for name, (prepared, gen, imp) in data.items():
        g, i = scores(prepared, gen), scores(prepared, imp)
        if name == "card":
            cells.append(f"{100 * eer(g, i):.2f}% ({int((i > g.min()).sum())})")
        else:
            cells.append(f"{100 * eer(g, i):.2f} / {100 * fnmr_at_fmr(g, i, 0.001):.2f}%")
            pooled_g.append(g)
            pooled_i.append(i)
    g, i = np.concatenate(pooled_g), np.concatenate(pooled_i)
    cells.append(" / ".join(f"{100 * fnmr_at_fmr(g, i, f):.2f}" for f in (0.01, 0.001, 0.0001)) + "%")
    return "| " + " | ".join(cells) + " |"


def fit(data: dict) -> None:
    """Logistic weights of the three log-factors on the FVC sets; the card held out."""
    from scomm.biometrics import parameters as P
    from scomm.biometrics.evaluation import eer

    def factors(prepared: list, pairs: list) -> np.ndarray:
        saved = (P.CONSENSUS_CANDIDATES, P.CONSENSUS_POWER, P.FLOW_AGREEMENT_WEIGHT, P.FLOW_MIN_SCORE)
        try:
            P.CONSENSUS_CANDIDATES, P.FLOW_AGREEMENT_WEIGHT = 0, 0.0
            minutiae = scores(prepared, pairs)
            P.CONSENSUS_CANDIDATES, P.CONSENSUS_POWER = saved[0], 1.0
            consensus = scores(prepared, pairs) / np.maximum(minutiae, 1e-12)
            P.CONSENSUS_CANDIDATES, P.FLOW_AGREEMENT_WEIGHT, P.FLOW_MIN_SCORE = 0, 1.0, 0.0
            flow = np.log(np.maximum(scores(prepared, pairs), 1e-30) / np.maximum(minutiae, 1e-12))
        finally:
            P.CONSENSUS_CANDIDATES, P.CONSENSUS_POWER, P.FLOW_AGREEMENT_WEIGHT, P.FLOW_MIN_SCORE = saved
        keep = minutiae > 0
        return np.stack([np.log(minutiae + 1e-4), np.where(keep, flow, 0.0), np.log(consensus + 1e-4)], 1)

    feats = {name: (factors(p, gen), factors(p, imp)) for name, (p, gen, imp) in data.items()}
    xg = np.vstack([feats[n][0] for n in SETS])
    xi = np.vstack([feats[n][1] for n in SETS])
    x = np.vstack([xg, xi])
    y = np.r_[np.ones(len(xg)), np.zeros(len(xi))]
    w = np.r_[np.full(len(xg), 0.5 / len(xg)), np.full(len(xi), 0.5 / len(xi))]  # classes weigh alike
    mu, sd = x.mean(0), x.std(0) + 1e-12
    z = np.c_[(x - mu) / sd, np.ones(len(x))]
    beta = np.zeros(z.shape[1])
    ridge = 1e-3 * np.diag(np.r_[np.ones(3), 0.0])
    for _ in range(50):  # Newton's method on the weighted log-loss
        p = 1.0 / (1.0 + np.exp(-z @ beta))
        beta -= np.linalg.solve((z * (w * p * (1 - p))[:, None]).T @ z + ridge, z.T @ (w * (p - y)) + ridge @ beta)
    coef = beta[:3] / sd
    print(f"\nlogistic weights (per unit of log minutiae score): flow {coef[1] / coef[0]:.2f}, "
          f"consensus {coef[2] / coef[0]:.2f}")
    g, i = feats["card"]
    print(f"card (held out) under the fit: EER {100 * eer(g @ coef, i @ coef):.2f}%")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flow", default="4,5,6,7", help="FLOW_AGREEMENT_WEIGHT values")
    ap.add_argument("--power", default="1,2,3,4,5,6", help="CONSENSUS_POWER values")
    ap.add_argument("--fit", action="store_true", help="also the logistic fit on the FVC sets")
    args = ap.parse_args()
    from scomm.biometrics import parameters as P

    data = load()
    print("| flow weight, consensus power | "
          + " | ".join(f"{n} EER / FNMR@FMR 0.1% (all impostors)" for n in SETS)
          + " | NIST card EER (impostors over its weakest genuine) | FVC sets pooled, FNMR at FMR 1% / 0.1% / 0.01% |")
    print("|" + "---|" * (3 + len(SETS)))
    saved = (P.FLOW_AGREEMENT_WEIGHT, P.CONSENSUS_POWER)
    try:
        for fw in (float(v) for v in args.flow.split(",")):
            for power in (float(v) for v in args.power.split(",")):
                P.FLOW_AGREEMENT_WEIGHT, P.CONSENSUS_POWER = fw, power
                mark = " (parameters.py)" if (fw, power) == saved else ""
                print(row(data, f"{fw:g}, {power:g}{mark}"), flush=True)
    finally:
        P.FLOW_AGREEMENT_WEIGHT, P.CONSENSUS_POWER = saved
    if args.fit:
        fit(data)


if __name__ == "__main__":
    main()
