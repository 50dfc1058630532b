"""`dumpdiff lint`, `dumpdiff facts` and `dumpdiff rules` (registered by cli.py)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the lint commands to `app`."""
