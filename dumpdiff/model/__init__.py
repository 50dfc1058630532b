"""The data model: Snapshot, its identity and resources, and Istio name parsing."""

from dumpdiff.model.snapshot import SECTIONS, Identity, Resource, Snapshot

__all__ = ["SECTIONS", "Identity", "Resource", "Snapshot"]
