"""Istio's naming conventions inside Envoy config, parsed in exactly one place.

Every name Istio generates (clusters, listeners, route configs, virtual hosts, node ids,
`istio.config` provenance paths) is decoded here so that the rest of dumpdiff never splits
strings on `|` or `_` by itself. Each parser returns a small frozen dataclass with a
`format()` that rebuilds the original name, which the tests check on every corpus name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Clusters Istio creates without the `direction|port|subset|host` pattern
# (pilot/pkg/networking/util/util.go and the bootstrap template).
SPECIAL_CLUSTERS = frozenset({
    "BlackHoleCluster", "PassthroughCluster", "AllowAnyDynamicDNSCluster",
    "InboundPassthroughCluster", "InboundPassthroughClusterIpv4", "InboundPassthroughClusterIpv6",
    "encap", "connect_originate", "main_internal", "forward_inner_connect", "sds-external",
    "prometheus_stats", "agent", "sds-grpc", "xds-grpc", "sds-files-grpc", "zipkin",
    "lightstep", "datadog_agent", "envoy_metrics_service", "envoy_accesslog_service",
    "local_cluster",
})
SPECIAL_LISTENERS = frozenset({
    "virtualOutbound", "virtualInbound", "connect_terminate", "main_internal",
    "connect_originate",
})
DIRECTIONS = ("outbound", "inbound", "inbound-vip")


@dataclass(frozen=True, slots=True)
class ClusterName:
    """A decoded cluster name. `form` is `subset-key`, `dns-srv`, `special` or `other`."""

    raw: str
    form: str
    direction: str = ""
    port: int | None = None
    subset: str = ""
    host: str = ""

    @property
    def protocol(self) -> str:
        """Waypoint `inbound-vip` clusters carry `<protocol>[/<subset>]` in the subset field."""
        if self.direction == "inbound-vip":
            return self.subset.split("/", 1)[0]
        return ""

    @property
    def service_subset(self) -> str:
        """The DestinationRule subset, also for waypoint `http/v1` style fields."""
        if self.direction == "inbound-vip":
            return self.subset.split("/", 1)[1] if "/" in self.subset else ""
        return self.subset

    def format(self) -> str:
        """Rebuild the name from its parts."""
        if self.form == "subset-key":
            return f"{self.direction}|{self.port}|{self.subset}|{self.host}"
        if self.form == "dns-srv":
            return f"{self.direction}_.{self.port}_.{self.subset}_.{self.host}"
        return self.raw


def parse_cluster_name(name: str) -> ClusterName:
    """Decode `outbound|8080|v2|host`, `inbound|8080||`, `outbound_.8080_._.host`, specials."""
    parts = name.split("|")
    if len(parts) == 4 and parts[0] in DIRECTIONS and parts[1].isdigit():
        return ClusterName(name, "subset-key", parts[0], int(parts[1]), parts[2], parts[3])
    m = _DNS_SRV.match(name)
    if m:
        return ClusterName(name, "dns-srv", m["dir"], int(m["port"]), m["subset"], m["host"])
    if name in SPECIAL_CLUSTERS:
        return ClusterName(name, "special")
    return ClusterName(name, "other")


_DNS_SRV = re.compile(
    r"^(?P<dir>outbound|inbound)_\.(?P<port>\d+)_\.(?P<subset>[^_]*)_\.(?P<host>.+)$")


@dataclass(frozen=True, slots=True)
class ListenerName:
    """A decoded listener name: `address-port` (`0.0.0.0_8080`, `udp_…`) or `special`/`other`."""

    raw: str
    form: str
    address: str = ""
    port: int | None = None
    udp: bool = False

    @property
    def wildcard(self) -> bool:
        """True for listeners bound to every address (the per-port HTTP listeners)."""
        return self.address in ("0.0.0.0", "::", "[::]")

    def format(self) -> str:
        """Rebuild the name from its parts."""
        if self.form == "address-port":
            return f"{'udp_' if self.udp else ''}{self.address}_{self.port}"
        return self.raw


_LISTENER = re.compile(r"^(?P<udp>udp_)?(?P<addr>[0-9a-fA-F.:\[\]]+)_(?P<port>\d+)$")


def parse_listener_name(name: str) -> ListenerName:
    """Decode `0.0.0.0_8080`, `10.1.2.3_8080`, `udp_0.0.0.0_443`, `virtualInbound`…"""
    m = _LISTENER.match(name)
    if m and any(c in m["addr"] for c in ".:"):
        return ListenerName(name, "address-port", m["addr"], int(m["port"]), bool(m["udp"]))
    if name in SPECIAL_LISTENERS:
        return ListenerName(name, "special")
    return ListenerName(name, "other")


@dataclass(frozen=True, slots=True)
class RouteConfigName:
    """A decoded route configuration name.

    `form`: `port` (sidecar `8080`), `host-port` (`host:8080`), `gateway-http`
    (`http.8080[.bind]`), `gateway-https` (`https.443.portName.gw.ns[.bind]`),
    `inbound` (`inbound|8080||`), `special` (`http_proxy`) or `other`.
    """

    raw: str
    form: str
    port: int | None = None
    host: str = ""
    port_name: str = ""
    gateway: str = ""
    namespace: str = ""
    bind: str = ""

    def format(self) -> str:
        """Rebuild the name from its parts."""
        if self.form == "port":
            return str(self.port)
        if self.form == "host-port":
            return f"{self.host}:{self.port}"
        if self.form == "gateway-http":
            return f"http.{self.port}" + (f".{self.bind}" if self.bind else "")
        if self.form == "gateway-https":
            base = f"https.{self.port}.{self.port_name}.{self.gateway}.{self.namespace}"
            return base + (f".{self.bind}" if self.bind else "")
        return self.raw


# https.<port>.<portName>.<gateway>.<namespace>[.<bind IP>]: gateway names may hold dots,
# namespaces may not, and a bind is an IP address (tried first: its dots are not names').
_HTTPS_RC_BIND = re.compile(
    r"^https\.(?P<port>\d+)\.(?P<pname>[^.]+)\.(?P<gw>.+)\.(?P<ns>[a-z0-9-]+)"
    r"\.(?P<bind>\d+\.\d+\.\d+\.\d+|[0-9a-fA-F]*:[0-9a-fA-F:]*)$")
_HTTPS_RC = re.compile(
    r"^https\.(?P<port>\d+)\.(?P<pname>[^.]+)\.(?P<gw>.+)\.(?P<ns>[a-z0-9-]+)()$")


def parse_route_config_name(name: str) -> RouteConfigName:
    """Decode sidecar, gateway and inbound route configuration names."""
    if name.isdigit():
        return RouteConfigName(name, "port", int(name))
    if name.startswith("http.") and name[5:].split(".", 1)[0].isdigit():
        port, _, bind = name[5:].partition(".")
        return RouteConfigName(name, "gateway-http", int(port), bind=bind)
    m = _HTTPS_RC_BIND.match(name) or _HTTPS_RC.match(name)
    if m:
        bind = m.groupdict().get("bind") or ""
        return RouteConfigName(name, "gateway-https", int(m["port"]), port_name=m["pname"],
                               gateway=m["gw"], namespace=m["ns"], bind=bind)
    cluster = parse_cluster_name(name)
    if cluster.form == "subset-key" and cluster.direction.startswith("inbound"):
        return RouteConfigName(name, "inbound", cluster.port)
    host, sep, port = name.rpartition(":")
    if sep and port.isdigit() and host and "|" not in host:
        return RouteConfigName(name, "host-port", int(port), host=host)
    if name == "http_proxy":
        return RouteConfigName(name, "special")
    return RouteConfigName(name, "other")


@dataclass(frozen=True, slots=True)
class VirtualHostName:
    """A decoded virtual host name: `host:port`, or `special` (`allow_any`, `block_all`…)."""

    raw: str
    form: str
    host: str = ""
    port: int | None = None

    def format(self) -> str:
        """Rebuild the name from its parts."""
        return f"{self.host}:{self.port}" if self.form == "host-port" else self.raw


def parse_virtual_host_name(name: str) -> VirtualHostName:
    """Decode `reviews.default.svc.cluster.local:9080`, `*:80`, `allow_any`, `inbound|http|80`."""
    host, sep, port = name.rpartition(":")
    if sep and port.isdigit() and host and "|" not in host:
        return VirtualHostName(name, "host-port", host, int(port))
    return VirtualHostName(name, "special" if name in ("allow_any", "block_all",
                                                      "allow_any_dynamic_dns") else "other")


@dataclass(frozen=True, slots=True)
class ConfigRef:
    """An `istio.config` provenance path: which Istio resource produced an Envoy object."""

    raw: str
    group: str
    version: str
    namespace: str
    kind: str  # kebab-case as Istio writes it: virtual-service, destination-rule…
    name: str

    @property
    def ref(self) -> str:
        """`namespace/name`, the way people name Istio resources."""
        return f"{self.namespace}/{self.name}"

    def format(self) -> str:
        """Rebuild the path."""
        return (f"/apis/{self.group}/{self.version}/namespaces/{self.namespace}/"
                f"{self.kind}/{self.name}")


_CONFIG_REF = re.compile(
    r"^/apis/(?P<group>[^/]+)/(?P<version>[^/]+)/namespaces/(?P<ns>[^/]+)/(?P<kind>[^/]+)/(?P<name>[^/]+)$")


def parse_config_ref(path: str) -> ConfigRef | None:
    """Decode `/apis/networking.istio.io/v1/namespaces/ns/virtual-service/name`."""
    m = _CONFIG_REF.match(path)
    if not m:
        return None
    return ConfigRef(path, m["group"], m["version"], m["ns"], m["kind"], m["name"])


@dataclass(frozen=True, slots=True)
class NodeId:
    """`<type>~<ip>~<pod>.<namespace>~<namespace>.svc.<domain>` from the bootstrap node."""

    raw: str
    proxy_type: str
    ip: str
    pod: str
    namespace: str
    domain: str

    def format(self) -> str:
        """Rebuild the node id."""
        return f"{self.proxy_type}~{self.ip}~{self.pod}.{self.namespace}~{self.domain}"


def parse_node_id(node_id: str) -> NodeId | None:
    """Decode an Istio node id; None when it is not in Istio's four-part form."""
    parts = node_id.split("~")
    if len(parts) != 4:
        return None
    ptype, ip, pod_ns, domain = parts
    pod, _, namespace = pod_ns.rpartition(".")
    if not pod:
        pod, namespace = pod_ns, ""
    return NodeId(node_id, ptype, ip, pod, namespace, domain)
