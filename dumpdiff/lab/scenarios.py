"""The golden scenarios: the situations users hit, each produced by a real Envoy.

Every scenario builds the mesh it needs, lets a real Envoy load it, sends real requests where
the story needs traffic, and saves what Envoy printed. Endpoints that no request reaches use
fake pod IPs, so those parts of the dumps are the same on every run; endpoints that serve
requests are local upstreams on 127.0.0.1 with ports chosen at run time.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from dumpdiff.lab import manifests
from dumpdiff.lab.envoy import LabError
from dumpdiff.lab.feed import XdsSnapshot
from dumpdiff.lab.istiod import gateway_push, sidecar_push
from dumpdiff.lab.mesh import (
    Destination,
    DestinationRule,
    Endpoint,
    Gateway,
    HttpRoute,
    MeshState,
    OutlierDetection,
    Pod,
    Service,
    VirtualService,
)
from dumpdiff.lab.proxy import LabProxy
from dumpdiff.lab.proxystatus import ProxySync, render
from dumpdiff.lab.record import PROXY_STATUS_FILE, ScenarioRecord
from dumpdiff.lab.runner import Context, Scenario
from dumpdiff.lab.traffic import Request, Traffic, request_summary
from dumpdiff.lab.xds import cluster_name

# Fixed push labels (istiod's `<timestamp>/<counter>` form) keep version_info deterministic.
VERSION = "2026-11-20T10:00:00Z/41"
OLDER_VERSION = "2026-11-20T09:42:13Z/40"
NACKED_VERSION = "2026-11-20T10:07:31Z/42"
ISTIOD_POD = "istiod-6b9d7f5c8-kx7pq"

PAYMENT = Service("payment", "production", 8080, "10.96.104.21")
LEDGER = Service("ledger", "production", 8080, "10.96.37.150")
POD_TEMPLATE_HASH = {"v1": "6d8f7c9b5", "v2": "5b7d9f8c4", "v3": "7f6c5d4b8"}


def cluster(subset: str | None) -> str:
    """The outbound payment cluster for `subset`."""
    return cluster_name("outbound", PAYMENT.port, subset, PAYMENT.host)


def pod_name(version: str, suffix: str) -> str:
    """`payment-<version>-<hash>-<suffix>`, a Deployment pod name."""
    return f"payment-{version}-{POD_TEMPLATE_HASH[version]}-{suffix}"


def payment_pod(suffix: str, ip: str, node: str = "node-pool-1-a") -> Pod:
    """A payment-v1 pod with a sidecar."""
    return Pod(
        name=pod_name("v1", suffix),
        namespace="production",
        ip=ip,
        app="payment",
        workload="payment-v1",
        service_account="payment",
        version="v1",
        node_name=node,
    )


POD = payment_pod("x2x4k", "10.1.2.3")
GATEWAY_POD = Pod(
    name="istio-ingressgateway-7c9f8b6d4-q8z5n",
    namespace="istio-system",
    ip="10.1.9.8",
    app="istio-ingressgateway",
    workload="istio-ingressgateway",
    service_account="istio-ingressgateway-service-account",
    proxy_type="router",
    node_name="node-pool-1-c",
    extra_labels=(("istio", "ingressgateway"),),
)

# Pods no request reaches: fake IPs, so their EDS entries never change between runs.
FAKE_V1 = [
    Endpoint("10.1.2.3", 8080, "payment-v1", "v1"),
    Endpoint("10.1.2.4", 8080, "payment-v1", "v1"),
]
FAKE_V2 = [Endpoint("10.1.3.7", 8080, "payment-v2", "v2")]
FAKE_V3 = [Endpoint("10.1.5.9", 8080, "payment-v3", "v3")]
LEDGER_ENDPOINTS = [
    Endpoint("10.1.7.21", 8080, "ledger-v1", "v1"),
    Endpoint("10.1.7.22", 8080, "ledger-v1", "v1"),
]

DR_PAYMENT = DestinationRule(
    "payment", "production", PAYMENT, ("v1", "v2", "v3"), outlier=OutlierDetection()
)
HEADER_ROUTE = HttpRoute("canary-header", (Destination("v3"),), header_exact=("x-subset", "v3"))
VS_CANARY = VirtualService(
    "payment",
    "production",
    (PAYMENT.host,),
    PAYMENT,
    (HEADER_ROUTE, HttpRoute("default", (Destination("v1", 90), Destination("v2", 10)))),
)
VS_BEFORE_CANARY = VS_CANARY.with_route("default", destinations=(Destination("v1"),))
V3_REQUEST = Request(headers=(("x-subset", "v3"),))
VHOST = f"{PAYMENT.host}:{PAYMENT.port}"


def mesh(
    payment: list[Endpoint],
    rule: DestinationRule = DR_PAYMENT,
    vs: VirtualService = VS_CANARY,
) -> MeshState:
    """payment (with `rule` and `vs`) and ledger (no Istio config) in namespace production."""
    return MeshState(
        services=[PAYMENT, LEDGER],
        endpoints={"payment": payment, "ledger": LEDGER_ENDPOINTS},
        destination_rules=[rule],
        virtual_services=[vs],
    )


def real_payment_pods(
    ctx: Context, versions: tuple[str, ...] = ("v1", "v2", "v3")
) -> list[Endpoint]:
    """One answering upstream per version, standing in for that version's pod."""
    suffixes = {"v1": "k9z2r", "v2": "q4m8s", "v3": "d7n3v"}
    return [ctx.upstream(pod_name(v, suffixes[v]), f"payment-{v}", v) for v in versions]


def finish(proxy: LabProxy, traffic: Traffic | None, ctx: Context) -> list[dict[str, Any]]:
    """Wait for the access log, save Envoy's outputs, return the requests as logged."""
    entries = traffic.log_entries() if traffic else []
    proxy.capture(ctx.out_dir)
    return [request_summary(e) for e in entries]


def write_manifests(ctx: Context, *items: Any) -> None:
    """Save the Istio manifests behind the scenario."""
    rendered = []
    for item in items:
        if isinstance(item, VirtualService):
            rendered.append(manifests.virtual_service(item))
        elif isinstance(item, DestinationRule):
            rendered.append(manifests.destination_rule(item))
        elif isinstance(item, Gateway):
            rendered.append(manifests.gateway(item))
        else:
            rendered.append(item)  # already a manifest dict
    manifests.write_manifests(ctx.out_dir / "manifests", rendered)


# --- scenarios ---------------------------------------------------------------------------


def canary_synced(ctx: Context) -> ScenarioRecord:
    """The healthy baseline: the 90/10 canary push reached the proxy."""
    state = mesh(real_payment_pods(ctx))
    with ctx.proxy(POD, sidecar_push(state, PAYMENT, VERSION)) as proxy:
        traffic = proxy.traffic()
        for _ in range(2):
            traffic.send(V3_REQUEST)
        # Weighted random: keep sending until v2 has answered at least once (bounded).
        defaults = to_v2 = 0
        while defaults < 60 and (defaults < 10 or to_v2 == 0):
            answer = traffic.send(Request())
            defaults += 1
            to_v2 += bool(answer.pod and answer.pod.startswith("payment-v2"))
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, VS_CANARY, DR_PAYMENT)
    return ScenarioRecord(
        description=f"""The healthy baseline of the canary story. VirtualService production/payment
            sends requests with header x-subset: v3 to subset v3 and splits the rest 90/10
            between v1 and v2; DestinationRule production/payment defines subsets v1, v2, v3
            with outlier detection. The sidecar of {POD.name} holds exactly that push
            (route config 8080, version {VERSION}); every subset has a live endpoint and real
            requests reach v1, v2 and v3.""",
        pods=[POD],
        requests=requests,
        truth=[],
    )


def canary_stale(ctx: Context) -> ScenarioRecord:
    """The canary push never reached the proxy: its RDS still has the older 100 % v1 route."""
    state = mesh(real_payment_pods(ctx))
    old_routes = sidecar_push(
        mesh(state.endpoints["payment"], vs=VS_BEFORE_CANARY), PAYMENT, VERSION
    )
    snapshot = sidecar_push(state, PAYMENT, VERSION)
    snapshot.routes = old_routes.routes
    snapshot.versions["rds"] = OLDER_VERSION
    with ctx.proxy(POD, snapshot) as proxy:
        traffic = proxy.traffic()
        for _ in range(10):
            traffic.send(Request())
        traffic.send(V3_REQUEST)
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, VS_CANARY, DR_PAYMENT)
    rows = [
        ProxySync(f"{GATEWAY_POD.name}.{GATEWAY_POD.namespace}", ISTIOD_POD),
        ProxySync("ledger-v1-84c6f5d7b9-t6w2d.production", ISTIOD_POD),
        ProxySync(f"{pod_name('v1', 'p7qzm')}.production", ISTIOD_POD),
        ProxySync(f"{POD.name}.production", ISTIOD_POD, rds="STALE"),
        ProxySync(f"{pod_name('v2', 'q4m8s')}.production", ISTIOD_POD),
    ]
    (ctx.out_dir / PROXY_STATUS_FILE).write_text(render(rows))
    return ScenarioRecord(
        description=f"""The story's incident. The manifests are the same as in
            payment-canary-synced (90/10 v1/v2), but the sidecar of {POD.name} never
            acknowledged that push: its route config 8080 is still the older one (version
            {OLDER_VERSION}) whose default route sends 100 % to v1, while clusters, listeners
            and endpoints are current ({VERSION}). Real requests all land on v1.
            proxy-status.txt (hand-written, istiod's view) shows this pod STALE for RDS and the
            other proxies SYNCED.""",
        pods=[POD],
        requests=requests,
        truth=[
            {"check": "proxy-stale", "proxy": f"{POD.name}.production", "xds": "RDS"},
            {
                "check": "route-differs-from-manifest",
                "route_config": "8080",
                "virtual_host": VHOST,
                "route": "default",
                "virtual_service": "production/payment",
                "manifest": {cluster("v1"): 90, cluster("v2"): 10},
                "proxy": {cluster("v1"): 100},
            },
        ],
        proxy_status=True,
    )


def subset_no_endpoints(ctx: Context) -> ScenarioRecord:
    """DestinationRule subset v3 selects no pods: CDS has the cluster, EDS has no endpoints."""
    state = mesh(FAKE_V1 + FAKE_V2)  # no pod carries version: v3
    with ctx.proxy(POD, sidecar_push(state, PAYMENT, VERSION)) as proxy:
        traffic = proxy.traffic()
        for _ in range(3):
            traffic.send(V3_REQUEST)
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, VS_CANARY, DR_PAYMENT)
    return ScenarioRecord(
        description=f"""VirtualService production/payment routes x-subset: v3 to subset v3 of
            DestinationRule production/payment, but no payment pod is labelled version: v3.
            The sidecar of {POD.name} has cluster {cluster("v3")} in CDS with an EDS
            assignment that has no endpoints; real requests with x-subset: v3 get 503 with
            response flag UH (no healthy upstream). No request reaches a real pod, so every
            endpoint here is a fake pod IP and the dump is the same on every run.""",
        pods=[POD],
        requests=requests,
        truth=[{"check": "subset-no-endpoints", "cluster": cluster("v3"), "flag": "UH"}],
    )


def _failed_outlier_check(proxy: LabProxy, cluster_id: str, host: str) -> bool:
    statuses = json.loads(proxy.envoy.get("/clusters?format=json"))["cluster_statuses"]
    for status in statuses:
        if status["name"] != cluster_id:
            continue
        for host_status in status.get("host_statuses", []):
            address = host_status["address"]["socket_address"]
            if f"{address['address']}:{address['port_value']}" == host:
                return bool(host_status["health_status"].get("failed_outlier_check"))
    return False


def ejected_host(ctx: Context) -> ScenarioRecord:
    """One v1 pod answers 503 until outlier detection ejects it."""
    healthy = ctx.upstream(pod_name("v1", "k9z2r"), "payment-v1", "v1")
    failing = ctx.upstream(pod_name("v1", "b8c5f"), "payment-v1", "v1", status=503)
    bad_host = f"{failing.ip}:{failing.port}"
    rule = DestinationRule(
        "payment",
        "production",
        PAYMENT,
        ("v1", "v2", "v3"),
        outlier=OutlierDetection(
            consecutive_5xx_errors=3, interval="10s", base_ejection_time="60s"
        ),
    )
    vs = VS_CANARY.with_route("default", destinations=(Destination("v1"),))
    state = mesh([healthy, failing, *FAKE_V2, *FAKE_V3], rule=rule, vs=vs)
    with ctx.proxy(POD, sidecar_push(state, PAYMENT, VERSION)) as proxy:
        traffic = proxy.traffic()
        sent = 0
        while not _failed_outlier_check(proxy, cluster("v1"), bad_host):
            if sent >= 60:
                raise LabError(f"{bad_host} was not ejected after {sent} requests")
            traffic.send(Request())
            sent += 1
        for _ in range(3):  # after the ejection every request goes to the healthy pod
            traffic.send(Request())
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, vs, rule)
    return ScenarioRecord(
        description=f"""Subset v1 has two pods; {pod_name("v1", "b8c5f")} ({bad_host}) answers
            every request with 503. DestinationRule production/payment sets outlierDetection
            consecutive5xxErrors: 3 and maxEjectionPercent: 100, so after three 5xx in a row
            Envoy ejects that host; Istio's default retry policy (retry on 503, other host)
            hides most failures from the client. The dumps are taken after the ejection:
            clusters.json shows failed_outlier_check on the host, clusters.txt the
            /failed_outlier_check flag, and config_dump.json only a coarse health status.""",
        pods=[POD],
        requests=requests,
        truth=[{"check": "ejected-host", "cluster": cluster("v1"), "host": bad_host}],
    )


ENVOY_FILTER: dict[str, Any] = {
    "apiVersion": "networking.istio.io/v1alpha3",
    "kind": "EnvoyFilter",
    "metadata": {"name": "payment-legacy-tcp", "namespace": "production"},
    "spec": {
        "workloadSelector": {"labels": {"app": "payment"}},
        "configPatches": [
            {
                "applyTo": "FILTER_CHAIN",
                "match": {"context": "SIDECAR_OUTBOUND", "listener": {"portNumber": 8080}},
                "patch": {
                    "operation": "ADD",
                    "value": {
                        "filters": [
                            {
                                "name": "envoy.filters.network.tcp_proxy",
                                "typed_config": {
                                    "@type": "type.googleapis.com/envoy.extensions.filters"
                                    ".network.tcp_proxy.v3.TcpProxy",
                                    "stat_prefix": "payment-legacy-tcp",
                                    "cluster": cluster("v1"),
                                },
                            }
                        ]
                    },
                },
            }
        ],
    },
}


def _with_envoy_filter(snapshot: XdsSnapshot) -> XdsSnapshot:
    """The push istiod makes once the EnvoyFilter applies: an extra, unmatched filter chain."""
    patched = copy.deepcopy(snapshot)
    patched.version = NACKED_VERSION
    value = ENVOY_FILTER["spec"]["configPatches"][0]["patch"]["value"]
    for listener in patched.listeners:
        if listener["name"] == "0.0.0.0_8080":
            listener["filter_chains"].append(copy.deepcopy(value))
    return patched


def _listener_error(ctx: Context, name: str) -> str:
    """Envoy's rejection text for listener `name`, read from the saved dump."""
    dump = json.loads((ctx.out_dir / "config_dump.json").read_bytes())
    for section in dump["configs"]:
        for listener in section.get("dynamic_listeners", []):
            if listener.get("name") == name and "error_state" in listener:
                return str(listener["error_state"]["details"])
    raise LabError(f"the dump shows no error_state for listener {name}")


def listener_nack(ctx: Context) -> ScenarioRecord:
    """An LDS update Envoy rejects: the dump keeps the old listener and records the error."""
    state = mesh(real_payment_pods(ctx, ("v1",)) + FAKE_V2 + FAKE_V3, vs=VS_BEFORE_CANARY)
    good = sidecar_push(state, PAYMENT, VERSION)
    with ctx.proxy(POD, good) as proxy:
        verdicts = proxy.push(_with_envoy_filter(good))
        if verdicts.get("lds") != "rejected":
            raise LabError(f"expected Envoy to reject the LDS update, got {verdicts}")
        traffic = proxy.traffic()  # the old listener still serves
        for _ in range(2):
            traffic.send(Request())
        requests = finish(proxy, traffic, ctx)
    details = _listener_error(ctx, "0.0.0.0_8080")
    write_manifests(ctx, VS_BEFORE_CANARY, DR_PAYMENT, ENVOY_FILTER)
    return ScenarioRecord(
        description=f"""EnvoyFilter production/payment-legacy-tcp adds a filter chain with no
            match to the outbound listener on port 8080, which already has an unmatched chain.
            The sidecar of {POD.name} first loaded a good LDS ({VERSION}), then rejected push
            {NACKED_VERSION} (NACK): the dump keeps listener 0.0.0.0_8080's old active_state
            and adds an error_state with Envoy's reason. Requests still flow on the old
            listener.""",
        pods=[POD],
        requests=requests,
        truth=[
            {
                "check": "listener-rejected",
                "listener": "0.0.0.0_8080",
                "version": NACKED_VERSION,
                "envoy_filter": "production/payment-legacy-tcp",
                "details": details,
            }
        ],
    )


def route_to_missing_cluster(ctx: Context) -> ScenarioRecord:
    """A weighted route sends 20 % to subset v4, which no DestinationRule defines."""
    vs = VS_CANARY.with_route(
        "default", destinations=(Destination("v1", 80), Destination("v4", 20))
    )
    state = mesh(real_payment_pods(ctx, ("v1",)) + FAKE_V2 + FAKE_V3, vs=vs)
    with ctx.proxy(POD, sidecar_push(state, PAYMENT, VERSION)) as proxy:
        traffic = proxy.traffic()
        missing = served = 0
        while missing + served < 60 and (missing == 0 or served == 0 or missing + served < 10):
            answer = traffic.send(Request())
            missing += answer.status == 503 and answer.pod is None
            served += answer.status == 200
        if not missing:
            raise LabError("no request was routed to the missing cluster")
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, vs, DR_PAYMENT)
    return ScenarioRecord(
        description=f"""VirtualService production/payment splits the default route 80/20 between
            subsets v1 and v4, but DestinationRule production/payment defines only v1, v2, v3.
            Istio still writes the route (validate_clusters: false), so route config 8080
            points at {cluster("v4")}, which CDS lacks. Real requests that draw v4 get 503
            with response flag NC (cluster not found); the others reach v1.""",
        pods=[POD],
        requests=requests,
        truth=[
            {
                "check": "route-to-missing-cluster",
                "route_config": "8080",
                "virtual_host": VHOST,
                "route": "default",
                "cluster": cluster("v4"),
                "flag": "NC",
            }
        ],
    )


REPLICAS = [
    payment_pod("x2x4k", "10.1.2.3", "node-pool-1-a"),
    payment_pod("p7qzm", "10.1.2.4", "node-pool-1-b"),
    payment_pod("h5r9t", "10.1.2.5", "node-pool-1-c"),
    payment_pod("w3n8c", "10.1.2.6", "node-pool-1-a"),
]


def _odd_replica_push(snapshot: XdsSnapshot) -> XdsSnapshot:
    """The push the fourth replica got: one cluster setting and one route differ."""
    odd = copy.deepcopy(snapshot)
    for resource in odd.clusters:
        if resource["name"] == cluster("v1"):
            resource["connect_timeout"] = "1s"
    for vhost in odd.routes[0]["virtual_hosts"]:
        for route in vhost["routes"]:
            if vhost["name"] == VHOST and route["name"] == "default":
                route["route"]["timeout"] = "3s"
    return odd


def replicas(ctx: Context) -> ScenarioRecord:
    """Four pods of payment-v1: three identical, one with two differences."""
    endpoints = [Endpoint(p.ip, 8080, "payment-v1", "v1") for p in REPLICAS] + FAKE_V2 + FAKE_V3
    snapshot = sidecar_push(mesh(endpoints), PAYMENT, VERSION)
    *same, odd = REPLICAS
    for pod in REPLICAS:
        push = _odd_replica_push(snapshot) if pod is odd else snapshot
        with ctx.proxy(pod, push) as proxy:
            proxy.capture(ctx.out_dir / pod.name)
    write_manifests(ctx, VS_CANARY, DR_PAYMENT)
    return ScenarioRecord(
        description=f"""Four pods of Deployment production/payment-v1, one sub-folder each.
            {", ".join(p.name for p in same)} were fed identical xDS and differ only in pod
            identity (name, IP, node id, node name), timestamps and their own workload
            certificate. {odd.name} was fed the same push except cluster {cluster("v1")}
            (connect_timeout 1s instead of 10s) and route config 8080, virtual host {VHOST},
            route default (timeout 3s instead of 0s). The manifests are those the majority
            runs. No traffic is sent (the access logs are empty), so nothing in the dumps
            depends on run-time ports.""",
        pods=REPLICAS,
        truth=[
            {"check": "replicas-identical", "pods": [p.name for p in same]},
            {
                "check": "replica-differs",
                "pod": odd.name,
                "cluster": cluster("v1"),
                "field": "connect_timeout",
                "majority": "10s",
                "value": "1s",
            },
            {
                "check": "replica-differs",
                "pod": odd.name,
                "route_config": "8080",
                "virtual_host": VHOST,
                "route": "default",
                "field": "timeout",
                "majority": "0s",
                "value": "3s",
            },
        ],
        per_pod_dirs=True,
    )


PAYMENT_GATEWAY = Gateway("payment-gateway", "istio-system", ("payment.example.com",))
VS_INGRESS = VirtualService(
    "payment-ingress",
    "production",
    ("payment.example.com",),
    PAYMENT,
    (HttpRoute("ingress", (Destination(None),)),),
    gateways=("istio-system/payment-gateway",),
)


def gateway(ctx: Context) -> ScenarioRecord:
    """The ingress gateway serving payment.example.com from Gateway + VirtualService."""
    state = mesh(real_payment_pods(ctx))
    state.virtual_services.append(VS_INGRESS)
    state.gateways.append(PAYMENT_GATEWAY)
    with ctx.proxy(GATEWAY_POD, gateway_push(state, PAYMENT_GATEWAY, VERSION)) as proxy:
        traffic = proxy.traffic()
        for _ in range(3):
            traffic.send(Request(authority="payment.example.com"))
        traffic.send(Request(authority="shop.example.com"))  # no virtual host: 404 NR
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, PAYMENT_GATEWAY, VS_INGRESS, DR_PAYMENT)
    return ScenarioRecord(
        description=f"""The ingress gateway {GATEWAY_POD.name} (node id router~...). Gateway
            istio-system/payment-gateway opens port 80 (target port 8080) for
            payment.example.com, and VirtualService production/payment-ingress binds to it, so
            listener 0.0.0.0_8080 uses route config http.8080 with virtual host
            payment.example.com:80 routing to {cluster(None)}. Real requests for
            payment.example.com get 200; one for shop.example.com, which no Gateway serves,
            gets 404 NR.""",
        pods=[GATEWAY_POD],
        requests=requests,
        truth=[],
    )


SCENARIOS = [
    Scenario("payment-canary-synced", canary_synced),
    Scenario("payment-canary-stale", canary_stale),
    Scenario("subset-no-endpoints", subset_no_endpoints),
    Scenario("ejected-host", ejected_host),
    Scenario("listener-nack", listener_nack),
    Scenario("route-to-missing-cluster", route_to_missing_cluster),
    Scenario("replicas", replicas),
    Scenario("gateway", gateway),
]
