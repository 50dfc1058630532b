"""Small helpers shared by the fact builders: provenance fields and proto value shapes."""

from __future__ import annotations

from typing import Any

from dumpdiff.model.names import parse_config_ref
from dumpdiff.model.snapshot import Resource

Row = dict[str, Any]


def provenance(source: str, origin: str, line: int | None = None) -> Row:
    """The three fields every fact row ends with: input file, path inside it, line."""
    return {"source": source, "origin": origin, "line": line}


def from_resource(res: Resource, source: str, inner: str = "") -> Row:
    """Provenance of (a part of) a dump resource; `inner` is a path below its body."""
    if res.section == "listeners":
        body_field = "failed_configuration" if res.state == "error" else "listener"
    else:
        body_field = _BODY_FIELD.get(res.section, "")
    origin = f"{res.origin}.{body_field}" if body_field else res.origin
    return provenance(source, origin + inner)


_BODY_FIELD = {"clusters": "cluster", "endpoints": "endpoint_config", "routes": "route_config",
               "secrets": "secret"}


def uint(value: Any) -> int | None:
    """A protobuf UInt32Value as JSON (`5` or `{"value": 5}`), or None."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def istio_config_ref(metadata: Any, kind: str) -> str | None:
    """`namespace/name` of the Istio resource of `kind` stamped in `metadata` (istio.config)."""
    if not isinstance(metadata, dict):
        return None
    istio = (metadata.get("filter_metadata") or {}).get("istio") or {}
    path = istio.get("config") if isinstance(istio, dict) else None
    ref = parse_config_ref(path) if isinstance(path, str) else None
    return ref.ref if ref is not None and ref.kind == kind else None
