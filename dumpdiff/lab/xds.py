"""Build Envoy xDS resources (plain dicts) the way istiod shapes them for a MeshState.

Names, metadata and defaults follow Istio 1.28: clusters `outbound|8080|v1|<fqdn>`, listener
`0.0.0.0_8080`, route config `8080` with virtual host `<fqdn>:8080`, `istio.config`
provenance metadata, Istio's default circuit breakers and retry policy, and outlier detection
as `applyOutlierDetection` writes it. Config sources are ADS (`{"ads": {}}`) as in a real
sidecar; `dumpdiff.lab.feed` rewrites them to files before Envoy sees them.

Only upstream Envoy extensions are used: Istio's own filters (metadata exchange, stats, alpn)
are not in the stock binary, so they are left out.
"""

from __future__ import annotations

from typing import Any

from dumpdiff.lab.mesh import (
    TRUST_DOMAIN,
    DestinationRule,
    Endpoint,
    Gateway,
    HttpRoute,
    MeshState,
    Pod,
    Service,
    VirtualService,
)

Resource = dict[str, Any]

CLUSTER = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener"
ROUTE_CONFIG = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
LOAD_ASSIGNMENT = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
SECRET = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
HCM = (
    "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
    ".HttpConnectionManager"
)
TCP_PROXY = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"

BLACKHOLE = "BlackHoleCluster"
PASSTHROUGH = "PassthroughCluster"
INBOUND_PASSTHROUGH = "InboundPassthroughCluster"

ADS: Resource = {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"}
SDS_GRPC: Resource = {
    "api_config_source": {
        "api_type": "GRPC",
        "grpc_services": [{"envoy_grpc": {"cluster_name": "sds-grpc"}}],
        "set_node_on_first_message_only": True,
        "transport_api_version": "V3",
    },
    "initial_fetch_timeout": "0s",
    "resource_api_version": "V3",
}
# Istio's getDefaultCircuitBreakerThresholds: every limit at max uint32.
DEFAULT_THRESHOLDS: Resource = {
    "max_connections": 4294967295,
    "max_pending_requests": 4294967295,
    "max_requests": 4294967295,
    "max_retries": 4294967295,
    "track_remaining": True,
}
DEFAULT_RETRY: Resource = {
    "retry_on": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes",
    "num_retries": 2,
    "retry_host_predicate": [
        {
            "name": "envoy.retry_host_predicates.previous_hosts",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3"
                ".PreviousHostsPredicate"
            },
        }
    ],
    "host_selection_retry_max_attempts": "5",
    "retriable_status_codes": [503],
}
NO_STREAM_LIMIT: Resource = {"max_stream_duration": "0s", "grpc_timeout_header_max": "0s"}

# Istio's default JSON access-log fields, plus the request header the canary routes match on.
ACCESS_LOG_FORMAT: dict[str, str] = {
    "start_time": "%START_TIME%",
    "method": "%REQ(:METHOD)%",
    "path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
    "protocol": "%PROTOCOL%",
    "response_code": "%RESPONSE_CODE%",
    "response_flags": "%RESPONSE_FLAGS%",
    "response_code_details": "%RESPONSE_CODE_DETAILS%",
    "connection_termination_details": "%CONNECTION_TERMINATION_DETAILS%",
    "upstream_transport_failure_reason": "%UPSTREAM_TRANSPORT_FAILURE_REASON%",
    "bytes_received": "%BYTES_RECEIVED%",
    "bytes_sent": "%BYTES_SENT%",
    "duration": "%DURATION%",
    "upstream_service_time": "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
    "x_forwarded_for": "%REQ(X-FORWARDED-FOR)%",
    "user_agent": "%REQ(USER-AGENT)%",
    "request_id": "%REQ(X-REQUEST-ID)%",
    "authority": "%REQ(:AUTHORITY)%",
    "x_subset": "%REQ(X-SUBSET)%",
    "upstream_host": "%UPSTREAM_HOST%",
    "upstream_cluster": "%UPSTREAM_CLUSTER_RAW%",
    "upstream_local_address": "%UPSTREAM_LOCAL_ADDRESS%",
    "downstream_local_address": "%DOWNSTREAM_LOCAL_ADDRESS%",
    "downstream_remote_address": "%DOWNSTREAM_REMOTE_ADDRESS%",
    "requested_server_name": "%REQUESTED_SERVER_NAME%",
    "route_name": "%ROUTE_NAME%",
    # Not in Istio's default format: shows the retries that hide an ejected host's 503s.
    "upstream_request_attempt_count": "%UPSTREAM_REQUEST_ATTEMPT_COUNT%",
}


def cluster_name(direction: str, port: int, subset: str | None, host: str) -> str:
    """Istio's BuildSubsetKey: `direction|port|subset|host`."""
    return f"{direction}|{port}|{subset or ''}|{host}"


def _typed(type_name: str, **fields: Any) -> Resource:
    return {"@type": f"type.googleapis.com/{type_name}", **fields}


def _loopback_any_port() -> Resource:
    # Istio binds 0.0.0.0:<port>; the lab binds loopback and lets the kernel choose.
    return {"socket_address": {"address": "127.0.0.1", "port_value": 0}}


# --- clusters ---------------------------------------------------------------------------


def _spiffe(namespace: str, service_account: str) -> str:
    return f"spiffe://{TRUST_DOMAIN}/ns/{namespace}/sa/{service_account}"


def _common_tls_context(alpn: list[str], sans: list[str] | None = None) -> Resource:
    validation: Resource = {}
    if sans:
        validation["match_typed_subject_alt_names"] = [
            {"san_type": "URI", "matcher": {"exact": san}} for san in sans
        ]
    return {
        "tls_params": {
            "tls_minimum_protocol_version": "TLSv1_2",
            "tls_maximum_protocol_version": "TLSv1_3",
        },
        "alpn_protocols": alpn,
        "tls_certificate_sds_secret_configs": [{"name": "default", "sds_config": SDS_GRPC}],
        "combined_validation_context": {
            "default_validation_context": validation,
            "validation_context_sds_secret_config": {"name": "ROOTCA", "sds_config": SDS_GRPC},
        },
    }


def _transport_socket_matches(name: str, service_account: str, namespace: str) -> list[Resource]:
    """Istio's auto-mTLS pair: TLS to endpoints labelled tlsMode=istio, plaintext otherwise."""
    direction, port, subset, host = name.split("|")
    tls = _typed(
        "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        common_tls_context=_common_tls_context(
            ["istio-peer-exchange", "istio"], [_spiffe(namespace, service_account)]
        ),
        sni=f"{direction}_.{port}_.{subset}_.{host}",
    )
    return [
        {
            "name": "tlsMode-istio",
            "match": {"tlsMode": "istio"},
            "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": tls},
        },
        {
            "name": "tlsMode-disabled",
            "match": {},
            "transport_socket": {
                "name": "envoy.transport_sockets.raw_buffer",
                "typed_config": _typed(
                    "envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer"
                ),
            },
        },
    ]


def _services_metadata(service: Service) -> list[Resource]:
    return [{"host": service.host, "name": service.name, "namespace": service.namespace}]


def outbound_cluster(
    service: Service, subset: str | None, rule: DestinationRule | None
) -> Resource:
    """An outbound EDS cluster for `service` (and DestinationRule subset, if any)."""
    name = cluster_name("outbound", service.port, subset, service.host)
    istio_meta: Resource = {
        "default_original_port": service.port,
        "services": _services_metadata(service),
    }
    cluster: Resource = {
        "@type": CLUSTER,
        "name": name,
        "type": "EDS",
        "eds_cluster_config": {"eds_config": ADS, "service_name": name},
        "connect_timeout": "10s",
        "lb_policy": "LEAST_REQUEST",
        "circuit_breakers": {"thresholds": [DEFAULT_THRESHOLDS]},
        "common_lb_config": {},
        "metadata": {"filter_metadata": {"istio": istio_meta}},
    }
    if rule is not None:
        istio_meta["config"] = rule.config_path
        if subset:
            istio_meta["subset"] = subset
        if rule.connect_timeout:
            cluster["connect_timeout"] = rule.connect_timeout
        if rule.outlier:
            outlier = rule.outlier
            # applyOutlierDetection: success-rate ejection off, 5xx enforced at 100 %.
            cluster["outlier_detection"] = {
                "consecutive_5xx": outlier.consecutive_5xx_errors,
                "interval": outlier.interval,
                "base_ejection_time": outlier.base_ejection_time,
                "max_ejection_percent": outlier.max_ejection_percent,
                "enforcing_consecutive_5xx": 100 if outlier.consecutive_5xx_errors else 0,
                "enforcing_success_rate": 0,
            }
            # minHealthPercent defaults to 0: Istio disables the panic threshold.
            cluster["common_lb_config"] = {"healthy_panic_threshold": {}}
    cluster["transport_socket_matches"] = _transport_socket_matches(
        name, service.name, service.namespace
    )
    return cluster


def blackhole_cluster() -> Resource:
    """Istio's BlackHoleCluster: a STATIC cluster with no endpoints."""
    return {"@type": CLUSTER, "name": BLACKHOLE, "type": "STATIC", "connect_timeout": "10s"}


def _original_dst_cluster(name: str) -> Resource:
    return {
        "@type": CLUSTER,
        "name": name,
        "type": "ORIGINAL_DST",
        "connect_timeout": "10s",
        "lb_policy": "CLUSTER_PROVIDED",
        "circuit_breakers": {"thresholds": [DEFAULT_THRESHOLDS]},
    }


def passthrough_clusters() -> list[Resource]:
    """PassthroughCluster (outbound, ALLOW_ANY) and InboundPassthroughCluster."""
    outbound = _original_dst_cluster(PASSTHROUGH)
    outbound["typed_extension_protocol_options"] = {
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": _typed(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            use_downstream_protocol_config={
                "http_protocol_options": {},
                "http2_protocol_options": {},
            },
        )
    }
    return [outbound, _original_dst_cluster(INBOUND_PASSTHROUGH)]


def inbound_cluster(service: Service) -> Resource:
    """`inbound|<port>||`: ORIGINAL_DST to the application container of this pod."""
    cluster = _original_dst_cluster(cluster_name("inbound", service.port, None, ""))
    cluster["original_dst_lb_config"] = {"upstream_port_override": service.port}
    cluster["metadata"] = {"filter_metadata": {"istio": {"services": _services_metadata(service)}}}
    return cluster


def mesh_clusters(state: MeshState) -> list[Resource]:
    """Outbound clusters for every service: the default one plus one per DR subset."""
    clusters = []
    for service in state.services:
        rule = state.destination_rule_for(service)
        clusters.append(outbound_cluster(service, None, rule))
        for subset in rule.subsets if rule else ():
            clusters.append(outbound_cluster(service, subset, rule))
    return clusters


def sidecar_clusters(state: MeshState, own_service: Service) -> list[Resource]:
    """Everything CDS gives a sidecar of `own_service`."""
    return [
        blackhole_cluster(),
        *passthrough_clusters(),
        inbound_cluster(own_service),
        *mesh_clusters(state),
    ]


def gateway_clusters(state: MeshState) -> list[Resource]:
    """Everything CDS gives an ingress gateway (no passthrough or inbound clusters)."""
    return [blackhole_cluster(), *mesh_clusters(state)]


# --- endpoints --------------------------------------------------------------------------


def _lb_endpoint(endpoint: Endpoint, namespace: str, app: str) -> Resource:
    # No tlsMode=istio label: the lab's upstreams speak plaintext, so Envoy must pick the
    # tlsMode-disabled transport socket.
    workload = f"{endpoint.workload};{namespace};{app};{endpoint.version or 'latest'};Kubernetes"
    return {
        "endpoint": {
            "address": {"socket_address": {"address": endpoint.ip, "port_value": endpoint.port}}
        },
        "health_status": "HEALTHY",
        "metadata": {"filter_metadata": {"istio": {"workload": workload}}},
        "load_balancing_weight": 1,
    }


def load_assignment(cluster: Resource, state: MeshState) -> Resource:
    """The ClusterLoadAssignment istiod sends for an outbound EDS cluster."""
    name = cluster["name"]
    _, _, subset, host = name.split("|")
    service = next(s for s in state.services if s.host == host)
    endpoints = state.endpoints_for(service, subset or None)
    assignment: Resource = {"@type": LOAD_ASSIGNMENT, "cluster_name": name}
    if endpoints:  # istiod's empty assignment carries no `endpoints` at all
        assignment["endpoints"] = [
            {
                "locality": {},
                "lb_endpoints": [
                    _lb_endpoint(e, service.namespace, service.name) for e in endpoints
                ],
                "load_balancing_weight": len(endpoints),
            }
        ]
        assignment["policy"] = {"overprovisioning_factor": 140}
    return assignment


def load_assignments(clusters: list[Resource], state: MeshState) -> list[Resource]:
    """One ClusterLoadAssignment per EDS cluster in `clusters`."""
    return [load_assignment(c, state) for c in clusters if c.get("type") == "EDS"]


# --- routes -----------------------------------------------------------------------------


def _route_action(vs: VirtualService, route: HttpRoute) -> Resource:
    names = [
        (cluster_name("outbound", vs.service.port, d.subset, vs.service.host), d.weight)
        for d in route.destinations
    ]
    action: Resource = {}
    if len(names) == 1:
        action["cluster"] = names[0][0]
    else:
        action["weighted_clusters"] = {
            "clusters": [{"name": name, "weight": weight} for name, weight in names]
        }
    action["timeout"] = route.timeout or "0s"
    action["retry_policy"] = DEFAULT_RETRY
    action["max_stream_duration"] = NO_STREAM_LIMIT
    return action


def _route(vs: VirtualService, route: HttpRoute) -> Resource:
    match: Resource = {"case_sensitive": True, "prefix": "/"}
    if route.header_exact:
        header, value = route.header_exact
        match["headers"] = [{"name": header, "string_match": {"exact": value}}]
    return {
        "match": match,
        "route": _route_action(vs, route),
        "metadata": {"filter_metadata": {"istio": {"config": vs.config_path}}},
        "decorator": {"operation": f"{vs.service.host}:{vs.service.port}/*"},
        "name": route.name,
    }


def _default_route(service: Service) -> Resource:
    """The route istiod builds for a service no VirtualService covers."""
    return {
        "match": {"prefix": "/"},
        "route": {
            "cluster": cluster_name("outbound", service.port, None, service.host),
            "timeout": "0s",
            "retry_policy": DEFAULT_RETRY,
            "max_stream_duration": NO_STREAM_LIMIT,
        },
        "decorator": {"operation": f"{service.host}:{service.port}/*"},
        "name": "default",
    }


def _sidecar_domains(service: Service) -> list[str]:
    # Istio ≥1.20 sets ignore_port_in_host_matching, so no `:port` variants are listed.
    short = service.name
    return [
        service.host,
        short,
        f"{short}.{service.namespace}.svc",
        f"{short}.{service.namespace}",
        service.cluster_ip,
    ]


def _route_configuration(name: str, virtual_hosts: list[Resource]) -> Resource:
    return {
        "@type": ROUTE_CONFIG,
        "name": name,
        "virtual_hosts": virtual_hosts,
        "validate_clusters": False,
        "max_direct_response_body_size_bytes": 1048576,
        "ignore_port_in_host_matching": True,
    }


def sidecar_route_config(state: MeshState, port: int = 8080) -> Resource:
    """Route config `<port>`: one virtual host per service on that port, then allow_any."""
    virtual_hosts = []
    for service in state.services:
        if service.port != port:
            continue
        vs = next((v for v in state.virtual_services if service.host in v.hosts), None)
        routes = [_route(vs, r) for r in vs.routes] if vs else [_default_route(service)]
        virtual_hosts.append(
            {
                "name": f"{service.host}:{port}",
                "domains": _sidecar_domains(service),
                "routes": routes,
                "include_request_attempt_count": True,
            }
        )
    virtual_hosts.append(
        {
            "name": "allow_any",
            "domains": ["*"],
            "routes": [
                {
                    "match": {"prefix": "/"},
                    "route": {
                        "cluster": PASSTHROUGH,
                        "timeout": "0s",
                        "max_stream_duration": NO_STREAM_LIMIT,
                    },
                    "name": "allow_any",
                }
            ],
            "include_request_attempt_count": True,
        }
    )
    return _route_configuration(str(port), virtual_hosts)


def gateway_route_config(state: MeshState, gateway: Gateway) -> Resource:
    """Route config `http.<targetPort>`: one virtual host `<host>:<port>` per bound host."""
    gateway_ref = f"{gateway.namespace}/{gateway.name}"
    virtual_hosts = []
    for host in gateway.hosts:
        for vs in state.virtual_services:
            if host in vs.hosts and gateway_ref in vs.gateways:
                virtual_hosts.append(
                    {
                        "name": f"{host}:{gateway.port}",
                        "domains": [host],
                        "routes": [_route(vs, r) for r in vs.routes],
                        "include_request_attempt_count": True,
                    }
                )
    return _route_configuration(f"http.{gateway.target_port}", virtual_hosts)


# --- listeners --------------------------------------------------------------------------


def _access_log() -> list[Resource]:
    return [
        {
            "name": "envoy.access_loggers.file",
            "typed_config": _typed(
                "envoy.extensions.access_loggers.file.v3.FileAccessLog",
                path="/dev/stdout",
                log_format={"json_format": ACCESS_LOG_FORMAT},
            ),
        }
    ]


def _http_filters() -> list[Resource]:
    return [
        {
            "name": "envoy.filters.http.grpc_stats",
            "typed_config": _typed(
                "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig",
                emit_filter_state=True,
                stats_for_all_methods=False,
            ),
        },
        {
            "name": "envoy.filters.http.fault",
            "typed_config": _typed("envoy.extensions.filters.http.fault.v3.HTTPFault"),
        },
        {
            "name": "envoy.filters.http.cors",
            "typed_config": _typed("envoy.extensions.filters.http.cors.v3.Cors"),
        },
        {
            "name": "envoy.filters.http.router",
            "typed_config": _typed("envoy.extensions.filters.http.router.v3.Router"),
        },
    ]


def _hcm(stat_prefix: str, routes: Resource, *, gateway: bool = False) -> Resource:
    """An HTTP connection manager; `routes` is {"rds": ...} or {"route_config": ...}."""
    config = _typed(
        "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        stat_prefix=stat_prefix,
        **routes,
        http_filters=_http_filters(),
        access_log=_access_log(),
        use_remote_address=gateway,
        upgrade_configs=[{"upgrade_type": "websocket"}],
        stream_idle_timeout="0s",
        normalize_path=True,
        request_id_extension={
            "typed_config": _typed(
                "envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig",
                use_request_id_for_trace_sampling=True,
            )
        },
        path_with_escaped_slashes_action="KEEP_UNCHANGED",
    )
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": config}


def _tcp_proxy(cluster: str) -> Resource:
    return {
        "name": "envoy.filters.network.tcp_proxy",
        "typed_config": {"@type": TCP_PROXY, "stat_prefix": cluster, "cluster": cluster},
    }


def http_listener(port: int, route_config_name: str, *, gateway: bool = False) -> Resource:
    """`0.0.0.0_<port>`: the outbound (or gateway) HTTP listener using RDS."""
    name = f"0.0.0.0_{port}"
    rds = {"rds": {"config_source": ADS, "route_config_name": route_config_name}}
    return {
        "@type": LISTENER,
        "name": name,
        "address": _loopback_any_port(),
        "filter_chains": [{"filters": [_hcm(f"outbound_{name}", rds, gateway=gateway)]}],
        "traffic_direction": "OUTBOUND",
    }


def virtual_outbound_listener() -> Resource:
    """`virtualOutbound`: Istio's capture listener (15001 in a pod) handing off by original dst."""
    return {
        "@type": LISTENER,
        "name": "virtualOutbound",
        "address": _loopback_any_port(),
        "filter_chains": [
            {
                "filter_chain_match": {"destination_port": 15001},
                "filters": [_tcp_proxy(BLACKHOLE)],
                "name": "virtualOutbound-blackhole",
            }
        ],
        "default_filter_chain": {
            "filters": [_tcp_proxy(PASSTHROUGH)],
            "name": "PassthroughFilterChain",
        },
        "use_original_dst": True,
        "traffic_direction": "OUTBOUND",
    }


def _inbound_route_config(service: Service) -> Resource:
    inbound = cluster_name("inbound", service.port, None, "")
    return {
        "name": inbound,
        "virtual_hosts": [
            {
                "name": f"inbound|http|{service.port}",
                "domains": ["*"],
                "routes": [
                    {
                        "match": {"prefix": "/"},
                        "route": {
                            "cluster": inbound,
                            "timeout": "0s",
                            "max_stream_duration": NO_STREAM_LIMIT,
                        },
                        "decorator": {"operation": f"{service.host}:{service.port}/*"},
                        "name": "default",
                    }
                ],
            }
        ],
        "validate_clusters": False,
    }


def virtual_inbound_listener(service: Service) -> Resource:
    """`virtualInbound` (15006 in a pod): PERMISSIVE mTLS and plaintext chains per port."""
    chain_name = f"0.0.0.0_{service.port}"
    hcm = _hcm(f"inbound_{chain_name}", {"route_config": _inbound_route_config(service)})
    tls = _typed(
        "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
        common_tls_context=_common_tls_context(["h2", "http/1.1"]),
        require_client_certificate=True,
    )
    return {
        "@type": LISTENER,
        "name": "virtualInbound",
        "address": _loopback_any_port(),
        "filter_chains": [
            {
                "filter_chain_match": {"destination_port": 15006},
                "filters": [_tcp_proxy(BLACKHOLE)],
                "name": "virtualInbound-blackhole",
            },
            {
                "filter_chain_match": {
                    "destination_port": service.port,
                    "transport_protocol": "tls",
                    "application_protocols": ["istio-peer-exchange", "istio"],
                },
                "filters": [hcm],
                "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": tls},
                "name": chain_name,
            },
            {
                "filter_chain_match": {
                    "destination_port": service.port,
                    "transport_protocol": "raw_buffer",
                },
                "filters": [hcm],
                "name": chain_name,
            },
        ],
        "default_filter_chain": {
            "filters": [_tcp_proxy(INBOUND_PASSTHROUGH)],
            "name": "virtualInbound",
        },
        "listener_filters": [
            {
                "name": "envoy.filters.listener.original_dst",
                "typed_config": _typed(
                    "envoy.extensions.filters.listener.original_dst.v3.OriginalDst"
                ),
            },
            {
                "name": "envoy.filters.listener.tls_inspector",
                "typed_config": _typed(
                    "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"
                ),
            },
        ],
        "listener_filters_timeout": "0s",
        "continue_on_listener_filters_timeout": True,
        "traffic_direction": "INBOUND",
    }


def sidecar_listeners(own_service: Service, port: int = 8080) -> list[Resource]:
    """LDS for a sidecar: virtualOutbound, the outbound HTTP listener, virtualInbound."""
    return [
        virtual_outbound_listener(),
        http_listener(port, str(port)),
        virtual_inbound_listener(own_service),
    ]


# --- secrets ----------------------------------------------------------------------------


def workload_secrets(cert_dir: str) -> list[Resource]:
    """SDS `default` (workload cert and key) and `ROOTCA`, read by Envoy from files."""
    return [
        {
            "@type": SECRET,
            "name": "default",
            "tls_certificate": {
                "certificate_chain": {"filename": f"{cert_dir}/cert-chain.pem"},
                "private_key": {"filename": f"{cert_dir}/key.pem"},
            },
        },
        {
            "@type": SECRET,
            "name": "ROOTCA",
            "validation_context": {"trusted_ca": {"filename": f"{cert_dir}/root-cert.pem"}},
        },
    ]


def spiffe_id(pod: Pod) -> str:
    """The SPIFFE identity in a pod's workload certificate."""
    return _spiffe(pod.namespace, pod.service_account)
