"""Short, readable renderings of values inside changes."""

from __future__ import annotations

from typing import Any

import orjson


def short(value: Any, limit: int = 120) -> str:
    """One-line rendering: scalars as-is, objects as compact JSON, cut at `limit`."""
    if value is None:
        return "∅"
    if isinstance(value, str):
        text = value
    else:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"
