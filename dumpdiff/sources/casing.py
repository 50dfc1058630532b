"""Map istioctl's lowerCamelCase re-serialization back to Envoy's snake_case field names.

istioctl marshals protos with jsonpb (lowerCamelCase) while Envoy's admin API prints the
proto field names (snake_case). Struct and map contents are user data and keep their keys
in both forms, so those subtrees are copied untouched: converting `tlsMode` inside a
transport-socket match, or PROXY_CONFIG's `discoveryAddress`, would invent differences.
"""

from __future__ import annotations

import re
from collections import deque
from functools import lru_cache
from typing import Any

_CAMEL = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$")
_UPPER = re.compile(r"([A-Z])")

# Keys whose value is a google.protobuf.Struct or a map of Structs: never renamed inside.
_OPAQUE_VALUE = frozenset({
    "filter_metadata", "typed_filter_metadata", "static_layer", "per_filter_config",
})
# `metadata` is a Struct on the node and on build versions, and a Metadata message on
# clusters/routes/endpoints: only its two proto fields are renamed.
_METADATA_FIELDS = {"filterMetadata": "filter_metadata",
                    "typedFilterMetadata": "typed_filter_metadata"}


# protojson drops an underscore before a digit without marking it (`consecutive_5xx` →
# `consecutive5xx`), so those names cannot be derived; `http2_protocol_options` shows the
# digit alone is no hint. The Envoy fields of that kind that Istio sets:
_DIGIT_FIELDS = {
    "consecutive5xx": "consecutive_5xx",
    "enforcingConsecutive5xx": "enforcing_consecutive_5xx",
    "acceptHttp10": "accept_http_10",
    "defaultHostForHttp10": "default_host_for_http_10",
}


@lru_cache(maxsize=4096)
def snake(key: str) -> str:
    """`dynamicActiveClusters` → `dynamic_active_clusters`; other keys unchanged."""
    if key in _DIGIT_FIELDS:
        return _DIGIT_FIELDS[key]
    if not _CAMEL.match(key):
        return key
    return _UPPER.sub(r"_\1", key).lower()


def is_camel_case(obj: Any, budget: int = 400) -> bool:
    """Probe up to `budget` keys breadth-first for a lowerCamelCase proto field name."""
    queue: deque[Any] = deque([obj])
    seen = 0
    while queue and seen < budget:
        node = queue.popleft()
        if isinstance(node, dict):
            for key, value in node.items():
                seen += 1
                if _CAMEL.match(key) and key not in _METADATA_FIELDS:
                    return True
                if _is_opaque(key, node):
                    continue
                if isinstance(value, (dict, list)):
                    queue.append(value)
        elif isinstance(node, list):
            queue.extend(v for v in node[:20] if isinstance(v, (dict, list)))
    return False


def _is_opaque(key: str, parent: dict[str, Any]) -> bool:
    name = snake(key)
    if name in _OPAQUE_VALUE or name == "metadata":
        return True
    # transport_socket_matches[].match and TypedStruct.value are Structs.
    if name == "match" and ("transport_socket" in parent or "transportSocket" in parent):
        return True
    return name == "value" and ("type_url" in parent or "typeUrl" in parent)


def to_snake(obj: Any) -> Any:
    """Return a copy of `obj` with proto field names in snake_case (Struct data untouched)."""
    if isinstance(obj, list):
        return [to_snake(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = snake(key)
        if name == "metadata" and isinstance(value, dict):
            out[name] = {_METADATA_FIELDS.get(k, k): v for k, v in value.items()}
        elif _is_opaque(key, obj):
            out[name] = value
        else:
            out[name] = to_snake(value)
    return out
