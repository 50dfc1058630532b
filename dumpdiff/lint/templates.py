"""Message templates: `{field}`, `{field.sub}`, `{other.field}` and built-ins, nothing else.

Placeholders are checked against the facts schema when a rule loads, so a typo fails the
rule (exit 3) instead of printing a literal `{feild}` in a finding.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
BUILTINS = frozenset({"this_proxy", "pod", "workload", "rule_id", "join_count"})


def placeholders(template: str) -> list[str]:
    """The dotted names used in `template`, in order."""
    return PLACEHOLDER.findall(template)


def check_placeholder(name: str, item_schema: dict[str, Any],
                      other_schema: dict[str, Any] | None) -> str | None:
    """None when `name` resolves against the row schema(s), else why not."""
    if name in BUILTINS:
        return None
    parts = name.split(".")
    schema = item_schema
    if parts[0] == "other":
        if other_schema is None:
            return f"{{{name}}} needs a `join`"
        schema, parts = other_schema, parts[1:]
        if not parts:
            return f"{{{name}}} must name a field: {{other.<field>}}"
    for i, part in enumerate(parts):
        props = schema.get("properties")
        if not isinstance(props, dict):
            if i > 0 and "object" in _types(schema):
                return None  # free-form object (settings maps): sub-keys are not documented
            return f"{{{name}}}: {'.'.join(parts[:i]) or 'row'} has no fields"
        if part not in props:
            known = ", ".join(sorted(props))
            return f"{{{name}}}: no field {part!r} (known: {known})"
        schema = props[part]
    return None


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type", [])
    return [t] if isinstance(t, str) else list(t)


def _lookup(row: dict[str, Any], dotted: str) -> Any:
    value: Any = row
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def text_of(value: Any) -> str:
    """How a fact value reads in a message."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, list):
        return ", ".join(text_of(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return str(value)


def render(template: str, row: dict[str, Any], context: dict[str, Any]) -> str:
    """Fill `template` from the row, `other` (first joined row) and the built-ins."""
    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in BUILTINS:
            return text_of(context.get(name))
        if name.startswith("other."):
            return text_of(_lookup(context.get("other") or {}, name[6:]))
        return text_of(_lookup(row, name))
    return PLACEHOLDER.sub(fill, template)
