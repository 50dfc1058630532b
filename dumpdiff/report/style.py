"""Terminal styling: colour only on a terminal, and never when NO_COLOR is set."""

from __future__ import annotations

import os
import sys
from typing import IO

_CODES = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35",
          "cyan": "36", "bold": "1", "dim": "2"}


class Style:
    """Wraps text in ANSI codes when enabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def style_for(stream: IO[str]) -> Style:
    """Colour when `stream` is a terminal and NO_COLOR is unset (https://no-color.org)."""
    enabled = "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()
    return Style(enabled and os.environ.get("TERM") != "dumb")


def stdout_style() -> Style:
    """The style for standard output."""
    return style_for(sys.stdout)
