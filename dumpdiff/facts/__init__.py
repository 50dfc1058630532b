"""The facts model: flat, documented collections derived from a dump and its companions.

Rules read facts, never raw Envoy paths, so they do not depend on casing, on the admin
wrapper layout or on Istio's naming. `schema.json` (shipped with the package) documents every
collection and field; `dumpdiff facts DUMP` prints the document.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from dumpdiff.facts.builder import COLLECTIONS, FACTS_VERSION, ExtraInputs, build_facts

__all__ = ["COLLECTIONS", "FACTS_VERSION", "ExtraInputs", "build_facts", "facts_schema"]


@lru_cache(maxsize=1)
def facts_schema() -> dict[str, Any]:
    """The JSON Schema of the facts document."""
    text = resources.files("dumpdiff.facts").joinpath("schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
