"""Fleet facts from manifests: what VirtualServices, DestinationRules and their Gateways ask
for, and whether the linted proxies (a live mesh, or a staging fleet before a merge) can
serve it.

`intended_destinations`: one row per VirtualService http destination (and mirror) with:
does any proxy know the host, which DestinationRule defines the subset, and how many
endpoints would serve it — from the subset cluster's EDS when the proxies already have it,
else by matching the subset's labels against the pods behind the host (a linted pod's own
labels from its bootstrap; otherwise the `app`/`version` Istio writes into each endpoint's
`istio.workload` metadata).

`destination_rules`: one row per DestinationRule, with its host's visibility.

`intended_gateways`: one row per Gateway a VirtualService binds to, with where it was found
(a Gateway manifest, or a gateway proxy whose HTTPS route names name it) and how many linted
gateway proxies its selector picks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

import orjson

from dumpdiff.facts.common import Row, uint
from dumpdiff.facts.intended import fqdn, pointer
from dumpdiff.facts.intended import targets as http_targets
from dumpdiff.facts.summary import ProxySummary
from dumpdiff.sources.manifests import Manifest


def _spec(m: Manifest) -> dict[str, Any]:
    spec = m.body.get("spec")
    return spec if isinstance(spec, dict) else {}


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


@dataclass(slots=True)
class _Backend:
    """One pod address behind a host, with what is known of its labels."""

    labels: dict[str, str]
    complete: bool  # a linted pod's full label set, or only the keys from EDS metadata


@dataclass(slots=True)
class Fleet:
    """What the proxies of a run know, indexed for the manifest checks."""

    proxies: list[ProxySummary]
    detailed: list[ProxySummary]  # the first proxy of each workload, with its tables
    hosts: set[str] = field(default_factory=set)
    subset_clusters: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    # host → endpoint address → what is known of the pod behind it
    backends: dict[str, dict[str, _Backend]] = field(default_factory=dict)
    has_clusters: bool = False

    @classmethod
    def index(cls, proxies: list[ProxySummary], detailed: list[ProxySummary]) -> Fleet:
        """Index the detailed proxies' clusters and endpoints by host."""
        fleet = cls(proxies, detailed)
        fleet.has_clusters = any("clusters" in p.sections for p in proxies)
        pods = {ip: p for p in proxies for ip in p.pod_ips}
        for p in detailed:
            for c in p.clusters:
                if c["host"]:
                    fleet.hosts.add(c["host"])
                    fleet.subset_clusters.setdefault((c["host"], c["subset"]), []).append(c)
            for e in p.endpoints:
                if not e["host"]:
                    continue
                address = str(e["address"])
                ip = address.rpartition(":")[0].strip("[]")
                known = fleet.backends.setdefault(e["host"], {})
                pod = pods.get(ip)
                if pod is not None and pod.labels:
                    known[address] = _Backend(pod.labels, True)
                elif address not in known:
                    meta = {}
                    if e["app"]:
                        meta.update({"app": e["app"], "service.istio.io/canonical-name":
                                     e["app"]})
                    if e["revision"]:
                        meta.update({"version": e["revision"],
                                     "service.istio.io/canonical-revision": e["revision"]})
                    known[address] = _Backend(meta, False)
        return fleet

    def endpoint_count(self, host: str, subset: str, port: int | None) -> int | None:
        """Endpoints of the proxies' cluster for (host, subset[, port]); None without EDS."""
        counts = [c["endpoint_count"] for c in self.subset_clusters.get((host, subset), [])
                  if (port is None or c["port"] == port) and c["endpoint_count"] is not None]
        return max(counts) if counts else None

    def pods_matching(self, host: str, selector: dict[str, str]) -> int | None:
        """How many pods behind `host` carry `selector`; None when that cannot be told."""
        backends = self.backends.get(host)
        if backends is None:
            return None
        matched = undecided = 0
        for b in backends.values():
            if b.complete or set(selector) <= set(b.labels):
                matched += all(b.labels.get(k) == v for k, v in selector.items())
            else:
                undecided += 1
        return matched if matched or not undecided else None


def _http_key(http: dict[str, Any]) -> str:
    """The http route's name, or a digest of its matches: stable, never a list index."""
    if http.get("name"):
        return str(http["name"])
    digest = hashlib.sha256(orjson.dumps(http.get("match") or [],
                                         option=orjson.OPT_SORT_KEYS)).hexdigest()[:10]
    return f"match-{digest}"


def _subset_definitions(manifests: list[Manifest]
                        ) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """(host, subset) → (DestinationRule ref, labels) from the DestinationRule manifests."""
    out: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
    for m in manifests:
        if m.kind != "DestinationRule":
            continue
        host = fqdn(str(_spec(m).get("host", "")), m.namespace)
        for s in _spec(m).get("subsets") or []:
            if isinstance(s, dict) and s.get("name"):
                out.setdefault((host, str(s["name"])), (m.ref, _labels(s.get("labels"))))
    return out


def _declared_hosts(manifests: list[Manifest]) -> list[str]:
    """Hosts ServiceEntries and Services in the manifests create (patterns allowed)."""
    hosts = []
    for m in manifests:
        if m.kind == "ServiceEntry":
            hosts += [fqdn(str(h), m.namespace) for h in _spec(m).get("hosts") or []]
        elif m.kind == "Service" and m.api_version == "v1":
            hosts.append(fqdn(m.name, m.namespace))
    return hosts


def host_known(host: str, fleet: Fleet, declared: list[str]) -> bool | None:
    """True when a proxy has a cluster for `host` or a manifest declares it; None if unknowable."""
    if "*" in host:
        return None
    if host in fleet.hosts or any(fnmatchcase(host, d) for d in declared):
        return True
    return False if fleet.has_clusters else None


def _subset_state(host: str, subset: str, port: int | None, fleet: Fleet,
                  defined: dict[tuple[str, str], tuple[str, dict[str, str]]]
                  ) -> tuple[str | None, dict[str, str] | None, int | None, str]:
    """(defined by, labels, serving endpoints, how that count was found)."""
    if not subset:
        count = fleet.endpoint_count(host, "", port)
        return None, None, count, "EDS of the host's cluster" if count is not None else ""
    if (host, subset) in defined:
        ref, labels = defined[(host, subset)]
        count = fleet.pods_matching(host, labels) if labels else fleet.endpoint_count(
            host, subset, port)
        return ref, labels, count, "pods carrying the subset's labels" if labels else ""
    clusters = fleet.subset_clusters.get((host, subset), [])
    if clusters:
        mesh_rule = next((str(c["destination_rule"]) for c in clusters
                          if c["destination_rule"]), "(a DestinationRule in the mesh)")
        count = fleet.endpoint_count(host, subset, port)
        return mesh_rule, None, count, "EDS of the subset cluster"
    return None, None, None, ""


def intended_destination_facts(targets: list[Manifest], context: list[Manifest],
                               fleet: Fleet) -> list[Row]:
    """One row per destination (and mirror) of every VirtualService http route in `targets`;
    `context` (all manifests of the run) defines subsets and hosts."""
    defined = _subset_definitions(context)
    declared = _declared_hosts(context)
    rows: list[Row] = []
    for m in targets:
        if m.kind != "VirtualService":
            continue
        spec = _spec(m)
        gateways = [str(g) for g in spec.get("gateways") or []] or ["mesh"]
        for h, http in enumerate(spec.get("http") or []):
            if not isinstance(http, dict):
                continue
            for kind, i, dest, weight in http_targets(http):
                host = fqdn(str(dest["host"]), m.namespace)
                subset = str(dest.get("subset") or "")
                port = uint((dest.get("port") or {}).get("number"))
                path: tuple[str | int, ...] = ("spec", "http", h, "route", i) \
                    if kind == "route" else ("spec", "http", h, "mirror")
                by, labels, count, how = _subset_state(host, subset, port, fleet, defined)
                rows.append({
                    "virtual_service": m.ref, "http_key": _http_key(http),
                    "http_name": str(http.get("name") or ""), "kind": kind,
                    "host": host, "host_as_written": str(dest["host"]), "subset": subset,
                    "port": port, "weight": weight, "gateways": gateways,
                    "host_known": host_known(host, fleet, declared),
                    "subset_defined_by": by, "subset_labels": labels,
                    "serving_endpoints": count, "serving_evidence": how,
                    "group": f"VirtualService {m.ref}", "proxy": "",
                    "source": m.file, "origin": pointer(m, path), "line": m.line_of(*path),
                })
    return rows


def _visible(m: Manifest, fleet: Fleet) -> bool:
    """Whether any linted proxy should receive this DestinationRule (exportTo, selector)."""
    spec = _spec(m)
    export = [str(e) for e in spec.get("exportTo") or ["*"]]
    namespaces = {p.namespace for p in fleet.proxies}
    ok = "*" in export or bool(namespaces & {m.namespace if e == "." else e for e in export})
    selector = _labels((spec.get("workloadSelector") or {}).get("matchLabels"))
    if selector:
        ok = ok and any(p.namespace == m.namespace and selector.items() <= p.labels.items()
                        for p in fleet.proxies)
    return ok


def destination_rule_facts(targets: list[Manifest], context: list[Manifest],
                           fleet: Fleet) -> list[Row]:
    """One row per DestinationRule manifest in `targets`."""
    declared = _declared_hosts(context)
    rows = []
    for m in targets:
        if m.kind != "DestinationRule":
            continue
        spec = _spec(m)
        host = fqdn(str(spec.get("host", "")), m.namespace)
        rows.append({
            "destination_rule": m.ref, "host": host, "host_as_written": str(spec.get("host", "")),
            "subsets": [str(s.get("name")) for s in spec.get("subsets") or []
                        if isinstance(s, dict)],
            "visible": _visible(m, fleet),
            "host_known": host_known(host, fleet, declared),
            "group": f"DestinationRule {m.ref}", "proxy": "",
            "source": m.file, "origin": pointer(m, ("spec", "host")),
            "line": m.line_of("spec", "host"),
        })
    return rows


def _gateway_ref(name: str, namespace: str) -> str:
    return name if "/" in name else f"{namespace}/{name}"


def intended_gateway_facts(targets: list[Manifest], context: list[Manifest],
                           fleet: Fleet) -> list[Row]:
    """One row per (VirtualService in `targets`, Gateway it binds to); `mesh` is not one."""
    gateways = {m.ref: m for m in context if m.kind == "Gateway"}
    routers = [p for p in fleet.proxies if p.proxy_type == "router"]
    seen = {g for p in routers for g in p.gateways}
    rows = []
    for m in targets:
        if m.kind != "VirtualService":
            continue
        for i, g in enumerate(_spec(m).get("gateways") or []):
            if str(g) == "mesh":
                continue
            ref = _gateway_ref(str(g), m.namespace)
            gw = gateways.get(ref)
            found = "manifests" if gw is not None else ("proxies" if ref in seen else None)
            selector = _labels(_spec(gw).get("selector")) if gw is not None else None
            matches = None
            if selector is not None and routers:
                matches = sum(selector.items() <= p.labels.items() for p in routers)
            rows.append({
                "virtual_service": m.ref, "gateway": ref, "gateway_as_written": str(g),
                "found_in": found, "selector": selector, "selector_matches": matches,
                "gateway_proxies": len(routers),
                "group": f"VirtualService {m.ref}", "proxy": "",
                "source": m.file, "origin": pointer(m, ("spec", "gateways", i)),
                "line": m.line_of("spec", "gateways", i),
            })
    return rows
