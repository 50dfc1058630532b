"""The Snapshot: one proxy at one moment, its identity and its resources keyed by kind+name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Sections in the order Envoy prints them; `other` keeps unknown @types (never fatal).
SECTIONS = ("bootstrap", "clusters", "endpoints", "listeners", "routes", "secrets", "ecds",
            "scoped_routes", "other")

SECTION_TITLES = {
    "bootstrap": "bootstrap", "clusters": "clusters", "endpoints": "endpoints",
    "listeners": "listeners", "routes": "routes", "secrets": "secrets", "ecds": "ecds",
    "scoped_routes": "scoped routes", "other": "other",
}

# What one resource of each section is called in messages.
RESOURCE_NOUNS = {
    "bootstrap": "bootstrap", "clusters": "cluster", "endpoints": "endpoints of",
    "listeners": "listener", "routes": "route config", "secrets": "secret",
    "ecds": "extension config", "scoped_routes": "scoped route config", "other": "section",
}

# Resource states as Envoy's admin API names them.
STATES = ("static", "active", "warming", "draining", "error")


@dataclass(slots=True)
class Resource:
    """One Envoy resource from the dump.

    `key` is unique within its section and stable across pods: the resource name, with a
    state suffix for non-active states (a listener's warming copy, a rejected update), or a
    content-derived label for nameless entries. `body` is the inner proto as a dict; `meta`
    holds the admin wrapper fields (version_info, last_updated, error details); `origin`
    says where in the raw dump it came from, for evidence.
    """

    section: str
    key: str
    name: str | None
    state: str
    body: Any
    meta: dict[str, Any] = field(default_factory=dict)
    origin: str = ""


@dataclass(slots=True)
class Identity:
    """Who the proxy is, read from the bootstrap node (empty when the dump has no bootstrap)."""

    node_id: str = ""
    proxy_type: str = ""  # sidecar | router | waypoint | ztunnel
    pod: str = ""
    namespace: str = ""
    workload: str = ""
    owner: str = ""
    app: str = ""
    version: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    pod_ips: list[str] = field(default_factory=list)
    service_account: str = ""
    cluster_id: str = ""
    node_cluster: str = ""
    istio_version: str = ""
    envoy_version: str = ""
    node_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for the JSON outputs."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @property
    def display(self) -> str:
        """`pod.namespace`, the way istioctl names a proxy."""
        if self.pod:
            return f"{self.pod}.{self.namespace}" if self.namespace else self.pod
        return self.node_id


@dataclass(slots=True)
class Snapshot:
    """One proxy's config: identity plus resources by section and key."""

    source: str
    identity: Identity
    resources: dict[str, dict[str, Resource]] = field(default_factory=dict)
    section_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # sections the dump contained at all

    def section(self, name: str) -> dict[str, Resource]:
        """The resources of one section, by key (empty when absent)."""
        return self.resources.get(name, {})

    def add(self, res: Resource) -> None:
        """Insert a resource, disambiguating a key that is already taken."""
        table = self.resources.setdefault(res.section, {})
        key = res.key
        n = 2
        while key in table:
            key = f"{res.key} #{n}"
            n += 1
        res.key = key
        table[key] = res
        self.present.add(res.section)
