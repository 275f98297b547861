"""Does impression quality mean something? Rank correlations on the shared real data.

Two questions, each answered with Spearman's rank correlation (higher is better):

- **card**: the NIST ten-print card (../shared/data/nist-eft) carries NIST's NFIQ 1
  value for every rolled print and every plain fingertip (field 14.022, 1 =
  excellent, 5 = poor). The score is correlated with ``6 - NFIQ`` over the 10
  rolled prints, the 10 plain fingertips (slaps cut by ``segment_slap``), and all 20;
- **sets**: FVC2002 DB2_B and SFinGe DB4_B. For each image, the mean similarity
  of its genuine pairs (it against the other 7 impressions of its finger, both
  directions averaged) says how well that impression matches; quality should
  predict it.

It also lists, for a few recapture thresholds, which prints fall below them
and the mean genuine score of those that do and do not.

A variant is a git commit (``--ref COMMIT``: its ``src`` is exported and run in
a subprocess) or the work tree (``--variant work``); genuine scores are computed
with each variant's own templates and the work tree's matcher.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/quality_eval.py --ref main --variant work
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extractor_eval import SETS, load_set, score_matrix  # noqa: E402

THRESHOLDS = (20, 25, 30, 35, 40)


def card_prints() -> list[tuple[str, int, int, np.ndarray]]:
    """(kind 'rolled'/'plain', finger, NFIQ, image) for the card's 10 rolled prints and 10 plain fingertips."""
    from scomm.biometrics.slap import segment_slap
    from scomm.nist.images import decode_image, finger_image_records
    from scomm.nist.reader import read_transaction_file

    txn = read_transaction_file("../shared/data/nist-eft/nist-type-14-tpcard.eft")
    nfiq: dict[int, dict[int, int]] = {}
    for rec in txn.tagged(14):
        nfiq[int(rec.text(13) or 0)] = {int(f): int(v) for f, v in (rec.items(22) or [])}
    out = []
    for rec in finger_image_records(txn):
        img = decode_image(rec)
        if rec.position <= 10:
            out.append(("rolled", rec.position, nfiq[rec.position][rec.position], img))
        else:
            for cut in segment_slap(img, rec.position, rec.ppi or 500):
                out.append(("plain", int(cut.position), nfiq[rec.position][int(cut.position)], cut.image))
    return sorted(out, key=lambda r: (r[0], r[1]))


def dump(out: Path, sets: tuple[str, ...]) -> None:
    """Extract the card and the sets with the extractor importable here; save quality and templates."""
    from scomm.biometrics.extraction import extract

    result: dict[str, object] = {"card": [[k, f, n, int(extract(img, 500).quality)] for k, f, n, img in card_prints()]}
    for s in sets:
        rows = {}
        for (f, i), img in load_set(s).items():
            t = extract(img, 500)
            rows[f"{f}_{i}"] = [t.x.tolist(), t.y.tolist(), t.angle.tolist(), t.kind.tolist(),
                                t.reliability.tolist(), int(t.width), int(t.height), int(t.quality)]
        result[s] = rows
    out.write_text(json.dumps(result))


def run_variant(ref: str | None, sets: tuple[str, ...], workdir: Path) -> dict[str, object]:
    out = workdir / f"{len(list(workdir.iterdir()))}.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    if ref is not None:
        src = workdir / f"src-{ref.replace('/', '_')}"
        src.mkdir()
        archive = subprocess.run(["git", "archive", ref, "src"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        env["PYTHONPATH"] = str(src / "src")
    else:
        env["PYTHONPATH"] = str(Path("src").resolve())
    subprocess.run([sys.executable, __file__, "--dump", str(out), "--sets", *sets], check=True, env=env)
    return dict(json.loads(out.read_text()))


def genuine_means(rows: dict[str, object]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per image: key, quality, mean genuine similarity against the other impressions of its finger."""
    keys, m = score_matrix(rows)
    sym = (m + m.T) / 2
    names, q, g = [], [], []
    for a, (f, i) in enumerate(keys):
        row = rows[f"{f}_{i}"]
        mates = [b for b, (f2, _) in enumerate(keys) if f2 == f and b != a]
        names.append(f"{f}_{i}")
        q.append(row[7] if row is not None else 0)  # type: ignore[index]
        g.append(float(np.mean(sym[a, mates])))
    return names, np.asarray(q, float), np.asarray(g)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", action="append", default=[], help="git commit to run as a variant")
    parser.add_argument("--variant", action="append", default=[], help="'work': the work tree")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sets = tuple(args.sets)
    if args.dump:
        dump(args.dump, sets)
        return
    specs = [(f"ref:{r}", r) for r in args.ref] + [(v, None) for v in args.variant]
    with tempfile.TemporaryDirectory() as tmp:
        results = [(name, run_variant(ref, sets, Path(tmp))) for name, ref in specs]
    print(f"{'variant':16s} {'card all':>8s} {'rolled':>7s} {'plain':>7s} " + " ".join(f"{s:>13s}" for s in sets))
    for name, res in results:
        card = res["card"]  # type: ignore[index]
        q = np.array([r[3] for r in card], float)
        good = np.array([6 - r[2] for r in card], float)
        rolled = np.array([r[0] == "rolled" for r in card])
        line = (f"{name[:16]:16s} {spearman(q, good):+8.2f} {spearman(q[rolled], good[rolled]):+7.2f} "
                f"{spearman(q[~rolled], good[~rolled]):+7.2f}")
        per_set = {s: genuine_means(res[s]) for s in sets}  # type: ignore[arg-type]
        line += " ".join(f"{spearman(per_set[s][1], per_set[s][2]):+13.2f}" for s in sets)
        print(line)
        print("   card (kind finger NFIQ quality):",
              ", ".join(f"{k[0]}{f}:{n}:{qq}" for k, f, n, qq in card))  # type: ignore[misc]
        for s in sets:
            names, qs, gs = per_set[s]
            worst = np.argsort(gs)[:6]
            print(f"   {s}: quality min/median/max {qs.min():.0f}/{np.median(qs):.0f}/{qs.max():.0f}; "
                  "lowest genuine means (image, mean, quality): "
                  + ", ".join(f"{names[j]} {gs[j]:.2f} q{qs[j]:.0f}" for j in worst))
        for t in THRESHOLDS:
            parts = [f"card rolled NFIQ5 {int(((q < t) & rolled & (good == 1)).sum())}/{int((rolled & (good == 1)).sum())}"
                     f" NFIQ1-3 {int(((q < t) & (good >= 3)).sum())}/{int((good >= 3).sum())}"]
            for s in sets:
                _, qs, gs = per_set[s]
                low = qs < t
                mean_low = f"{gs[low].mean():.2f}" if low.any() else "-"
                parts.append(f"{s} {int(low.sum())}/{low.size} below (genuine mean {mean_low} vs {gs[~low].mean():.2f})")
            print(f"   below {t}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
