"""Read Envoy's `/clusters` admin output (JSON `?format=json` or the text form) into host rows.

Both forms carry what a config dump cannot: runtime health flags per upstream host, above
all `failed_outlier_check` (the host is ejected by outlier detection). Field meanings follow
envoy/admin/v3/clusters.proto and `host_utility.cc healthFlagsToString`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.errors import InputError
from dumpdiff.model import labels
from dumpdiff.sources import detect as kinds
from dumpdiff.sources.casing import to_snake
from dumpdiff.sources.reader import Document, read_document

# JSON `health_status` booleans ↔ text `health_flags` tokens.
_FLAG_OF_FIELD = {
    "failed_active_health_check": "failed_active_hc",
    "failed_outlier_check": "failed_outlier_check",
    "failed_active_degraded_check": "degraded_active_hc",
    "pending_dynamic_removal": "pending_dynamic_removal",
    "pending_active_hc": "pending_active_hc",
    "excluded_via_immediate_hc_fail": "excluded_via_immediate_hc_fail",
    "active_hc_timeout": "active_hc_timeout",
}
_FLAG_OF_EDS = {"UNHEALTHY": "failed_eds_health", "DEGRADED": "degraded_eds_health",
                "DRAINING": "eds_status_draining", "TIMEOUT": "failed_eds_health"}
_EDS_OF_FLAG = {"failed_eds_health": "UNHEALTHY", "degraded_eds_health": "DEGRADED",
                "eds_status_draining": "DRAINING"}
# Text lines that describe the cluster, not one of its hosts.
_CLUSTER_KEYS = frozenset({"observability_name", "outlier", "default_priority", "high_priority",
                           "added_via_api", "eds_service_name"})


@dataclass(slots=True)
class HostStatus:
    """One upstream host of one cluster as `/clusters` reports it."""

    cluster: str
    address: str
    eds_health: str  # HEALTHY, UNHEALTHY, DEGRADED, DRAINING, UNKNOWN...
    flags: list[str] = field(default_factory=list)  # health_flags tokens; empty = healthy
    success_rate: float | None = None
    origin: str = ""

    @property
    def ejected(self) -> bool:
        """Ejected from load balancing by outlier detection."""
        return "failed_outlier_check" in self.flags


@dataclass(slots=True)
class ClustersStatus:
    """A parsed `/clusters` document."""

    source: str
    hosts: list[HostStatus]
    clusters: list[str]


def parse_clusters_json(source: str, data: Any) -> ClustersStatus:
    """Hosts from `/clusters?format=json` (snake_case or camelCase)."""
    data = to_snake(data)
    statuses = data.get("cluster_statuses") if isinstance(data, dict) else data
    if not isinstance(statuses, list):
        raise InputError(source, "/clusters JSON has no `cluster_statuses` list")
    hosts: list[HostStatus] = []
    names: list[str] = []
    for i, cs in enumerate(statuses):
        if not isinstance(cs, dict):
            raise InputError(source, f"cluster_statuses[{i}] is not an object")
        name = str(cs.get("name", ""))
        names.append(name)
        for j, hs in enumerate(cs.get("host_statuses") or []):
            if not isinstance(hs, dict):
                continue
            health = hs.get("health_status") or {}
            eds = str(health.get("eds_health_status") or "HEALTHY")
            flags = [flag for fld, flag in _FLAG_OF_FIELD.items() if health.get(fld)]
            if eds in _FLAG_OF_EDS:
                flags.insert(0, _FLAG_OF_EDS[eds])
            rate = (hs.get("success_rate") or {}).get("value")
            hosts.append(HostStatus(
                cluster=name, address=labels.address(hs.get("address")), eds_health=eds,
                flags=flags, success_rate=float(rate) if rate is not None else None,
                origin=f"cluster_statuses[{i}].host_statuses[{j}]"))
    return ClustersStatus(source, hosts, names)


def parse_clusters_text(source: str, text: str) -> ClustersStatus:
    """Hosts from the text `/clusters` (`cluster::ip:port::health_flags::/failed_outlier_check`)."""
    hosts: dict[tuple[str, str], HostStatus] = {}
    names: dict[str, None] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        cluster, sep, rest = line.partition("::")
        if not sep:
            raise InputError(source, f"line {n}: not a /clusters text line: {line[:60]!r}")
        names.setdefault(cluster)
        if rest.split("::", 1)[0] in _CLUSTER_KEYS:
            continue
        parts = rest.rsplit("::", 2)  # the address may itself hold `::` (IPv6)
        if len(parts) != 3:
            raise InputError(source, f"line {n}: not a /clusters text line: {line[:60]!r}")
        addr, stat, value = parts
        if addr.startswith(("/", ".", "@")):  # a pipe: JSON and labels.address say unix://
            addr = f"unix://{addr}"
        host = hosts.get((cluster, addr))
        if host is None:
            host = HostStatus(cluster, addr, "HEALTHY", origin=f"line {n}")
            hosts[(cluster, addr)] = host
        if stat == "health_flags":
            host.flags = [f for f in value.split("/") if f and f != "healthy"]
            host.eds_health = next((_EDS_OF_FLAG[f] for f in host.flags if f in _EDS_OF_FLAG),
                                   "HEALTHY")
            host.origin = f"line {n}"
        elif stat == "success_rate":
            try:
                host.success_rate = float(value)
            except ValueError:
                host.success_rate = None
    return ClustersStatus(source, list(hosts.values()), list(names))


def clusters_status_from_document(doc: Document) -> ClustersStatus:
    """Parse a `/clusters` document of either form, or say what the document is instead."""
    kind = kinds.detect(doc)
    if kind == kinds.CLUSTERS_JSON:
        return parse_clusters_json(doc.source, doc.data)
    if kind == kinds.CLUSTERS_TEXT:
        return parse_clusters_text(doc.source, doc.text or "")
    raise InputError(doc.source, "is not Envoy /clusters output (JSON with cluster_statuses, or "
                                 "text lines like `cluster::10.0.0.1:80::health_flags::healthy`)")


def load_clusters_status(source: str) -> ClustersStatus:
    """Read `/clusters` output from a path (JSON or text, .gz ok)."""
    return clusters_status_from_document(read_document(source))
