"""Command-line interface: ``scomm demo``, ``scomm report``, ``scomm submit``, ``scomm bench ...``."""

from __future__ import annotations

import sys

# Each module attaches its commands to the shared apps on import.
from scomm.cli import admin_cmd as _admin_cmd  # noqa: F401
from scomm.cli import bench_fvc_cmd as _bench_fvc_cmd  # noqa: F401
from scomm.cli import bench_search_cmd as _bench_search_cmd  # noqa: F401
from scomm.cli import nist_cmd as _nist_cmd  # noqa: F401
from scomm.cli import pipeline_cmd as _pipeline_cmd  # noqa: F401
from scomm.cli import submit_cmd as _submit_cmd  # noqa: F401
from scomm.cli import synth_cmd as _synth_cmd  # noqa: F401
from scomm.cli._app import app
from scomm.errors import ScommError


def main() -> None:
    """Entry point: turns scomm's own errors into one readable line and exit code 2."""
    try:
        app()
    except ScommError as exc:
        from rich.console import Console

        Console(stderr=True).print(f"[bold red]error:[/] {exc}")
        sys.exit(2)


__all__ = ["app", "main"]
