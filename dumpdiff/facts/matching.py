"""What an Envoy RouteMatch can match, reduced to facts that rules compare across routes.

Envoy tries the routes of a virtual host in order and takes the first match, so a later route
is dead when an earlier one matches every request the later one could. Deciding that in
general is hard (regexes, header matchers); these facts support the cases that can be decided
without guessing:

- `path_prefix`: a literal that every path the route can match starts with. For `prefix`,
  `path` and `path_separated_prefix` it is the value itself; for regexes and URI templates it
  is `/` (every origin-form path starts with it). For a case-insensitive match it is cut
  before the first letter, because `/Api` also matches `/API`, which no case-sensitive `/Api`
  prefix covers.
- `conditional`: the route also tests headers, query parameters, a runtime fraction, gRPC,
  TLS context, metadata or filter state, so it does not match every request with its path.
- `match_signature`: a canonical text of the whole match (default `case_sensitive: true`
  dropped), equal for two matches Envoy treats identically.
"""

from __future__ import annotations

from typing import Any

import orjson

# RouteMatch fields that narrow a match beyond the path.
_CONDITIONS = ("headers", "query_parameters", "runtime_fraction", "grpc", "tls_context",
               "dynamic_metadata", "filter_state", "cel_matcher")
_LITERAL_KINDS = ("prefix", "path", "path_separated_prefix")
_PATTERN_KINDS = (("safe_regex", "safe_regex"), ("regex", "safe_regex"),
                  ("path_match_policy", "path_match_policy"))


def path_kind(match: dict[str, Any]) -> tuple[str, str]:
    """(kind, value) of the path specifier: prefix, path, path_separated_prefix, safe_regex,
    path_match_policy, connect or none."""
    for kind in _LITERAL_KINDS:
        if isinstance(match.get(kind), str):
            return kind, match[kind]
    for field, kind in _PATTERN_KINDS:
        spec = match.get(field)
        if spec is not None:
            value = spec.get("regex", "") if isinstance(spec, dict) else str(spec)
            return kind, str(value) if kind == "safe_regex" else _compact(spec)
    if "connect_matcher" in match:
        return "connect", ""
    return "none", ""


def _case_safe(value: str) -> str:
    """The part of `value` before its first cased character."""
    for i, ch in enumerate(value):
        if ch.lower() != ch.upper():
            return value[:i]
    return value


def path_prefix(match: dict[str, Any]) -> str | None:
    """A literal every matched path starts with (see the module docstring); None for CONNECT."""
    kind, value = path_kind(match)
    if kind == "connect":
        return None
    if kind in _LITERAL_KINDS:
        return value if match.get("case_sensitive") is not False else _case_safe(value)
    return "/"


def is_conditional(match: dict[str, Any]) -> bool:
    """True when the match tests more than the path."""
    return any(match.get(f) not in (None, [], {}) for f in _CONDITIONS)


def match_signature(match: Any) -> str:
    """Canonical text of a RouteMatch: equal for matches Envoy treats identically."""
    if not isinstance(match, dict):
        return _compact(match)
    canon = {k: v for k, v in match.items() if not (k == "case_sensitive" and v is True)}
    return _compact(canon)


def _compact(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def match_facts(match: Any) -> dict[str, Any]:
    """The match fields of a `routes` row."""
    m: dict[str, Any] = match if isinstance(match, dict) else {}
    kind, value = path_kind(m)
    return {
        "path_kind": kind,
        "path_value": value,
        "case_sensitive": m.get("case_sensitive") is not False,
        "conditional": is_conditional(m),
        "path_prefix": path_prefix(m),
        "match_signature": match_signature(match),
    }
