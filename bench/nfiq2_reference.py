"""scomm's impression quality against NIST's NFIQ 2, and both as quality scores (error-versus-reject).

NFIQ 2 is not part of scomm: this bench calls a reference build of it if one is
present and skips what needs it otherwise. Set

- ``NFIQ2_FEATURES_BIN``: an executable that takes 8-bit 500 ppi PGM paths and
  prints CSV ``path,score,<NFIQ 2 native quality measure ids...>`` (a small
  driver over NIST's NFIQ2 library, ``NFIQ2::QualityMeasures::
  computeNativeQualityMeasureAlgorithms``; score is -1 when it has no model);
- ``NFIQ2_MODEL_INFO`` (optional): NIST's model info file (nist_plain_tir-ink.txt,
  with its .yaml beside it), passed to the driver as ``--model`` so that it
  prints NFIQ 2's unified score;
- ``NFIQ2_CONFORMANCE_CSV`` (optional): NIST's published NFIQ 2 v2.3.0
  conformance output (score and native measures of ~200 conformance images).
  Without the model, a **surrogate** of the unified score is fitted on it: ridge
  regression of the score on 17 summary native measures (the histogram means and
  spreads, minutiae counts, ROI measures). Its leave-one-out rank correlation
  with NFIQ 2 on those images is printed; it is a proxy, not NFIQ 2.

What it measures, on FVC2002 DB2_B, SFinGe DB4_B (80 images each) and the NIST
card's 10 rolled prints and 10 plain fingertips:

- Spearman rank correlation between scomm's quality and NFIQ 2's score (or the
  surrogate), and between each NFIQ 2 native measure and scomm's quality and
  each image's mean genuine similarity;
- error-versus-reject (ISO/IEC 29794-1's ERC, image-based): the threshold is set
  at FMR 0.1% over all impostor pairs of the set (upper triangle, every image
  against every other finger's) with every image in; then the 5/10/20% of images
  with the lowest quality are dropped (ties by image name) and FNMR is counted
  over the genuine pairs left. A useful quality score lowers FNMR faster than
  dropping images at random does (the "random" row: its expectation, FNMR
  unchanged);
- how many images fall below ``RECAPTURE_QUALITY``.

A scomm variant is a git commit (``--ref``) or the work tree (``--variant work``),
run through bench/quality_eval.py's dump (templates and qualities from that
variant's extractor, scores from the work tree's matcher).

    NFIQ2_FEATURES_BIN=/path/nfiq2_features NFIQ2_CONFORMANCE_CSV=/path/conformance_expected_output-v2.3.0.csv \\
    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/nfiq2_reference.py --ref main --variant work
"""

from __future__ import annotations

import argparse
import csv
import hashlib
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
from quality_eval import card_prints, run_variant, spearman  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "scomm-bench" / "nfiq2"
NFIQ2_MAX_WIDTH = 800
REJECT = (0.05, 0.10, 0.20)
SURROGATE_MEASURES = (
    "FDA_Bin10_Mean", "FDA_Bin10_StdDev", "LCS_Bin10_Mean", "LCS_Bin10_StdDev", "OCL_Bin10_Mean",
    "OF_Bin10_Mean", "RVUP_Bin10_Mean", "RVUP_Bin10_StdDev", "OrientationMap_ROIFilter_CoherenceRel",
    "OrientationMap_ROIFilter_CoherenceSum", "FingerJetFX_MinCount_COMMinRect200x200",
    "FingerJetFX_MinutiaeCount", "FJFXPos_OCL_MinutiaeQuality_80", "FJFXPos_Mu_MinutiaeQuality_2",
    "ImgProcROIArea_Mean", "Mu", "MMB")
# Native measures shown one by one (the histogram means, minutiae and ROI measures).
SHOWN = SURROGATE_MEASURES
SURROGATE_RIDGE = 5.0  # ridge penalty on standardised measures; LOO on the conformance set is flat from 1 to 20


def all_images() -> dict[str, np.ndarray]:
    """Every image at 500 ppi, keyed 'set/finger_impression' or 'card/rolled_3' / 'card/plain_7'."""
    images = {f"card/{k}_{f}": img for k, f, _, img in card_prints()}
    for s in SETS:
        images.update({f"{s}/{f}_{i}": img for (f, i), img in load_set(s).items()})
    return images


def _pgm(img: np.ndarray) -> bytes:
    """8-bit PGM; images wider than NFIQ 2's limit (800 px after its white-frame trim: the card's rolled
    prints, 776-804 px) are cut to their middle 800 columns, a few px of the print box's edge."""
    a = np.clip(np.asarray(img, np.float64), 0, 255).round().astype(np.uint8)
    if a.shape[1] > NFIQ2_MAX_WIDTH:
        left = (a.shape[1] - NFIQ2_MAX_WIDTH) // 2
        a = a[:, left:left + NFIQ2_MAX_WIDTH]
    return f"P5\n{a.shape[1]} {a.shape[0]}\n255\n".encode() + a.tobytes()


def nfiq2_measures(images: dict[str, np.ndarray], binary: str, model: str | None) -> dict[str, dict[str, float]]:
    """NFIQ 2's score ('score', -1 without a model) and native measures per image, cached by image bytes."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha1(f"{binary}|{model}".encode()).hexdigest()[:10]
    out: dict[str, dict[str, float]] = {}
    todo: dict[str, Path] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, img in images.items():
            data = _pgm(img)
            cached = CACHE / f"{hashlib.sha1(data).hexdigest()}-{tag}.json"
            if cached.is_file():
                out[key] = json.loads(cached.read_text())
                continue
            path = Path(tmp) / f"{len(todo)}.pgm"
            path.write_bytes(data)
            todo[str(path)] = cached
            out[key] = {"_pending": 0.0, "_path": str(path)}  # type: ignore[dict-item]
        if todo:
            cmd = [binary] + (["--model", model] if model else []) + list(todo)
            text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            for row in csv.DictReader(text.splitlines()):
                values = {k: float(v) for k, v in row.items() if k != "path" and v not in ("", None)} \
                    if not row["score"].startswith("ERR") else {"score": float("nan")}
                todo[row["path"]].write_text(json.dumps(values))
        for key, v in out.items():
            if "_pending" in v:
                out[key] = json.loads(todo[str(v["_path"])].read_text())
    return out


def fit_surrogate(conformance: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Ridge regression of NFIQ 2's score on SURROGATE_MEASURES over NIST's conformance output.

    Returns (mean, std, weights with intercept last, leave-one-out Spearman)."""
    rows = [r for r in csv.DictReader(conformance.open()) if r["QualityScore"] not in ("NA", "")]
    x = np.array([[float(r[c]) for c in SURROGATE_MEASURES] for r in rows])
    y = np.array([float(r["QualityScore"]) for r in rows])
    mu, sd = x.mean(0), x.std(0) + 1e-9

    def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        m = np.c_[a, np.ones(len(a))]
        return np.asarray(np.linalg.solve(m.T @ m + SURROGATE_RIDGE * np.eye(m.shape[1]), m.T @ b))

    z = (x - mu) / sd
    loo = np.array([np.r_[z[i], 1] @ solve(np.delete(z, i, 0), np.delete(y, i)) for i in range(len(y))])
    return mu, sd, solve(z, y), spearman(loo, y)


def surrogate_score(measures: dict[str, float], fit: tuple[np.ndarray, np.ndarray, np.ndarray, float]) -> float:
    mu, sd, w, _ = fit
    x = np.array([measures.get(c, np.nan) for c in SURROGATE_MEASURES])
    return float(np.clip(np.r_[(x - mu) / sd, 1] @ w, 0, 100)) if np.isfinite(x).all() else float("nan")


def pairs(keys: list[tuple[int, int]], m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle pairs (a, b), their scores and whether they are genuine."""
    a, b = np.triu_indices(len(keys), 1)
    fingers = np.array([f for f, _ in keys])
    return np.c_[a, b], m[a, b], fingers[a] == fingers[b]


def erc(q: np.ndarray, pair_ab: np.ndarray, scores: np.ndarray, genuine: np.ndarray) -> list[float]:
    """FNMR (%) at the all-images FMR 0.1% threshold after dropping 0 and each REJECT share of lowest-q images,
    then the mean FNMR over dropping 0, 1, 2, ... images up to the largest share (the area under the ERC,
    less noisy than its points: one genuine pair is 0.36% here)."""
    from scomm.biometrics.evaluation import threshold_at_fmr

    t = threshold_at_fmr(scores[genuine], scores[~genuine], 0.001)
    order = np.argsort(q, kind="stable")

    def fnmr(dropped: int) -> float:
        keep = np.ones(q.size, bool)
        keep[order[:dropped]] = False
        g = genuine & keep[pair_ab[:, 0]] & keep[pair_ab[:, 1]]
        return 100 * float((scores[g] < t).mean())

    points = [fnmr(round(share * q.size)) for share in (0.0, *REJECT)]
    return points + [float(np.mean([fnmr(k) for k in range(round(REJECT[-1] * q.size) + 1)]))]


def genuine_means(keys: list[tuple[int, int]], m: np.ndarray) -> np.ndarray:
    sym = (m + m.T) / 2
    return np.array([np.mean([sym[a, b] for b, (f2, _) in enumerate(keys) if f2 == f and b != a])
                     for a, (f, _) in enumerate(keys)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", action="append", default=[], help="git commit to run as a variant")
    parser.add_argument("--variant", action="append", default=[], help="'work': the work tree")
    parser.add_argument("--save", type=Path, help="write every per-image number to this JSON file")
    args = parser.parse_args()
    from scomm.biometrics.parameters import RECAPTURE_QUALITY

    binary = os.environ.get("NFIQ2_FEATURES_BIN")
    model = os.environ.get("NFIQ2_MODEL_INFO")
    conformance = os.environ.get("NFIQ2_CONFORMANCE_CSV")
    images = all_images()
    nfiq: dict[str, dict[str, float]] = {}
    if binary and os.access(binary, os.X_OK):
        nfiq = nfiq2_measures(images, binary, model if model and Path(model).is_file() else None)
    else:
        print("NFIQ2_FEATURES_BIN not set or not executable: NFIQ 2 columns skipped")
    has_score = bool(nfiq) and all(v.get("score", -1) >= 0 for v in nfiq.values())
    reference: dict[str, float] = {}
    ref_name = ""
    if has_score:
        reference, ref_name = {k: v["score"] for k, v in nfiq.items()}, "NFIQ 2"
    elif nfiq and conformance and Path(conformance).is_file():
        fit = fit_surrogate(Path(conformance))
        reference = {k: surrogate_score(v, fit) for k, v in nfiq.items()}
        ref_name = "NFIQ 2 surrogate"
        print(f"no NFIQ 2 model: surrogate fitted on {conformance}; leave-one-out Spearman with NFIQ 2 "
              f"there {fit[3]:+.3f}")

    specs = [(f"ref:{r}", r) for r in args.ref] + [(v, None) for v in args.variant]
    with tempfile.TemporaryDirectory() as tmp:
        results = [(name, run_variant(ref, SETS, Path(tmp))) for name, ref in specs]
    saved: dict[str, object] = {"nfiq2": nfiq, "reference": reference, "reference_name": ref_name, "variants": {}}
    groups = ["card", *SETS]
    for name, res in results:
        print(f"\n=== {name}")
        card = res["card"]  # type: ignore[index]
        q_of = {f"card/{k}_{f}": float(qq) for k, f, _, qq in card}  # type: ignore[misc]
        per_set = {}
        for s in SETS:
            keys, m = score_matrix(res[s])  # type: ignore[arg-type]
            for (f, i) in keys:
                q_of[f"{s}/{f}_{i}"] = float(res[s][f"{f}_{i}"][7])  # type: ignore[index]
            per_set[s] = (keys, m)
        saved["variants"][name] = {"quality": q_of, "genuine_mean": {}, "matrix": {  # type: ignore[index]
            s: {"keys": [f"{f}_{i}" for f, i in per_set[s][0]], "scores": per_set[s][1].tolist()} for s in SETS}}
        print(f"{'':28s}" + "".join(f"{g:>16s}" for g in groups))
        if reference:
            cells = []
            for g in groups:
                ks = [k for k in q_of if k.startswith(g + "/")]
                cells.append(spearman(np.array([q_of[k] for k in ks]), np.array([reference[k] for k in ks])))
            print(f"{'Spearman q vs ' + ref_name:28s}" + "".join(f"{c:+16.2f}" for c in cells))
        print(f"{'below RECAPTURE_QUALITY':28s}" + "".join(
            f"{sum(q_of[k] < RECAPTURE_QUALITY for k in q_of if k.startswith(g + '/')):>13d}/"
            f"{sum(k.startswith(g + '/') for k in q_of):<2d}" for g in groups))
        for s in SETS:
            keys, m = per_set[s]
            names = [f"{s}/{f}_{i}" for f, i in keys]
            ab, sc, gen = pairs(keys, m)
            gm = genuine_means(keys, m)
            saved["variants"][name]["genuine_mean"].update(dict(zip(names, gm.tolist())))  # type: ignore[index]
            print(f"  {s}: ERC, FNMR % at the FMR 0.1% threshold after dropping 0/5/10/20% of images, and its "
                  f"mean over 0-20% ({int(gen.sum())} genuine, {int((~gen).sum())} impostor pairs)")
            rows = [("scomm quality", np.array([q_of[k] for k in names]))]
            if reference:
                rows.append((ref_name, np.array([reference[k] for k in names])))
            for measure in SHOWN if nfiq and name == results[0][0] else ():
                sign = -1.0 if measure.endswith("StdDev") or measure.startswith("RVUP_Bin10_Mean") else 1.0
                rows.append((("-" if sign < 0 else "") + measure, sign * np.array([nfiq[k].get(measure, np.nan)
                                                                                  for k in names])))
            if name == results[0][0]:
                rows.append(("oracle: genuine mean", gm))
            for label, q in rows:
                q = np.nan_to_num(q, nan=-np.inf)
                e = erc(q, ab, sc, gen)
                rho = spearman(q, gm)
                print(f"    {label[:40]:40s} " + " ".join(f"{v:6.2f}" for v in e)
                      + f"   Spearman with genuine mean {rho:+.2f}")
        if nfiq:
            print("  Spearman of NFIQ 2 native measures with scomm's quality (q) per group")
            for measure in SHOWN:
                cells = []
                for g in groups:
                    ks = [k for k in q_of if k.startswith(g + "/")]
                    cells.append(spearman(np.array([q_of[k] for k in ks]), np.array([nfiq[k].get(measure, np.nan)
                                                                                      for k in ks])))
                print(f"    {measure[:40]:40s}" + "".join(f"{c:+9.2f}" for c in cells))
    if args.save:
        args.save.write_text(json.dumps(saved))


if __name__ == "__main__":
    main()
