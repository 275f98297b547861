"""Thresholds for probes with fewer than ten fingers, added to the shipped calibration.

Rerunnable: ``PYTHONPATH=src python bench/search_calibrate_partial.py --matcher mcc``.
Enrols synthetic identities, searches non-mated probes cut to 1, 2, 4, 6 and 8
fingers (right and left index first, then thumbs: the fingers a livescan or a
mobile device takes first; then middle, ring and little pairs), sets each count's threshold at the same FPIR as the
tenprint one, and writes them as ``by_fingers`` into calibration.json.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

import numpy as np

from scomm.biometrics.search import Gallery, SearchConfig
from scomm.biometrics.search import parameters as P
from scomm.biometrics.search.benchmark import NONMATED_FIRST_ID, synthetic_tenprints
from scomm.biometrics.search.calibration import threshold_for_fpir

ORDER = (2, 7, 1, 6, 3, 8, 4, 9, 5, 10)  # right/left index, right/left thumb, then middle, ring, little pairs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--matcher", default="mcc")
    ap.add_argument("--identities", type=int, default=500)
    ap.add_argument("--nonmated", type=int, default=150)
    ap.add_argument("--counts", default="1,2,4", help="finger counts to calibrate, comma-separated (1-9)")
    ap.add_argument("--mated", type=int, default=0, help="also search this many mated probes per count and report FNIR")
    args = ap.parse_args()
    g = Gallery.create(None, "partial", SearchConfig(matcher=args.matcher))
    ids = range(args.identities)
    g.enroll_many((f"S{i:09d}", t) for i, t in zip(ids, synthetic_tenprints(ids, 0)))
    probes = synthetic_tenprints(range(NONMATED_FIRST_ID, NONMATED_FIRST_ID + args.nonmated), 1)
    mated_ids = [int(i) for i in np.linspace(0, args.identities - 1, args.mated)] if args.mated else []
    mated = synthetic_tenprints(mated_ids, 1) if mated_ids else []
    target = Path(str(resources.files("scomm.biometrics.search").joinpath("calibration.json")))
    table = json.loads(target.read_text())
    entry = table[args.matcher]
    by: dict[str, float] = {}
    for m in (int(c) for c in args.counts.split(",")):
        cut = [{p: t for p, t in pr.items() if int(p) in ORDER[:m]} for pr in probes]
        best = [r.candidates[0].score if r.candidates else float("-inf") for r in g.search_many(cut, top_k=1)]
        by[str(m)] = threshold_for_fpir(best, P.DEFAULT_FPIR)
        line = f"{m} finger(s): threshold {by[str(m)]:.4f} from {len(best)} non-mated searches"
        if mated:
            cut_m = [{p: t for p, t in pr.items() if int(p) in ORDER[:m]} for pr in mated]
            found = [bool(r.candidates) and r.candidates[0].identity_id == f"S{i:09d}" and r.candidates[0].score >= by[str(m)]
                     for i, r in zip(mated_ids, g.search_many(cut_m, top_k=1), strict=True)]
            line += f"; FNIR {100 * (1 - sum(found) / len(found)):.1f}% over {len(found)} mated searches at that threshold"
        print(line, flush=True)
    entry["by_fingers"] = by
    entry["source"] += (f"; by_fingers from {args.nonmated} non-mated searches per count against "
                        f"{args.identities} identities (bench/search_calibrate_partial.py)")
    target.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
