"""`compare`: declarative comparisons between two fields, which JSON Schema cannot express.

A rule's `where` tests one row against constants. Some checks relate two values: a host's
share of its cluster against the cluster's max_ejection_percent (two fields of one row), or
a route against an earlier route of the same virtual host (a field of the row against a
field of a joined row). A comparison names both sides as dotted field paths; `other.` names a
field of the joined row. Every comparison of a list must hold. A side that is null (or
missing) makes the comparison false, so unknown values never produce findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: bool(a == b),
    "ne": lambda a, b: bool(a != b),
    "lt": lambda a, b: bool(a < b),
    "le": lambda a, b: bool(a <= b),
    "gt": lambda a, b: bool(a > b),
    "ge": lambda a, b: bool(a >= b),
    # Text: `left` starts with `right` (a path and an earlier route's prefix).
    "starts_with": lambda a, b: isinstance(a, str) and isinstance(b, str) and a.startswith(b),
    # `left` (a list or text) contains the value `right`.
    "contains": lambda a, b: isinstance(a, (list, str)) and b in a,
    # `left` is one of the values of the list `right`.
    "in": lambda a, b: isinstance(b, list) and a in b,
    # Every item of `left` is in `right` (lists), or every key/value (objects: labels).
    "subset_of": lambda a, b: (set(map(str, a)) <= set(map(str, b))
                               if isinstance(a, list) and isinstance(b, list)
                               else isinstance(a, dict) and isinstance(b, dict)
                               and a.items() <= b.items()),
}
OP_NAMES = tuple(OPS)


def lookup(row: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted path of a row (None when any step is missing)."""
    value: Any = row
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


@dataclass(frozen=True, slots=True)
class Comparison:
    """`left op right`, each side a dotted field path; `other.` means the joined row."""

    left: str
    op: str
    right: str

    def _side(self, path: str, row: dict[str, Any], other: dict[str, Any] | None) -> Any:
        if path.startswith("other."):
            return lookup(other, path[6:]) if other is not None else None
        return lookup(row, path)

    def holds(self, row: dict[str, Any], other: dict[str, Any] | None = None) -> bool:
        """True when both sides are known and the operator says so."""
        a, b = self._side(self.left, row, other), self._side(self.right, row, other)
        if a is None or b is None:
            return False
        try:
            return OPS[self.op](a, b)
        except TypeError:  # e.g. a number against text: not comparable, not a finding
            return False

    def text(self) -> str:
        """`left op right`, for documentation."""
        return f"{self.left} {self.op} {self.right}"


def all_hold(comparisons: tuple[Comparison, ...], row: dict[str, Any],
             other: dict[str, Any] | None = None) -> bool:
    """True when every comparison holds (an empty list always does)."""
    return all(c.holds(row, other) for c in comparisons)
