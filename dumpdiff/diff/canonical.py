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
    defaults = dict(rule.defaults) if rule is not None else {}
    labels = _unique_labels(value, keys, [tree for tree, _ in keyed_items], defaults)
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


def _unique_labels(items: list[dict[str, Any]], keys: tuple[tuple[str, ...], ...],
                   trees: list[Any], defaults: dict[str, str]) -> list[str]:
    """One label per item, unique across the list and independent of its order.

    The first key present and unique across the list wins. Where an item's label repeats,
    the next keys' labels are added (`0.0.0.0_8080 [port=8080 tls]`), and as a last resort
    the item's canonical content.
    """
    per_key = [[_key_label(item, key, defaults) for item in items] for key in keys]
    for labels in per_key:
        if all(labels) and len(set(labels)) == len(labels):
            return [str(x) for x in labels]
    out = []
    for i, tree in enumerate(trees):
        parts = [labels[i] for labels in per_key if labels[i]]
        out.append(parts[0] if parts else compact(tree))
    for extra in range(1, len(keys) + 1):
        counts: dict[str, int] = {}
        for label in out:
            counts[label] = counts.get(label, 0) + 1
        if all(c == 1 for c in counts.values()):
            return out
        for i, label in enumerate(out):
            if counts[label] > 1:
                more = [labels[i] for labels in per_key[extra:extra + 1] if labels[i]]
                if more and more[0] not in label:
                    out[i] = f"{label} [{more[0]}]"
    counts = {}
    for label in out:
        counts[label] = counts.get(label, 0) + 1
    # Still the same: the canonical content tells them apart, whatever their order.
    return [label if counts[label] == 1 else f"{label} {compact(tree, 40)}"
            for label, tree in zip(out, trees)]


def _key_label(item: dict[str, Any], key: tuple[str, ...], defaults: dict[str, str]) -> str:
    value: Any = item
    for part in key:
        value = value.get(part) if isinstance(value, dict) else None
    if (value is None or value == "") and len(key) == 1 and key[0] in defaults:
        value = defaults[key[0]]
    if value is None or value == "":
        return ""
    if isinstance(value, (dict, list)):
        labeler = LABELERS.get(key[-1])
        return labeler(value) if labeler else compact(value)
    return str(value)


def unkey(value: Any) -> Any:
    """Turn a keyed-form subtree back into the shape of the dump (lists where it had lists),
    for showing values to people."""
    if isinstance(value, dict):
        if value and all(isinstance(k, str) and k.startswith("[") for k in value):
            return [unkey(v) for v in value.values()]
        return {k: unkey(v) for k, v in value.items()}
    return value
