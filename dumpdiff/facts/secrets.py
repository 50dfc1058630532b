"""`secrets` facts: one row per SDS secret, with the leaf certificate's validity judged at the
moment the dump was taken (see timebase.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dumpdiff.facts.common import Row, from_resource
from dumpdiff.facts.timebase import parse_time
from dumpdiff.model.certs import describe_pem_bundle
from dumpdiff.model.snapshot import Snapshot

# The workload identity the Istio agent (or SPIRE) issues and rotates by itself, every day or
# so; expiring soon is their normal state, only an expired one is a fault.
_AUTO_ROTATED = frozenset({"default", "ROOTCA"})
_CREDENTIAL_PREFIX = "kubernetes://"


def _validity(body: dict[str, Any]) -> tuple[str | None, str | None]:
    chain = ((body.get("tls_certificate") or {}).get("certificate_chain") or {})
    inline = chain.get("inline_bytes") if isinstance(chain, dict) else None
    certs = describe_pem_bundle(inline) if isinstance(inline, str) else None
    if not certs:
        return None, None
    return certs[0].get("not_before"), certs[0].get("not_after")


def credential_name(secret: str) -> str | None:
    """The Gateway `credentialName` an SDS name stands for (`kubernetes://[ns/]name`)."""
    if secret.startswith(_CREDENTIAL_PREFIX):
        return secret[len(_CREDENTIAL_PREFIX):] or None
    return None


def _days(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return round((later - earlier).total_seconds() / 86400, 2)


def secret_facts(snap: Snapshot, at: datetime | None) -> list[Row]:
    """One row per SDS secret; `days_left`, `expired`, `not_yet_valid` are judged at `at`."""
    rows = []
    for res in snap.section("secrets").values():
        body = res.body if isinstance(res.body, dict) else {}
        name = res.name or res.key
        kind = next((k for k in ("tls_certificate", "validation_context",
                                 "session_ticket_keys", "generic_secret") if k in body), None)
        not_before, not_after = _validity(body)
        left = _days(parse_time(not_after), at)
        ahead = _days(parse_time(not_before), at)
        rows.append({
            "name": name,
            "state": res.state,
            "kind": kind,
            "not_before": not_before,
            "not_after": not_after,
            "days_left": left,
            "expired": left < 0 if left is not None else None,
            "not_yet_valid": ahead > 0 if ahead is not None else None,
            "auto_rotated": name in _AUTO_ROTATED or name.startswith("spiffe://"),
            "credential_name": credential_name(name),
            "last_updated": res.meta.get("last_updated"),
            "version_info": res.meta.get("version_info"),
            **from_resource(res, snap.source),
        })
    return rows
