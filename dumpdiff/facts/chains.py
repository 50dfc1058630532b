"""`filter_chains` and `listener_ports` facts: what each listener port serves, and how.

A filter chain row says what the chain matches (port, SNI, ALPN, transport), whether it
terminates TLS and with which certificate, which network and HTTP filters it runs (RBAC and
ext_authz mean an AuthorizationPolicy applies) and where it sends traffic. A listener-port
row aggregates the chains of one port of one listener: the protocols served, whether the
protocol is sniffed per connection (IST0118), which transports an inbound port accepts (its
PeerAuthentication mode, as the proxy enforces it) and whether every chain checks
authorization.
"""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, from_resource, uint
from dumpdiff.facts.tls import certificate_refs, tls_context
from dumpdiff.model import labels
from dumpdiff.model.filters import is_hcm, is_tcp_proxy, route_config_name, typed
from dumpdiff.model.names import parse_listener_name
from dumpdiff.model.snapshot import Resource, Snapshot

# Clusters that are not a service: traffic to them is a pass-through or a drop.
CATCH_ALL_CLUSTERS = frozenset({"BlackHoleCluster", "PassthroughCluster",
                                "InboundPassthroughCluster", "InboundPassthroughClusterIpv4",
                                "InboundPassthroughClusterIpv6"})
_HTTP_INSPECTOR = ("envoy.filters.listener.http_inspector", "envoy.listener.http_inspector")
# ALPN values Envoy's http_inspector sets when it sniffs plaintext HTTP.
_SNIFFED_ALPN = frozenset({"http/1.0", "http/1.1", "h2c"})
_SERVING_STATES = ("static", "active")


def _enforces_authz(f: dict[str, Any]) -> bool:
    """RBAC with enforced `rules` (shadow-only RBAC is a dry run), or ext_authz."""
    name = str(f.get("name", ""))
    type_url = str(typed(f).get("@type", ""))
    if "ext_authz" in name or type_url.endswith(".ExtAuthz"):
        return True
    if name.endswith("rbac") or ".rbac." in type_url:
        return "rules" in typed(f)
    return False


def _http_filters(hcm: dict[str, Any]) -> list[dict[str, Any]]:
    return [h for h in typed(hcm).get("http_filters") or [] if isinstance(h, dict)]


def direction(res: Resource, body: dict[str, Any], pod_ips: list[str]) -> str:
    """INTERNAL, INBOUND, OUTBOUND or UNSPECIFIED.

    Internal listeners (`internal_listener`, e.g. main_internal behind HBONE) take traffic
    another listener already accepted, so they are no network port of their own. Otherwise
    `traffic_direction`, else what the name says.
    """
    if "internal_listener" in body:
        return "INTERNAL"
    declared = body.get("traffic_direction")
    if declared in ("INBOUND", "OUTBOUND"):
        return str(declared)
    name = res.name or ""
    parsed = parse_listener_name(name)
    if name == "virtualInbound" or (parsed.form == "address-port" and parsed.address in pod_ips):
        return "INBOUND"
    if name == "virtualOutbound" or parsed.form == "address-port":
        return "OUTBOUND"
    return "UNSPECIFIED"


def _chain_row(res: Resource, source: str, chain: dict[str, Any], index: int,
               is_default: bool, dirn: str, sniffing: bool) -> Row:
    match = chain.get("filter_chain_match") or {}
    match = match if isinstance(match, dict) else {}
    filters = [f for f in chain.get("filters") or [] if isinstance(f, dict)]
    ctx = tls_context(chain.get("transport_socket")) or (
        chain.get("tls_context") if isinstance(chain.get("tls_context"), dict) else None)
    hcm = next((f for f in filters if is_hcm(f)), None)
    http = _http_filters(hcm) if hcm else []
    tcp = next((f for f in filters if is_tcp_proxy(f)), None)
    alpn = sorted(str(a) for a in match.get("application_protocols") or [])
    port = match.get("destination_port")
    if port is None and res.name not in ("virtualInbound", "virtualOutbound"):
        port = parse_listener_name(res.name or "").port
    certs = certificate_refs(ctx) if ctx else []
    rc = route_config_name(typed(hcm)) if hcm else None
    return {
        "listener": res.name or res.key,
        "listener_state": res.state,
        "direction": dirn,
        "chain": str(chain.get("name") or ""),
        "chain_index": index,
        "is_default": is_default,
        "match": labels.filter_chain_match(match),
        "destination_port": port if isinstance(port, int) else None,
        "server_names": sorted(str(s) for s in match.get("server_names") or []),
        "transport_protocol": match.get("transport_protocol"),
        "application_protocols": alpn,
        "catch_all": "destination_port" not in match and res.name in ("virtualInbound",
                                                                    "virtualOutbound"),
        "matches_any": matches_any(match),
        "terminates_tls": ctx is not None,
        "require_client_certificate": (_bool(ctx.get("require_client_certificate"))
                                       if ctx is not None else None),
        "certificates": certs,
        "certificate": ",".join(certs) if certs else None,
        "network_filters": [str(f.get("name", "")) for f in filters],
        "http_filters": [str(h.get("name", "")) for h in http],
        "protocol": "http" if hcm else ("tcp" if tcp else "other"),
        "sniffed_alpn": sniffing and bool(_SNIFFED_ALPN & set(alpn)),
        "route_config": rc,
        "tcp_cluster": str(typed(tcp).get("cluster")) if tcp and typed(tcp).get("cluster")
        else None,
        "authz": any(_enforces_authz(f) for f in filters + http),
        **from_resource(res, source, ".default_filter_chain" if is_default
                        else f".filter_chains[{index}]"),
    }


def matches_any(match: dict[str, Any]) -> bool:
    """True for a filter_chain_match every connection satisfies: empty, or only prefix
    ranges of length 0 (0.0.0.0/0, ::/0)."""
    if set(match) - {"prefix_ranges"}:
        return False
    return all(isinstance(r, dict) and not uint(r.get("prefix_len"))
               for r in match.get("prefix_ranges") or [])


def _bool(value: Any) -> bool:
    if isinstance(value, dict):
        value = value.get("value")
    return value is True


def filter_chain_facts(snap: Snapshot) -> list[Row]:
    """One row per filter chain (default chains included) of every listener state."""
    rows: list[Row] = []
    for res in snap.section("listeners").values():
        body: dict[str, Any] = res.body if isinstance(res.body, dict) else {}
        lf = [str(f.get("name", "")) for f in body.get("listener_filters") or []
              if isinstance(f, dict)]
        sniffing = any(n in _HTTP_INSPECTOR for n in lf)
        dirn = direction(res, body, snap.identity.pod_ips)
        for i, chain in enumerate(body.get("filter_chains") or []):
            if isinstance(chain, dict):
                rows.append(_chain_row(res, snap.source, chain, i, False, dirn, sniffing))
        default = body.get("default_filter_chain")
        if isinstance(default, dict):
            rows.append(_chain_row(res, snap.source, default, -1, True, dirn, sniffing))
    return rows


def _serves_service(chain: Row) -> bool:
    """A chain for a service port: not a pass-through/black-hole or catch-all chain."""
    return (chain["listener_state"] in _SERVING_STATES and chain["destination_port"] is not None
            and not chain["catch_all"] and not chain["is_default"]
            and chain["tcp_cluster"] not in CATCH_ALL_CLUSTERS)


def _mode(mtls: bool, plain: bool) -> str | None:
    if mtls and plain:
        return "PERMISSIVE"
    if mtls:
        return "STRICT"
    return "DISABLE" if plain else None


def listener_port_facts(chains: list[Row]) -> list[Row]:
    """One row per (listener, destination port) served by service chains (not internal ones)."""
    groups: dict[tuple[str, int], list[Row]] = {}
    for c in chains:
        if _serves_service(c) and c["direction"] != "INTERNAL":
            groups.setdefault((c["listener"], c["destination_port"]), []).append(c)
    rows = []
    for (listener, port), members in sorted(groups.items()):
        protocols = sorted({c["protocol"] for c in members})
        mtls = any(c["terminates_tls"] for c in members)
        plain = any(not c["terminates_tls"] and c["transport_protocol"] != "tls"
                    for c in members)
        inbound = members[0]["direction"] == "INBOUND"
        first = members[0]
        rows.append({
            "listener": listener,
            "port": port,
            "direction": first["direction"],
            "chains": len(members),
            "protocols": protocols,
            # Sniffing: the protocol is picked per connection from what the first bytes look
            # like, i.e. an HTTP chain chosen by sniffed ALPN next to a non-HTTP one.
            "sniffed": any(c["sniffed_alpn"] and c["protocol"] == "http" for c in members)
            and any(c["protocol"] != "http" for c in members),
            "accepts_mtls": mtls,
            "accepts_plaintext": plain,
            "mtls_mode": _mode(mtls, plain) if inbound else None,
            "authz": all(c["authz"] for c in members),
            "source": first["source"],
            "origin": first["origin"].rsplit(".filter_chains[", 1)[0],
            "line": None,
        })
    return rows


def outbound_policy_facts(chains: list[Row], route_rows: list[Row]) -> list[Row]:
    """The sidecar's outbound traffic policy as the proxy runs it (zero or one row).

    ALLOW_ANY sends unknown destinations to PassthroughCluster (TCP: virtualOutbound's
    catch-all chain; HTTP: the `allow_any` virtual host); REGISTRY_ONLY sends them to
    BlackHoleCluster (HTTP: the `block_all` virtual host answering 502).
    """
    # Only chains every connection can take count: old Istio's virtualOutbound also sends
    # the pod's own IP (a /32 range) to BlackHoleCluster, which is loop prevention, not policy.
    tcp = sorted({c["tcp_cluster"] for c in chains
                  if c["listener"] == "virtualOutbound" and c["listener_state"] in
                  _SERVING_STATES and (c["is_default"] or c["matches_any"])
                  and c["tcp_cluster"] in ("PassthroughCluster", "BlackHoleCluster")})
    http = sorted({r["virtual_host"] for r in route_rows
                   if r["virtual_host"] in ("allow_any", "block_all")})
    if not tcp and not http:
        return []
    blocked = "BlackHoleCluster" in tcp or "block_all" in http
    allowed = "PassthroughCluster" in tcp or "allow_any" in http
    mode = "MIXED" if blocked and allowed else ("REGISTRY_ONLY" if blocked else "ALLOW_ANY")
    origin = next((c["origin"] for c in chains if c["listener"] == "virtualOutbound"), "")
    source = chains[0]["source"] if chains else (route_rows[0]["source"] if route_rows else "")
    return [{"mode": mode, "tcp_catch_all": tcp, "http_catch_all": http,
             "source": source, "origin": origin, "line": None}]
