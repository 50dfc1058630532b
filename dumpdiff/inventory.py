"""`dumpdiff summary`: what one proxy holds, at a glance (pure function over a Snapshot)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dumpdiff.model.names import parse_cluster_name
from dumpdiff.model.snapshot import Snapshot


@dataclass(slots=True)
class Inventory:
    """Counts and notable states of one snapshot."""

    source: str
    identity: dict[str, Any]
    sections: list[str]
    clusters: dict[str, int] = field(default_factory=dict)  # by direction / kind
    cluster_states: dict[str, int] = field(default_factory=dict)
    listeners: dict[str, int] = field(default_factory=dict)  # by state
    route_configs: int = 0
    virtual_hosts: int = 0
    routes: int = 0
    endpoints: dict[str, int] = field(default_factory=dict)  # by EDS health status
    clusters_without_endpoints: int = 0
    secrets: dict[str, int] = field(default_factory=dict)  # by state
    ecds: int = 0
    other: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)  # warming and error states

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def inventory(snap: Snapshot) -> Inventory:
    """Summarize a snapshot."""
    inv = Inventory(snap.source, snap.identity.to_dict(), sorted(snap.present))
    directions: Counter[str] = Counter()
    states: Counter[str] = Counter()
    for res in snap.section("clusters").values():
        name = parse_cluster_name(res.name or "")
        directions[name.direction or ("special" if name.form == "special" else "other")] += 1
        states[res.state] += 1
        if res.state == "warming":
            inv.attention.append(f"cluster {res.name} is warming (waiting for its endpoints "
                                 "or secrets)")
    inv.clusters, inv.cluster_states = dict(directions), dict(states)
    lst: Counter[str] = Counter()
    for res in snap.section("listeners").values():
        lst[res.state] += 1
        if res.state == "error":
            details = str(res.meta.get("details", "")).splitlines()[0:1]
            inv.attention.append(f"listener update rejected (NACK): {res.key}: "
                                 f"{details[0] if details else 'no details'}")
        elif res.state == "warming":
            inv.attention.append(f"listener {res.name} is warming")
    inv.listeners = dict(lst)
    for res in snap.section("routes").values():
        inv.route_configs += 1
        for vh in (res.body or {}).get("virtual_hosts") or []:
            inv.virtual_hosts += 1
            inv.routes += len(vh.get("routes") or [])
    health: Counter[str] = Counter()
    for res in snap.section("endpoints").values():
        n = 0
        for loc in (res.body or {}).get("endpoints") or []:
            for ep in loc.get("lb_endpoints") or []:
                health[str(ep.get("health_status", "UNKNOWN"))] += 1
                n += 1
        if n == 0:
            inv.clusters_without_endpoints += 1
    inv.endpoints = dict(health)
    sec: Counter[str] = Counter()
    for res in snap.section("secrets").values():
        sec[res.state] += 1
        if res.state == "warming":
            inv.attention.append(f"secret {res.name} is warming (never delivered: check the "
                                 "credentialName / SDS source)")
    inv.secrets = dict(sec)
    inv.ecds = len(snap.section("ecds"))
    inv.other = sorted(snap.section("other"))
    return inv
