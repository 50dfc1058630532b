"""Read Envoy TLS contexts: what a cluster sends upstream, and what a filter chain serves.

Istio's shapes (pilot/pkg/networking/core/cluster_tls.go, authn): ISTIO_MUTUAL is a TLS
context whose certificate is the SDS secret `default` and whose validation context is the SDS
secret `ROOTCA`; auto mTLS is a pair of `transport_socket_matches` (TLS for endpoints labelled
`tlsMode: istio`, plaintext otherwise); DestinationRule SIMPLE / MUTUAL origination uses other
certificates. Old dumps keep the context in `tls_context` instead of `transport_socket`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from dumpdiff.model.filters import typed

_TLS_SOCKETS = ("envoy.transport_sockets.tls", "tls")
_ISTIO_CERT = "default"
_ISTIO_ROOT = "ROOTCA"


def tls_context(socket: Any) -> dict[str, Any] | None:
    """The Upstream/DownstreamTlsContext of a transport socket, None for plaintext ones."""
    if not isinstance(socket, dict):
        return None
    inner = typed(socket)
    type_url = str(inner.get("@type", ""))
    if socket.get("name") in _TLS_SOCKETS or type_url.endswith("TlsContext"):
        return inner
    return None


def _common(ctx: dict[str, Any]) -> dict[str, Any]:
    common = ctx.get("common_tls_context")
    return common if isinstance(common, dict) else {}


def _sds_names(configs: Any) -> list[str]:
    return [str(c.get("name")) for c in configs or [] if isinstance(c, dict) and c.get("name")]


def certificate_refs(ctx: dict[str, Any]) -> list[str]:
    """`sds:<name>`, `file:<path>` or `inline:<sha256 prefix>` for each certificate served."""
    common = _common(ctx)
    refs = [f"sds:{n}" for n in _sds_names(common.get("tls_certificate_sds_secret_configs"))]
    for cert in common.get("tls_certificates") or []:
        chain = cert.get("certificate_chain") if isinstance(cert, dict) else None
        if not isinstance(chain, dict):
            continue
        if chain.get("filename"):
            refs.append(f"file:{chain['filename']}")
        elif chain.get("inline_bytes") or chain.get("inline_string"):
            data = str(chain.get("inline_bytes") or chain.get("inline_string"))
            refs.append(f"inline:{hashlib.sha256(data.encode()).hexdigest()[:12]}")
    return sorted(set(refs))


def verifies_peer(ctx: dict[str, Any]) -> bool:
    """True when the context checks the peer's certificate against a CA (or a SPIFFE bundle)."""
    common = _common(ctx)
    if common.get("validation_context_sds_secret_config"):
        return True
    contexts = [common.get("validation_context")]
    combined = common.get("combined_validation_context")
    if isinstance(combined, dict):
        if combined.get("validation_context_sds_secret_config"):
            return True
        contexts.append(combined.get("default_validation_context"))
    for vc in contexts:
        if not isinstance(vc, dict):
            continue
        if vc.get("trust_chain_verification") == "ACCEPT_UNTRUSTED":
            continue
        if vc.get("trusted_ca") or vc.get("custom_validator_config"):
            return True
    return False


def _is_istio_mutual(ctx: dict[str, Any]) -> bool:
    common = _common(ctx)
    certs = _sds_names(common.get("tls_certificate_sds_secret_configs"))
    combined = common.get("combined_validation_context")
    roots = [common.get("validation_context_sds_secret_config")]
    if isinstance(combined, dict):
        roots.append(combined.get("validation_context_sds_secret_config"))
    root_names = [r.get("name") for r in roots if isinstance(r, dict)]
    return _ISTIO_CERT in certs and _ISTIO_ROOT in root_names


def upstream_mode(ctx: dict[str, Any] | None) -> str:
    """`none`, `istio-mutual`, `mutual` (own client certificate) or `simple`."""
    if ctx is None:
        return "none"
    if _is_istio_mutual(ctx):
        return "istio-mutual"
    common = _common(ctx)
    if common.get("tls_certificates") or common.get("tls_certificate_sds_secret_configs"):
        return "mutual"
    return "simple"


def cluster_tls(body: dict[str, Any]) -> dict[str, Any]:
    """The TLS fields of a `clusters` row.

    `tls_mode`: none, istio-mutual, mutual, simple, or `auto` (Istio auto mTLS: TLS to
    endpoints labelled tlsMode=istio, plaintext to others).
    """
    matches = [m for m in body.get("transport_socket_matches") or [] if isinstance(m, dict)]
    ctx = tls_context(body.get("transport_socket")) or (
        body.get("tls_context") if isinstance(body.get("tls_context"), dict) else None)
    mode = upstream_mode(ctx)
    if ctx is None and matches:
        tls_matches = [m for m in matches if tls_context(m.get("transport_socket"))]
        plain = [m for m in matches if not tls_context(m.get("transport_socket"))]
        if tls_matches:
            ctx = tls_context(tls_matches[0].get("transport_socket"))
            mode = "auto" if plain else upstream_mode(ctx)
    return {
        "tls_mode": mode,
        "tls_sni": str(ctx.get("sni")) if ctx and ctx.get("sni") else None,
        "tls_verifies_server": verifies_peer(ctx) if ctx is not None else None,
    }
