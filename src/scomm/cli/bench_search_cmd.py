"""``scomm bench search``: 1:N search speed and accuracy on synthetic tenprints."""

from __future__ import annotations

from pathlib import Path

import typer

from scomm.cli._app import bench_app


@bench_app.command("search")
def bench_search(
    identities: int = typer.Option(10_000, "--identities", "-n", help="Synthetic identities to enrol."),
    backend: str = typer.Option("cpu", "--backend", help="cpu, gpu or cluster; comma-separated for several."),
    mated: int = typer.Option(200, help="Mated probe searches (second impression of an enrolled person)."),
    nonmated: int = typer.Option(1000, help="Non-mated probe searches (persons never enrolled)."),
    latency: int = typer.Option(50, help="Searches timed one at a time for the latency figures."),
    gallery_dir: Path = typer.Option(None, help="Keep the gallery here and reuse it on the next run."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per configuration per line."),
    write_calibration: bool = typer.Option(False, help="Store the measured calibration as the package default."),
) -> None:
    """Enrol N synthetic identities, search mated and non-mated probes, print the figures."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from scomm.biometrics.search import benchmark

    console = Console(stderr=as_json)
    reports = []
    with Progress(console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        for b in [s.strip() for s in backend.split(",") if s.strip()]:
            tasks.clear()
            if b == "cluster":
                from scomm.biometrics.search import cluster_benchmark

                report, cal = cluster_benchmark.run(identities, mated=mated, nonmated=nonmated,
                                                    latency_searches=latency, directory=gallery_dir,
                                                    progress=progress)
            else:
                report, cal = benchmark.run(identities, b, mated=mated, nonmated=nonmated,
                                            latency_searches=latency, directory=gallery_dir, progress=progress)
            reports.append(report)
            if as_json:
                print(report.to_json(), flush=True)
            if write_calibration:
                import json
                from importlib import resources

                target = Path(str(resources.files("scomm.biometrics.search").joinpath("calibration.json")))
                target.write_text(json.dumps(cal.to_dict(), indent=1) + "\n")
    if as_json:
        return
    table = Table(title=f"1:N tenprint search, synthetic ({benchmark.machine()})")
    for col in ("backend", "identities", "median ms", "p95 ms", "searches/s", "rank-1", "FNIR@FPIR0.1%",
                "1st stage ms", "touched", "B/finger", "disk B/id", "matcher"):
        table.add_column(col, justify="right")
    for r in reports:
        table.add_row(r.backend, f"{r.identities:,}", f"{r.median_ms:.1f}", f"{r.p95_ms:.1f}",
                      f"{r.searches_per_s:.1f}", f"{r.rank1:.2%}", f"{r.fnir_at_fpir_0_001:.2%}",
                      f"{r.first_stage_median_ms:.1f}", f"{r.touched_fraction:.3%}", str(r.bytes_per_finger),
                      f"{r.disk_bytes_per_identity:,.0f}", r.matcher)
    console.print(table)
