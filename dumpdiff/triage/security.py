"""What a dump says about mTLS (rung 5) and authorization (rung 6).

Server side: the inbound filter chains (virtualInbound, or pod-IP listeners on old Istio)
accept TLS only (STRICT), TLS and plain text (PERMISSIVE) or plain text only. Client side:
an outbound cluster originates Istio mTLS through `transport_socket_matches` (tlsMode-istio,
auto mTLS), through a TLS transport socket (a DestinationRule ISTIO_MUTUAL/MUTUAL/SIMPLE), or
sends plain text. Authorization is the RBAC filters (ALLOW/DENY/AUDIT policies) and ext_authz
(CUSTOM) in the inbound chains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.model.names import parse_cluster_name
from dumpdiff.model.snapshot import Snapshot

_TLS = "envoy.transport_sockets.tls"
_RBAC = ("envoy.filters.http.rbac", "envoy.filters.network.rbac")
_EXT_AUTHZ = ("envoy.filters.http.ext_authz", "envoy.filters.network.ext_authz")


@dataclass(slots=True)
class InboundTls:
    """How a proxy accepts inbound connections."""

    mode: str  # STRICT | PERMISSIVE | PLAINTEXT | UNKNOWN
    tls_chains: int = 0
    plain_chains: int = 0


def _is_inbound(listener: dict[str, Any], name: str) -> bool:
    return name == "virtualInbound" or listener.get("traffic_direction") == "INBOUND"


def _chains(listener: dict[str, Any]) -> list[dict[str, Any]]:
    chains = list(listener.get("filter_chains") or [])
    if isinstance(listener.get("default_filter_chain"), dict):
        chains.append(listener["default_filter_chain"])
    return chains


def _chain_is_tls(chain: dict[str, Any]) -> bool | None:
    ts = chain.get("transport_socket") or {}
    if ts.get("name") == _TLS or "tls_context" in chain:
        return True
    match = chain.get("filter_chain_match") or {}
    if match.get("transport_protocol") == "tls":
        return True
    name = str(chain.get("name", ""))
    if "blackhole" in name or "passthrough" in name.lower():
        return None  # catch-all chains say nothing about mTLS
    return False


def inbound_tls(snap: Snapshot) -> InboundTls:
    """The inbound mTLS mode from the inbound listeners' filter chains."""
    out = InboundTls("UNKNOWN")
    for res in snap.section("listeners").values():
        body = res.body or {}
        if res.state not in ("active", "static") or not _is_inbound(body, res.name or ""):
            continue
        for chain in _chains(body):
            tls = _chain_is_tls(chain)
            if tls is True:
                out.tls_chains += 1
            elif tls is False:
                out.plain_chains += 1
    if out.tls_chains and out.plain_chains:
        out.mode = "PERMISSIVE"
    elif out.tls_chains:
        out.mode = "STRICT"
    elif out.plain_chains:
        out.mode = "PLAINTEXT"
    return out


def client_tls(cluster: dict[str, Any]) -> str:
    """ISTIO_MUTUAL (auto or explicit), TLS (originated, not Istio's certs) or DISABLE."""
    for m in cluster.get("transport_socket_matches") or []:
        if (m.get("match") or {}).get("tlsMode") == "istio":
            return "ISTIO_MUTUAL (auto)"
    ts = cluster.get("transport_socket") or {}
    if ts.get("name") == _TLS or "tls_context" in cluster:
        text = str(ts)
        return "ISTIO_MUTUAL" if "'default'" in text or "ROOTCA" in text else "TLS"
    return "DISABLE"


@dataclass(slots=True)
class ClientMismatch:
    """A client cluster that sends plain text to a server that accepts only mTLS."""

    client: str
    cluster: str
    server: str


def mtls_mismatches(snaps: list[Snapshot]) -> list[ClientMismatch]:
    """Clusters of each client dump that send plain text to a STRICT server among the dumps."""
    strict: dict[str, str] = {}
    for s in snaps:
        ident = s.identity
        if ident.app and ident.namespace and inbound_tls(s).mode == "STRICT":
            strict[f"{ident.app}.{ident.namespace}.svc."] = ident.display
    out: list[ClientMismatch] = []
    if not strict:
        return out
    for s in snaps:
        for res in s.section("clusters").values():
            name = parse_cluster_name(res.name or "")
            if name.direction != "outbound":
                continue
            server = next((p for prefix, p in strict.items() if name.host.startswith(prefix)),
                          None)
            if server and server != s.identity.display and client_tls(res.body or {}) == "DISABLE":
                out.append(ClientMismatch(s.identity.display, res.name or "", server))
    return out


@dataclass(slots=True)
class Authz:
    """Authorization filters in the inbound chains."""

    policies: dict[str, list[str]] = field(default_factory=dict)  # action → policy names
    ext_authz: bool = False

    @property
    def any(self) -> bool:
        """True when something can deny a request."""
        return bool(self.ext_authz or any(self.policies.values()))


def authorization(snap: Snapshot) -> Authz:
    """RBAC policy names by action (ALLOW/DENY/LOG) and whether ext_authz (CUSTOM) is on."""
    out = Authz()
    for res in snap.section("listeners").values():
        body = res.body or {}
        if res.state not in ("active", "static") or not _is_inbound(body, res.name or ""):
            continue
        for chain in _chains(body):
            for f in chain.get("filters") or []:
                _collect(f, out)
                tc = f.get("typed_config") or {}
                for hf in tc.get("http_filters") or []:
                    _collect(hf, out)
    for action in out.policies:
        out.policies[action] = sorted(set(out.policies[action]))
    return out


def _collect(f: dict[str, Any], out: Authz) -> None:
    name = f.get("name")
    if name in _EXT_AUTHZ:
        out.ext_authz = True
    if name not in _RBAC:
        return
    tc = f.get("typed_config") or f.get("config") or {}
    rules = tc.get("rules")
    if isinstance(rules, dict):
        action = str(rules.get("action", "ALLOW"))
        out.policies.setdefault(action, []).extend(str(p) for p in rules.get("policies") or {})
    shadow = tc.get("shadow_rules")
    if isinstance(shadow, dict) and shadow.get("policies"):
        out.policies.setdefault("DRY_RUN", []).extend(str(p) for p in shadow["policies"])
