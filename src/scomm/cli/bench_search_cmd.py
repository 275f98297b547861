"""``scomm bench search``: 1:N search speed and accuracy on synthetic tenprints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scomm.cli._app import bench_app


@bench_app.command("search")
def bench_search(
    identities: Annotated[int, typer.Option("--identities", "-n", help="Synthetic identities to enrol.")] = 10_000,
    backend: Annotated[str, typer.Option(help="cpu, gpu or cluster; comma-separated for several.")] = "cpu",
    mated: Annotated[int, typer.Option(help="Mated probe searches (second impression, enrolled).")] = 200,
    nonmated: Annotated[int, typer.Option(help="Non-mated probe searches (never enrolled).")] = 1000,
    latency: Annotated[int, typer.Option(help="Searches timed one at a time for latency.")] = 50,
    gallery_dir: Annotated[Path | None, typer.Option(help="Keep the gallery here; reuse it next run.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per configuration per line.")] = False,
    matcher: Annotated[str, typer.Option(help="Second-stage matcher: mcc (full 1:1) or descriptor.")] = "mcc",
    candidates: Annotated[int | None, typer.Option(help="Identities the first stage hands on (default: 32 descriptor, 4 mcc).")] = None,
    write_calibration: Annotated[bool, typer.Option(help="Store the calibration as the package default.")] = False,
) -> None:
    """Enrol N synthetic identities, search mated and non-mated probes, print the figures."""
    import json
    from importlib import resources

    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from scomm.biometrics.search import benchmark

    console = Console(stderr=as_json, width=160)
    reports: list[Any] = []
    with Progress(console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        for b in [s.strip() for s in backend.split(",") if s.strip()]:
            tasks.clear()
            report, cal = benchmark.run(identities, b, mated=mated, nonmated=nonmated, latency_searches=latency,
                                        directory=gallery_dir, candidates=candidates, matcher=matcher,
                                        progress=progress)
            reports.append(report)
            if as_json:
                print(report.to_json(), flush=True)
            if write_calibration:
                target = Path(str(resources.files("scomm.biometrics.search").joinpath("calibration.json")))
                table = json.loads(target.read_text()) if target.exists() else {}
                table[matcher] = cal.to_dict()
                target.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    if as_json:
        return
    out = Table(title=f"1:N tenprint search, synthetic ({benchmark.machine()})")
    for col in ("backend", "identities", "median ms", "p95 ms", "searches/s", "rank-1", "FNIR@FPIR0.1%",
                "1st stage ms", "touched", "B/finger", "disk B/id", "matcher"):
        out.add_column(col, justify="right")
    for r in reports:
        out.add_row(r.backend, f"{r.identities:,}", f"{r.median_ms:.1f}", f"{r.p95_ms:.1f}",
                    f"{r.searches_per_s:.1f}", f"{r.rank1:.2%}", f"{r.fnir_at_fpir_0_001:.2%}",
                    f"{r.first_stage_median_ms:.1f}", f"{r.touched_fraction:.3%}", str(r.bytes_per_finger),
                    f"{r.disk_bytes_per_identity:,.0f}", r.matcher)
    console.print(out)
