"""`domains` facts: one row per (route config, virtual host, domain), with the key Envoy looks
the request's Host up by.

Envoy picks a virtual host by the request's Host header, lower-cased. It refuses a route
configuration that lists the exact same domain twice, but two spellings can still collide:
with `ignore_port_in_host_matching` (Istio ≥1.20 sets it) Envoy strips the port from the
request before the lookup, so a domain written with a port (`a.example.com:80`) can never
match, and its port-less twin in another virtual host takes its requests. `lookup_key` is the
domain as the lookup sees it; `rank` orders rows that share a key so that the one Envoy
actually serves has the lowest rank (a port-less domain before one with a port, then by
virtual-host order). A row with a higher rank than another row of the same key is dead.
"""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, from_resource
from dumpdiff.model.snapshot import Snapshot

# Ranks above this mark a domain whose port makes it unmatchable (port ignored at lookup).
_PORT_PENALTY = 1_000_000


def split_port(domain: str) -> tuple[str, int | None]:
    """(`host`, port) of `host:port` or `[v6]:port`; (domain, None) without a numeric port."""
    host, sep, port = domain.rpartition(":")
    if sep and port.isdigit() and host and (not host.startswith("[") or host.endswith("]")) \
            and (host.count(":") == 0 or host.startswith("[")):
        return host, int(port)
    return domain, None


def domain_facts(snap: Snapshot) -> list[Row]:
    """One row per domain of every virtual host of every route configuration."""
    rows: list[Row] = []
    for res in snap.section("routes").values():
        body: dict[str, Any] = res.body if isinstance(res.body, dict) else {}
        port_ignored = body.get("ignore_port_in_host_matching") is True
        rc_name = res.name or res.key
        for i, vh in enumerate(body.get("virtual_hosts") or []):
            if not isinstance(vh, dict):
                continue
            for k, domain in enumerate(vh.get("domains") or []):
                text = str(domain)
                host, port = split_port(text.lower())
                dead_port = port_ignored and port is not None
                rows.append({
                    "route_config": rc_name,
                    "route_config_state": res.state,
                    "virtual_host": str(vh.get("name", "")),
                    "vhost_index": i,
                    "domain": text,
                    "lookup_key": host if dead_port else text.lower(),
                    "port_ignored": port_ignored,
                    "rank": i + (_PORT_PENALTY if dead_port else 0),
                    **from_resource(res, snap.source, f".virtual_hosts[{i}].domains[{k}]"),
                })
    return rows
