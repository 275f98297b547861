"""``scomm submit FILE``: an ANSI/NIST-ITL booking in, response transactions out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from scomm.cli._app import app

console = Console()


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="ANSI/NIST-ITL transaction (criminal ten-print submission, CAR).")],
    out: Annotated[Path, typer.Option(help="Folder for the response transactions.")] = Path("responses"),
    db: Annotated[Path | None, typer.Option(help="SQLite file (default $SCOMM_DATABASE_URL or scomm-data/scomm.sqlite).")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="Register the submitting ORI in this county (FIPS) first, with its real activation date and the historical policy if it has none.")] = None,
    sequence: Annotated[bool, typer.Option(help="Refuse cards whose rolled prints do not match their plain impressions' order (FBI sequence check).")] = True,
) -> None:
    """Run one transaction through the pipeline and write the answers (SRE, IDR / IDR-IAR / no-match, or ERRT).

    Other ten-print transactions (such as NIST's sample card, an amnesia inquiry) become
    bookings with ``scomm nist make-car`` first.
    """
    from scomm.cli.admin_cmd import open_db
    from scomm.errors import FieldError
    from scomm.nist import (
        CriminalAnswer,
        ErrorAnswer,
        IarData,
        ImmigrationAnswer,
        read_booking,
        write_response,
    )
    from scomm.pipeline.runner import Pipeline
    from scomm.store.schema import BookingRow

    data = file.read_bytes()
    out.mkdir(parents=True, exist_ok=True)
    store = open_db(db)
    try:
        sub = read_booking(data)
        if sequence:
            from scomm.nist.booking import ROLLED_IMPRESSIONS
            from scomm.nist.reader import read_transaction
            from scomm.nist.sequence import require_sequence
            from scomm.pipeline.runner import extract_templates, with_templates

            # Extract once: the sequence check reads the rolled templates, intake stores them all.
            templates = extract_templates(sub)
            sub = with_templates(sub, templates)
            rolled = {f.position: templates[f.position] for f in sub.fingers if f.impression in ROLLED_IMPRESSIONS}
            require_sequence(read_transaction(data), rolled)
        if jurisdiction is not None:
            _register(store, sub.ori, jurisdiction)
        pipeline = Pipeline(store)
        result = pipeline.submit(sub)
    except FieldError as exc:
        path = out / f"{file.stem}-ERRT.eft"
        path.write_bytes(write_response(ErrorAnswer.for_submission(data, exc)))
        console.print(f"[red]refused[/] {exc}\nerror response: {path}")
        raise typer.Exit(2) from None
    status = pipeline.advance(result.booking_id)
    pipeline.dispatch_outbox()
    with store.sessions() as session:
        row = session.get(BookingRow, result.booking_id)
        assert row is not None
        answers: list[tuple[str, object]] = [("SRE", CriminalAnswer(row.tcn, row.ori, bool(row.criminal_identified),
                                                                    row.criminal_identity_id, result.recapture))]
        if row.immigration_searched:
            iar = None
            if row.immigration_identity_id is not None and row.status_reason is not None:
                iar = IarData(status=("REMOVABLE: " if row.removable else "NOT REMOVABLE: ") + row.status_reason,
                              narrative=f"level {row.level}; decision: {row.decision_reason or 'pending'}")
            kind = "IDR-IAR" if iar else ("IDR" if row.immigration_identity_id else "IDR-NOMATCH")
            answers.append((kind, ImmigrationAnswer(row.tcn, row.ori, row.immigration_identity_id is not None,
                                                    row.immigration_identity_id, iar)))
    for kind, answer in answers:
        path = out / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', result.tcn)}-{kind}.eft"
        path.write_bytes(write_response(answer))  # type: ignore[arg-type]
        console.print(f"{kind:<12} {path}")
    if result.recapture:
        console.print(f"[yellow]recapture advised[/] for finger(s) {', '.join(map(str, result.recapture))}: "
                      "too poor to rely on (searched with less weight)")
    console.print(f"booking {result.tcn}: {status.value}" + ("" if result.created else " (already received)"))


def _register(store: object, ori: str, fips: str) -> None:
    from datetime import date as _date

    from scomm.errors import PolicyError
    from scomm.policy import real_activation_registry, shipped_policy
    from scomm.store import Store
    from scomm.store.registry import (
        assign_policy,
        policy_for,
        register_agency,
        register_jurisdiction,
    )

    assert isinstance(store, Store)
    j = real_activation_registry().get(fips)
    if j is None:
        raise PolicyError("jurisdiction", f"{fips!r} is not a U.S. county FIPS code")
    with store.transaction() as session:
        register_jurisdiction(session, j, actor="cli-submit")
        register_agency(session, ori, ori, fips)
        try:
            policy_for(session, fips, _date.today())
        except PolicyError:
            assign_policy(session, fips, shipped_policy("historical-2008"), _date(2008, 1, 1), actor="cli-submit")
