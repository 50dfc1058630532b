"""`routes` and `route_destinations` facts: every Envoy route and every cluster it can send to."""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, from_resource, istio_config_ref, uint
from dumpdiff.facts.matching import match_facts
from dumpdiff.model import labels
from dumpdiff.model.names import parse_cluster_name
from dumpdiff.model.snapshot import Snapshot


def _action(route: dict[str, Any]) -> str:
    for key in ("route", "redirect", "direct_response", "filter_action",
                "non_forwarding_action"):
        if key in route:
            return key
    return "unknown"


def destinations(action: dict[str, Any]) -> list[Row]:
    """`[{cluster, weight, kind}]` of a RouteAction: plain cluster, weighted clusters, mirrors."""
    out: list[Row] = []
    if isinstance(action.get("cluster"), str):
        out.append({"cluster": action["cluster"], "weight": 100, "kind": "cluster"})
    weighted = action.get("weighted_clusters")
    if isinstance(weighted, dict):
        for wc in weighted.get("clusters") or []:
            if isinstance(wc, dict) and isinstance(wc.get("name"), str):
                out.append({"cluster": wc["name"], "weight": uint(wc.get("weight")),
                            "kind": "weighted"})
    for mirror in action.get("request_mirror_policies") or []:
        if isinstance(mirror, dict) and isinstance(mirror.get("cluster"), str):
            frac = (mirror.get("runtime_fraction") or {}).get("default_value") or {}
            pct = uint(frac.get("numerator")) if frac.get("denominator", "HUNDRED") == "HUNDRED" \
                else None
            out.append({"cluster": mirror["cluster"], "weight": pct if frac else 100,
                        "kind": "mirror"})
    return out


def _retries(action: dict[str, Any]) -> Row | None:
    policy = action.get("retry_policy")
    if not isinstance(policy, dict):
        return None
    return {"retry_on": policy.get("retry_on"), "num_retries": uint(policy.get("num_retries")),
            "per_try_timeout": policy.get("per_try_timeout")}


def route_facts(snap: Snapshot) -> tuple[list[Row], list[Row]]:
    """(routes, route_destinations): one row per route, one per (route, destination)."""
    routes: list[Row] = []
    dests: list[Row] = []
    for res in snap.section("routes").values():
        body = res.body if isinstance(res.body, dict) else {}
        rc_name = res.name or res.key
        for i, vh in enumerate(body.get("virtual_hosts") or []):
            if not isinstance(vh, dict):
                continue
            for j, route in enumerate(vh.get("routes") or []):
                if not isinstance(route, dict):
                    continue
                raw_action = route.get("route")
                action: dict[str, Any] = raw_action if isinstance(raw_action, dict) else {}
                where = from_resource(res, snap.source, f".virtual_hosts[{i}].routes[{j}]")
                row: Row = {
                    "route_config": rc_name,
                    "route_config_state": res.state,
                    "virtual_host": str(vh.get("name", "")),
                    "vhost_index": i,
                    "domains": [str(d) for d in vh.get("domains") or []],
                    "name": str(route.get("name") or ""),
                    "index": j,
                    "match": labels.route_match(route.get("match")),
                    **match_facts(route.get("match")),
                    "action": _action(route),
                    "destinations": destinations(action),
                    "virtual_service": istio_config_ref(route.get("metadata"),
                                                        "virtual-service"),
                    "timeout": action.get("timeout"),
                    "retries": _retries(action),
                    **where,
                }
                routes.append(row)
                for d in row["destinations"]:
                    parsed = parse_cluster_name(d["cluster"])
                    dests.append({
                        "route_config": rc_name, "virtual_host": row["virtual_host"],
                        "route": row["name"], "match": row["match"],
                        "virtual_service": row["virtual_service"], **d,
                        "direction": parsed.direction or None, "port": parsed.port,
                        "subset": parsed.service_subset, "host": parsed.host or None,
                        **where,
                    })
    return routes, dests
