"""Apply a Profile to a Snapshot so that two replicas of one workload become equal."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import orjson

from dumpdiff.model.certs import describe_pem_bundle
from dumpdiff.model.snapshot import Identity, Resource, Snapshot
from dumpdiff.normalize.profile import Profile

_MIN_TOKEN = 4  # shorter values (a pod called "a") would mangle unrelated strings
_CERT_FIELDS = frozenset({"certificate_chain", "trusted_ca", "trust_bundle", "crl"})
_SECRET_FIELDS = frozenset({"private_key", "password", "session_ticket_keys", "keys"})


_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF:")
_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def _neighbours(value: str) -> frozenset[str]:
    # Pod IPs sit inside names like `10.1.2.3_8080` or `http.10.1.2.3_`: only a digit (or a
    # hex digit for IPv6) next to the value means it is part of a longer address.
    if all(c in "0123456789." for c in value):
        return _DIGITS
    if ":" in value:
        return _HEX
    return _NAME


class _Token:
    """One identity value and its placeholder, replaced only where it stands alone."""

    __slots__ = ("bad", "bad_b", "needle", "needle_b", "placeholder", "placeholder_b")

    def __init__(self, value: str, placeholder: str) -> None:
        self.needle, self.needle_b = value, value.encode()
        self.placeholder, self.placeholder_b = placeholder, placeholder.encode()
        self.bad = _neighbours(value)
        self.bad_b = frozenset(ord(c) for c in self.bad)

    def replace(self, s: str) -> str:
        """Replace standalone occurrences in a string."""
        if self.needle not in s:
            return s
        parts = s.split(self.needle)
        out = [parts[0]]
        for i, (prev, nxt) in enumerate(itertools.pairwise(parts)):
            # An empty segment between two occurrences: the neighbour is the needle itself.
            before = prev[-1] if prev else (self.needle[-1] if i else "")
            after = nxt[0] if nxt else (self.needle[0] if i + 2 < len(parts) else "")
            alone = before not in self.bad and after not in self.bad
            out.append(self.placeholder if alone else self.needle)
            out.append(nxt)
        return "".join(out)

    def replace_bytes(self, data: bytes) -> bytes:
        """Replace standalone occurrences in serialized JSON (split/join: C speed)."""
        if self.needle_b not in data:
            return data
        parts = data.split(self.needle_b)
        out = [parts[0]]
        for i, (prev, nxt) in enumerate(itertools.pairwise(parts)):
            before = prev[-1] if prev else (self.needle_b[-1] if i else -1)
            after = nxt[0] if nxt else (self.needle_b[0] if i + 2 < len(parts) else -1)
            alone = before not in self.bad_b and after not in self.bad_b
            out.append(self.placeholder_b if alone else self.needle_b)
            out.append(nxt)
        return b"".join(out)


class Normalizer:
    """Normalizes the resources of one proxy, using the identity tokens of that proxy."""

    def __init__(self, profile: Profile, identity: Identity) -> None:
        self.profile = profile
        found: dict[str, str] = {}
        for attr, placeholder in profile.tokens.items():
            raw = getattr(identity, attr, "")
            for v in raw if isinstance(raw, list) else [raw]:
                if isinstance(v, str) and len(v) >= _MIN_TOKEN:
                    found.setdefault(v, placeholder)
        # Longest first, so that a value containing another is replaced whole.
        self._tokens = [_Token(v, p) for v, p in sorted(found.items(), key=lambda kv:
                                                         -len(kv[0]))]
        self._masks: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for m in profile.masks:
            self._masks.setdefault(m.section, []).append((m.path, m.value))

    # -- strings -------------------------------------------------------------------------
    def text(self, s: str) -> str:
        """Replace identity tokens inside one string."""
        for tok in self._tokens:
            s = tok.replace(s)
        return s

    def replace_in_bytes(self, data: bytes) -> bytes:
        """Replace identity tokens inside serialized JSON."""
        for tok in self._tokens:
            data = tok.replace_bytes(data)
        return data

    # -- resources -----------------------------------------------------------------------
    def tokens_apply(self, res: Resource) -> bool:
        """False where identity tokens must be left alone (peer addresses in EDS)."""
        if not self._tokens:
            return False
        keep = self.profile.tokens_skip.get(res.section)
        return keep is None or (res.name or "").startswith(keep)

    def meta(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Wrapper fields minus the dropped ones (push versions, timestamps)."""
        drop = self.profile.drop_meta
        return {k: self._walk(v) for k, v in meta.items() if k not in drop}

    def needs_full_walk(self, res: Resource) -> bool:
        """Masks and certificate reduction need the tree; everything else is bytes-safe."""
        return res.section in self._masks or (res.section == "secrets"
                                              and self.profile.reduce_certificates)

    def body(self, res: Resource) -> Any:
        """The normalized body of a resource (a new object; the input is not modified)."""
        # A fresh tree with the tokens replaced: through the serialized bytes, which is one
        # C-speed pass instead of a Python call per string (a bootstrap has thousands).
        data = orjson.dumps(res.body)
        if self.tokens_apply(res):
            data = self.replace_in_bytes(data)
        body = orjson.loads(data)
        for path, value in self._masks.get(res.section, []):
            _mask(body, path, value)
        if res.section == "secrets" and self.profile.reduce_certificates:
            per_pod = (res.name or "") in self.profile.per_pod_secrets
            body = self._reduce_secrets(body, per_pod)
        return body

    def fingerprint(self, res: Resource) -> bytes:
        """A digest equal for two resources that normalize to the same JSON, key order aside.

        The common case (no masks, no certificates) hashes the sorted-key JSON bytes after
        replacing identity tokens in the bytes, without walking the Python tree.
        """
        if self.needs_full_walk(res):
            payload: Any = [self.body(res), self.meta(res.meta)]
            data = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
        else:
            drop = self.profile.drop_meta
            kept = {k: v for k, v in res.meta.items() if k not in drop}
            data = orjson.dumps([res.body, kept], option=orjson.OPT_SORT_KEYS)
            if self.tokens_apply(res):
                data = self.replace_in_bytes(data)
        return hashlib.blake2b(data, digest_size=16).digest()

    def resource(self, res: Resource) -> Resource:
        """A normalized copy of one resource (key normalized too: `10.1.2.3_8080`)."""
        return Resource(res.section, self.text(res.key), res.name and self.text(res.name),
                        res.state, self.body(res), self.meta(res.meta), res.origin)

    def snapshot(self, snap: Snapshot) -> Snapshot:
        """A normalized copy of a whole snapshot."""
        out = Snapshot(snap.source, snap.identity)
        out.present = set(snap.present)
        out.section_meta = {s: self.meta(m) for s, m in snap.section_meta.items()}
        out.section_meta = {s: m for s, m in out.section_meta.items() if m}
        for table in snap.resources.values():
            for res in table.values():
                out.add(self.resource(res))
        return out

    def _walk(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return self.text(obj) if self._tokens else obj
        if isinstance(obj, dict):
            if not self._tokens:
                return {k: self._walk(v) for k, v in obj.items()}
            return {self.text(k): self._walk(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._walk(v) for v in obj]
        return obj

    def _reduce_secrets(self, obj: Any, per_pod: bool) -> Any:
        if isinstance(obj, list):
            return [self._reduce_secrets(v, per_pod) for v in obj]
        if not isinstance(obj, dict):
            return obj
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if k in _SECRET_FIELDS:
                out[k] = "[redacted]"  # never carry key material, whatever Envoy printed
            elif k in _CERT_FIELDS and isinstance(v, dict) and ("inline_bytes" in v or
                                                                 "redacted_certificates" in v):
                # A redacted dump (dumpdiff redact) carries the descriptions already.
                certs = (list(v["redacted_certificates"]) if "redacted_certificates" in v
                         else describe_pem_bundle(str(v["inline_bytes"])) or [{"unparsed": True}])
                if per_pod:
                    drop = self.profile.per_pod_cert_fields
                    certs = [{f: c[f] for f in c if f not in drop} for c in certs]
                out[k] = {"certificates": certs}
            else:
                out[k] = self._reduce_secrets(v, per_pod)
        return out


def _mask(obj: Any, path: tuple[str, ...], value: str) -> None:
    if not isinstance(obj, dict) or not path:
        return
    head, rest = path[0], path[1:]
    keys = list(obj) if head == "*" else [head] if head in obj else []
    for k in keys:
        if rest:
            _mask(obj[k], rest, value)
        else:
            obj[k] = value


def normalize_snapshot(snap: Snapshot, profile: Profile) -> Snapshot:
    """Normalize a snapshot with its own identity tokens."""
    return Normalizer(profile, snap.identity).snapshot(snap)
