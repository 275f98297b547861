"""``scomm demo``, ``scomm report``, ``scomm audit``: the pipeline from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from scomm.cli._app import app

console = Console(width=None if sys.stdout.isatty() else 150)
DEMO_DB = Path("scomm-data/demo.sqlite")
ALTERNATIVE = "restrictive-level1"


def _url(db: Path | None) -> str | None:
    return f"sqlite:///{db.as_posix()}" if db is not None else None


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option(help="Where the demo database and chart are written.")] = Path("scomm-data"),
    bookings: Annotated[int, typer.Option(min=1, help="Bookings in the simulated year.")] = 1000,
    criminal: Annotated[int, typer.Option(min=10, help="Identities in the criminal gallery.")] = 3000,
    immigration: Annotated[int, typer.Option(min=10, help="Identities known only to the immigration gallery.")] = 1800,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic county.")] = 2010,
    matcher: Annotated[str, typer.Option(help="Second-stage matcher of the 1:N searches: 'descriptor' (fast, "
                                              "calibrated at FPIR 0.1%) or 'mcc' (the full 1:1 matcher, slower).")]
    = "descriptor",
) -> None:
    """Simulate a county's year through the real pipeline, then print its statistics under two policies."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from scomm.biometrics.search import SearchConfig
    from scomm.pipeline.galleries import Galleries
    from scomm.pipeline.runner import Pipeline
    from scomm.policy import shipped_policy
    from scomm.simulate.population import CountySpec, build_county
    from scomm.simulate.run import enroll_galleries, run_year, setup_jurisdictions
    from scomm.store import open_store

    t0 = time.perf_counter()
    db = data_dir / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = open_store(_url(db))
    spec = CountySpec(seed=seed, criminal_identities=criminal, immigration_only_identities=immigration,
                      bookings=bookings)
    county = build_county(spec)
    policy = shipped_policy("historical-2008")
    setup_jurisdictions(store, county, policy)
    columns = (TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        total_ids = len(county.criminal) + len(county.immigration)
        task = progress.add_task("Enrolling and indexing galleries", total=total_ids)
        galleries = Galleries.empty(SearchConfig(matcher=matcher))
        enroll_galleries(store, county, lambda n: progress.advance(task, n), galleries=galleries, workers=2)
        pipeline = Pipeline(store, galleries)
        task = progress.add_task(f"Bookings under {policy.ref}", total=len(county.bookings))
        run_year(pipeline, county, lambda n: progress.advance(task, n))
    console.print(f"[dim]{len(county.bookings)} bookings in {time.perf_counter() - t0:.0f} s[/]")
    _report(store, ALTERNATIVE, data_dir / "removals-by-level.png")
    console.print(f"Database: [bold]{db}[/]  (again: [bold]scomm report --db {db}[/])")


@app.command()
def report(
    db: Annotated[Path | None, typer.Option(help="SQLite file; default $SCOMM_DATABASE_URL or scomm-data/demo.sqlite.")] = None,
    what_if: Annotated[str, typer.Option(help="Replay the decisions under this shipped policy too.")] = ALTERNATIVE,
    chart: Annotated[Path | None, typer.Option(help="Also write the removals-by-level chart here (PNG).")] = None,
) -> None:
    """Print the monthly statistics of a scomm database, and a what-if under another policy."""
    import os

    from scomm.store import DATABASE_URL_ENV, open_store

    url = _url(db) or os.environ.get(DATABASE_URL_ENV) or _url(DEMO_DB)
    _report(open_store(url, create=False), what_if, chart)


def _report(store: object, what_if: str, chart: Path | None) -> None:
    from sqlalchemy import select

    from scomm.cli.report_view import comparison_table, monthly_table, print_tables, removals_chart
    from scomm.policy import shipped_policy
    from scomm.stats import monthly_statistics
    from scomm.stats.facts import booking_facts
    from scomm.stats.whatif import replay
    from scomm.store import Store
    from scomm.store.schema import BookingRow, JurisdictionRow

    assert isinstance(store, Store)
    with store.sessions() as session:
        facts = booking_facts(session)
        names = {j.fips: f"{j.name} {j.state}" for j in session.execute(select(JurisdictionRow)).scalars()}
        refs = sorted({f"{p}@{v}" for p, v in session.execute(
            select(BookingRow.policy_id, BookingRow.policy_version).where(BookingRow.policy_id.is_not(None))
            .distinct())})
    actual = monthly_statistics(facts)
    actual_ref = ", ".join(refs) or "no decisions"
    alt = replay(facts, shipped_policy(what_if))
    results = {f"{actual_ref} (as run)": actual, f"{alt.policy_ref} (what-if)": monthly_statistics(alt.facts)}
    notes = {f"{alt.policy_ref} (what-if)": f"{alt.detainers_dropped} detainers and {alt.removals_avoided} "
                                            f"removals fewer; {alt.detainers_added} added"}
    print_tables(console, monthly_table(actual, names, f"Monthly interoperability statistics ({actual_ref})"),
                 comparison_table(results, notes))
    if chart is not None:
        console.print(f"Chart: [bold]{removals_chart(results, chart)}[/]")


@app.command()
def audit(
    db: Annotated[Path | None, typer.Option(help="SQLite file; default scomm-data/demo.sqlite.")] = None,
) -> None:
    """Verify the audit log's hash chain: any altered, deleted or reordered event is reported."""
    from scomm.store import open_store, verify_chain

    store = open_store(_url(db) or _url(DEMO_DB), create=False)
    with store.sessions() as session:
        check = verify_chain(session)
    if check.ok:
        console.print(f"[green]audit log intact[/]: {check.events} events")
    else:
        console.print(f"[red]audit log broken[/] at event {check.first_bad_seq}: {check.reason}")
        raise typer.Exit(1)
