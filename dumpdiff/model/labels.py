"""Short human labels for Envoy objects that have no name (route matches, addresses...)."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

_PATH_FIELDS = (("prefix", "prefix"), ("path", "path"), ("path_separated_prefix", "path_prefix"),
                ("connect_matcher", "CONNECT"))


def string_matcher(m: dict[str, Any]) -> str:
    """`exact=v3`, `prefix=/a`, `regex=^x`… from a StringMatcher (or legacy header fields)."""
    sm = m.get("string_match")
    inner: dict[str, Any] = sm if isinstance(sm, dict) else m
    for field, op in (("exact", "="), ("exact_match", "="), ("prefix", "^="),
                      ("prefix_match", "^="), ("suffix", "$="), ("suffix_match", "$="),
                      ("contains", "*="), ("contains_match", "*=")):
        if field in inner:
            return f"{op}{inner[field]}"
    rx = inner.get("safe_regex") or inner.get("safe_regex_match")
    if isinstance(rx, dict):
        return f"~{rx.get('regex', '')}"
    if "present_match" in inner:
        return " present" if inner["present_match"] else " absent"
    return " present"


def route_match(match: Any) -> str:
    """`prefix=/ x-subset=v3` for a RouteMatch; readable and stable across pods."""
    if not isinstance(match, dict):
        return str(match)
    parts = []
    for field, label in _PATH_FIELDS:
        if field in match:
            value = match[field]
            parts.append(label if field == "connect_matcher" else f"{label}={value}")
    rx = match.get("safe_regex") or match.get("regex")
    if rx:
        parts.append(f"regex={rx.get('regex', '') if isinstance(rx, dict) else rx}")
    # Envoy ANDs header and query matchers: their order means nothing, so it is sorted away.
    parts += sorted(f"{'!' if h.get('invert_match') else ''}{h.get('name', '?')}"
                    f"{string_matcher(h)}" for h in match.get("headers") or []
                    if isinstance(h, dict))
    parts += sorted(f"?{q.get('name', '?')}{string_matcher(q)}"
                    for q in match.get("query_parameters") or [] if isinstance(q, dict))
    if match.get("case_sensitive") is False:
        parts.append("case-insensitive")
    return " ".join(parts) or "any"


def address(addr: Any) -> str:
    """`10.1.2.3:8080`, `unix://path`, `envoy://listener/id` for an Envoy Address."""
    if not isinstance(addr, dict):
        return str(addr)
    sa = addr.get("socket_address")
    if isinstance(sa, dict):
        return f"{sa.get('address', '')}:{sa.get('port_value', sa.get('named_port', ''))}"
    pipe = addr.get("pipe")
    if isinstance(pipe, dict):
        return f"unix://{pipe.get('path', '')}"
    internal = addr.get("envoy_internal_address")
    if isinstance(internal, dict):
        return (f"envoy://{internal.get('server_listener_name', '')}/"
                f"{internal.get('endpoint_id', '')}")
    return compact(addr)


def locality(loc: Any) -> str:
    """`region/zone/sub_zone`, or `(no locality)`."""
    if not isinstance(loc, dict) or not any(loc.values()):
        return "(no locality)"
    return "/".join(str(loc.get(k, "")) for k in ("region", "zone", "sub_zone")).rstrip("/")


def filter_chain_match(m: Any) -> str:
    """`port=8080 tls sni=a,b` for a FilterChainMatch.

    Envoy matches these lists as sets, so their parts are sorted: the label must not change
    when a control plane sends the same ranges in another order.
    """
    if not isinstance(m, dict) or not m:
        return "any"
    parts = []
    if "destination_port" in m:
        parts.append(f"port={m['destination_port']}")
    if m.get("transport_protocol"):
        parts.append(str(m["transport_protocol"]))
    if m.get("application_protocols"):
        parts.append("alpn=" + ",".join(sorted(map(str, m["application_protocols"]))))
    if m.get("server_names"):
        parts.append("sni=" + ",".join(sorted(map(str, m["server_names"]))))
    for field in ("prefix_ranges", "source_prefix_ranges"):
        ranges = sorted(f"{r.get('address_prefix')}/{r.get('prefix_len', '')}"
                        for r in m.get(field) or [] if isinstance(r, dict))
        parts += [f"{field.split('_')[0]}={r}" for r in ranges]
    if m.get("direct_source_prefix_ranges"):
        parts.append("direct_source")
    return " ".join(parts) or compact(m)


def compact(obj: Any, limit: int = 80) -> str:
    """Compact JSON (sorted keys), shortened with a hash past `limit` characters."""
    text = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()
    if len(text) <= limit:
        return text
    return text[: limit - 10] + "…" + hashlib.blake2b(text.encode(), digest_size=3).hexdigest()


# Label makers for list keys that are objects, by the key's field name.
LABELERS = {
    "match": route_match,
    "filter_chain_match": filter_chain_match,
    "locality": locality,
    "address": address,
}
