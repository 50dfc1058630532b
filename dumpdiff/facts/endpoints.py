"""`endpoints` facts: one row per upstream host, from EDS in the dump and/or `/clusters`."""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, from_resource, provenance, uint
from dumpdiff.model import labels
from dumpdiff.model.names import parse_cluster_name
from dumpdiff.model.snapshot import Snapshot
from dumpdiff.sources.clusters_status import ClustersStatus, HostStatus

# EDS health values Envoy still sends traffic to (UNKNOWN is what an omitted status means).
USABLE = frozenset({"HEALTHY", "UNKNOWN", "DEGRADED"})


def _cause(eds_health: str, host: HostStatus | None, have_status: bool) -> str | None:
    if eds_health in USABLE and (host is None or not host.flags):
        return None
    if host is not None and host.flags:
        return ", ".join(host.flags)
    if have_status:
        return "unknown: the host is not in the /clusters output"
    return "unknown from the dump alone (pass /clusters output with --clusters)"


def endpoint_metadata(metadata: Any) -> Row:
    """`tls_mode_label` and the Istio workload fields of an lb_endpoint's metadata.

    istiod labels each endpoint `envoy.transport_socket_match: {tlsMode: istio}` when the pod
    runs a sidecar (auto mTLS picks TLS for it) and writes `istio.workload` as
    `<workload>;<namespace>;<canonical name>;<canonical revision>;<cluster>`.
    """
    fm = metadata.get("filter_metadata") if isinstance(metadata, dict) else None
    fm = fm if isinstance(fm, dict) else {}
    match = fm.get("envoy.transport_socket_match")
    tls = match.get("tlsMode") if isinstance(match, dict) else None
    istio = fm.get("istio")
    raw = istio.get("workload") if isinstance(istio, dict) else None
    parts = str(raw).split(";") if isinstance(raw, str) else []
    parts += [""] * (5 - len(parts))
    return {"tls_mode_label": str(tls) if tls else None,
            "workload_name": parts[0] or None, "app": parts[2] or None,
            "revision": parts[3] or None}


_NO_METADATA: Row = endpoint_metadata(None)


def _row(cluster: str, address: str, locality: str, eds_health: str, priority: int | None,
         weight: int | None, host: HostStatus | None, have_status: bool, in_dump: bool,
         where: Row, meta: Row = _NO_METADATA) -> Row:
    parsed = parse_cluster_name(cluster)
    return {
        "cluster": cluster,
        "direction": parsed.direction or None,
        "port": parsed.port,
        "subset": parsed.service_subset,
        "host": parsed.host or None,
        "address": address,
        "locality": locality,
        "priority": priority,
        "weight": weight,
        "eds_health": eds_health,
        "in_dump": in_dump,
        "health_flags": list(host.flags) if host is not None else None,
        "ejected": host.ejected if host is not None else None,
        "success_rate": host.success_rate if host is not None else None,
        "unhealthy_cause": _cause(eds_health, host, have_status),
        **meta,
        **where,
    }


def endpoint_facts(snap: Snapshot, status: ClustersStatus | None) -> list[Row]:
    """EDS hosts of the dump, joined with `/clusters` hosts (which may add hosts EDS lacks)."""
    runtime: dict[tuple[str, str], HostStatus] = {}
    if status is not None:
        runtime = {(h.cluster, h.address): h for h in status.hosts}
    seen: set[tuple[str, str]] = set()
    rows: list[Row] = []
    for res in snap.section("endpoints").values():
        body: dict[str, Any] = res.body if isinstance(res.body, dict) else {}
        cluster = str(body.get("cluster_name") or res.name or res.key)
        for i, group in enumerate(body.get("endpoints") or []):
            if not isinstance(group, dict):
                continue
            locality = labels.locality(group.get("locality"))
            for j, lb in enumerate(group.get("lb_endpoints") or []):
                if not isinstance(lb, dict):
                    continue
                addr = labels.address((lb.get("endpoint") or {}).get("address"))
                host = runtime.get((cluster, addr))
                seen.add((cluster, addr))
                where = from_resource(res, snap.source, f".endpoints[{i}].lb_endpoints[{j}]")
                rows.append(_row(cluster, addr, locality, str(lb.get("health_status") or "UNKNOWN"),
                                 uint(group.get("priority")) or 0,
                                 uint(lb.get("load_balancing_weight")), host, status is not None,
                                 True, where, endpoint_metadata(lb.get("metadata"))))
    for (cluster, addr), host in runtime.items():
        if (cluster, addr) not in seen and status is not None:
            rows.append(_row(cluster, addr, "(no locality)", host.eds_health, None, None, host,
                             True, False, provenance(status.source, host.origin)))
    return rows
