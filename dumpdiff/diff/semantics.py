"""List semantics (list_semantics.yaml): which lists are sets, which are ordered, and keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class ListRule:
    """How to match the items of one kind of list."""

    key: tuple[tuple[str, ...], ...] = ()
    ordered: bool = False
    scalars: str = ""  # "set" | "ordered" | "" (not a scalar rule)
    defaults: tuple[tuple[str, str], ...] = ()  # key field → the proto default when absent


@lru_cache(maxsize=1)
def list_rules() -> dict[str, ListRule]:
    """The table shipped as dumpdiff/diff/list_semantics.yaml, keyed by field name."""
    text = resources.files("dumpdiff.diff").joinpath("list_semantics.yaml").read_text("utf-8")
    table = yaml.safe_load(text)["lists"]
    return {
        field: ListRule(tuple(tuple(k.split(".")) for k in spec.get("key", [])),
                        bool(spec.get("ordered", False)), str(spec.get("scalars", "")),
                        tuple((str(k), str(v)) for k, v in (spec.get("defaults") or {}).items()))
        for field, spec in table.items()
    }


def rule_for(parent_field: str, field: str) -> ListRule | None:
    """The rule for a list at `parent_field.field` (qualified names win over bare ones)."""
    rules = list_rules()
    return rules.get(f"{parent_field}.{field}") or rules.get(field)
