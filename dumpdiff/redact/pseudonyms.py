"""Consistent pseudonyms: the same real value maps to the same token across every file of
one run, so compare, fleet and lint still work on redacted data."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from dumpdiff.redact.vocabulary import Vocabulary

# Addresses that identify nobody: wildcard, loopback, link-local all-nodes, broadcast.
_KEEP_IPS = {"0.0.0.0", "127.0.0.1", "255.255.255.255", "::", "::1"}
# A digit next to the address means a longer number; a dot before it is common
# (`http.10.1.2.3_` stats prefixes), so only digits are excluded.
_IPV4 = re.compile(r"(?<![0-9])(?:\d{1,3}\.){3}\d{1,3}(?![0-9])")
_IPV6 = re.compile(r"(?<![0-9A-Za-z:.])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![0-9A-Za-z:])")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_PREFIX = {"pods": "pod", "namespaces": "ns", "names": "svc", "hosts": "host", "nodes": "node"}


@dataclass(slots=True)
class Pseudonyms:
    """The mapping of one run, and the replacement of values inside strings."""

    keep_names: bool = False
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → real → token
    _tokens: list[tuple[str, str]] = field(default_factory=list)  # (real, token) longest first

    def build(self, vocab: Vocabulary) -> None:
        """Assign tokens to the vocabulary (sorted, so runs on the same input agree)."""
        kinds = ["pods", "nodes"] + ([] if self.keep_names else ["hosts", "names", "namespaces"])
        taken: set[str] = set()
        for kind in kinds:
            table = self.mapping.setdefault(kind, {})
            values = vocab.external_hosts() if kind == "hosts" else getattr(vocab, kind)
            for i, real in enumerate(sorted(values - taken), 1):
                if kind == "hosts":
                    table[real] = f"{_PREFIX[kind]}-{i:04d}.example"
                else:
                    table[real] = f"{_PREFIX[kind]}-{i:04d}"
                taken.add(real)
        pairs = [(real, tok) for table in self.mapping.values() if table is not
                 self.mapping.get("ip") for real, tok in table.items()]
        self._tokens = sorted(pairs, key=lambda p: -len(p[0]))

    def ip(self, value: str) -> str:
        """The pseudonym of an IP address (IPv4 → 240.0.0.0/4, IPv6 → fd00::/8)."""
        try:
            addr = ipaddress.ip_address(value)
        except ValueError:
            return value
        if value in _KEEP_IPS or addr.is_loopback or addr.is_unspecified:
            return value
        table = self.mapping.setdefault("ip", {})
        if value not in table:
            n = len(table) + 1
            table[value] = (str(ipaddress.IPv4Address(0xF0000000 + n)) if addr.version == 4
                            else str(ipaddress.IPv6Address((0xFD << 120) + n)))
        return table[value]

    def text(self, s: str) -> str:
        """Replace every known name (whole tokens only) and every IP address in `s`."""
        if not s:
            return s
        s = _IPV4.sub(lambda m: self.ip(m.group(0)), s)
        if s.count(":") >= 2:
            s = _IPV6.sub(lambda m: self.ip(m.group(0)), s)
        for real, token in self._tokens:
            if real in s:
                s = _replace_whole(s, real, token)
        return s

    def mapping_document(self) -> dict[str, Any]:
        """The mapping file's content (for the owner only)."""
        return {"schema": "dumpdiff.redact-mapping/v1",
                "mapping": {k: dict(sorted(v.items())) for k, v in self.mapping.items()}}


def _replace_whole(s: str, real: str, token: str) -> str:
    parts = s.split(real)
    out = [parts[0]]
    for i in range(1, len(parts)):
        prev, nxt = parts[i - 1], parts[i]
        before = prev[-1] if prev else (real[-1] if i > 1 else "")
        after = nxt[0] if nxt else (real[0] if i < len(parts) - 1 else "")
        alone = before not in _NAME_CHARS and after not in _NAME_CHARS
        out.append(token if alone else real)
        out.append(nxt)
    return "".join(out)
