"""The Envoy bootstrap of an Istio proxy: node identity, static resources, stats config.

Follows the shape of Istio's `envoy_bootstrap.json` template, trimmed to what a stock Envoy
accepts, with two lab changes: listeners bind 127.0.0.1 on a kernel-chosen port, and the
dynamic resources come from files (`dynamic_resources` is passed in by the caller).
"""

from __future__ import annotations

import json
from typing import Any

from dumpdiff.lab.mesh import CLUSTER_ID, ISTIO_VERSION, MESH_ID, Pod

Resource = dict[str, Any]

# The pod annotation Istio reads for extra stats; `{pod_ip}` is substituted by the agent
# (pkg/bootstrap/config.go substituteValues), which puts the pod IP into the bootstrap.
# `cluster.outbound` and `http.outbound_` keep the xDS update stats the lab polls.
STATS_INCLUSION_ANNOTATION = "cluster.outbound,http.outbound_,http.{pod_ip}_"
STATS_INCLUSION_DEFAULTS = ["reporter=", "cluster_manager", "listener_manager", "server", "wasm"]
STATS_INCLUSION_SUFFIXES = ["rbac.allowed", "rbac.denied", "shadow_allowed", "shadow_denied"]


def node_id(pod: Pod) -> str:
    """`<type>~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`, as the Istio agent builds it."""
    return f"{pod.proxy_type}~{pod.ip}~{pod.name}.{pod.namespace}~{pod.namespace}.svc.cluster.local"


def node_metadata(pod: Pod) -> Resource:
    """The node metadata keys the Istio agent writes for an injected pod."""
    metadata: Resource = {
        "NAME": pod.name,
        "POD_NAME": pod.name,
        "NAMESPACE": pod.namespace,
        "INSTANCE_IPS": pod.ip,
        "LABELS": pod.labels,
        "WORKLOAD_NAME": pod.workload,
        "OWNER": (
            f"kubernetes://apis/apps/v1/namespaces/{pod.namespace}/deployments/{pod.workload}"
        ),
        "SERVICE_ACCOUNT": pod.service_account,
        "ISTIO_VERSION": ISTIO_VERSION,
        "CLUSTER_ID": CLUSTER_ID,
        "MESH_ID": MESH_ID,
        "NODE_NAME": pod.node_name,
        "INTERCEPTION_MODE": "REDIRECT",
        "POD_PORTS": json.dumps([{"name": "http", "containerPort": 8080, "protocol": "TCP"}]),
        "ANNOTATIONS": {
            "sidecar.istio.io/statsInclusionPrefixes": STATS_INCLUSION_ANNOTATION,
            "kubectl.kubernetes.io/default-container": pod.app,
        },
        "PROXY_CONFIG": {
            "binaryPath": "/usr/local/bin/envoy",
            "configPath": "./etc/istio/proxy",
            "discoveryAddress": "istiod.istio-system.svc:15012",
            "proxyAdminPort": 15000,
            "serviceCluster": "istio-proxy",
            "statusPort": 15020,
        },
        "ENVOY_STATUS_PORT": 15021,
        "ENVOY_PROMETHEUS_PORT": 15090,
    }
    if pod.proxy_type == "sidecar":  # injected pods only; a gateway pod is the proxy itself
        metadata["APP_CONTAINERS"] = pod.app
    return metadata


def stats_config(pod: Pod) -> Resource:
    """Istio's stats inclusion list with the pod annotation's prefixes substituted."""
    extra = STATS_INCLUSION_ANNOTATION.replace("{pod_ip}", pod.ip).split(",")
    return {
        "use_all_default_tags": False,
        "stats_matcher": {
            "inclusion_list": {
                "patterns": [{"prefix": p} for p in STATS_INCLUSION_DEFAULTS + extra]
                + [{"suffix": s} for s in STATS_INCLUSION_SUFFIXES]
            }
        },
    }


def _static_cluster(name: str, address: Resource, *, http2: bool = False) -> Resource:
    cluster: Resource = {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": name,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": address}}]}],
        },
    }
    if http2:
        cluster["typed_extension_protocol_options"] = {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3"
                ".HttpProtocolOptions",
                "explicit_http_config": {"http2_protocol_options": {}},
            }
        }
    return cluster


def _socket(port: int) -> Resource:
    return {"socket_address": {"address": "127.0.0.1", "port_value": port}}


def _static_listener(stat_prefix: str, prefix: str, cluster: str) -> Resource:
    # Istio's static listeners (15090 prometheus, 15021 health) carry no name.
    return {
        "address": _socket(0),
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network"
                            ".http_connection_manager.v3.HttpConnectionManager",
                            "stat_prefix": stat_prefix,
                            "route_config": {
                                "virtual_hosts": [
                                    {
                                        "name": "backend",
                                        "domains": ["*"],
                                        "routes": [
                                            {
                                                "match": {"prefix": prefix},
                                                "route": {"cluster": cluster},
                                            }
                                        ],
                                    }
                                ]
                            },
                            "http_filters": [
                                {
                                    "name": "envoy.filters.http.router",
                                    "typed_config": {
                                        "@type": "type.googleapis.com/envoy.extensions.filters"
                                        ".http.router.v3.Router"
                                    },
                                }
                            ],
                        },
                    }
                ]
            }
        ],
    }


def bootstrap(pod: Pod, dynamic_resources: Resource) -> Resource:
    """A complete bootstrap for `pod` whose xDS comes from `dynamic_resources`."""
    return {
        "node": {
            "id": node_id(pod),
            "cluster": f"{pod.app}.{pod.namespace}",
            "locality": {},
            "metadata": node_metadata(pod),
        },
        "admin": {
            "access_log": [
                {
                    "name": "envoy.access_loggers.file",
                    "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3"
                        ".FileAccessLog",
                        "path": "/dev/null",
                    },
                }
            ],
            "address": _socket(0),
        },
        "stats_config": stats_config(pod),
        "static_resources": {
            "clusters": [
                # Never connected to: the lab serves xDS and SDS from files instead.
                _static_cluster("prometheus_stats", _socket(15000)),
                _static_cluster("agent", _socket(15020)),
                _static_cluster(
                    "sds-grpc",
                    {"pipe": {"path": "./var/run/secrets/workload-spiffe-uds/socket"}},
                    http2=True,
                ),
                _static_cluster(
                    "xds-grpc", {"pipe": {"path": "./etc/istio/proxy/XDS"}}, http2=True
                ),
            ],
            "listeners": [
                _static_listener("stats", "/stats/prometheus", "prometheus_stats"),
                _static_listener("agent", "/healthz/ready", "agent"),
            ],
        },
        "dynamic_resources": dynamic_resources,
    }
