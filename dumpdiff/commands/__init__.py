"""Command groups registered on the main typer app by cli.py (one module per engine)."""

from __future__ import annotations

from typing import NoReturn

import typer

from dumpdiff.errors import DumpdiffError


def fail(exc: DumpdiffError) -> NoReturn:
    """One line on stderr and the error's exit code (2 bad input, 3 bad rules)."""
    # One line whatever the message holds (library messages can span several).
    typer.echo(f"dumpdiff: error: {' '.join(str(exc).split())}", err=True)
    raise typer.Exit(exc.exit_code)
