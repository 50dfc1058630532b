"""The canonical keyed form of a resource: lists become dicts keyed by what names an item.

`virtual_hosts: [{name: a, routes: [...]}, ...]` becomes
`{"virtual_hosts": {"[a]": {"routes": {"[default]": ...}}}}` so that a diff reports
`virtual_hosts[a].routes[default]` instead of `[3][5]`, and set-like lists compare equal in
any order. For ordered lists the order of labels is kept beside the tree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from dumpdiff.diff.semantics import rule_for
from dumpdiff.model.labels import LABELERS, compact

Path = tuple[str, ...]


@dataclass(slots=True)
class Canonical:
    """A resource in keyed form, the order of its ordered lists, and a digest of both."""

    tree: Any
    orders: dict[Path, list[str]] = field(default_factory=dict)
    digest: bytes = b""


def canonicalize(body: Any, transform: Callable[[bytes], bytes] | None = None) -> Canonical:
    """Build the keyed form of a resource body; `transform` rewrites the serialized form
    before it is hashed (the normalizer's identity-token replacement)."""
    orders: dict[Path, list[str]] = {}
    tree = _keyed(body, "", (), orders)
    data = orjson.dumps([tree, sorted((list(k), v) for k, v in orders.items())],
                        option=orjson.OPT_SORT_KEYS)
    if transform is not None:
        data = transform(data)
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
    keys: tuple[tuple[str, ...], ...] = rule.key if rule is not None and rule.key else (("name",),)
    # Each item is keyed on its own, with the orders of its inner lists relative to it.
    keyed_items: list[tuple[Any, dict[Path, list[str]]]] = []
    for item in value:
        inner: dict[Path, list[str]] = {}
        keyed_items.append((_keyed(item, field_name, (), inner), inner))
    labels = [_label(item, keys, tree) for item, (tree, _) in zip(value, keyed_items)]
    if len(set(labels)) != len(labels):
        # Duplicates get their canonical content appended, so that the label depends neither
        # on the order of the list nor on the order of the lists inside the item.
        seen: dict[str, int] = {}
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
        labels = [label if seen[label] == 1 else f"{label} {compact(tree, 40)}"
                  for label, (tree, _) in zip(labels, keyed_items)]
    if rule is not None and rule.ordered:
        orders[path] = labels
    out = {}
    for label, (tree, inner) in zip(labels, keyed_items):
        seg = f"[{label}]"
        out[seg] = tree
        for rel, order in inner.items():
            full: Path = (*path, seg, *rel)
            orders[full] = order
    return out


def _label(item: dict[str, Any], keys: tuple[tuple[str, ...], ...], tree: Any) -> str:
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
    return compact(tree)  # keyed form: the same whatever the order of its inner lists


def unkey(value: Any) -> Any:
    """Turn a keyed-form subtree back into the shape of the dump (lists where it had lists),
    for showing values to people."""
    if isinstance(value, dict):
        if value and all(isinstance(k, str) and k.startswith("[") for k in value):
            return [unkey(v) for v in value.values()]
        return {k: unkey(v) for k, v in value.items()}
    return value
