"""Build the facts document of one proxy: flat, documented collections that rules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.facts.chains import filter_chain_facts, listener_port_facts, outbound_policy_facts
from dumpdiff.facts.clusters import cluster_facts
from dumpdiff.facts.common import Row
from dumpdiff.facts.domains import domain_facts
from dumpdiff.facts.endpoints import endpoint_facts
from dumpdiff.facts.intended import intended_route_facts
from dumpdiff.facts.listeners import listener_facts, warming_facts
from dumpdiff.facts.routes import route_facts
from dumpdiff.facts.secrets import secret_facts
from dumpdiff.facts.sync import sync_facts
from dumpdiff.facts.timebase import dump_time, iso
from dumpdiff.model.snapshot import Snapshot
from dumpdiff.sources.clusters_status import ClustersStatus
from dumpdiff.sources.manifests import Manifest
from dumpdiff.sources.proxy_status import ProxyStatus

FACTS_VERSION = "dumpdiff.facts/v1"
COLLECTIONS = ("clusters", "endpoints", "routes", "route_destinations", "domains", "listeners",
               "filter_chains", "listener_ports", "outbound_policy", "secrets", "warming",
               "intended_routes", "sync")


@dataclass(slots=True)
class ExtraInputs:
    """The optional inputs next to the dump: /clusters, manifests, proxy-status."""

    clusters_status: ClustersStatus | None = None
    manifests: list[Manifest] | None = None
    manifest_paths: list[str] = field(default_factory=list)
    proxy_status: ProxyStatus | None = None


def available_inputs(snap: Snapshot, extra: ExtraInputs) -> list[str]:
    """Which inputs this run has: dump sections, `complete_dump`, and the optional files."""
    have = sorted(s for s in snap.present if s != "other")
    if {"bootstrap", "clusters", "listeners", "routes"} <= snap.present:
        have.append("complete_dump")
    if extra.clusters_status is not None:
        have.append("clusters_status")
    if extra.manifests is not None:
        have.append("manifests")
    if extra.proxy_status is not None and extra.proxy_status.has_status:
        have.append("proxy_status")
    return have


def _used_by(secret: str, chains: list[Row]) -> list[str]:
    """`listener (sni a, b)` for every filter chain serving the SDS secret `secret`."""
    out = set()
    for c in chains:
        if f"sds:{secret}" in c["certificates"]:
            sni = f" (sni {', '.join(c['server_names'])})" if c["server_names"] else ""
            out.add(f"{c['listener']}{sni}")
    return sorted(out)


def workload_of(snap: Snapshot) -> str:
    """The workload key findings are grouped (and identified) by: see fleet.workload_key."""
    from dumpdiff.fleet import workload_key

    return workload_key(snap.identity, snap.source)


def build_facts(snap: Snapshot, extra: ExtraInputs | None = None) -> dict[str, Any]:
    """The facts document (see dumpdiff/facts/schema.json) for one dump and its extra inputs."""
    extra = extra or ExtraInputs()
    taken = dump_time(snap)
    chains = filter_chain_facts(snap)
    secrets = secret_facts(snap, taken)
    warming = warming_facts(snap)
    for row in secrets:
        row["used_by"] = _used_by(row["name"], chains)
    for row in warming:
        row["used_by"] = _used_by(row["name"], chains) if row["section"] == "secrets" else []
    endpoints = endpoint_facts(snap, extra.clusters_status)
    clusters = cluster_facts(snap, endpoints, "endpoints" in snap.present)
    routes, destinations = route_facts(snap)
    intended = intended_route_facts(extra.manifests or [], snap.identity.proxy_type, routes,
                                    clusters)
    sync = (sync_facts(extra.proxy_status, snap.identity.display)
            if extra.proxy_status is not None else [])
    return {
        "schema": FACTS_VERSION,
        "proxy": {"source": snap.source, **snap.identity.to_dict(),
                  "display": snap.identity.display or snap.source,
                  "workload_key": workload_of(snap)},
        "inputs": {
            "dump": snap.source,
            "sections": sorted(snap.present),
            "clusters_status": extra.clusters_status.source if extra.clusters_status else None,
            "manifests": list(extra.manifest_paths),
            "proxy_status": extra.proxy_status.source if extra.proxy_status else None,
            "available": available_inputs(snap, extra),
            "dump_time": iso(taken),
        },
        "clusters": clusters,
        "endpoints": endpoints,
        "routes": routes,
        "route_destinations": destinations,
        "domains": domain_facts(snap),
        "listeners": listener_facts(snap, extra.manifests),
        "filter_chains": chains,
        "listener_ports": listener_port_facts(chains),
        "outbound_policy": outbound_policy_facts(chains, routes),
        "secrets": secrets,
        "warming": warming,
        "intended_routes": intended,
        "sync": sync,
    }
