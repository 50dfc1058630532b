"""`intended_routes` facts: what VirtualServices ask for, one row per route destination.

A row says: VirtualService ns/name, http route (name, index, the Envoy route name istiod
derives from it), one destination (host as FQDN, subset, port, weight) or mirror, the file and
line it was written at, and whether it should reach this proxy at all: the VS must bind to
the proxy's kind (`mesh` for sidecars/waypoints, a gateway for routers) and the proxy must have
a virtual host for one of the VS hosts.
"""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, uint
from dumpdiff.model.names import parse_route_config_name, parse_virtual_host_name
from dumpdiff.sources.manifests import Manifest

DOMAIN = "cluster.local"
_GATEWAY_FORMS = ("gateway-http", "gateway-https")


def fqdn(host: str, namespace: str) -> str:
    """Expand a Kubernetes short name the way Istio does: `a` → `a.<ns>.svc.cluster.local`."""
    if "*" in host or host.endswith(f".svc.{DOMAIN}"):
        return host
    parts = host.split(".")
    if len(parts) == 1:
        return f"{host}.{namespace}.svc.{DOMAIN}"
    if len(parts) == 2:
        return f"{host}.svc.{DOMAIN}"
    return host


def proxy_kind(proxy_type: str, route_rows: list[Row]) -> str:
    """`router` or `sidecar` (waypoints route like sidecars for mesh-bound VirtualServices)."""
    if proxy_type:
        return "router" if proxy_type == "router" else "sidecar"
    forms = {parse_route_config_name(r["route_config"]).form for r in route_rows}
    return "router" if forms & set(_GATEWAY_FORMS) else "sidecar"


def _vhosts_for(hosts: list[str], namespace: str, kind: str,
                route_rows: list[Row]) -> list[Row]:
    wanted = set(hosts) | {fqdn(h, namespace) for h in hosts}
    seen: dict[tuple[str, str], Row] = {}
    for r in route_rows:
        form = parse_route_config_name(r["route_config"]).form
        if (form in _GATEWAY_FORMS) != (kind == "router") or form == "inbound":
            continue
        domains = {_host_of(d) for d in r["domains"]}
        if domains & wanted:
            seen.setdefault((r["route_config"], r["virtual_host"]), r)
    return list(seen.values())


def _host_of(domain: str) -> str:
    parsed = parse_virtual_host_name(domain)
    return parsed.host if parsed.form == "host-port" else domain


def _envoy_route_names(http: dict[str, Any]) -> list[str]:
    name = str(http.get("name") or "")
    matches = [m for m in http.get("match") or [] if isinstance(m, dict)]
    names = {f"{name}.{m['name']}" if m.get("name") else name for m in matches} or {name}
    return sorted(names)


def targets(http: dict[str, Any]) -> list[tuple[str, int, dict[str, Any], int | None]]:
    """(kind, index, destination, weight) for route destinations and mirrors."""
    out: list[tuple[str, int, dict[str, Any], int | None]] = []
    routes = [r for r in http.get("route") or [] if isinstance(r, dict)]
    for i, r in enumerate(routes):
        dest = r.get("destination")
        if isinstance(dest, dict) and dest.get("host"):
            weight = uint(r.get("weight"))
            out.append(("route", i, dest, 100 if weight is None and len(routes) == 1
                        else (weight or 0)))
    if isinstance(http.get("mirror"), dict) and http["mirror"].get("host"):
        pct = http.get("mirrorPercentage") or http.get("mirror_percentage") or {}
        value = pct.get("value") if isinstance(pct, dict) else None
        out.append(("mirror", 0, http["mirror"], int(value) if value is not None else 100))
    for i, m in enumerate(http.get("mirrors") or []):
        if isinstance(m, dict) and isinstance(m.get("destination"), dict):
            pct = (m.get("percentage") or {}).get("value")
            out.append(("mirror", i, m["destination"], int(pct) if pct is not None else 100))
    return out


def _cluster_for(host: str, subset: str, port: int | None, vhosts: list[Row],
                 clusters: list[Row], kind: str) -> str | None:
    if port is None and kind == "sidecar":
        names = [parse_virtual_host_name(v["virtual_host"]) for v in vhosts]
        ports = {n.port for n in names if n.host == host and n.port is not None}
        port = ports.pop() if len(ports) == 1 else None
    if port is None:
        found = {c["port"] for c in clusters
                 if c["host"] == host and c["subset"] == subset and c["direction"] == "outbound"}
        port = found.pop() if len(found) == 1 else None
    return f"outbound|{port}|{subset}|{host}" if port is not None else None


def intended_route_facts(manifests: list[Manifest], proxy_type: str, route_rows: list[Row],
                         cluster_rows: list[Row]) -> list[Row]:
    """Rows for every destination of every http route of every VirtualService."""
    kind = proxy_kind(proxy_type, route_rows)
    rows: list[Row] = []
    for m in manifests:
        spec = m.body.get("spec") if isinstance(m.body.get("spec"), dict) else None
        if m.kind != "VirtualService" or spec is None:
            continue
        hosts = [str(h) for h in spec.get("hosts") or []]
        gateways = [str(g) for g in spec.get("gateways") or []] or ["mesh"]
        binds = ("mesh" in gateways) if kind == "sidecar" else any(g != "mesh" for g in gateways)
        vhosts = _vhosts_for(hosts, m.namespace, kind, route_rows) if binds else []
        for h, http in enumerate(spec.get("http") or []):
            if not isinstance(http, dict):
                continue
            for target_kind, i, dest, weight in targets(http):
                host = fqdn(str(dest["host"]), m.namespace)
                subset = str(dest.get("subset") or "")
                port = uint((dest.get("port") or {}).get("number"))
                path: tuple[str | int, ...] = ("spec", "http", h, "route", i) \
                    if target_kind == "route" else ("spec", "http", h, "mirror")
                for route_name in _envoy_route_names(http):
                    rows.append({
                        "virtual_service": m.ref, "vs_namespace": m.namespace,
                        "vs_name": m.name, "hosts": hosts, "gateways": gateways,
                        "http_index": h, "http_name": str(http.get("name") or ""),
                        "route": route_name, "kind": target_kind,
                        "host": host, "host_as_written": str(dest["host"]), "subset": subset,
                        "port": port, "weight": weight,
                        "cluster": _cluster_for(host, subset, port, vhosts, cluster_rows, kind),
                        "binds_to_proxy": binds,
                        "proxy_has_host": bool(vhosts),
                        "virtual_hosts": sorted(f"{v['route_config']}/{v['virtual_host']}"
                                                for v in vhosts),
                        "source": m.file, "origin": pointer(m, path),
                        "line": m.line_of(*path),
                    })
    return rows


def pointer(m: Manifest, path: tuple[str | int, ...]) -> str:
    """`Kind/namespace/name.spec.http[0]...`: where in a manifest a row comes from."""
    inner = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"{m.kind}/{m.ref}{inner}"
