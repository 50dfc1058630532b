"""JSON output shared by every command: stable key order, UTF-8, trailing newline."""

from __future__ import annotations

from typing import Any

import orjson


def render(data: Any) -> str:
    """Pretty JSON text."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"
