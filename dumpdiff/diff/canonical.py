"""The canonical keyed form of a resource: lists become dicts keyed by what names an item.

`virtual_hosts: [{name: a, routes: [...]}, ...]` becomes
`{"virtual_hosts": {"[a]": {"routes": {"[default]": ...}}}}` so that a diff reports
`virtual_hosts[a].routes[default]` instead of `[3][5]`, and set-like lists compare equal in
any order. For ordered lists the order of labels is kept beside the tree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from dumpdiff.diff.semantics import ListRule, rule_for
from dumpdiff.model.labels import LABELERS, compact

Path = tuple[str, ...]


@dataclass(slots=True)
class Canonical:
    """A resource in keyed form, the order of its ordered lists, and a digest of both."""

    tree: Any
    orders: dict[Path, list[str]] = field(default_factory=dict)
    digest: bytes = b""


def canonicalize(body: Any) -> Canonical:
    """Build the keyed form of a (normalized) resource body."""
    orders: dict[Path, list[str]] = {}
    tree = _keyed(body, "", (), orders)
    data = orjson.dumps([tree, sorted((list(k), v) for k, v in orders.items())],
                        option=orjson.OPT_SORT_KEYS)
    return Canonical(tree, orders, hashlib.blake2b(data, digest_size=16).digest())


def _keyed(obj: Any, parent: str, path: Path, orders: dict[Path, list[str]]) -> Any:
    if isinstance(obj, dict):
        return {k: _keyed_field(v, parent, k, (*path, k), orders) for k, v in obj.items()}
    return obj


def _keyed_field(value: Any, parent: str, field_name: str, path: Path,
                 orders: dict[Path, list[str]]) -> Any:
    if isinstance(value, dict):
        return {k: _keyed_field(v, field_name, k, (*path, k), orders) for k, v in value.items()}
    if not isinstance(value, list) or not value:
        return value
    rule = rule_for(parent, field_name)
    if all(not isinstance(v, (dict, list)) for v in value):
        if rule is not None and rule.scalars == "set":
            return {f"[{v}]": v for v in value}
        return value  # compared whole: order may matter (alpn, retry_on...)
    if not all(isinstance(v, dict) for v in value):
        return value
    labels = item_labels(value, rule)
    if rule is not None and rule.ordered:
        orders[path] = labels
    return {f"[{label}]": _keyed(item, field_name, (*path, f"[{label}]"), orders)
            for label, item in zip(labels, value)}


def item_labels(items: list[dict[str, Any]], rule: ListRule | None) -> list[str]:
    """One unique label per item: its key per the rule (or `name`), else its content."""
    keys: tuple[tuple[str, ...], ...] = rule.key if rule is not None and rule.key else (("name",),)
    labels = [_label(item, keys) for item in items]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    # Duplicates get their content appended, so the label does not depend on list order.
    return [label if seen[label] == 1 else f"{label} {compact(item, 40)}"
            for label, item in zip(labels, items)]


def _label(item: dict[str, Any], keys: tuple[tuple[str, ...], ...]) -> str:
    for key in keys:
        value: Any = item
        for part in key:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None or value == "":
            continue
        if isinstance(value, (dict, list)):
            labeler = LABELERS.get(key[-1])
            return labeler(value) if labeler else compact(value)
        return str(value)
    return compact(item)
