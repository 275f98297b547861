"""scomm's reader against IDEMIA's ``nistitl`` on the same inputs: the measurements behind
the choice recorded in docs/nist.md.

For the NIST card: does it parse, does writing give the same bytes, how fast. For each
malformed input of tests/nist/test_nist_errors.py: does the reader refuse it with its
own error type (good), raise some other exception (a crash, for a caller), or accept it
(silently wrong).

    PYTHONPATH=src python bench/nist_compare.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

SAMPLE = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")
RECORD3 = 273 + 57


def malformed(real: bytes) -> dict[str, bytes]:
    r3 = real[:RECORD3]
    return {
        "empty input": b"",
        "truncated inside an image": real[: RECORD3 + 1000],
        "truncated by one byte": real[:-1],
        "LEN claims 4 GB": r3 + real[RECORD3:].replace(b"14.001:42465", b"14.001:4294967296", 1),
        "LEN one byte short": r3 + real[RECORD3:].replace(b"14.001:42465", b"14.001:42464", 1),
        "unknown record type 42 in CNT": real.replace(b"\x1e14\x1f14\x1d", b"\x1e42\x1f14\x1d", 1),
        "CNT count 16, 15 listed": real.replace(b"1.003:1\x1f15", b"1.003:1\x1f16", 1),
        "CNT IDC disagrees with record": real.replace(b"\x1e14\x1f01\x1e", b"\x1e14\x1f07\x1e", 1),
        "version 0200": real.replace(b"1.002:0500", b"1.002:0200", 1),
        "trailing garbage": real + b"garbage",
        "finger position 1 twice": r3 + real[RECORD3:].replace(b"14.013:2\x1d", b"14.013:1\x1d", 1),
        "missing 1.009 TCN": _drop(real, b"\x1d1.009:jck tenprint card nqm", b"1.001:273", b"1.001:245"),
    }


def _drop(real: bytes, part: bytes, old_len: bytes, new_len: bytes) -> bytes:
    return real.replace(part, b"", 1).replace(old_len, new_len, 1)


def verdict(fn: Callable[[bytes], object], data: bytes, own: type[BaseException]) -> str:
    try:
        fn(data)
    except own:
        return "refused"
    except Exception as exc:  # noqa: BLE001 - what a caller would see
        return f"other exception ({type(exc).__name__})"
    return "ACCEPTED"


def main() -> None:
    os.chdir(Path(__file__).resolve().parent.parent)
    import nistitl
    from rich.console import Console
    from rich.table import Table

    from scomm.errors import TransactionFormatError
    from scomm.nist.reader import read_transaction
    from scomm.nist.writer import write_transaction

    real = SAMPLE.read_bytes()

    def nistitl_read(data: bytes) -> nistitl.Message:
        m = nistitl.Message()
        m.parse(data)
        return m

    def ms(fn: Callable[[], object]) -> float:
        times = []
        for _ in range(9):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000

    summary = Table(title="the NIST card")
    summary.add_column("")
    summary.add_column("scomm.nist")
    summary.add_column("nistitl 0.6")
    ours = write_transaction(read_transaction(real))
    theirs = nistitl_read(real).NIST
    summary.add_row("parses", "yes", "yes")
    summary.add_row("write == input", str(ours == real), f"{theirs == real} ({len(theirs)} vs {len(real)} bytes)")
    summary.add_row("parse, median ms", f"{ms(lambda: read_transaction(real)):.1f}", f"{ms(lambda: nistitl_read(real)):.1f}")
    summary.add_row("licence", "Apache-2.0 (scomm)", "CeCILL-C")

    table = Table(title="malformed inputs")
    table.add_column("input")
    table.add_column("scomm.nist")
    table.add_column("nistitl 0.6")
    for name, data in malformed(real).items():
        table.add_row(name, verdict(read_transaction, data, TransactionFormatError), verdict(nistitl_read, data, nistitl.NistException))
    console = Console()
    console.print(summary)
    console.print(table)


if __name__ == "__main__":
    main()
