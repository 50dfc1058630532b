"""Replay Envoy's HTTP route selection for one request on a Snapshot.

Route config for the port (from the listeners when the dump has them), virtual host by
domain (exact, `*suffix`, `prefix*`, `*`), first matching route, then the action and the
endpoints behind each cluster. The outcome is said in response-flag terms: NR, NC, UH, or
routed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.facts.endpoints import USABLE
from dumpdiff.model.filters import hcms, route_config_name
from dumpdiff.model.labels import address, route_match
from dumpdiff.model.names import parse_route_config_name
from dumpdiff.model.snapshot import Snapshot
from dumpdiff.routing.matchers import domain_rank, route_matches
from dumpdiff.routing.paths import host_without_port, request_path

ROUTE_SCHEMA_VERSION = "dumpdiff.route/v1"
# Clusters that forward to the original destination or nowhere: no endpoints expected.
_NO_ENDPOINT_TYPES = {"ORIGINAL_DST", "LOGICAL_DNS", "STRICT_DNS"}


@dataclass(slots=True)
class Request:
    """The request to replay."""

    host: str
    path: str = "/"
    port: int | None = None
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)

    def header_map(self) -> dict[str, str]:
        """Lower-cased headers plus the pseudo-headers Envoy matches on."""
        h = {k.lower(): v for k, v in self.headers.items()}
        h.setdefault(":method", self.method)
        h.setdefault(":path", self.path)
        h.setdefault(":authority", self.host)
        h.setdefault("host", self.host)
        return h


@dataclass(slots=True)
class Destination:
    """One upstream cluster a matched route sends to."""

    cluster: str
    weight: int | None = None
    percent: float = 100.0
    exists: bool | None = None  # None: the dump has no CDS to tell
    cluster_type: str = ""
    endpoints: int | None = None  # None: unknown (no EDS section)
    healthy: int | None = None
    hosts: list[str] = field(default_factory=list)
    flag: str = ""  # NC, UH or "" (routed)
    mirror: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(slots=True)
class RouteDecision:
    """Where a request goes, and why."""

    request: Request
    route_config: str = ""
    candidates: list[str] = field(default_factory=list)
    virtual_host: str = ""
    domain: str = ""
    route_name: str = ""
    route_index: int | None = None
    route_match: str = ""
    action: str = ""  # route | redirect | direct_response | other
    destinations: list[Destination] = field(default_factory=list)
    mirrors: list[Destination] = field(default_factory=list)
    status: int | None = None  # redirect/direct-response code
    redirect: dict[str, Any] = field(default_factory=dict)
    rewrites: dict[str, Any] = field(default_factory=dict)
    timeout: str = ""
    retry_policy: dict[str, Any] = field(default_factory=dict)
    virtual_service: str = ""
    outcome: str = ""  # routed | NR | NC | UH | partial | redirect | direct_response
    notes: list[str] = field(default_factory=list)

    @property
    def flags(self) -> dict[str, float]:
        """Response flag → share of requests (percent), for the outcome line."""
        out: dict[str, float] = {}
        if self.outcome == "NR":
            return {"NR": 100.0}
        for d in self.destinations:
            if d.flag:
                out[d.flag] = out.get(d.flag, 0.0) + d.percent
        return out

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form."""
        r = self.request
        return {
            "schema": ROUTE_SCHEMA_VERSION,
            "request": {"host": r.host, "port": r.port, "path": r.path, "method": r.method,
                        "headers": r.headers},
            "route_config": self.route_config, "candidates": self.candidates,
            "virtual_host": self.virtual_host, "domain": self.domain,
            "route": {"name": self.route_name, "index": self.route_index,
                      "match": self.route_match, "virtual_service": self.virtual_service},
            "action": self.action, "status": self.status, "redirect": self.redirect,
            "destinations": [d.to_dict() for d in self.destinations],
            "mirrors": [d.to_dict() for d in self.mirrors],
            "rewrites": self.rewrites, "timeout": self.timeout,
            "retry_policy": self.retry_policy, "outcome": self.outcome, "flags": self.flags,
            "notes": self.notes,
        }


def _listener_port(listener: dict[str, Any]) -> int | None:
    sa = (listener.get("address") or {}).get("socket_address") or {}
    try:
        return int(sa["port_value"])
    except (KeyError, TypeError, ValueError):
        return None


def route_configs_for_port(snap: Snapshot, port: int | None,
                           host: str = "") -> tuple[list[str], list[str]]:
    """(route config keys, notes) serving outbound HTTP on `port`, best first.

    Envoy picks the listener by the original destination: a listener bound to the service
    VIP (route config `host:port`) beats the wildcard `0.0.0.0_port`; inbound listeners (the
    pod's own IPs, traffic_direction INBOUND) receive traffic for this pod, not from it.
    """
    routes = snap.section("routes")
    notes: list[str] = []
    if port is None:
        named = [k for k, r in routes.items() if r.name]
        return (named if len(named) == 1 else []), notes
    pod_ips = set(snap.identity.pod_ips)
    ranked: list[tuple[int, str]] = []
    for res in snap.section("listeners").values():
        body = res.body or {}
        if res.state not in ("active", "static") or _listener_port(body) != port:
            continue
        addr = str(((body.get("address") or {}).get("socket_address") or {}).get("address", ""))
        inbound = body.get("traffic_direction") == "INBOUND" or addr in pod_ips
        for hcm in hcms(body):
            name = route_config_name(hcm)
            if not name or name not in routes:
                continue
            rc = parse_route_config_name(name)
            if inbound:
                rank = 3
            elif rc.form == "host-port" and host and (rc.host == host
                                                      or rc.host.startswith(host + ".")):
                rank = 0
            elif addr in ("0.0.0.0", "::"):
                rank = 1
            else:
                rank = 2
            ranked.append((rank, name))
    found = [n for _, n in sorted(set(ranked))]
    if found:
        return list(dict.fromkeys(found)), notes
    if "listeners" in snap.present:
        notes.append(f"no active listener on port {port} has an HTTP route config; "
                     "falling back to route config names")
    for key, res in routes.items():
        rc = parse_route_config_name(res.name or "")
        if rc.port == port and rc.form in ("port", "gateway-http", "gateway-https",
                                           "host-port"):
            found.append(key)
    return found, notes


def replay(snap: Snapshot, req: Request, route_config: str | None = None) -> RouteDecision:
    """Where `req` goes in this proxy."""
    dec = RouteDecision(req)
    host_port = None
    host = req.host.lower()
    if ":" in host and host.rsplit(":", 1)[1].isdigit() and not host.endswith("]"):
        host_port = int(host.rsplit(":", 1)[1])
    port = req.port if req.port is not None else host_port
    if route_config:
        if route_config not in snap.section("routes"):
            dec.outcome = "NR"
            dec.notes.append(f"route config {route_config} is not in the dump")
            return dec
        keys = [route_config]
    else:
        bare = host.rsplit(":", 1)[0] if host_port is not None else host
        keys, notes = route_configs_for_port(snap, port, bare)
        dec.notes += notes
    dec.candidates = keys
    if not keys:
        dec.outcome = "NR"
        dec.notes.append(f"no HTTP route config for port {port}: the proxy does not route this "
                         "traffic as HTTP (TCP proxy, passthrough, or no listener)"
                         if port is not None else "give --port: several route configs exist")
        return dec
    if len(keys) > 1:
        dec.notes.append(f"{len(keys)} route configs serve this port ({', '.join(keys)}); "
                         f"replaying the first")
    rc_res = snap.section("routes")[keys[0]]
    dec.route_config = keys[0]
    rc = rc_res.body or {}
    match_host = host
    if rc.get("ignore_port_in_host_matching"):
        match_host = host_without_port(host)
    vhost, domain = _select_vhost(rc.get("virtual_hosts") or [], match_host)
    if vhost is None:
        dec.outcome = "NR"
        dec.notes.append(f"no virtual host of {dec.route_config} has a domain matching "
                         f"{match_host!r}")
        return dec
    dec.virtual_host, dec.domain = str(vhost.get("name", "")), domain
    path, notes = request_path(req.path, _hcm_for(snap, dec.route_config))
    dec.notes += notes
    headers = req.header_map()
    headers[":path"] = path
    for i, route in enumerate(vhost.get("routes") or []):
        ok, note = route_matches(route.get("match") or {}, path, headers)
        if ok:
            if note:
                dec.notes.append(note)
            _apply_route(snap, dec, vhost, route, i, headers)
            return dec
    dec.outcome = "NR"
    dec.notes.append(f"no route of virtual host {dec.virtual_host} matches "
                     f"{req.method} {req.path}")
    return dec


def _hcm_for(snap: Snapshot, route_config: str) -> dict[str, Any] | None:
    """The HTTP connection manager of an active listener that uses `route_config`.

    Its path settings (normalize_path, merge_slashes, escaped slashes) decide what path the
    routes see; None when the dump has no such listener.
    """
    for res in snap.section("listeners").values():
        if res.state not in ("active", "static"):
            continue
        for hcm in hcms(res.body or {}):
            name = route_config_name(hcm)
            if name == route_config:
                return hcm
    return None


def _select_vhost(vhosts: list[dict[str, Any]], host: str) -> tuple[dict[str, Any] | None, str]:
    best: tuple[tuple[int, int], dict[str, Any], str] | None = None
    for vh in vhosts:
        for d in vh.get("domains") or []:
            rank = domain_rank(str(d), host)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, vh, str(d))
    return (best[1], best[2]) if best else (None, "")


def _apply_route(snap: Snapshot, dec: RouteDecision, vhost: dict[str, Any],
                 route: dict[str, Any], index: int, headers: dict[str, str]) -> None:
    dec.route_name = str(route.get("name", ""))
    dec.route_index = index
    dec.route_match = route_match(route.get("match") or {})
    cfg = (((route.get("metadata") or {}).get("filter_metadata") or {}).get("istio") or {})
    dec.virtual_service = str(cfg.get("config", ""))
    if "redirect" in route:
        dec.action, dec.outcome = "redirect", "redirect"
        dec.redirect = route["redirect"]
        dec.status = {"MOVED_PERMANENTLY": 301, "FOUND": 302, "SEE_OTHER": 303,
                      "TEMPORARY_REDIRECT": 307, "PERMANENT_REDIRECT": 308}.get(
            str(route["redirect"].get("response_code", "MOVED_PERMANENTLY")), 301)
        return
    if "direct_response" in route:
        dec.action, dec.outcome = "direct_response", "direct_response"
        dec.status = int(route["direct_response"].get("status", 0))
        return
    action = route.get("route")
    if not isinstance(action, dict):
        dec.action, dec.outcome = "other", "routed"
        dec.notes.append("the route has no forwarding action (filter or non-forwarding action)")
        return
    dec.action = "route"
    if "cluster" in action:
        dec.destinations = [Destination(str(action["cluster"]))]
    elif "weighted_clusters" in action:
        wc = action["weighted_clusters"]
        items = wc.get("clusters") or []
        total = sum(int(c.get("weight", 0) or 0) for c in items) or 1
        dec.destinations = [Destination(str(c.get("name")), int(c.get("weight", 0) or 0),
                                        round(100.0 * int(c.get("weight", 0) or 0) / total, 2))
                            for c in items]
    elif "cluster_header" in action:
        name = headers.get(str(action["cluster_header"]).lower())
        dec.notes.append(f"cluster chosen by header {action['cluster_header']}")
        if name:
            dec.destinations = [Destination(name)]
    for m in action.get("request_mirror_policies") or []:
        dec.mirrors.append(Destination(str(m.get("cluster", "")), mirror=True))
    for k in ("prefix_rewrite", "regex_rewrite", "host_rewrite_literal", "host_rewrite_header",
              "auto_host_rewrite", "path_rewrite_policy"):
        if k in action:
            dec.rewrites[k] = action[k]
    dec.timeout = str(action["timeout"]) if "timeout" in action else "15s (Envoy default)"
    dec.retry_policy = action.get("retry_policy") or vhost.get("retry_policy") or {}
    for d in [*dec.destinations, *dec.mirrors]:
        _resolve(snap, d)
    flagged = [d for d in dec.destinations if d.flag]
    if not dec.destinations:
        dec.outcome = "NC"
        dec.notes.append("the route names no cluster")
    elif not flagged:
        dec.outcome = "routed"
    elif len(flagged) == len(dec.destinations):
        dec.outcome = flagged[0].flag if len({d.flag for d in flagged}) == 1 else "partial"
    else:
        dec.outcome = "partial"


def _resolve(snap: Snapshot, d: Destination) -> None:
    clusters = snap.section("clusters")
    if "clusters" not in snap.present:
        d.exists = None
    else:
        res = clusters.get(d.cluster) or clusters.get(f"{d.cluster} (warming)")
        d.exists = res is not None
        if res is None:
            d.flag = "NC"
            return
        body = res.body or {}
        d.cluster_type = str(body.get("type") or ("EDS" if "eds_cluster_config" in body else
                                                  "STATIC"))
        if res.state == "warming":
            d.flag = "NC"  # a warming cluster is not used yet
            return
        if d.cluster_type in _NO_ENDPOINT_TYPES or body.get("cluster_type"):
            return
    eds = snap.section("endpoints").get(d.cluster)
    if eds is None:
        if "endpoints" in snap.present and d.exists:
            d.endpoints = d.healthy = 0
            d.flag = "UH"
        return
    total = healthy = 0
    for loc in (eds.body or {}).get("endpoints") or []:
        for ep in loc.get("lb_endpoints") or []:
            total += 1
            status = str(ep.get("health_status", ""))
            if status in USABLE or not status:
                healthy += 1
            where = address((ep.get("endpoint") or {}).get("address"))
            d.hosts.append(f"{where} {status or 'HEALTHY'}")
    d.endpoints, d.healthy = total, healthy
    if healthy == 0:
        d.flag = "UH"
