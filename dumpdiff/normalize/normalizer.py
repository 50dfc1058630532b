"""Apply a Profile to a Snapshot so that two replicas of one workload become equal."""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

import orjson

from dumpdiff.model.certs import describe_pem_bundle
from dumpdiff.model.snapshot import Identity, Resource, Snapshot
from dumpdiff.normalize.profile import Profile

_MIN_TOKEN = 4  # shorter values (a pod called "a") would mangle unrelated strings
_CERT_FIELDS = frozenset({"certificate_chain", "trusted_ca", "trust_bundle", "crl"})
_SECRET_FIELDS = frozenset({"private_key", "password", "session_ticket_keys", "keys"})


def _token_pattern(value: str) -> str:
    # Pod IPs sit inside names like `10.1.2.3_8080` or `http.10.1.2.3_`: only a digit (or
    # hex digit for IPv6) next to the value means it is part of a longer address.
    if re.fullmatch(r"[0-9.]+", value):
        return rf"(?<![0-9]){re.escape(value)}(?![0-9])"
    if ":" in value:
        return rf"(?<![0-9a-fA-F:]){re.escape(value)}(?![0-9a-fA-F:])"
    return rf"(?<![A-Za-z0-9-]){re.escape(value)}(?![A-Za-z0-9-])"


class Normalizer:
    """Normalizes the resources of one proxy, using the identity tokens of that proxy."""

    def __init__(self, profile: Profile, identity: Identity) -> None:
        self.profile = profile
        self._subs: list[tuple[re.Pattern[str], re.Pattern[bytes], str, list[bytes]]] = []
        for attr, placeholder in profile.tokens.items():
            raw = getattr(identity, attr, "")
            values = raw if isinstance(raw, list) else [raw]
            values = sorted({v for v in values if isinstance(v, str) and len(v) >= _MIN_TOKEN},
                            key=len, reverse=True)
            if not values:
                continue
            pattern = "|".join(_token_pattern(v) for v in values)
            self._subs.append((re.compile(pattern), re.compile(pattern.encode()), placeholder,
                               [v.encode() for v in values]))
        self._masks: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for m in profile.masks:
            self._masks.setdefault(m.section, []).append((m.path, m.value))

    # -- strings -------------------------------------------------------------------------
    def text(self, s: str) -> str:
        """Replace identity tokens inside one string."""
        for rx, _, placeholder, _ in self._subs:
            if rx.search(s):
                s = rx.sub(placeholder, s)
        return s

    def _bytes(self, data: bytes) -> bytes:
        for _, rxb, placeholder, needles in self._subs:
            if any(n in data for n in needles):  # memmem first: the regex scan is slower
                data = rxb.sub(placeholder.encode(), data)
        return data

    # -- resources -----------------------------------------------------------------------
    def tokens_apply(self, res: Resource) -> bool:
        """False where identity tokens must be left alone (peer addresses in EDS)."""
        if not self._subs:
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
        body = self._walk(res.body) if self.tokens_apply(res) else copy.deepcopy(res.body)
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
                data = self._bytes(data)
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
            return self.text(obj) if self._subs else obj
        if isinstance(obj, dict):
            if not self._subs:
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
            elif k in _CERT_FIELDS and isinstance(v, dict) and "inline_bytes" in v:
                certs = describe_pem_bundle(str(v["inline_bytes"])) or [{"unparsed": True}]
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
