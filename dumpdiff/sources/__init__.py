"""Inputs: detect what a file is and turn it into model objects.

This package is the only place that touches files and formats; everything it cannot use
becomes an `InputError` naming the file and the problem.
"""

from __future__ import annotations

from typing import Any

from dumpdiff.errors import InputError
from dumpdiff.gc_pause import gc_paused
from dumpdiff.model.snapshot import Snapshot
from dumpdiff.sources import detect as kinds
from dumpdiff.sources.configdump import TYPE_OF_SECTION, snapshot_from_dump, wrap_section
from dumpdiff.sources.reader import Document, read_document

__all__ = ["load_snapshot", "read_document", "snapshot_from_document"]


def snapshot_from_document(doc: Document) -> Snapshot:
    """A Snapshot from any config-dump-shaped document, or an InputError saying what it is."""
    kind = kinds.detect(doc)
    data: Any = doc.data
    if kind == kinds.CONFIG_DUMP:
        return snapshot_from_dump(doc.source, data)
    if kind == kinds.CONFIG_SECTION:
        if "@type" not in data and "bootstrap" in data:
            data = {"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump", **data}
        return snapshot_from_dump(doc.source, {"configs": [data]})
    if kind == kinds.RESOURCE_LIST:
        section = kinds.resource_list_section(data)
        assert section in TYPE_OF_SECTION
        return snapshot_from_dump(doc.source, wrap_section(section, data))
    if kind in kinds.DESCRIPTIONS:
        raise InputError(doc.source, f"looks like {kinds.DESCRIPTIONS[kind]}")
    raise InputError(doc.source, f"is {kinds.describe_unknown(doc)}")


def load_snapshot(source: str) -> Snapshot:
    """Read a config dump from a path, `-` or a `.gz` file (JSON or YAML)."""
    with gc_paused():
        return snapshot_from_document(read_document(source))
