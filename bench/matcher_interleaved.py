"""Throughput of matcher parameter variants, measured in interleaved passes (A B C A B C ...).

On a shared or virtual machine one pass of 6,400 comparisons (~0.13 s) can be 30% slow; measuring
variants one after another lets such a stretch fall on one of them. Here every round times one pass of
each variant, and each variant's best pass over all rounds is reported, with its ratio to the first
variant. Templates come from ``bench/matcher_speed.py``'s cache (extracted once per extractor version).
The batch is stacked once, with the parameters as they are at the start: constants that ``prepare``
or ``stack`` read (cylinders, OVERLAP_BY_RELIABILITY, OVERLAP_WEIGHT_FLOOR) reach only the probe side
here; vary them with ``bench/matcher_speed.py --variant``, which prepares and stacks anew.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python bench/matcher_interleaved.py \\
        --variant noflow:FLOW_AGREEMENT_WEIGHT=0 --variant default: --variant gate0:FLOW_MIN_SCORE=0
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from matcher_speed import SETS, parse_variant, templates_of  # noqa: E402

from scomm.biometrics import parameters as P  # noqa: E402
from scomm.biometrics.comparison import compare_many, prepare, stack  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", action="append", required=True, help="LABEL:NAME=VALUE,... ('LABEL:' = defaults)")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--extractor", default="scomm", choices=["scomm", "leader"])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "scomm-matcher-speed")
    args = ap.parse_args()
    variants = [parse_variant(v) for v in args.variant]
    defaults = {name: getattr(P, name) for _, values in variants for name in values}
    print(f"| set | {' | '.join(label for label, _ in variants)} |")
    print(f"|---|{'---|' * len(variants)}")
    for folder in SETS:
        _, templates = templates_of(Path(folder), args.extractor, args.cache)
        prepared = [prepare(t) for t in templates]
        batch = stack(prepared)
        compare_many(prepared[0], batch)  # compile
        best = [float("inf")] * len(variants)
        for _ in range(args.rounds):
            for i, (_, values) in enumerate(variants):
                for name, value in {**defaults, **values}.items():
                    setattr(P, name, value)
                t0 = time.process_time()
                for p in prepared:
                    compare_many(p, batch)
                best[i] = min(best[i], time.process_time() - t0)
        for name, value in defaults.items():
            setattr(P, name, value)
        n = len(prepared) ** 2
        cells = [f"{n / t:,.0f}/s (x{best[0] / t:.2f})" for t in best]
        print(f"| {Path(folder).name} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
