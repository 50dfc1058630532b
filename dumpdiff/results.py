"""Plain result objects that engines return and report/ renders, with their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.model.snapshot import Identity

COMPARE_SCHEMA_VERSION = "dumpdiff.compare/v1"

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"


@dataclass(slots=True)
class Change:
    """One difference: in which section and resource, where inside it, and how."""

    section: str
    resource: str  # the resource key in human terms (cluster name, listener name...)
    path: str  # inside the resource: `virtual_hosts[a:80].routes[default].route.timeout`
    kind: str  # added | removed | changed | moved
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form (see docs/compare-output.md)."""
        return {"section": self.section, "resource": self.resource, "path": self.path,
                "kind": self.kind, "old": self.old, "new": self.new}


@dataclass(slots=True)
class SectionSummary:
    """Counts for one section of a comparison."""

    section: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    present: bool = True  # false when neither dump has the section
    only_in: str = ""  # "left" or "right" when one dump lacks the whole section

    @property
    def identical(self) -> bool:
        """No resource of this section differs."""
        return not (self.added or self.removed or self.changed or self.only_in)


@dataclass(slots=True)
class CompareResult:
    """The outcome of `compare(a, b)`."""

    left: str
    right: str
    left_identity: Identity
    right_identity: Identity
    normalized: bool
    changes: list[Change] = field(default_factory=list)
    sections: list[SectionSummary] = field(default_factory=list)
    ignored: int = 0  # changes suppressed by --ignore patterns

    @property
    def identical(self) -> bool:
        """True when nothing differs (after normalization and ignores)."""
        return not self.changes

    def to_dict(self) -> dict[str, Any]:
        """The documented, versioned JSON form."""
        return {
            "schema": COMPARE_SCHEMA_VERSION,
            "left": {"source": self.left, "identity": self.left_identity.to_dict()},
            "right": {"source": self.right, "identity": self.right_identity.to_dict()},
            "normalized": self.normalized,
            "identical": self.identical,
            "summary": {s.section: {"added": s.added, "removed": s.removed,
                                    "changed": s.changed, "only_in": s.only_in or None}
                        for s in self.sections if s.present},
            "ignored": self.ignored,
            "changes": [c.to_dict() for c in self.changes],
        }
