"""The fleet facts document: collections that need several proxies (and manifests) at once.

Per-proxy facts (builder.py) answer questions about one dump. Some questions are about the
relation between dumps — does the client's TLS match the server's inbound chains, do pods
of a namespace run the same proxy version, does any proxy carry this DestinationRule, can
the staging fleet serve what a new VirtualService asks for. Rules that select a collection
of this document run once per lint run (scope `fleet`); `fleet_schema.json` documents it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dumpdiff.facts.common import Row
from dumpdiff.facts.intent import (
    Fleet,
    destination_rule_facts,
    intended_destination_facts,
    intended_gateway_facts,
)
from dumpdiff.facts.mtls import mtls_pair_facts
from dumpdiff.facts.summary import ProxySummary
from dumpdiff.sources.manifests import Manifest

FLEET_FACTS_VERSION = "dumpdiff.fleet-facts/v1"
FLEET_COLLECTIONS = ("proxies", "fleet_clusters", "mtls_pairs", "destination_rules",
                     "intended_destinations", "intended_gateways")


def _version_key(version: str) -> tuple[int, ...]:
    nums = []
    for part in version.split("-", 1)[0].split("."):
        nums.append(int(part) if part.isdigit() else -1)
    return tuple(nums)


def _majority(versions: list[str]) -> str | None:
    """The most common version; a tie goes to the newest (so the older pods stand out)."""
    counts = Counter(v for v in versions if v)
    if not counts:
        return None
    return max(counts, key=lambda v: (counts[v], _version_key(v)))


def proxy_facts(proxies: list[ProxySummary]) -> list[Row]:
    """One row per proxy, with its namespace's majority Istio version."""
    by_ns: dict[str, list[str]] = {}
    for p in proxies:
        by_ns.setdefault(p.namespace, []).append(p.istio_version)
    rows = []
    for p in proxies:
        versions = Counter(v for v in by_ns[p.namespace] if v)
        rows.append({
            "proxy": p.display, "pod": p.pod, "namespace": p.namespace, "workload": p.workload,
            "proxy_type": p.proxy_type, "istio_version": p.istio_version or None,
            "envoy_version": p.envoy_version or None,
            "namespace_majority_version": _majority(by_ns[p.namespace]),
            "namespace_versions": [f"{v} ({n} pods)" for v, n in sorted(versions.items())],
            "labels": dict(p.labels), "pod_ips": list(p.pod_ips),
            "group": p.workload,
            "source": p.source, "origin": "bootstrap.node.metadata.ISTIO_VERSION", "line": None,
        })
    return rows


def fleet_cluster_facts(detailed: list[ProxySummary]) -> list[Row]:
    """One row per (outbound cluster, DestinationRule) over the fleet's workloads."""
    rows: dict[tuple[str, str | None], Row] = {}
    for p in detailed:
        for c in p.clusters:
            key = (c["name"], c["destination_rule"])
            row = rows.get(key)
            if row is None:
                row = rows[key] = {
                    "name": c["name"], "host": c["host"], "subset": c["subset"],
                    "port": c["port"], "destination_rule": c["destination_rule"],
                    "endpoint_count": c["endpoint_count"], "workloads": [],
                    "group": "(fleet)", "source": c["source"], "origin": c["origin"],
                    "line": None,
                }
            row["workloads"].append(p.workload)
            if c["endpoint_count"] is not None:
                row["endpoint_count"] = max(row["endpoint_count"] or 0, c["endpoint_count"])
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], k[1] or ""))]


@dataclass(slots=True)
class FleetBuilder:
    """Collects proxy summaries as proxies are linted, then builds the fleet document."""

    proxies: list[ProxySummary] = field(default_factory=list)
    detailed: dict[str, ProxySummary] = field(default_factory=dict)  # workload → first proxy

    def wants_tables(self, workload: str) -> bool:
        """True for the first proxy of a workload (its tables stand for the workload)."""
        return workload not in self.detailed

    def add(self, summary: ProxySummary) -> None:
        """Record one proxy."""
        self.proxies.append(summary)
        if summary.clusters or summary.endpoints or summary.inbound_ports:
            self.detailed.setdefault(summary.workload, summary)

    def build(self, manifests: list[Manifest] | None, manifest_paths: list[str],
              checked: list[Manifest] | None = None) -> dict[str, Any]:
        """The fleet facts document (see fleet_schema.json).

        Manifest rows are made for `checked` (default: every manifest); all `manifests` are
        context (subset definitions, Gateways, ServiceEntries). A pre-merge run checks only
        the new manifests, with the staging bundle's as context.
        """
        detailed = list(self.detailed.values())
        fleet = Fleet.index(self.proxies, detailed)
        have = []
        if manifests is not None:
            have.append("manifests")
        if fleet.has_clusters:
            have.append("clusters")
        if any("endpoints" in p.sections for p in self.proxies):
            have.append("endpoints")
        context = manifests or []
        targets = context if checked is None else checked
        return {
            "schema": FLEET_FACTS_VERSION,
            "inputs": {"proxies": len(self.proxies), "workloads": len(detailed),
                       "manifests": list(manifest_paths), "available": have},
            "proxies": proxy_facts(self.proxies),
            "fleet_clusters": fleet_cluster_facts(detailed),
            "mtls_pairs": mtls_pair_facts(detailed, self.proxies),
            "destination_rules": destination_rule_facts(targets, context, fleet),
            "intended_destinations": intended_destination_facts(targets, context, fleet),
            "intended_gateways": intended_gateway_facts(targets, context, fleet),
        }
