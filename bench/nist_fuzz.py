"""Fuzz the ANSI/NIST-ITL reader with mutated real transactions; print a table.

Two engines:

* ``random`` (always available): mutates the NIST sample card and small transactions
  written by scomm (byte flips, splices, truncations, digit edits of LEN and CNT), runs
  the reader, then decodes the images of every input that still parses. Counts inputs,
  outcomes, and the slowest input (a hang would show as a timeout).
* ``wsq``: mutates the card's 14 WSQ streams themselves and decodes them, to exercise the
  NBIS decoder (C code) behind scomm's header checks.
* ``atheris`` (``pip install atheris``): coverage-guided libFuzzer over the same seeds,
  with scomm.nist instrumented; a per-input timeout catches hangs.

Success means: every input either reads or raises TransactionFormatError; nothing else.

    PYTHONPATH=src python bench/nist_fuzz.py --engine random --inputs 20000
    PYTHONPATH=src python bench/nist_fuzz.py --engine wsq --inputs 3000
    PYTHONPATH=src python bench/nist_fuzz.py --engine atheris --seconds 600
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

SAMPLE = Path("../shared/data/nist-eft/nist-type-14-tpcard.eft")
PER_INPUT_TIMEOUT_S = 10



def print_outcomes(title: str, outcomes: Mapping[str, int], inputs: int, slowest: float, wall: float) -> None:
    """The outcome table every random-mutation engine prints."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("outcome")
    table.add_column("inputs", justify="right")
    for k, v in sorted(outcomes.items()):
        table.add_row(k, str(v))
    table.add_row("[bold]total[/]", str(inputs))
    table.add_row("slowest input (s)", f"{slowest:.3f}")
    table.add_row("wall time (s)", f"{wall:.1f}")
    Console().print(table)


def seeds() -> list[bytes]:
    """The real card, the card cut down to one image, and small written transactions."""
    from scomm.nist.reader import read_transaction
    from scomm.nist.transaction import BinaryRecord, Field, TaggedRecord, Transaction, content_field
    from scomm.nist.writer import write_transaction

    real = SAMPLE.read_bytes()
    txn = read_transaction(real)
    small = Transaction(txn.records[:2] + [txn.records[14]])  # the 22 KB plain thumb
    small.type1.set(3, content_field(small.content_list()))
    out = [real, write_transaction(small)]
    rng = random.Random(7)
    t1 = TaggedRecord(1, [Field(1, b"0")])
    for n, v in ((2, "0300"), (4, "CAR"), (5, "20240101"), (7, "X"), (8, "MA0130100"), (9, "T1"), (11, "19.69"), (12, "19.69")):
        t1.set(n, v)
    t1.set(3, content_field([]))
    tiny = Transaction([t1])
    t2 = TaggedRecord(2, [Field(1, b"0"), Field(2, b"00")])
    t2.set(18, "DOE,JOHN")
    t2.set(47, [["20240101", "1313 ASSAULT"]])
    tiny.append(t2)
    tiny.append(BinaryRecord(1, 1, (2,), 0, 8, 8, 0, bytes(rng.randrange(256) for _ in range(64))))
    t14 = TaggedRecord(14, [Field(1, b"0")])
    for n, v in ((2, "02"), (3, "1"), (4, "X"), (5, "20240101"), (6, "8"), (7, "8"), (8, "1"), (9, "500"), (10, "500"), (11, "NONE"), (12, "8"), (13, "3")):
        t14.set(n, v)
    t14.set(999, bytes(rng.randrange(256) for _ in range(64)))
    tiny.append(t14)
    t9 = TaggedRecord(9, [Field(1, b"0"), Field(2, b"03"), Field(3, b"1"), Field(4, b"S")])
    tiny.append(t9)
    out.append(write_transaction(tiny))
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four edits, biased toward the text headers where the structure lives."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not buf:
            buf = bytearray(b"1.001:")
        op = rng.random()
        head = min(len(buf), 400)
        i = rng.randrange(head) if rng.random() < 0.6 else rng.randrange(len(buf))
        if op < 0.3:
            buf[i] = rng.randrange(256)
        elif op < 0.45:
            buf[i] = rng.choice(b"0123456789\x1c\x1d\x1e\x1f:.")
        elif op < 0.55:
            del buf[i : i + rng.randint(1, 16)]
        elif op < 0.65:
            buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op < 0.75:
            buf = buf[: rng.randrange(len(buf) + 1)]
        elif op < 0.85:
            j = rng.randrange(len(buf))
            buf[i:i] = buf[j : j + rng.randint(1, 64)]
        else:  # rewrite a number (LEN, CNT count, IDC, HLL) with an extreme value
            start = i
            while start < len(buf) and not chr(buf[start]).isdigit():
                start += 1
            end = start
            while end < len(buf) and chr(buf[end]).isdigit():
                end += 1
            buf[start:end] = rng.choice([b"0", b"4294967296", b"99999999999", str(rng.randrange(10**6)).encode()])
    return bytes(buf)


def one_input(data: bytes, decode: bool) -> str:
    from scomm.errors import TransactionFormatError
    from scomm.nist.reader import read_transaction
    from scomm.nist.validation import check_images_decode

    try:
        txn = read_transaction(data)
    except TransactionFormatError:
        return "refused by reader"
    if not decode:
        return "read"
    try:
        check_images_decode(txn)
    except TransactionFormatError:
        return "read, image refused"
    return "read and decoded"


def run_random(inputs: int, seed: int, decode: bool) -> None:
    from rich.progress import Progress

    corpus = seeds()
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    crashes: list[tuple[str, bytes]] = []
    slowest = 0.0

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    t0 = time.perf_counter()
    with Progress(transient=True) as progress:
        task = progress.add_task("fuzzing", total=inputs)
        for _ in range(inputs):
            data = mutate(rng.choice(corpus), rng)
            start = time.perf_counter()
            signal.alarm(PER_INPUT_TIMEOUT_S)
            try:
                outcomes[one_input(data, decode)] += 1
            except TimeoutError:
                outcomes["HANG"] += 1
                crashes.append(("hang", data))
            except Exception as exc:  # noqa: BLE001 - any other exception is the finding
                outcomes["CRASH " + type(exc).__name__] += 1
                crashes.append((repr(exc), data))
            finally:
                signal.alarm(0)
            slowest = max(slowest, time.perf_counter() - start)
            progress.advance(task)
    total = time.perf_counter() - t0
    print_outcomes(f"nist reader fuzz (random mutations, seed {seed}, decode={decode})", outcomes, inputs,
                   slowest, total)
    for reason, data in crashes[:5]:
        path = Path(tempfile.gettempdir()) / f"nist-fuzz-crash-{abs(hash(data))}.eft"
        path.write_bytes(data)
        print(f"crash {reason}: saved {path}", file=sys.stderr)
    sys.exit(1 if crashes else 0)


def run_wsq(inputs: int, seed: int) -> None:
    """Mutate the card's 14 real WSQ streams directly (header and coded data) and decode."""

    from scomm.errors import TransactionFormatError
    from scomm.nist.images import decode_wsq, finger_image_records
    from scomm.nist.reader import read_transaction

    streams = [img.data for img in finger_image_records(read_transaction(SAMPLE.read_bytes()))]
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    slowest = 0.0

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    t0 = time.perf_counter()
    for _ in range(inputs):
        buf = bytearray(rng.choice(streams))
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(min(len(buf), 1200)) if rng.random() < 0.5 else rng.randrange(len(buf))
            buf[i] = rng.randrange(256)
        if rng.random() < 0.2:
            del buf[rng.randrange(len(buf)) :]
        start = time.perf_counter()
        signal.alarm(PER_INPUT_TIMEOUT_S)
        try:
            decode_wsq(bytes(buf), "fuzz")
            outcomes["decoded"] += 1
        except TransactionFormatError as err:
            if "crashed" in err.reason:
                outcomes["refused: C decoder crashed (worker restarted)"] += 1
            elif "did not finish" in err.reason:
                outcomes["refused: C decoder hung (worker killed)"] += 1
            elif "does not decode" in err.reason:
                outcomes["refused: C decoder error"] += 1
            else:
                outcomes["refused: header check"] += 1
        except TimeoutError:
            outcomes["HANG"] += 1
        except Exception as exc:  # noqa: BLE001 - any other exception is the finding
            outcomes["CRASH " + type(exc).__name__] += 1
        finally:
            signal.alarm(0)
        slowest = max(slowest, time.perf_counter() - start)
    print_outcomes(f"WSQ decoder fuzz (seed {seed})", outcomes, inputs, slowest, time.perf_counter() - t0)
    sys.exit(1 if any(k.startswith(("CRASH", "HANG")) for k in outcomes) else 0)


def run_atheris(seconds: int, decode: bool) -> None:
    import atheris

    with atheris.instrument_imports(include=["scomm.nist"]):
        from scomm.errors import TransactionFormatError
        from scomm.nist.reader import read_transaction
        from scomm.nist.validation import check_images_decode

    def target(data: bytes) -> None:
        try:
            txn = read_transaction(data)
            if decode:
                check_images_decode(txn)
        except TransactionFormatError:
            pass

    corpus = Path(tempfile.mkdtemp(prefix="nist-fuzz-corpus-"))
    for k, s in enumerate(seeds()):
        if decode and len(s) > 100_000:
            continue  # decoding all 14 images of the full card is seconds, not a fuzzing speed
        (corpus / f"seed{k}").write_bytes(s)
    timeout = PER_INPUT_TIMEOUT_S * (3 if decode else 1)
    args = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", f"-timeout={timeout}",
            "-max_len=700000", "-print_final_stats=1", "-rss_limit_mb=2048",
            f"-artifact_prefix={tempfile.gettempdir()}/nist-fuzz-"]
    atheris.Setup(args, target)
    atheris.Fuzz()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=["random", "atheris", "wsq"], default="random")
    ap.add_argument("--inputs", type=int, default=20000, help="random engine: number of mutated inputs")
    ap.add_argument("--seconds", type=int, default=300, help="atheris engine: total time")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-decode", action="store_true", help="parse only, do not decode images")
    a = ap.parse_args()
    os.chdir(Path(__file__).resolve().parent.parent)
    if a.engine == "atheris":
        run_atheris(a.seconds, not a.no_decode)
    elif a.engine == "wsq":
        run_wsq(a.inputs, a.seed)
    else:
        run_random(a.inputs, a.seed, not a.no_decode)


if __name__ == "__main__":
    main()
