"""How long the NIST sample card takes to read, decode, map and write, on one core.

Median of several runs of each step, printed as a table with the machine. Also times
the alternatives weighed in docs/nist.md: IDEMIA's ``nistitl`` parser and WSQ decoding
through the Pillow plugin instead of the ``_wsq`` C module.

    PYTHONPATH=src python bench/nist_read.py [--runs 7]

The NIST sample lives outside the repository (../shared/data); --sample points elsewhere.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

SAMPLE = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--sample", type=Path, default=None, help="transaction to time (default: the NIST card)")
    a = ap.parse_args()
    sample = a.sample.resolve() if a.sample else None
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)
    sys.path.insert(0, str(root))  # for tests.nist.conftest.as_car, the CAR made from the card
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    import wsq  # noqa: F401
    from PIL import Image
    from rich.console import Console
    from rich.table import Table
    from tests.nist.conftest import as_car

    from scomm.nist.booking import booking_from_transaction
    from scomm.nist.images import decode_image, finger_image_records
    from scomm.nist.reader import read_transaction
    from scomm.nist.writer import write_transaction

    data = (sample or SAMPLE).read_bytes()
    txn = read_transaction(data)
    images = finger_image_records(txn)
    car = as_car(read_transaction(data))

    def read_and_decode() -> None:
        t = read_transaction(data)
        for img in finger_image_records(t):
            decode_image(img)

    def pillow_decode() -> None:
        for img in images:
            with Image.open(io.BytesIO(img.data)) as im:
                im.load()

    rows: list[tuple[str, float]] = [
        ("read (parse + validate)", median_ms(lambda: read_transaction(data), a.runs)),
        (f"decode {len(images)} WSQ images (_wsq)", median_ms(lambda: [decode_image(i) for i in images], a.runs)),
        ("read + decode all (the target)", median_ms(read_and_decode, a.runs)),
        ("write (byte-identical)", median_ms(lambda: write_transaction(txn), a.runs)),
        ("map CAR -> BookingSubmission", median_ms(lambda: booking_from_transaction(car), a.runs)),
        (f"decode {len(images)} WSQ images (Pillow plugin)", median_ms(pillow_decode, a.runs)),
    ]
    try:
        import nistitl

        def nistitl_parse() -> None:
            nistitl.Message().parse(data)

        rows.append(("nistitl 0.6 parse (comparison)", median_ms(nistitl_parse, a.runs)))
    except ImportError:
        pass

    table = Table(title=f"NIST sample card ({len(data)} bytes, {len(images)} images), median of {a.runs} runs, one core")
    table.add_column("step")
    table.add_column("ms", justify="right")
    for name, ms in rows:
        table.add_row(name, f"{ms:.1f}")
    console = Console()
    console.print(table)
    console.print(f"machine: {cpu_model()}, nproc {os.cpu_count()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
