"""`sync` facts: one row per proxy of a saved `istioctl proxy-status`, with its xDS states."""

from __future__ import annotations

from dumpdiff.facts.common import Row, provenance
from dumpdiff.model.names import parse_node_id
from dumpdiff.sources.proxy_status import TYPES, ProxyStatus

# ECDS is NOT SENT for every proxy without extension configs: that is normal, not a fault.
_NOT_SENT_MATTERS = ("CDS", "LDS", "EDS", "RDS")


def proxy_key(name: str) -> str:
    """`pod.namespace` for a proxy-status NAME (JSON forms give the whole node id)."""
    node = parse_node_id(name)
    if node is not None and node.pod:
        return f"{node.pod}.{node.namespace}" if node.namespace else node.pod
    return name


def sync_facts(status: ProxyStatus, proxy_display: str) -> list[Row]:
    """Rows with per-type status and the types that are STALE/ERROR or NOT SENT."""
    rows = []
    for p in status.proxies:
        stale = [t for t in TYPES if p.status.get(t) in ("STALE", "ERROR")]
        not_sent = [t for t in _NOT_SENT_MATTERS if p.status.get(t) == "NOT SENT"]
        rows.append({
            "proxy": p.proxy,
            "cluster": p.cluster or None,
            "istiod": p.istiod or None,
            "version": p.version or None,
            **{t.lower(): p.status.get(t) for t in TYPES},
            "has_status": status.has_status,
            "stale_types": stale,
            "not_sent_types": not_sent,
            "problems": ", ".join(f"{t} {p.status[t]}" for t in stale + not_sent),
            "matches_dump": bool(proxy_display) and proxy_key(p.proxy) == proxy_display,
            **provenance(status.source, p.origin,
                         int(p.origin[5:]) if p.origin.startswith("line ") else None),
        })
    return rows
