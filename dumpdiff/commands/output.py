"""Output choices shared by the commands, and the one way they print a result."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from dumpdiff.report import jsonout
from dumpdiff.report.writer import emit


class TextOrJson(str, Enum):
    """Text for people, JSON for machines."""

    text = "text"
    json = "json"


class TextJsonMarkdown(str, Enum):
    """Text, JSON, or Markdown for a ticket."""

    text = "text"
    json = "json"
    markdown = "markdown"


def show(as_json: bool, data: Callable[[], Any], text: Callable[[], str],
         output_file: str | None = None) -> None:
    """Print (or write atomically) the JSON form or the text form of a result."""
    emit(jsonout.render(data()) if as_json else text(), output_file)
