"""Envoy's matching primitives (StringMatcher, HeaderMatcher, RouteMatch, domains)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str] | None:
    # Envoy uses RE2 full-match semantics; Python's re is close for the patterns Istio emits.
    try:
        return re.compile(pattern)
    except re.error:
        return None


def full_match(pattern: str, value: str) -> bool:
    """RE2-style full match; an invalid pattern matches nothing."""
    rx = _regex(pattern)
    return bool(rx and rx.fullmatch(value))


def string_match(m: dict[str, Any], value: str) -> bool:
    """envoy.type.matcher.v3.StringMatcher."""
    ignore_case = bool(m.get("ignore_case"))
    v = value.lower() if ignore_case else value

    def norm(s: Any) -> str:
        return str(s).lower() if ignore_case else str(s)

    if "exact" in m:
        return v == norm(m["exact"])
    if "prefix" in m:
        return v.startswith(norm(m["prefix"]))
    if "suffix" in m:
        return v.endswith(norm(m["suffix"]))
    if "contains" in m:
        return norm(m["contains"]) in v
    if "safe_regex" in m:
        return full_match(str(m["safe_regex"].get("regex", "")), value)
    return False


_VALUE_MATCHERS = ("string_match", "exact_match", "prefix_match", "suffix_match",
                   "contains_match", "safe_regex_match", "range_match")


def header_match(h: dict[str, Any], headers: dict[str, str]) -> bool:
    """envoy.config.route.v3.HeaderMatcher, with the legacy *_match fields.

    Follows Envoy's HeaderUtility: a matcher with only a name is a presence match. When the
    header is absent, a presence match compares presence (`present_match: false` matches,
    and `invert_match` flips the result), while a value matcher never matches, inverted or
    not, unless `treat_missing_header_as_empty` makes the value "".
    """
    name = str(h.get("name", "")).lower()
    value = headers.get(name)
    invert = bool(h.get("invert_match"))
    if not any(k in h for k in _VALUE_MATCHERS):
        want_present = bool(h.get("present_match", True))
        return ((value is not None) == want_present) != invert
    if value is None:
        if not h.get("treat_missing_header_as_empty"):
            return False  # proven on Envoy 1.40: an inverted value match needs the header
        value = ""
    if "string_match" in h:
        result = string_match(h["string_match"], value)
    elif "exact_match" in h:
        result = value == h["exact_match"]
    elif "prefix_match" in h:
        result = value.startswith(h["prefix_match"])
    elif "suffix_match" in h:
        result = value.endswith(h["suffix_match"])
    elif "contains_match" in h:
        result = h["contains_match"] in value
    elif "safe_regex_match" in h:
        result = full_match(str(h["safe_regex_match"].get("regex", "")), value)
    else:
        result = _in_range(h["range_match"], value)
    return result != invert


# absl::SimpleAtoi: optional surrounding ASCII whitespace and sign, then decimal digits only
# (Python's int() would also take "1_2" and non-ASCII digits, which Envoy refuses).
_INT64 = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+[ \t\n\v\f\r]*")


def _in_range(r: dict[str, Any], value: str) -> bool:
    """A range_match: the value is a 64-bit integer in [start, end)."""
    if not _INT64.fullmatch(value):
        return False
    n = int(value)
    if not -(2**63) <= n < 2**63:
        return False
    try:
        return int(r.get("start", 0)) <= n < int(r.get("end", 0))
    except (TypeError, ValueError):
        return False


def path_match(match: dict[str, Any], path: str) -> bool:
    """The path specifier of a RouteMatch, on the path without its query string."""
    p = path.split("?", 1)[0]
    case = match.get("case_sensitive", True) is not False
    cmp_p = p if case else p.lower()

    def c(s: Any) -> str:
        return str(s) if case else str(s).lower()

    if "prefix" in match:
        return cmp_p.startswith(c(match["prefix"]))
    if "path" in match:
        return cmp_p == c(match["path"])
    if "path_separated_prefix" in match:
        pre = c(match["path_separated_prefix"])
        return cmp_p == pre or cmp_p.startswith(pre + "/")
    if "safe_regex" in match:
        return full_match(str(match["safe_regex"].get("regex", "")), p)
    if "connect_matcher" in match:
        return False  # only CONNECT requests, which replay does not model
    return "path_match_policy" not in match and "regex" not in match


def query_params(path: str) -> dict[str, str]:
    """The query string of `path` as Envoy's router reads it for query_parameters matchers.

    Like Http::Utility::QueryParamsMulti::parseQueryString: split on `&` up to any `#`,
    a parameter without `=` has the value "", nothing is percent-decoded (`%32` stays `%32`,
    `+` stays `+`), and only the first value of a repeated parameter counts.
    """
    _, sep, query = path.partition("?")
    out: dict[str, str] = {}
    if not sep:
        return out
    for param in query.split("#", 1)[0].split("&"):
        if not param:
            continue
        name, _, value = param.partition("=")
        out.setdefault(name, value)
    return out


def query_match(q: dict[str, Any], query: dict[str, str]) -> bool:
    """A QueryParameterMatcher."""
    name = str(q.get("name", ""))
    if "present_match" in q:
        return (name in query) == bool(q["present_match"])
    if name not in query:
        return False
    if "string_match" in q:
        return string_match(q["string_match"], query[name])
    return True


def route_matches(match: dict[str, Any], path: str, headers: dict[str, str]) -> tuple[bool, str]:
    """(matches, note): the note says when a runtime fraction makes the match uncertain."""
    if not path_match(match, path):
        return False, ""
    for h in match.get("headers") or []:
        if not header_match(h, headers):
            return False, ""
    query = query_params(path)
    for q in match.get("query_parameters") or []:
        if not query_match(q, query):
            return False, ""
    note = ""
    rf = match.get("runtime_fraction")
    if isinstance(rf, dict):
        dv = rf.get("default_value") or {}
        note = (f"runtime fraction {dv.get('numerator', 0)}/{dv.get('denominator', 'HUNDRED')}"
                f" ({rf.get('runtime_key', '')}): matches only that share of requests")
    if match.get("grpc") is not None and not _is_grpc(headers.get("content-type", "")):
        return False, ""
    return True, note


def _is_grpc(content_type: str) -> bool:
    """Envoy's gRPC check: `application/grpc` or any `application/grpc+<codec>`."""
    ct = content_type.split(";")[0].strip().lower()
    return ct == "application/grpc" or ct.startswith("application/grpc+")


def domain_rank(domain: str, host: str) -> tuple[int, int] | None:
    """Envoy's virtual-host precedence: exact, then longest `*suffix`, then longest
    `prefix*`, then `*`. Lower tuples win; None when the domain does not match."""
    d = domain.lower()
    if d == host:
        return (0, 0)
    if d == "*":
        return (3, 0)
    if d.startswith("*") and host.endswith(d[1:]) and len(host) > len(d) - 1:
        return (1, -len(d))
    if d.endswith("*") and host.startswith(d[:-1]) and len(host) > len(d) - 1:
        return (2, -len(d))
    return None
