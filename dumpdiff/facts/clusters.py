"""`clusters` facts: one row per cluster (CDS and bootstrap), with its endpoint counts."""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, from_resource, istio_config_ref, uint
from dumpdiff.facts.endpoints import USABLE
from dumpdiff.facts.tls import cluster_tls
from dumpdiff.model.names import parse_cluster_name
from dumpdiff.model.snapshot import Snapshot

_OUTLIER_FIELDS = ("consecutive_5xx", "consecutive_gateway_failure", "interval",
                   "base_ejection_time", "max_ejection_percent", "enforcing_consecutive_5xx",
                   "split_external_local_origin_errors", "consecutive_local_origin_failure",
                   "always_eject_one_host")
# Envoy's default max_ejection_percent when outlier detection is on but the field is unset
# (Istio leaves it unset when a DestinationRule does not give maxEjectionPercent).
_DEFAULT_MAX_EJECTION_PERCENT = 10
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


def _ejection_facts(outlier: Row | None, endpoint_count: int | None) -> Row:
    """Can outlier detection eject a host at all?

    Envoy ejects a host only while (ejected + 1) / hosts * 100 <= max_ejection_percent,
    unless always_eject_one_host is set; otherwise it counts `ejections_overflow` and keeps
    sending traffic to the failing host. So with fewer than 100 / max_ejection_percent hosts
    no host can ever be ejected: `host_share_percent` (one host's share) above
    `outlier_max_ejection_percent` says exactly that.
    """
    if outlier is None:
        return {"outlier_max_ejection_percent": None, "outlier_always_eject_one_host": None,
                "host_share_percent": None}
    pct = outlier.get("max_ejection_percent")
    return {
        "outlier_max_ejection_percent": pct if isinstance(pct, int)
        else _DEFAULT_MAX_EJECTION_PERCENT,
        "outlier_always_eject_one_host": outlier.get("always_eject_one_host") is True,
        "host_share_percent": round(100 / endpoint_count, 2) if endpoint_count else None,
    }


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
        outlier = _outlier(body)
        count = len(eps) if eds_dumped else None
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
            "outlier_detection": outlier,
            **_ejection_facts(outlier, count),
            "circuit_breakers": _breakers(body),
            **cluster_tls(body),
            "expects_endpoints": (dtype == "EDS" and res.state != "static"
                                  and parsed.form in ("subset-key", "dns-srv")
                                  and parsed.direction == "outbound"),
            "endpoint_count": count,
            "usable_endpoint_count": (sum(e["eds_health"] in USABLE for e in eps)
                                      if eds_dumped else None),
            "ejected_endpoint_count": (sum(bool(e["ejected"]) for e in ejected)
                                       if ejected else None),
            **from_resource(res, snap.source),
        })
    return rows
