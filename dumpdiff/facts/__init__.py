"""The facts model: flat, documented collections derived from a dump and its companions.

Rules read facts, never raw Envoy paths, so they do not depend on casing, on the admin
wrapper layout or on Istio's naming. `schema.json` (shipped with the package) documents every
per-proxy collection and field, `fleet_schema.json` the collections built over all proxies
of a run; `dumpdiff facts DUMP` and `dumpdiff facts --fleet INPUT...` print the documents.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from dumpdiff.facts.builder import COLLECTIONS, FACTS_VERSION, ExtraInputs, build_facts
from dumpdiff.facts.fleet import FLEET_COLLECTIONS, FLEET_FACTS_VERSION, FleetBuilder
from dumpdiff.facts.summary import ProxySummary, summarize

__all__ = ["COLLECTIONS", "FACTS_VERSION", "FLEET_COLLECTIONS", "FLEET_FACTS_VERSION",
           "ExtraInputs", "FleetBuilder", "ProxySummary", "build_facts", "facts_schema",
           "fleet_facts_schema", "item_schema", "summarize"]


def _load(name: str) -> dict[str, Any]:
    text = resources.files("dumpdiff.facts").joinpath(name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def facts_schema() -> dict[str, Any]:
    """The JSON Schema of the per-proxy facts document."""
    return _load("schema.json")


@lru_cache(maxsize=1)
def fleet_facts_schema() -> dict[str, Any]:
    """The JSON Schema of the fleet facts document."""
    return _load("fleet_schema.json")


def item_schema(collection: str) -> dict[str, Any]:
    """The schema of one row of `collection` (per-proxy or fleet)."""
    schema = fleet_facts_schema() if collection in FLEET_COLLECTIONS else facts_schema()
    item: dict[str, Any] = schema["properties"][collection]["items"]
    return item
