"""Render the Istio manifests (what the user applied) from the lab's mesh types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dumpdiff.lab.mesh import DestinationRule, Gateway, HttpRoute, VirtualService

Manifest = dict[str, Any]
API_VERSION = "networking.istio.io/v1"


def manifest(kind: str, name: str, namespace: str, spec: Manifest,
             api: str = API_VERSION) -> Manifest:
    """A Kubernetes object of `kind` with its name, namespace and spec."""
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": namespace},
            "spec": spec}


def _http_route(vs: VirtualService, route: HttpRoute) -> Manifest:
    rendered: Manifest = {"name": route.name}
    if route.header_exact:
        header, value = route.header_exact
        rendered["match"] = [{"headers": {header: {"exact": value}}}]
    destinations = []
    for destination in route.destinations:
        target: Manifest = {"host": vs.service.host, "port": {"number": vs.service.port}}
        if destination.subset:
            target["subset"] = destination.subset
        entry: Manifest = {"destination": target}
        if len(route.destinations) > 1:
            entry["weight"] = destination.weight
        destinations.append(entry)
    rendered["route"] = destinations
    if route.timeout:
        rendered["timeout"] = route.timeout
    return rendered


def virtual_service(vs: VirtualService) -> Manifest:
    """A networking.istio.io/v1 VirtualService."""
    spec: Manifest = {"hosts": list(vs.hosts)}
    if vs.gateways:
        spec["gateways"] = list(vs.gateways)
    spec["http"] = [_http_route(vs, r) for r in vs.routes]
    return manifest("VirtualService", vs.name, vs.namespace, spec)


def destination_rule(rule: DestinationRule) -> Manifest:
    """A networking.istio.io/v1 DestinationRule."""
    spec: Manifest = {"host": rule.service.host}
    policy: Manifest = {}
    if rule.connect_timeout:
        policy["connectionPool"] = {"tcp": {"connectTimeout": rule.connect_timeout}}
    if rule.outlier:
        policy["outlierDetection"] = {
            "consecutive5xxErrors": rule.outlier.consecutive_5xx_errors,
            "interval": rule.outlier.interval,
            "baseEjectionTime": rule.outlier.base_ejection_time,
            "maxEjectionPercent": rule.outlier.max_ejection_percent,
        }
    if policy:
        spec["trafficPolicy"] = policy
    spec["subsets"] = [{"name": s, "labels": {"version": s}} for s in rule.subsets]
    return manifest("DestinationRule", rule.name, rule.namespace, spec)


def gateway(gw: Gateway) -> Manifest:
    """A networking.istio.io/v1 Gateway with one HTTP server."""
    return manifest("Gateway", gw.name, gw.namespace, {
        "selector": dict(gw.selector),
        "servers": [{"port": {"number": gw.port, "name": "http", "protocol": "HTTP"},
                     "hosts": list(gw.hosts)}],
    })


def write_manifests(directory: Path, manifests: list[Manifest]) -> None:
    """Write each manifest to `<kind>-<namespace>-<name>.yaml` in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for item in manifests:
        meta = item["metadata"]
        filename = f"{item['kind'].lower()}-{meta['namespace']}-{meta['name']}.yaml"
        (directory / filename).write_text(
            yaml.safe_dump(item, sort_keys=False, default_flow_style=False, width=100)
        )
