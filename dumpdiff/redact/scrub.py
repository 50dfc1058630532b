"""Redact one parsed document or text: certificates to fingerprint and validity, key material
and annotations dropped, names and IPs replaced by pseudonyms."""

from __future__ import annotations

from typing import Any

from dumpdiff.model.certs import describe_pem_bundle
from dumpdiff.redact.pseudonyms import Pseudonyms
from dumpdiff.redact.secrets import REDACTED

_CERT_FIELDS = frozenset({"certificate_chain", "trusted_ca", "trust_bundle", "crl",
                          "certificateChain", "trustedCa", "trustBundle"})
_SECRET_FIELDS = frozenset({"private_key", "privateKey", "password", "session_ticket_keys",
                            "sessionTicketKeys", "private_key_provider"})
_DROPPED = frozenset({"ANNOTATIONS", "annotations"})
# Certificate details that are not identity-revealing beyond what fingerprints already are.
_CERT_KEEP = ("sha256", "serial", "not_before", "not_after")


def scrub(obj: Any, names: Pseudonyms) -> Any:
    """A redacted copy of a JSON/YAML tree."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if k in _DROPPED:
                continue
            if k in _SECRET_FIELDS:
                out[k] = {"inline_string": REDACTED}
            elif k in _CERT_FIELDS and isinstance(v, dict) and ("inline_bytes" in v
                                                                 or "inlineBytes" in v):
                raw = str(v.get("inline_bytes", v.get("inlineBytes", "")))
                certs = describe_pem_bundle(raw) or [{"unparsed": True}]
                out[k] = {"redacted_certificates": [{f: c[f] for f in _CERT_KEEP if f in c}
                                                    for c in certs]}
            elif k in _CERT_FIELDS and isinstance(v, dict) and ("inline_string" in v):
                out[k] = {"inline_string": REDACTED}
            else:
                out[names.text(k)] = scrub(v, names)
        return out
    if isinstance(obj, list):
        return [scrub(v, names) for v in obj]
    if isinstance(obj, str):
        return names.text(obj)
    return obj
