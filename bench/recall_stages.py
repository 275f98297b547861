"""Where scomm's extractor loses the minutiae LEADER finds: a count by pipeline stage.

For every image of the shared sets, every crossing-number candidate of
scomm's skeleton is kept with the stage that removed it
(``minutiae.minutia_stages``: spur, mask border, close pair, the learned
scorer's border rescue, the cap). Each LEADER minutia (cached by
``bench/extractor_eval.py``) that no kept minutia agrees with (8 px, 45°,
as there) is put in one bin:

- **lost at a stage**: some candidate agrees with it; the bin is the latest
  stage such a candidate reached (the one closest to being kept);
- **wrong direction**: a candidate lies within 8 px but none within 45°;
- **never a candidate**, by what the skeleton shows there: ``off mask``
  (outside the foreground or within the candidate margin of its border),
  ``ridge runs through`` (a skeleton pixel within 3 px, no node within 8 px:
  the Gabor stage continued or merged the ridges), ``no skeleton``
  (no skeleton pixel within 3 px), each split further by whether a node
  lies 8-16 px away (a topology a little off) and by ridge clarity.

It also prints, for every stage, how many candidates it removed and how many
of those agree with a LEADER minutia (the stage's "precision"): a rule is
worth relaxing only where it removes many LEADER-confirmed candidates.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/recall_stages.py [--sets ...] [--json out.json]
    ... --variant 'PARAM=value,PARAM=value'   # the same with parameter overrides
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import extractor_eval as E  # noqa: E402

NODE_NEAR_PX = 3.0  # a skeleton pixel this close: the ridge is there
NEAR_MISS_PX = 16.0  # a candidate this close (beyond 8 px): the topology is a little off
FAINT_CLARITY = 0.5  # ridge clarity (Gabor amplitude / print median) under this: a faint area


def image_stages(img: np.ndarray) -> dict[str, np.ndarray] | None:
    """Every candidate of one image with its stage, plus the maps the bins read."""
    from scipy import ndimage

    from scomm.biometrics import parameters as P
    from scomm.biometrics.extraction import detection_area, enhanced_ridges, ridge_structure
    from scomm.biometrics.minutiae import filter_context, minutia_stages, ridge_clarity
    from scomm.biometrics.skeleton import binarize, thin
    from scomm.errors import ImageError

    try:
        r = ridge_structure(img, 500)
    except ImageError:
        return None
    period_map, normalized, enhanced = enhanced_ridges(r)
    area = detection_area(r)
    skel = thin(binarize(enhanced, area))
    clarity = ridge_clarity(enhanced, r.mask)
    ctx = (filter_context(enhanced, normalized, r.mask, skel, period_map, r.period, clarity)
           if P.MINUTIA_FILTER else None)
    m, stage = minutia_stages(skel, r.orientation, r.coherence, r.mask, clarity, ctx, area)
    return {"m": m, "stage": stage, "skel_dist": ndimage.distance_transform_edt(~skel),
            "border": ndimage.distance_transform_edt(r.mask), "clarity": clarity}


def agree(a: np.ndarray, lx: np.ndarray, ly: np.ndarray, la: np.ndarray, px: float = E.AGREE_PX,
          rad: float = E.AGREE_RAD) -> np.ndarray:
    """(len(a), len(l)) agreement of minutiae rows a (x, y, angle, ...) with LEADER's."""
    d = np.hypot(a[:, None, 0] - lx[None, :], a[:, None, 1] - ly[None, :])
    da = np.abs(np.mod(a[:, None, 2] - la[None, :] + np.pi, 2 * np.pi) - np.pi)
    return np.asarray((d <= px) & (da <= rad))


def bin_leader(st: dict[str, np.ndarray], lead: list[list[float]]) -> tuple[list[str], np.ndarray]:
    """The bin of each LEADER minutia of one image, and which candidates agree with some LEADER minutia."""
    from scomm.biometrics import parameters as P
    from scomm.biometrics.minutiae import KEPT, STAGE_NAMES

    lx, ly, la, lk = (np.asarray(v, np.float64) for v in lead[:4])
    m, stage = st["m"], st["stage"]
    ok = agree(m, lx, ly, la) if m.size else np.zeros((0, lx.size), bool)
    d = (np.hypot(m[:, None, 0] - lx[None, :], m[:, None, 1] - ly[None, :]) if m.size
         else np.full((0, lx.size), np.inf))
    # "furthest" stage: KEPT first, then the scorer's stages, then the geometric ones backwards
    rank = np.array([99, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])[stage] if m.size else np.zeros(0, int)
    h, w = st["border"].shape
    bins = []
    for j in range(lx.size):
        kind = "ending" if lk[j] == 1 else "bifurcation"
        hit = np.flatnonzero(ok[:, j])
        if hit.size:
            best = hit[np.argmax(rank[hit])]
            bins.append(f"{STAGE_NAMES[stage[best]]}" if stage[best] != KEPT else "found")
            continue
        if (d[:, j] <= E.AGREE_PX).any():
            bins.append("wrong direction")
            continue
        yy, xx = int(np.clip(round(ly[j]), 0, h - 1)), int(np.clip(round(lx[j]), 0, w - 1))
        if st["border"][yy, xx] < P.BORDER_CANDIDATE_PX:
            bins.append("never: off mask")
            continue
        near = "node 8-16 px" if (d[:, j] <= NEAR_MISS_PX).any() else "no node 16 px"
        faint = "faint" if st["clarity"][yy, xx] < FAINT_CLARITY else "clear"
        where = "ridge runs through" if st["skel_dist"][yy, xx] <= NODE_NEAR_PX else "no skeleton"
        bins.append(f"never: {where}, {near}, {faint} [{kind}]")
    return bins, ok.any(axis=1) if m.size else np.zeros(0, bool)


def run_set(name: str, cache: Path) -> dict[str, object]:
    from scomm.biometrics.minutiae import STAGE_NAMES

    leader = E.leader_minutiae(name, cache)
    images = E.load_set(name)
    bins: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    removed_leader: Counter[str] = Counter()
    per_image: dict[str, list[str]] = {}
    total = 0
    for (f, i), img in images.items():
        key = f"{f}_{i}"
        lead = leader.get(key)
        if lead is None:
            continue
        st = image_stages(img)
        n = len(lead[0])  # type: ignore[arg-type]
        total += n
        if st is None:
            bins.update(["image refused"] * n)
            continue
        b, confirmed = bin_leader(st, lead)  # type: ignore[arg-type]
        bins.update(b)
        per_image[key] = b
        for s, c in zip(st["stage"], confirmed, strict=True):
            removed[STAGE_NAMES[s]] += 1
            removed_leader[STAGE_NAMES[s]] += int(c)
    return {"leader": total, "bins": dict(bins), "candidates": dict(removed),
            "candidates_leader": dict(removed_leader), "per_image": per_image}


def report(name: str, res: dict[str, object]) -> None:
    total = int(res["leader"])  # type: ignore[arg-type]
    bins: dict[str, int] = res["bins"]  # type: ignore[assignment]
    missed = total - bins.get("found", 0)
    print(f"\n{name}: {total} LEADER minutiae, found {bins.get('found', 0)} ({bins.get('found', 0) / total:.1%}), "
          f"missed {missed}")
    coarse: Counter[str] = Counter()
    for k, v in bins.items():
        if k != "found":
            coarse[k.split(",")[0] if k.startswith("never: ") and "[" in k else k] += v
    for k, v in coarse.most_common():
        print(f"  {k:40s} {v:5d}  {v / max(missed, 1):6.1%} of missed")
    print("  never a candidate, in detail:")
    for k, v in sorted(bins.items(), key=lambda kv: -kv[1]):
        if k.startswith("never: ") and "[" in k:
            print(f"    {k[7:]:58s} {v:5d}")
    cand: dict[str, int] = res["candidates"]  # type: ignore[assignment]
    conf: dict[str, int] = res["candidates_leader"]  # type: ignore[assignment]
    print("  candidates by stage (agreeing with a LEADER minutia):")
    for k, v in sorted(cand.items(), key=lambda kv: -kv[1]):
        print(f"    {k:20s} {v:6d}  {conf.get(k, 0):6d}  ({conf.get(k, 0) / max(v, 1):.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=list(E.SETS))
    parser.add_argument("--cache", type=Path, default=E.DEFAULT_CACHE)
    parser.add_argument("--variant", default="", help="parameter overrides 'PARAM=value,...'")
    parser.add_argument("--json", type=Path, help="write the counts and per-image bins here")
    args = parser.parse_args()
    from scomm.biometrics import parameters as P

    for kv in (kv for kv in args.variant.split(",") if kv):
        key, value = kv.split("=")
        setattr(P, key, type(getattr(P, key))(float(value)))
    results = {}
    for s in args.sets:
        results[s] = run_set(s, args.cache)
        report(s, results[s])
    if args.json:
        args.json.write_text(json.dumps(results))


if __name__ == "__main__":
    main()
