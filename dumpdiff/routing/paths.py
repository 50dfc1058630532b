"""What the HTTP connection manager does to `:path` and the host before the router sees them.

Routes match the path Envoy has already rewritten, not the one the client sent: with
`normalize_path` (Istio sets it) `/x/../healthz` is matched as `/healthz` and `/orders/%34%32`
as `/orders/42`. The port rules come from HeaderUtility::getPortStart.
"""

from __future__ import annotations

import re
from typing import Any

# Chromium's kPathCharLookup (Envoy's source/common/chromium_url/url_canon_path.cc): an
# escaped unreserved character is decoded, these characters are percent-encoded, everything
# else is copied as is.
_UNESCAPE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~")
_ESCAPE = frozenset(' "#<>?^`{|}\x7f') | {chr(c) for c in range(0x01, 0x20)}
_HEX = "0123456789abcdefABCDEF"


def _dot_len(s: str, i: int) -> int:
    """1 for `.`, 3 for `%2e`/`%2E` at `i`, else 0 (Chromium's IsDot)."""
    if s.startswith(".", i):
        return 1
    if s[i:i + 3].lower() == "%2e":
        return 3
    return 0


def _is_slash(s: str, i: int) -> bool:
    return i < len(s) and s[i] in "/\\"


def canonical_path(path: str) -> str:
    """Envoy's PathUtil::canonicalPath on a path without its query (RFC 3986 normalization).

    Resolves `.` and `..` segments (also written `%2e`), never above the root; turns `\\`
    into `/`; decodes escaped unreserved characters (`%41` → `A`) and keeps other escapes as
    written; percent-encodes characters that must not appear raw. Slashes are not merged.
    """
    out: list[str] = [] if _is_slash(path, 0) else ["/"]
    i, n = 0, len(path)
    while i < n:
        ch = path[i]
        dot = _dot_len(path, i)
        if dot and out and out[-1] == "/":
            after = i + dot
            if after == n or _is_slash(path, after):  # "." segment
                i = after + (1 if after < n else 0)
                continue
            second = _dot_len(path, after)
            if second and (after + second == n or _is_slash(path, after + second)):
                # ".." segment: drop the last output segment, but never the leading slash.
                while len(out) > 1:
                    out.pop()
                    if out[-1] == "/":
                        break
                i = after + second + (1 if after + second < n else 0)
                continue
            out.append(".")
            i += dot
        elif dot:
            out.append(".")
            i += dot
        elif ch == "\\":
            out.append("/")
            i += 1
        elif ch == "%":
            code = path[i + 1:i + 3]
            if len(code) == 2 and all(c in _HEX for c in code):
                decoded = chr(int(code, 16))
                out.append(decoded if decoded in _UNESCAPE else "%" + code)
                i += 3
            else:
                out.append("%")  # a stray percent passes through, as in browsers
                i += 1
        elif ch in _ESCAPE or ord(ch) >= 0x80:
            out.extend(f"%{b:02X}" for b in ch.encode())
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


_ESCAPED_SLASH = re.compile("%2f|%5c", re.IGNORECASE)


def request_path(path: str, hcm: dict[str, Any] | None) -> tuple[str, list[str]]:
    """(the path the router matches, notes) for a client path through this HCM.

    Follows ConnectionManagerUtility::maybeNormalizePath: escaped slashes first
    (`path_with_escaped_slashes_action`), then `normalize_path`, then `merge_slashes`. The
    query string is carried over untouched.
    """
    if not hcm:
        return path, []
    notes: list[str] = []
    base, sep, query = path.partition("?")
    action = str(hcm.get("path_with_escaped_slashes_action", "KEEP_UNCHANGED"))
    if action not in ("KEEP_UNCHANGED", "IMPLEMENTATION_SPECIFIC_DEFAULT") and \
            _ESCAPED_SLASH.search(base):
        if action == "UNESCAPE_AND_FORWARD":
            base = _ESCAPED_SLASH.sub(lambda m: "/" if m.group().lower() == "%2f" else "\\", base)
        else:
            notes.append(f"the path has escaped slashes and the HCM says {action}: Envoy "
                         "rejects or redirects such requests before routing")
    if hcm.get("normalize_path") is True:
        base = canonical_path(base)
    if hcm.get("merge_slashes") is True:
        base = re.sub("/{2,}", "/", base)
    matched = base + sep + query
    if matched != path:
        notes.append(f"Envoy rewrites the path to {matched} before routing (HCM path "
                     "normalization)")
    return matched, notes


def host_without_port(host: str) -> str:
    """The host Envoy matches when `ignore_port_in_host_matching` is set.

    HeaderUtility::getPortStart: everything from the last `:` goes, whatever follows it
    (`payment:` and `payment:abc` become `payment`), unless the colon is inside an IPv6
    literal (`[fd00::1]` keeps its colons; `[fd00::1]:8080` loses `:8080`).
    """
    colon = host.rfind(":")
    if colon < 0:
        return host
    bracket = host.rfind("]")
    return host[:colon] if bracket < 0 or bracket < colon else host
