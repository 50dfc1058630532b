"""The diff engine: keyed, Envoy-aware comparison of two snapshots."""

from dumpdiff.diff.engine import compare

__all__ = ["compare"]
