"""`clusters` facts: one row per cluster (CDS and bootstrap), with its endpoint counts."""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, from_resource, istio_config_ref, uint
from dumpdiff.facts.endpoints import USABLE
from dumpdiff.model.names import parse_cluster_name
from dumpdiff.model.snapshot import Snapshot

_OUTLIER_FIELDS = ("consecutive_5xx", "consecutive_gateway_failure", "interval",
                   "base_ejection_time", "max_ejection_percent", "enforcing_consecutive_5xx",
                   "split_external_local_origin_errors", "consecutive_local_origin_failure")
_BREAKER_FIELDS = ("max_connections", "max_pending_requests", "max_requests", "max_retries")


def discovery_type(body: dict[str, Any]) -> str:
    """EDS, STATIC, STRICT_DNS, LOGICAL_DNS, ORIGINAL_DST, or a custom cluster type's name."""
    custom = body.get("cluster_type")
    if isinstance(custom, dict):
        return str(custom.get("name") or "CUSTOM")
    return str(body.get("type") or "STATIC")


def _outlier(body: dict[str, Any]) -> Row | None:
    od = body.get("outlier_detection")
    if not isinstance(od, dict):
        return None
    out: Row = {}
    for f in _OUTLIER_FIELDS:
        if f in od:
            value = od[f]
            out[f] = uint(value) if isinstance(value, dict) else value
    return out


def _breakers(body: dict[str, Any]) -> Row | None:
    thresholds = (body.get("circuit_breakers") or {}).get("thresholds") or []
    default = next((t for t in thresholds if isinstance(t, dict)
                    and t.get("priority", "DEFAULT") == "DEFAULT"), None)
    if default is None:
        return None
    return {f: uint(default.get(f)) for f in _BREAKER_FIELDS if f in default}


def cluster_facts(snap: Snapshot, endpoint_rows: list[Row], eds_dumped: bool) -> list[Row]:
    """One row per cluster; endpoint counts are null when the dump holds no EDS section."""
    by_cluster: dict[str, list[Row]] = {}
    for ep in endpoint_rows:
        if ep["in_dump"]:
            by_cluster.setdefault(ep["cluster"], []).append(ep)
    rows = []
    for res in snap.section("clusters").values():
        body = res.body if isinstance(res.body, dict) else {}
        name = res.name or res.key
        parsed = parse_cluster_name(name)
        eps = by_cluster.get(name, [])
        ejected = [e for e in eps if e["ejected"] is not None]
        dtype = discovery_type(body)
        rows.append({
            "name": name,
            "state": res.state,
            "form": parsed.form,
            "direction": parsed.direction or None,
            "port": parsed.port,
            "subset": parsed.service_subset,
            "host": parsed.host or None,
            "type": dtype,
            "eds_service_name": (body.get("eds_cluster_config") or {}).get("service_name"),
            "lb_policy": body.get("lb_policy", "ROUND_ROBIN"),
            "connect_timeout": body.get("connect_timeout"),
            "destination_rule": istio_config_ref(body.get("metadata"), "destination-rule"),
            "outlier_detection": _outlier(body),
            "circuit_breakers": _breakers(body),
            "expects_endpoints": (dtype == "EDS" and res.state != "static"
                                  and parsed.form in ("subset-key", "dns-srv")
                                  and parsed.direction == "outbound"),
            "endpoint_count": len(eps) if eds_dumped else None,
            "usable_endpoint_count": (sum(e["eds_health"] in USABLE for e in eps)
                                      if eds_dumped else None),
            "ejected_endpoint_count": (sum(bool(e["ejected"]) for e in ejected)
                                       if ejected else None),
            **from_resource(res, snap.source),
        })
    return rows
