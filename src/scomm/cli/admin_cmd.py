"""``scomm jurisdiction``, ``scomm agency``, ``scomm policy``: who is activated, who books, which rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scomm.cli._app import app

console = Console()
jurisdiction_app = typer.Typer(help="Jurisdictions and their dated activation states (activation, pilot, opt-out).",
                               no_args_is_help=True)
agency_app = typer.Typer(help="Booking agencies (ORIs) and the jurisdiction each belongs to.", no_args_is_help=True)
policy_app = typer.Typer(help="Enforcement policies: shipped or your own TOML, assigned per jurisdiction by date.",
                         no_args_is_help=True)
app.add_typer(jurisdiction_app, name="jurisdiction")
app.add_typer(agency_app, name="agency")
app.add_typer(policy_app, name="policy")

DbOption = Annotated[Path | None, typer.Option("--db", help="SQLite file (default $SCOMM_DATABASE_URL or scomm-data/scomm.sqlite).")]


def open_db(db: Path | None):  # type: ignore[no-untyped-def]
    from scomm.store import open_store

    return open_store(f"sqlite:///{db.as_posix()}" if db is not None else None)


def _day(text: str, field: str) -> date:
    from scomm.errors import PolicyError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PolicyError(field, f"must be a date YYYY-MM-DD, got {text!r}") from None


@jurisdiction_app.command("add")
def jurisdiction_add(fips: str, db: DbOption = None) -> None:
    """Register a U.S. county (5-digit FIPS) with its real Secure Communities activation date."""
    from scomm.errors import PolicyError
    from scomm.policy import real_activation_registry
    from scomm.store.registry import register_jurisdiction

    j = real_activation_registry().get(fips)
    if j is None:
        raise PolicyError("fips", f"{fips!r} is not a U.S. county FIPS code in the activation registry")
    with open_db(db).transaction() as session:
        register_jurisdiction(session, j, actor="cli")
    console.print(f"{j.name}, {j.state} ({fips}): activated {j.history[0].effective}")


@jurisdiction_app.command("set")
def jurisdiction_set(
    fips: str,
    state: Annotated[str, typer.Argument(help="not_activated, pilot, activated or opted_out")],
    on: Annotated[str, typer.Option(help="Effective date, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit log).")] = "",
    db: DbOption = None,
) -> None:
    """Record a dated activation change, e.g. an opt-out: bookings from that date are not searched."""
    from scomm.errors import PolicyError
    from scomm.policy import ActivationChange, ActivationState
    from scomm.store.registry import record_activation

    try:
        st = ActivationState(state)
    except ValueError:
        raise PolicyError("state", f"unknown state {state!r}; use {', '.join(s.value for s in ActivationState)}") from None
    with open_db(db).transaction() as session:
        record_activation(session, fips, ActivationChange(_day(on, "on"), st, reason), actor="cli")
    console.print(f"{fips}: {st.value} from {on}")


@jurisdiction_app.command("show")
def jurisdiction_show(fips: str, db: DbOption = None) -> None:
    """A jurisdiction's activation history."""
    from scomm.store.registry import load_jurisdiction

    with open_db(db).sessions() as session:
        j = load_jurisdiction(session, fips)
    t = Table(title=f"{j.name}, {j.state} ({j.fips})", title_justify="left")
    for col in ("effective", "state", "reason"):
        t.add_column(col)
    for c in j.history:
        t.add_row(c.effective.isoformat(), c.state.value, c.reason)
    console.print(t)


@agency_app.command("add")
def agency_add(ori: str, fips: Annotated[str, typer.Option(help="Jurisdiction FIPS code.")],
               name: Annotated[str, typer.Option(help="Agency name.")] = "", db: DbOption = None) -> None:
    """Register a booking agency (ORI) in a registered jurisdiction."""
    from scomm.errors import PolicyError
    from scomm.pipeline.submission import ORI_PATTERN
    from scomm.store.registry import register_agency

    if not ORI_PATTERN.match(ori):
        raise PolicyError("ori", f"must be a 9-character NCIC ORI, got {ori!r}")
    with open_db(db).transaction() as session:
        register_agency(session, ori, name or ori, fips)
    console.print(f"agency {ori} -> jurisdiction {fips}")


@policy_app.command("assign")
def policy_assign(
    fips: str,
    policy: Annotated[str, typer.Argument(help="A shipped policy id (historical-2008, restrictive-level1) or a .toml file.")],
    effective: Annotated[str, typer.Option("--from", help="Effective date, YYYY-MM-DD.")] = "2008-01-01",
    db: DbOption = None,
) -> None:
    """Put a policy in force in a jurisdiction from a date (the document is stored by id@version)."""
    from scomm.policy import parse_policy, shipped_policy
    from scomm.store.registry import assign_policy

    p = parse_policy(Path(policy).read_text(encoding="utf-8")) if policy.endswith(".toml") else shipped_policy(policy)
    with open_db(db).transaction() as session:
        assign_policy(session, fips, p, _day(effective, "from"), actor="cli")
    console.print(f"{fips}: {p.ref} from {effective}")
