"""What the fleet facts keep of each proxy: identity and a few trimmed tables.

A proxy's full facts document is dropped as soon as its own rules have run, so a bundle of
hundreds of pods never sits in memory at once. Only identity is kept per proxy; the tables
(clusters, endpoints, inbound ports) are kept for the first proxy of each workload, because
replicas of one workload are pushed the same configuration (when they are not, `dumpdiff
fleet` is the tool that says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.facts.common import Row
from dumpdiff.model.names import parse_route_config_name

_CLUSTER_FIELDS = ("name", "state", "direction", "host", "subset", "port", "destination_rule",
                   "endpoint_count", "tls_mode", "source", "origin")
_ENDPOINT_FIELDS = ("cluster", "host", "subset", "port", "address", "tls_mode_label", "app",
                    "revision", "workload_name")
_PORT_FIELDS = ("listener", "port", "mtls_mode", "accepts_mtls", "accepts_plaintext")


@dataclass(slots=True)
class ProxySummary:
    """One proxy as the fleet facts see it."""

    display: str
    pod: str
    namespace: str
    workload: str
    proxy_type: str
    istio_version: str
    envoy_version: str
    labels: dict[str, str]
    pod_ips: list[str]
    source: str
    sections: list[str]
    clusters: list[Row] = field(default_factory=list)
    endpoints: list[Row] = field(default_factory=list)
    inbound_ports: list[Row] = field(default_factory=list)
    gateways: list[str] = field(default_factory=list)  # `namespace/name` seen in route names


def _pick(row: Row, fields: tuple[str, ...]) -> Row:
    return {f: row.get(f) for f in fields}


def summarize(facts: dict[str, Any], with_tables: bool) -> ProxySummary:
    """Reduce a facts document; `with_tables` keeps the tables (first proxy of a workload)."""
    proxy = facts["proxy"]
    summary = ProxySummary(
        display=proxy["display"], pod=proxy.get("pod", ""),
        namespace=proxy.get("namespace", ""), workload=proxy["workload_key"],
        proxy_type=proxy.get("proxy_type", ""), istio_version=proxy.get("istio_version", ""),
        envoy_version=proxy.get("envoy_version", ""), labels=dict(proxy.get("labels") or {}),
        pod_ips=list(proxy.get("pod_ips") or []), source=facts["inputs"]["dump"],
        sections=list(facts["inputs"]["sections"]))
    gateways = set()
    for r in facts["routes"]:
        parsed = parse_route_config_name(r["route_config"])
        if parsed.form == "gateway-https":
            gateways.add(f"{parsed.namespace}/{parsed.gateway}")
    summary.gateways = sorted(gateways)
    if with_tables:
        summary.clusters = [_pick(c, _CLUSTER_FIELDS) for c in facts["clusters"]
                            if c["direction"] == "outbound"]
        summary.endpoints = [_pick(e, _ENDPOINT_FIELDS) for e in facts["endpoints"]
                             if e["in_dump"] and e["direction"] == "outbound"]
        summary.inbound_ports = [_pick(p, _PORT_FIELDS) for p in facts["listener_ports"]
                                 if p["direction"] == "INBOUND"]
    return summary
