"""The Typer applications every command module attaches to.

Command modules import heavy dependencies inside their functions so that
``scomm --help`` stays instant.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="scomm",
    help="Open fingerprint interoperability: bookings, 1:N search, policy, audit, statistics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
bench_app = typer.Typer(help="Benchmarks: accuracy and speed, measured and printed as tables.", no_args_is_help=True)
nist_app = typer.Typer(help="ANSI/NIST-ITL transactions: inspect, extract images.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
app.add_typer(nist_app, name="nist")
