"""Markdown pieces shared by the ticket reports (compare, fleet)."""

from __future__ import annotations

from dumpdiff.report.values import short
from dumpdiff.results import CHANGED, MOVED, Change


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell or inline code."""
    return text.replace("|", "\\|").replace("\n", " ")


def change_md(c: Change) -> str:
    """`` `path`: `old` → `new` ``, `` `path` **added**: `value` ``, or a move."""
    path = f"`{cell(c.path)}`" if c.path else "(whole resource)"
    if c.kind == CHANGED:
        return f"{path}: `{cell(short(c.old))}` → `{cell(short(c.new))}`"
    if c.kind == MOVED:
        return f"{path}: moved from position {c.old} to {c.new}"
    val = c.new if c.kind == "added" else c.old
    return f"{path} **{c.kind}**: `{cell(short(val))}`"
