"""The mesh as its users declare it: services, pods, VirtualServices, DestinationRules, Gateways.

These small value types are the one source from which the lab builds both the Istio manifests
(what was asked for) and the Envoy xDS resources (what istiod would push), so the two agree
unless a scenario makes them disagree on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

ISTIO_VERSION = "1.28.1"
CLUSTER_ID = "Kubernetes"
MESH_ID = "cluster.local"
TRUST_DOMAIN = "cluster.local"


@dataclass(frozen=True)
class Service:
    """A Kubernetes Service with one HTTP port."""

    name: str
    namespace: str
    port: int = 8080
    cluster_ip: str = "10.96.0.10"

    @property
    def host(self) -> str:
        """The service FQDN Istio uses in cluster names."""
        return f"{self.name}.{self.namespace}.svc.cluster.local"


@dataclass(frozen=True)
class Pod:
    """One pod running an Istio proxy (sidecar or gateway)."""

    name: str
    namespace: str
    ip: str  # fake pod IP: it appears in node metadata and EDS only; Envoy binds 127.0.0.1
    app: str
    workload: str
    service_account: str
    version: str | None = None
    proxy_type: str = "sidecar"  # "router" for gateways
    node_name: str = "node-pool-1-a"
    extra_labels: tuple[tuple[str, str], ...] = ()

    @property
    def labels(self) -> dict[str, str]:
        """Pod labels as Istio's agent reports them (pod-template-hash already dropped)."""
        labels = {"app": self.app}
        if self.version:
            labels["version"] = self.version
        labels.update(dict(self.extra_labels))
        labels["service.istio.io/canonical-name"] = self.app
        labels["service.istio.io/canonical-revision"] = self.version or "latest"
        return labels


@dataclass(frozen=True)
class Endpoint:
    """One backend address of a service, with the workload it belongs to."""

    ip: str
    port: int
    workload: str
    version: str | None


@dataclass(frozen=True)
class Destination:
    """A weighted destination of an HTTP route; subset None is the whole service."""

    subset: str | None
    weight: int = 100


@dataclass(frozen=True)
class HttpRoute:
    """One `http` entry of a VirtualService."""

    name: str
    destinations: tuple[Destination, ...]
    header_exact: tuple[str, str] | None = None  # match on one request header, exact value
    timeout: str | None = None


@dataclass(frozen=True)
class VirtualService:
    """A VirtualService routing `hosts` to one service."""

    name: str
    namespace: str
    hosts: tuple[str, ...]
    service: Service
    routes: tuple[HttpRoute, ...]
    gateways: tuple[str, ...] = ()

    @property
    def config_path(self) -> str:
        """The provenance path istiod writes into route metadata."""
        return (
            f"/apis/networking.istio.io/v1/namespaces/{self.namespace}/virtual-service/{self.name}"
        )

    def with_route(self, name: str, **changes: Any) -> VirtualService:
        """A copy with the route `name` changed (e.g. a different timeout)."""
        routes = tuple(
            replace(route, **changes) if route.name == name else route for route in self.routes
        )
        return replace(self, routes=routes)


@dataclass(frozen=True)
class OutlierDetection:
    """DestinationRule trafficPolicy.outlierDetection."""

    consecutive_5xx_errors: int = 5
    interval: str = "10s"
    base_ejection_time: str = "30s"
    max_ejection_percent: int = 100


@dataclass(frozen=True)
class DestinationRule:
    """A DestinationRule with version subsets and an optional traffic policy."""

    name: str
    namespace: str
    service: Service
    subsets: tuple[str, ...]
    outlier: OutlierDetection | None = None
    connect_timeout: str | None = None  # trafficPolicy.connectionPool.tcp.connectTimeout

    @property
    def config_path(self) -> str:
        """The provenance path istiod writes into cluster metadata."""
        return (
            f"/apis/networking.istio.io/v1/namespaces/{self.namespace}/destination-rule/{self.name}"
        )


@dataclass(frozen=True)
class Gateway:
    """An Istio Gateway with one plain-HTTP server."""

    name: str
    namespace: str
    hosts: tuple[str, ...]
    port: int = 80  # the Service port clients use
    target_port: int = 8080  # the gateway pod's container port: Envoy listens here
    selector: tuple[tuple[str, str], ...] = (("istio", "ingressgateway"),)


@dataclass
class MeshState:
    """What one proxy should be told: services, their endpoints, and the routing config.

    `endpoints` maps a service name to its ready pods; a DestinationRule subset `vN` selects
    the pods labelled `version: vN`, as in Kubernetes.
    """

    services: list[Service]
    endpoints: dict[str, list[Endpoint]]
    destination_rules: list[DestinationRule] = field(default_factory=list)
    virtual_services: list[VirtualService] = field(default_factory=list)
    gateways: list[Gateway] = field(default_factory=list)

    def endpoints_for(self, service: Service, subset: str | None) -> list[Endpoint]:
        """The endpoints of `service`, restricted to the `version: subset` pods if given."""
        pods = self.endpoints.get(service.name, [])
        return [e for e in pods if subset is None or e.version == subset]

    def destination_rule_for(self, service: Service) -> DestinationRule | None:
        """The DestinationRule whose host is `service`, if any."""
        for rule in self.destination_rules:
            if rule.service == service:
                return rule
        return None
