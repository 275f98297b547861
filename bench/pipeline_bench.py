"""Pipeline throughput on the embedded default (SQLite) and on PostgreSQL, in the same run.

    python bench/pipeline_bench.py [--bookings 300] [--postgres postgresql+psycopg://postgres@127.0.0.1/test]

The searches use the demo's matcher (``--matcher descriptor``) unless told otherwise.
Prints one row per database: bookings per second end to end (intake, both 1:N searches, LESC,
decision, outbox, outcomes) and the mean time of each stage. The ratio between the two rows is the
figure to compare across machines; absolute times depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scomm.biometrics.search import SearchConfig
from scomm.pipeline.galleries import Galleries
from scomm.pipeline.runner import Pipeline
from scomm.policy import shipped_policy
from scomm.simulate.population import CountySpec, build_county
from scomm.simulate.run import enroll_galleries, run_year, setup_jurisdictions
from scomm.store import open_store


def run(url: str, spec: CountySpec, matcher: str) -> dict[str, float]:
    store = open_store(url)
    county = build_county(spec)
    setup_jurisdictions(store, county, shipped_policy("historical-2008"))
    enroll_galleries(store, county)
    stage_times: dict[str, list[float]] = defaultdict(list)
    last = [time.perf_counter()]

    def hook(stage: str, _booking: int) -> None:
        now = time.perf_counter()
        stage_times[stage].append(now - last[0])
        last[0] = now

    pipeline = Pipeline(store, Galleries.load(store, SearchConfig(matcher=matcher)), after_stage=hook)
    t0 = time.perf_counter()
    run_year(pipeline, county, lambda _n: last.__setitem__(0, time.perf_counter()))
    elapsed = time.perf_counter() - t0
    store.dispose()
    out = {"bookings_per_s": spec.bookings / elapsed, "seconds": elapsed}
    out.update({k: 1000 * statistics.mean(v) for k, v in stage_times.items()})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bookings", type=int, default=300)
    ap.add_argument("--criminal", type=int, default=1000)
    ap.add_argument("--immigration", type=int, default=600)
    ap.add_argument("--matcher", default="descriptor", help="second-stage matcher: descriptor or mcc")
    ap.add_argument("--postgres", default=None, help="base URL of a PostgreSQL server (a scratch database is made)")
    args = ap.parse_args()
    spec = CountySpec(bookings=args.bookings, criminal_identities=args.criminal,
                      immigration_only_identities=args.immigration)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("sqlite", run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", spec, args.matcher)))
    if args.postgres:
        name = f"scomm_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            rows.append(("postgresql", run(make_url(args.postgres).set(database=name).render_as_string(False), spec, args.matcher)))
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    # criminal_check's time includes intake and the synthetic probe's generation (the clock restarts per booking).
    stages = ["criminal_check", "immigration_check", "status_determination", "decision"]
    t = Table(title=f"Pipeline throughput, {args.bookings} bookings, galleries {args.criminal}+{args.immigration}")
    for col in ("database", "bookings/s", "total s", *[f"{s} ms" for s in stages]):
        t.add_column(col, justify="right")
    for name, r in rows:
        t.add_row(name, f"{r['bookings_per_s']:.1f}", f"{r['seconds']:.1f}", *[f"{r.get(s, 0):.1f}" for s in stages])
    Console(width=140).print(t)


if __name__ == "__main__":
    main()
