"""Check the types of the fields dumpdiff interprets (shapes.yaml), once, at load time.

A dump that says `"virtual_hosts": "x"` is refused here with its location, instead of
failing somewhere inside an engine with a traceback.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from dumpdiff.errors import InputError
from dumpdiff.model.snapshot import Snapshot

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "bool": (bool,), "dict": (dict,), "list": (list,),
    "list[dict]": (list,), "list[str]": (list,),
}
Step = tuple[str, bool]  # (field, step into every list item afterwards)


@lru_cache(maxsize=1)
def _table() -> dict[str, list[tuple[list[str], str]]]:
    text = resources.files("dumpdiff.sources").joinpath("shapes.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    out: dict[str, list[tuple[list[str], str]]] = {}
    for section, fields in raw.items():
        if section == "version":
            continue
        out[section] = [(path.split("."), kind) for path, kind in fields.items()]
    return out


def _describe(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), "null")


def _check(obj: Any, parts: list[str], kind: str, where: str, source: str) -> None:
    if not parts:
        ok = isinstance(obj, _TYPES[kind]) and not (kind in ("int",) and isinstance(obj, bool))
        if ok and kind == "list[dict]":
            ok = all(isinstance(v, dict) for v in obj)
        elif ok and kind == "list[str]":
            ok = all(isinstance(v, str) for v in obj)
        if not ok:
            raise InputError(source, f"{where} is {_describe(obj)}, expected {kind}")
        return
    head = parts[0]
    many = head.endswith("[]")
    name = head[:-2] if many else head
    if not isinstance(obj, dict) or name not in obj:
        return
    value = obj[name]
    if many:
        if not isinstance(value, list):
            raise InputError(source, f"{where}.{name} is {_describe(value)}, expected a list")
        for i, item in enumerate(value):
            _check(item, parts[1:], kind, f"{where}.{name}[{i}]", source)
    else:
        _check(value, parts[1:], kind, f"{where}.{name}", source)


class _Node:
    """One field of the compiled tree: the type to check there, whether the paths step
    into its list items, and the fields below it."""

    __slots__ = ("children", "kind", "many")

    def __init__(self) -> None:
        self.kind = ""
        self.many = False
        self.children: dict[str, _Node] = {}


@lru_cache(maxsize=1)
def _trees() -> dict[str, dict[str, _Node]]:
    """Each section's paths compiled into one tree, walked once per resource."""
    out: dict[str, dict[str, _Node]] = {}
    for section, checks in _table().items():
        root: dict[str, _Node] = {}
        for parts, kind in checks:
            level = root
            for i, part in enumerate(parts):
                many = part.endswith("[]")
                node = level.setdefault(part[:-2] if many else part, _Node())
                node.many = node.many or many
                if i == len(parts) - 1:
                    node.kind = kind
                level = node.children
        out[section] = root
    return out


def _ok(obj: dict[str, Any], tree: dict[str, _Node]) -> bool:
    """True when every interpreted field under `obj` has its type (no message built).

    Same verdicts as `_check`: items of a stepped-into list that are not objects have no
    fields to check, and pass.
    """
    for name, node in tree.items():
        if name not in obj:
            continue
        value = obj[name]
        if node.kind and not _type_ok(value, node.kind):
            return False
        if node.many:
            if not isinstance(value, list):
                return False
            if node.children and not all(_ok(v, node.children) for v in value
                                         if isinstance(v, dict)):
                return False
        elif node.children and isinstance(value, dict) and not _ok(value, node.children):
            return False
    return True


def _type_ok(value: Any, kind: str) -> bool:
    if not isinstance(value, _TYPES[kind]) or (kind == "int" and isinstance(value, bool)):
        return False
    if kind == "list[dict]" and isinstance(value, list):
        return all(isinstance(v, dict) for v in value)
    if kind == "list[str]" and isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return True


def check_shapes(snap: Snapshot) -> None:
    """InputError at the first interpreted field of the wrong type.

    The compiled tree answers "all fine?" in one walk per resource; only a resource that
    fails is walked again path by path, to name the exact location in the message.
    """
    table = _table()
    trees = _trees()
    for section, resources_ in snap.resources.items():
        checks = table.get(section)
        if not checks:
            continue
        tree = trees[section]
        for res in resources_.values():
            if not isinstance(res.body, dict):
                raise InputError(snap.source, f"{res.origin} is {_describe(res.body)}, "
                                              "expected an object")
            if _ok(res.body, tree):
                continue
            for parts, kind in checks:
                _check(res.body, parts, kind, res.origin, snap.source)
