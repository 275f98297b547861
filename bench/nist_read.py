"""How long the NIST sample card takes to read, decode, map and write (single-threaded).

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
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

SAMPLE = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")


def worker_cpu_s() -> float:
    """CPU seconds used so far by the WSQ worker process (Linux /proc), 0 if none."""
    from scomm.nist import wsq_isolation

    proc = wsq_isolation._worker._proc
    if proc is None:
        return 0.0
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_ms(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median wall, min wall, median CPU) in ms. CPU counts this process and the WSQ worker:
    on a shared machine it is the figure that says what one core needs."""
    fn()  # warm-up: starts the WSQ worker, fills caches
    walls, cpus = [], []
    for _ in range(runs):
        c0 = time.process_time() + worker_cpu_s()
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() + worker_cpu_s() - c0)
    return statistics.median(walls) * 1000, min(walls) * 1000, statistics.median(cpus) * 1000


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

    import wsq  # noqa: F401
    from PIL import Image
    from rich.console import Console
    from rich.table import Table

    from scomm.nist.booking import booking_from_transaction, car_from_tenprint
    from scomm.nist.images import decode_image, decode_wsq, finger_image_records
    from scomm.nist.reader import read_transaction
    from scomm.nist.writer import write_transaction
    from scomm.pipeline.submission import Charge, Sex, Subject

    data = (sample or SAMPLE).read_bytes()
    txn = read_transaction(data)
    images = finger_image_records(txn)
    car = car_from_tenprint(
        read_transaction(data), tcn="BENCH1", subject=Subject("DOE", "JOHN", sex=Sex.MALE),
        arrest_date=date(2001, 8, 7), charges=[Charge("1313", "SIMPLE ASSAULT")],
    )

    def read_and_decode() -> None:
        t = read_transaction(data)
        for img in finger_image_records(t):
            decode_image(img)

    def pillow_decode() -> None:
        for img in images:
            with Image.open(io.BytesIO(img.data)) as im:
                im.load()

    rows: list[tuple[str, tuple[float, float, float]]] = [
        ("read (parse + validate)", timed_ms(lambda: read_transaction(data), a.runs)),
        (f"decode {len(images)} WSQ images (worker process, default)", timed_ms(lambda: [decode_image(i) for i in images], a.runs)),
        (f"decode {len(images)} WSQ images (_wsq in process)",
         timed_ms(lambda: [decode_wsq(i.data, isolated=False) for i in images], a.runs)),
        ("read + decode all (the target)", timed_ms(read_and_decode, a.runs)),
        ("write (byte-identical)", timed_ms(lambda: write_transaction(txn), a.runs)),
        ("map CAR -> BookingSubmission", timed_ms(lambda: booking_from_transaction(car), a.runs)),
        (f"decode {len(images)} WSQ images (Pillow plugin)", timed_ms(pillow_decode, a.runs)),
    ]
    try:
        import nistitl

        def nistitl_parse() -> None:
            nistitl.Message().parse(data)

        rows.append(("nistitl 0.6 parse (comparison)", timed_ms(nistitl_parse, a.runs)))
    except ImportError:
        pass

    table = Table(title=f"NIST sample card ({len(data)} bytes, {len(images)} images), {a.runs} runs, one thread")
    table.add_column("step")
    table.add_column("median ms", justify="right")
    table.add_column("min ms", justify="right")
    table.add_column("CPU ms", justify="right")
    for name, (med, low, cpu) in rows:
        table.add_row(name, f"{med:.1f}", f"{low:.1f}", f"{cpu:.0f}")
    console = Console()
    console.print(table)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    console.print(f"machine: {cpu_model()}, nproc {os.cpu_count()}, load average {load:.1f}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
