"""``scomm nist dump FILE`` and ``scomm nist images FILE OUT/``: look inside a transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scomm.cli._app import nist_app

IMPRESSIONS = {0: "live plain", 1: "live rolled", 2: "nonlive plain", 3: "nonlive rolled", 4: "latent", 8: "live swipe"}
POSITIONS = {
    0: "unknown", 1: "R thumb", 2: "R index", 3: "R middle", 4: "R ring", 5: "R little",
    6: "L thumb", 7: "L index", 8: "L middle", 9: "L ring", 10: "L little",
    11: "R thumb plain", 12: "L thumb plain", 13: "R four plain", 14: "L four plain", 15: "both thumbs",
}


def _show(value: bytes, limit: int) -> str:
    """Separators as visible marks (RS '¦', US '·'), binary summarised, long text cut."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(value)} bytes binary>"
    if any(ord(c) < 0x1C or ord(c) == 0x7F for c in text if c not in "\t\n\r"):
        return f"<{len(value)} bytes binary>"
    text = text.replace("\x1e", " ¦ ").replace("\x1f", "·")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@nist_app.command("dump")
def dump(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="ANSI/NIST-ITL transaction (.eft, .an2)")],
    width: Annotated[int, typer.Option(help="Longest field value shown, in characters")] = 60,
    validate: Annotated[bool, typer.Option(help="Check image records (off: show a file that fails them)")] = True,
) -> None:
    """Show every record and field, and each image's position, impression, size and resolution."""
    from rich.console import Console
    from rich.table import Table

    from scomm.errors import TransactionFormatError
    from scomm.nist.fields import MNEMONICS
    from scomm.nist.images import finger_image_records
    from scomm.nist.reader import read_transaction_file
    from scomm.nist.transaction import TaggedRecord

    txn = read_transaction_file(file, validate=validate)
    console = Console()
    console.print(
        f"[bold]{file.name}[/]: version {txn.version}, TOT {txn.tot}, TCN {txn.tcn!r}, "
        f"ORI {txn.ori}, {len(txn)} records, {file.stat().st_size} bytes"
    )
    for rec in txn.records:
        table = Table(title=f"record {rec.index}: Type-{rec.type}", title_justify="left", show_lines=False)
        table.add_column("field", style="cyan", no_wrap=True)
        table.add_column("name", style="magenta")
        table.add_column("value")
        if isinstance(rec, TaggedRecord):
            for f in rec.fields:
                tag = (f.tag or f"{rec.type}.{f.number:03d}".encode()).decode("ascii", "replace")
                table.add_row(tag, MNEMONICS.get(rec.type, {}).get(f.number, ""), _show(f.value, width))
        else:
            fgp = ",".join(str(p) for p in rec.fgp if p != 255)
            for label, name, value in (
                ("4.002", "IDC", rec.idc), ("4.003", "IMP", rec.imp), ("4.004", "FGP", fgp),
                ("4.005", "ISR", rec.isr), ("4.006", "HLL", rec.hll), ("4.007", "VLL", rec.vll),
                ("4.008", "GCA", rec.gca), ("4.009", "DATA", f"<{len(rec.data)} bytes>"),
            ):
                table.add_row(label, name, str(value))
        console.print(table)
    try:
        images = finger_image_records(txn)
    except TransactionFormatError as exc:
        console.print(f"[bold red]images not summarised:[/] {exc}")
        return
    if images:
        summary = Table(title="images", title_justify="left")
        for col in ("record", "type", "position", "impression", "size", "ppi", "compression", "bytes"):
            summary.add_column(col, justify="right" if col in ("record", "ppi", "bytes") else "left")
        for img in images:
            positions = ", ".join(f"{p} {POSITIONS.get(p, '')}".strip() for p in img.positions)
            summary.add_row(
                str(img.record_index), f"Type-{img.record_type}", positions,
                f"{img.impression} {IMPRESSIONS.get(img.impression, '')}".strip(),
                f"{img.width}x{img.height}", str(img.ppi or "?"), img.compression, str(len(img.data)),
            )
        console.print(summary)


@nist_app.command("images")
def images(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="ANSI/NIST-ITL transaction")],
    out: Annotated[Path, typer.Argument(file_okay=False, help="Folder for the PNG files (created)")],
) -> None:
    """Decode every fingerprint image to PNG, named by record, finger position and impression."""
    from PIL import Image
    from rich.console import Console
    from rich.progress import Progress

    from scomm.nist.images import decode_image, finger_image_records
    from scomm.nist.reader import read_transaction_file

    txn = read_transaction_file(file)
    found = finger_image_records(txn)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with Progress(transient=True) as progress:
        task = progress.add_task("decoding", total=len(found))
        for img in found:
            pixels = decode_image(img)
            pos = "-".join(str(p) for p in img.positions) or "0"
            path = out / f"r{img.record_index:02d}_type{img.record_type}_fgp{pos}_imp{img.impression}.png"
            if img.ppi:
                Image.fromarray(pixels).save(path, dpi=(img.ppi, img.ppi))
            else:
                Image.fromarray(pixels).save(path)
            written.append(path)
            progress.advance(task)
    Console().print(f"{len(written)} images written to {out}")


@nist_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="ANSI/NIST-ITL transaction")],
    sequence: Annotated[bool, typer.Option(help="Also check that the rolled prints are in the right boxes (against the plain impressions; seconds).")] = True,
) -> None:
    """Read strictly, decode every image and, for a CAR/CNA, map and validate the booking.

    Exits with status 2 and the record and field at fault on the first problem.
    """
    from rich.console import Console

    from scomm.nist.booking import CRIMINAL_TENPRINT_TOTS, booking_from_transaction
    from scomm.nist.reader import read_transaction_file
    from scomm.nist.sequence import require_sequence
    from scomm.nist.validation import check_images_decode
    from scomm.pipeline.submission import validate_submission

    txn = read_transaction_file(file)
    check_images_decode(txn)
    console = Console()
    if sequence:
        result = require_sequence(txn)
        console.print(f"sequence check: {result.describe() if result else 'no plain impressions to check against'}")
    if txn.tot in CRIMINAL_TENPRINT_TOTS:
        sub = booking_from_transaction(txn)
        validate_submission(sub)
        console.print(
            f"[green]ok[/]: {file.name} is a valid {txn.tot} booking, TCN {sub.tcn}, ORI {sub.ori}, "
            f"{len(sub.fingers)} fingers, {len(sub.charges)} charges"
        )
    else:
        console.print(f"[green]ok[/]: {file.name} reads and its images decode (TOT {txn.tot} is not a booking)")


@nist_app.command("make-car")
def make_car(
    source: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A ten-print transaction to take the images from")],
    out: Annotated[Path, typer.Argument(dir_okay=False, help="The CAR transaction to write")],
    tcn: Annotated[str, typer.Option(help="Transaction control number (1.009)")],
    name: Annotated[str, typer.Option(help="Subject as 'LAST,FIRST MIDDLE' (2.018 NAM)")],
    arrest_date: Annotated[str, typer.Option(help="Date of arrest, YYYY-MM-DD (2.045 DOA)")],
    charge: Annotated[list[str], typer.Option(help="'NNNN literal', NCIC code first; repeatable (2.047 ASL)")],
    dob: Annotated[str | None, typer.Option(help="Date of birth, YYYY-MM-DD (2.022 DOB)")] = None,
    sex: Annotated[str, typer.Option(help="M, F, X or U (2.024 SEX)")] = "U",
    pob: Annotated[str | None, typer.Option(help="Place of birth, NCIC code (2.020 POB)")] = None,
    cri: Annotated[str | None, typer.Option(help="Controlling agency ORI (2.073 CRI)")] = None,
) -> None:
    """Turn a ten-print transaction (e.g. the NIST sample card) into a CAR booking, images untouched."""
    import re
    from datetime import date

    from rich.console import Console

    from scomm.errors import InvalidSubmission
    from scomm.nist.booking import car_from_tenprint
    from scomm.nist.reader import read_transaction_file
    from scomm.nist.writer import write_transaction
    from scomm.pipeline.submission import UNKNOWN_OFFENSE, Charge, Sex, Subject

    def day(text: str, option: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidSubmission(option, f"must be YYYY-MM-DD (got {text!r})") from None

    last, _, given = name.partition(",")
    first, _, middle = given.strip().partition(" ")
    try:
        sex_code = Sex(sex.upper())
    except ValueError:
        raise InvalidSubmission("--sex", f"must be M, F, X or U (got {sex!r})") from None
    subject = Subject(last.strip(), first.strip(), day(dob, "--dob") if dob else None, sex_code, pob, middle.strip())
    charges = []
    for text in charge:
        m = re.match(r"^\s*(\d{4})\s*(.*)$", text)
        charges.append(Charge(m.group(1), m.group(2).strip()) if m else Charge(UNKNOWN_OFFENSE, text.strip()))
    car = car_from_tenprint(
        read_transaction_file(source), tcn=tcn, subject=subject,
        arrest_date=day(arrest_date, "--arrest-date"), charges=charges, cri=cri,
    )
    data = write_transaction(car)
    out.write_bytes(data)
    Console().print(f"wrote {out} ({len(data)} bytes): CAR, TCN {tcn}, {len(charges)} charge(s)")
