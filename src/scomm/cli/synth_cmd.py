"""``scomm synth``: write a synthetic fingerprint set as FVC-style PNG files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scomm.cli._app import app


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(p) for p in text.lower().split("x"))
    except ValueError as exc:
        raise typer.BadParameter(f"size must look like 400x400, got {text!r}") from exc
    if w < 64 or h < 64:
        raise typer.BadParameter(f"size must be at least 64x64, got {text!r}")
    return w, h


@app.command("synth")
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write FINGER_IMPRESSION.png files and manifest.csv into.")],
    people: Annotated[int, typer.Option("--people", "-n", min=1, help="Number of synthetic persons.")] = 10,
    impressions: Annotated[int, typer.Option("--impressions", "-k", min=1, help="Impressions per finger.")] = 8,
    fingers: Annotated[int, typer.Option("--fingers", "-f", min=1, max=10,
                                         help="Fingers per person (1 = right thumb; 10 = all, FBI order).")] = 1,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Population seed: the same seed gives the same set.")] = 0,
    size: Annotated[str, typer.Option("--size", help="Image width x height in pixels (500 ppi).")] = "400x400",
    rolled: Annotated[bool, typer.Option("--rolled/--plain", help="Rolled or plain (default) livescan impressions.")] = False,
    first_person: Annotated[int, typer.Option("--first-person", min=0, help="Id of the first person.")] = 0,
) -> None:
    """Generate synthetic fingerprint images: each finger gets a number (1, 2, ...) and its
    impressions are FINGER_IMPRESSION.png, as in the FVC databases; manifest.csv says which
    person, finger position and pattern class each number is."""
    import csv

    from PIL import Image
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from scomm.biometrics.template import FingerPosition, ImpressionType
    from scomm.synth import make_person, render_impression

    width, height = _parse_size(size)
    kind = ImpressionType.LIVESCAN_ROLLED if rolled else ImpressionType.LIVESCAN_PLAIN
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    total = people * fingers * impressions
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn()) as bar:
        task = bar.add_task("synthesising", total=total)
        number = 0
        for pid in range(first_person, first_person + people):
            person = make_person(seed, pid)
            for f in range(1, fingers + 1):
                number += 1
                position = FingerPosition(f)
                rows.append((number, seed, pid, int(position), position.name,
                             person.master(position).pattern.name))
                for k in range(1, impressions + 1):
                    img = render_impression(person, position, k, kind, (width, height))
                    Image.fromarray(img).save(out / f"{number}_{k}.png", dpi=(500, 500))
                    bar.advance(task)
    with open(out / "manifest.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["finger", "seed", "person", "position", "position_name", "pattern"])
        w.writerows(rows)
    typer.echo(f"wrote {total} images of {people * fingers} fingers to {out}")
