"""A rich route table and generated traffic, to prove the route replay against a live Envoy.

The golden scenarios have one or two routes per proxy, which says little about whether
`dumpdiff route` picks the routes Envoy picks. This module keeps their proxies (the payment
sidecar and the ingress gateway, with the same clusters, listeners and endpoints) but swaps
in route tables that exercise every matcher Envoy has: virtual-host domains (exact, suffix
and prefix wildcards, `*`, with and without `ignore_port_in_host_matching`), path matchers
(prefix, exact, safe_regex, path_separated_prefix, case-insensitive), header matchers (exact,
prefix, suffix, contains, regex, range, present, absent, inverted), query-parameter matchers,
redirects, direct responses, weighted clusters with a missing cluster (NC) and a subset with
no endpoints (UH). A second sidecar listener (9090) uses the pre-1.20 route config shape
(`host:port` domains, no catch-all) and Istio's DECODE_AND_MERGE_SLASHES path normalization.
`requests()` generates a deterministic mix of requests against them, and `run()` sends them
through real Envoys and returns what Envoy logged for each one.

Nothing here changes the golden scenarios; only tests/integration/test_route_live.py uses it.
"""

from __future__ import annotations

import copy
import http.client
import json
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dumpdiff.lab import xds
from dumpdiff.lab.envoy import Envoy, LabError, wait_for
from dumpdiff.lab.feed import XdsSnapshot
from dumpdiff.lab.istiod import gateway_push, sidecar_push
from dumpdiff.lab.mesh import Endpoint, MeshState
from dumpdiff.lab.proxy import LabProxy
from dumpdiff.lab.scenarios import (
    DR_PAYMENT,
    GATEWAY_POD,
    LEDGER,
    PAYMENT,
    PAYMENT_GATEWAY,
    POD,
    VERSION,
    VS_INGRESS,
    cluster,
    pod_name,
)
from dumpdiff.lab.upstream import Upstreams

Resource = dict[str, Any]

SIDECAR_PORT = 8080  # route config `8080`, Istio ≥1.20 shape (ignore_port_in_host_matching)
LEGACY_PORT = 9090  # route config `9090`, pre-1.20 shape: `host:port` domains, no catch-all
GATEWAY_PORT = PAYMENT_GATEWAY.target_port  # route config `http.8080` of the ingress gateway
LEDGER_CLUSTER = xds.cluster_name("outbound", LEDGER.port, None, LEDGER.host)
MISSING_CLUSTER = cluster("v4")  # no DestinationRule defines subset v4: not in CDS (NC)
EMPTY_CLUSTER = cluster("v3")  # subset v3 selects no pod: in CDS, no endpoints (UH)
# Never chosen by Envoy, on purpose: with the port ignored, a domain naming a port is dead.
UNREACHABLE_ROUTES = frozenset({"ports-local"})
SEQ_HEADER = "x-lab-seq"  # carried by every request and logged, to pair log lines and requests
_VS = "/apis/networking.istio.io/v1/namespaces/production/virtual-service/"


# --- route tables -----------------------------------------------------------------------


def _route(name: str, match: Resource, vs: str = "payment", **action: Any) -> Resource:
    """An Istio-shaped route: `name`, `istio.config` provenance, and one action.

    `action` is `cluster=`, `weighted=[(cluster, weight), ...]`, `redirect=` or `direct=`
    (a status code).
    """
    route: Resource = {"match": match}
    if "redirect" in action:
        route["redirect"] = action["redirect"]
    elif "direct" in action:
        route["direct_response"] = {"status": action["direct"]}
    else:
        target: Resource = {}
        if "weighted" in action:
            target["weighted_clusters"] = {
                "clusters": [{"name": c, "weight": w} for c, w in action["weighted"]]
            }
        else:
            target["cluster"] = action["cluster"]
        target.update(
            timeout="0s", retry_policy=xds.DEFAULT_RETRY, max_stream_duration=xds.NO_STREAM_LIMIT
        )
        route["route"] = target
    route["metadata"] = {"filter_metadata": {"istio": {"config": _VS + vs}}}
    route["name"] = name
    return route


def _prefix(prefix: str, *headers: Resource, **more: Any) -> Resource:
    """A case-sensitive prefix match with optional header matchers (and other fields)."""
    match: Resource = {"case_sensitive": True, "prefix": prefix, **more}
    if headers:
        match["headers"] = list(headers)
    return match


def _header(name: str, **matcher: Any) -> Resource:
    return {"name": name, **matcher}


def _vhost(name: str, domains: list[str], routes: list[Resource]) -> Resource:
    return {
        "name": name,
        "domains": domains,
        "routes": routes,
        "include_request_attempt_count": True,
    }


def payment_routes() -> list[Resource]:
    """The payment virtual host: one route per matcher kind, in an order where it matters."""
    v1, v2 = cluster("v1"), cluster("v2")
    return [
        _route("pay-canary-header", _prefix("/", _header("x-subset", string_match={"exact": "v3"})),
               cluster=EMPTY_CLUSTER),
        _route("pay-post-only", _prefix("/pay", _header(":method", string_match={"exact": "POST"})),
               cluster=v2),
        _route("pay-health", {"path": "/healthz", "case_sensitive": True}, direct=200),
        _route("pay-old-redirect", _prefix("/old/"),
               redirect={"prefix_rewrite": "/new/", "response_code": "FOUND"}),
        _route("pay-orders-regex", {"safe_regex": {"regex": "/orders/[0-9]+(/items)?"}},
               cluster=v1),
        _route("pay-api-separated", {"path_separated_prefix": "/api/v1"}, cluster=v2),
        _route("pay-admin-nocase", {"prefix": "/Admin", "case_sensitive": False}, cluster=v1),
        _route("pay-tenant-prefix", _prefix("/", _header("x-tenant",
                                                         string_match={"prefix": "gold-"})),
               cluster=v2),
        _route("pay-client-suffix", _prefix("/", _header("x-client",
                                                         string_match={"suffix": "-mobile"})),
               cluster=v1),
        _route("pay-flags-contains", _prefix("/", _header("x-flags",
                                                          string_match={"contains": "beta"})),
               cluster=v2),
        _route("pay-version-regex",
               _prefix("/", _header("x-version",
                                    string_match={"safe_regex": {"regex": r"v[0-9]+\.[0-9]+"}})),
               cluster=v1),
        _route("pay-debug-present", _prefix("/", _header("x-debug", present_match=True)),
               cluster=v2),
        _route("pay-env-inverted",
               _prefix("/env", _header("x-env", string_match={"exact": "prod"},
                                       invert_match=True)),
               cluster=v1),
        _route("pay-team-nocase",
               _prefix("/", _header("x-team",
                                    string_match={"exact": "Payments", "ignore_case": True})),
               cluster=v2),
        _route("pay-priority-range",
               _prefix("/", _header("x-priority", range_match={"start": "1", "end": "5"})),
               cluster=v1),
        _route("pay-legacy-absent", _prefix("/legacy", _header("x-legacy", present_match=False)),
               cluster=v2),
        _route("pay-noauth-inverted",
               _prefix("/noauth", _header("authorization", present_match=True,
                                          invert_match=True)),
               cluster=v1),
        _route("pay-checkout-combined",
               _prefix("/checkout", _header("x-tenant", string_match={"exact": "acme"}),
                       _header("x-region", string_match={"prefix": "eu-"}),
                       query_parameters=[{"name": "cart", "present_match": True}]),
               cluster=v1),
        _route("pay-query-exact",
               _prefix("/", query_parameters=[{"name": "version",
                                                "string_match": {"exact": "2"}}]),
               cluster=v2),
        _route("pay-query-present",
               _prefix("/", query_parameters=[{"name": "debug", "present_match": True}]),
               cluster=v1),
        _route("pay-report-absent",
               _prefix("/report", query_parameters=[{"name": "nocache", "present_match": False}]),
               cluster=v2),
        _route("pay-query-regex",
               _prefix("/", query_parameters=[
                   {"name": "user", "string_match": {"safe_regex": {"regex": "[a-z]+[0-9]*"}}}]),
               cluster=v2),
        _route("pay-v4-only", _prefix("/v4only"), cluster=MISSING_CLUSTER),
        _route("pay-missing-cluster", _prefix("/v4"),
               weighted=[(v1, 50), (MISSING_CLUSTER, 50)]),
        _route("pay-mixed-uh", _prefix("/mixed"), weighted=[(v2, 50), (EMPTY_CLUSTER, 50)]),
        _route("pay-default", _prefix("/"), weighted=[(v1, 90), (v2, 10)]),
    ]


def sidecar_routes() -> Resource:
    """Route config `8080` of the payment sidecar, with many virtual hosts.

    Like Istio ≥1.20 it sets `ignore_port_in_host_matching` and lists no `:port` domains; the
    `*` virtual host is Istio's REGISTRY_ONLY `block_all` (a direct 502), because the
    `allow_any` PassthroughCluster would send a lab request back to the listener it came on.
    """
    ledger_domains = [LEDGER.host, "ledger", "ledger.production.svc", "ledger.production",
                      LEDGER.cluster_ip]
    virtual_hosts = [
        _vhost(f"{PAYMENT.host}:{PAYMENT.port}",
               [PAYMENT.host, "payment", "payment.production.svc", "payment.production",
                PAYMENT.cluster_ip],
               payment_routes()),
        _vhost(f"{LEDGER.host}:{LEDGER.port}", ledger_domains, [
            _route("ledger-balance-nocase", {"path": "/Balance", "case_sensitive": False},
                   vs="ledger", cluster=LEDGER_CLUSTER),
            _route("ledger-teapot", _prefix("/tea"), vs="ledger", direct=418),
            _route("ledger-default", _prefix("/"), vs="ledger", cluster=LEDGER_CLUSTER),
        ]),
        _vhost("shop.example.com:8080", ["shop.example.com"], [
            _route("shop-https-redirect", _prefix("/"), vs="shop",
                   redirect={"https_redirect": True}),
        ]),
        _vhost("api-wildcard", ["*.api.example.com"], [
            _route("api-wildcard", _prefix("/"), vs="api", cluster=LEDGER_CLUSTER),
        ]),
        _vhost("internal-wildcard", ["*-internal.example.com"], [
            _route("internal-wildcard", _prefix("/"), vs="internal", cluster=cluster("v1")),
        ]),
        _vhost("example-wildcard", ["*.example.com"], [
            _route("example-wildcard", _prefix("/"), vs="example", cluster=cluster(None)),
        ]),
        _vhost("payment-prefix-wildcard", ["payment.*"], [
            _route("payment-prefix-wildcard", _prefix("/"), vs="payment-any",
                   cluster=cluster("v2")),
        ]),
        _vhost("ledger-prefix-wildcard", ["ledger-*"], [
            _route("ledger-prefix-wildcard", _prefix("/"), vs="ledger-any",
                   cluster=LEDGER_CLUSTER),
        ]),
        # With the port ignored, a domain that names a port can never match.
        _vhost("ports-local", ["ports.local:8080"], [
            _route("ports-local", _prefix("/"), vs="ports", cluster=cluster("v1")),
        ]),
        _vhost("block_all", ["*"], [
            {"match": {"prefix": "/"}, "direct_response": {"status": 502}, "name": "block_all"},
        ]),
    ]
    return _route_configuration(str(SIDECAR_PORT), virtual_hosts, ignore_port=True)


def legacy_routes() -> Resource:
    """Route config `9090` as Istio wrote it before 1.20: ports in domains, matched as-is.

    Its listener also uses mesh pathNormalization DECODE_AND_MERGE_SLASHES (see
    `_decode_and_merge_slashes`), so `/accounts%2F/list` still reaches `legacy-accounts`.
    """
    p = LEGACY_PORT
    virtual_hosts = [
        _vhost(f"{LEDGER.host}:{p}",
               [LEDGER.host, f"{LEDGER.host}:{p}", "ledger", f"ledger:{p}",
                "ledger.production", f"ledger.production:{p}"],
               [_route("legacy-accounts", {"path": "/accounts/list", "case_sensitive": True},
                       vs="ledger", direct=204),
                _route("legacy-ledger", _prefix("/"), vs="ledger", cluster=LEDGER_CLUSTER)]),
        _vhost("legacy-example", [f"*.example.com:{p}"], [
            _route("legacy-example", _prefix("/"), vs="example", cluster=cluster("v1")),
        ]),
        _vhost("legacy-pay-prefix", ["pay*"], [
            _route("legacy-pay-prefix", _prefix("/"), vs="payment", cluster=cluster("v2")),
        ]),
    ]
    return _route_configuration(str(p), virtual_hosts, ignore_port=False)


def _route_configuration(name: str, virtual_hosts: list[Resource], ignore_port: bool) -> Resource:
    config: Resource = {
        "@type": xds.ROUTE_CONFIG,
        "name": name,
        "virtual_hosts": virtual_hosts,
        "validate_clusters": False,
        "max_direct_response_body_size_bytes": 1048576,
    }
    if ignore_port:
        config["ignore_port_in_host_matching"] = True
    return config


def _log_sequence(listeners: list[Resource]) -> list[Resource]:
    """Copies of `listeners` whose access logs also record the request's SEQ_HEADER."""
    out = copy.deepcopy(listeners)

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            fmt = (value.get("log_format") or {}).get("json_format")
            if isinstance(fmt, dict):
                fmt["lab_seq"] = f"%REQ({SEQ_HEADER.upper()})%"
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(out)
    return out


def live_mesh(payment: list[Endpoint], ledger: list[Endpoint]) -> MeshState:
    """payment (DestinationRule subsets v1..v3, no v3 pod) and ledger, as in the scenarios."""
    return MeshState(
        services=[PAYMENT, LEDGER],
        endpoints={"payment": payment, "ledger": ledger},
        destination_rules=[DR_PAYMENT],
        virtual_services=[VS_INGRESS],
    )


def _decode_and_merge_slashes(listener: Resource) -> Resource:
    """`listener` with Istio's pathNormalization DECODE_AND_MERGE_SLASHES on its HCMs."""
    for chain in listener["filter_chains"]:
        for f in chain["filters"]:
            if f["name"] == "envoy.filters.network.http_connection_manager":
                f["typed_config"]["merge_slashes"] = True
                f["typed_config"]["path_with_escaped_slashes_action"] = "UNESCAPE_AND_FORWARD"
    return listener


def sidecar_snapshot(state: MeshState) -> XdsSnapshot:
    """The golden sidecar push with the rich route configs and a second listener on 9090."""
    snapshot = sidecar_push(state, PAYMENT, VERSION)
    snapshot.routes = [sidecar_routes(), legacy_routes()]
    legacy = _decode_and_merge_slashes(xds.http_listener(LEGACY_PORT, str(LEGACY_PORT)))
    listeners = [*snapshot.listeners, legacy]
    snapshot.listeners = _log_sequence(listeners)
    return snapshot


def gateway_snapshot(state: MeshState) -> XdsSnapshot:
    """The golden gateway push (route config `http.8080`), unchanged but for the log field."""
    snapshot = gateway_push(state, PAYMENT_GATEWAY, VERSION)
    snapshot.listeners = _log_sequence(snapshot.listeners)
    return snapshot


# --- requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveRequest:
    """One generated request: which proxy and listener port it goes to, and what it says."""

    proxy: str  # "sidecar" or "gateway"
    port: int  # the listener's port in the mesh (8080, 9090), used as `dumpdiff route --port`
    authority: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def listener(self) -> str:
        """The Envoy listener name for `port`."""
        return f"0.0.0.0_{self.port}"


# Targeted requests first: each reaches one particular route or domain rule, so every entry of
# the tables is exercised whatever the random mix below draws.
_TARGETED: list[tuple[str, int, str, str, dict[str, str], str]] = [
    # (proxy, port, authority, path, headers, method)
    ("sidecar", 8080, "payment:8080", "/pay", {"x-subset": "v3"}, "GET"),
    ("sidecar", 8080, "payment", "/pay/1", {}, "POST"),
    ("sidecar", 8080, "payment", "/healthz", {}, "GET"),
    ("sidecar", 8080, "payment", "/old/receipt", {}, "GET"),
    ("sidecar", 8080, "payment", "/orders/42/items", {}, "GET"),
    ("sidecar", 8080, "payment", "/api/v1/charges", {}, "GET"),
    ("sidecar", 8080, "payment", "/ADMIN/users", {}, "GET"),
    ("sidecar", 8080, "payment", "/x", {"x-tenant": "gold-7"}, "GET"),
    ("sidecar", 8080, "payment", "/x", {"x-client": "ios-mobile"}, "GET"),
    ("sidecar", 8080, "payment", "/x", {"x-flags": "alpha,beta"}, "GET"),
    ("sidecar", 8080, "payment", "/x", {"x-version": "v2.1"}, "GET"),
    ("sidecar", 8080, "payment", "/x", {"x-debug": "1"}, "GET"),
    ("sidecar", 8080, "payment", "/env", {"x-env": "dev"}, "GET"),
    ("sidecar", 8080, "payment", "/env", {}, "GET"),
    ("sidecar", 8080, "payment", "/x", {"x-team": "PAYMENTS"}, "GET"),
    ("sidecar", 8080, "payment", "/x", {"x-priority": "3"}, "GET"),
    ("sidecar", 8080, "payment", "/legacy", {}, "GET"),
    ("sidecar", 8080, "payment", "/noauth", {}, "GET"),
    ("sidecar", 8080, "payment", "/checkout?cart=9", {"x-tenant": "acme", "x-region": "eu-west"},
     "GET"),
    ("sidecar", 8080, "payment", "/q?version=2", {}, "GET"),
    ("sidecar", 8080, "payment", "/q?debug", {}, "GET"),
    ("sidecar", 8080, "payment", "/q?user=alice7", {}, "GET"),
    ("sidecar", 8080, "payment", "/report", {}, "GET"),
    # Each of these once disagreed with the replay (see tests/unit/test_routing_matchers.py).
    ("sidecar", 8080, "payment", "/x", {"x-priority": "0_3"}, "GET"),
    ("sidecar", 8080, "payment", "/q?version=2&version=3", {}, "GET"),
    ("sidecar", 8080, "payment", "/q?version=3&version=2", {}, "GET"),
    ("sidecar", 8080, "payment", "/q?user=al%69ce", {}, "GET"),
    ("sidecar", 8080, "payment", "/q?debug=", {}, "GET"),
    ("sidecar", 8080, "payment:", "/pay", {}, "GET"),
    ("sidecar", 8080, "payment", "/x/../healthz", {}, "GET"),
    ("sidecar", 8080, "payment", "/orders/%34%32", {}, "GET"),
    ("sidecar", 8080, "payment", "/Adm%69n", {}, "GET"),
    ("sidecar", 9090, "ledger:9090", "/accounts%2Flist", {}, "GET"),
    ("sidecar", 8080, "payment", "/v4only", {}, "GET"),
    ("sidecar", 8080, "payment", "/v4/charge", {}, "GET"),
    ("sidecar", 8080, "payment", "/mixed", {}, "GET"),
    ("sidecar", 8080, "payment", "/", {}, "GET"),
    ("sidecar", 8080, "ledger", "/balance", {}, "GET"),
    ("sidecar", 8080, "ledger", "/teapot", {}, "GET"),
    ("sidecar", 8080, "ledger", "/entries", {}, "GET"),
    ("sidecar", 8080, "shop.example.com", "/", {}, "GET"),
    ("sidecar", 8080, "eu.api.example.com", "/", {}, "GET"),
    ("sidecar", 8080, "pay-internal.example.com", "/", {}, "GET"),
    ("sidecar", 8080, "www.example.com", "/", {}, "GET"),
    ("sidecar", 8080, "payment.internal", "/", {}, "GET"),
    ("sidecar", 8080, "ledger-canary", "/", {}, "GET"),
    ("sidecar", 8080, "ports.local:8080", "/", {}, "GET"),
    ("sidecar", 8080, "unknown.svc", "/", {}, "GET"),
    ("sidecar", 9090, "ledger:9090", "/", {}, "GET"),
    ("sidecar", 9090, "ledger:9090", "/accounts//list", {}, "GET"),
    ("sidecar", 9090, "www.example.com:9090", "/", {}, "GET"),
    ("sidecar", 9090, "payment:9090", "/", {}, "GET"),
    ("sidecar", 9090, "ledger:8080", "/", {}, "GET"),
    ("gateway", GATEWAY_PORT, "payment.example.com", "/pay", {}, "GET"),
    ("gateway", GATEWAY_PORT, "shop.example.com", "/pay", {}, "GET"),
]

_SIDECAR_HOSTS = [
    "payment", "payment:8080", "Payment.Production:8080", "payment.production.svc",
    PAYMENT.host, f"{PAYMENT.host}:8080", PAYMENT.cluster_ip, f"{PAYMENT.cluster_ip}:8080",
    "PAYMENT:80", "payment:",
    "ledger", "LEDGER:8080", "ledger.production.svc", LEDGER.cluster_ip,
    "shop.example.com", "SHOP.Example.com:8080", "shop.example.com.",
    "x.api.example.com", "api.example.com", "a.b.api.example.com", "API.example.com:443",
    "pay-internal.example.com", "-internal.example.com", "internal.example.com",
    "www.example.com", "example.com", ".example.com",
    "payment.internal", "payment.", "PAYMENT.dev:8080",
    "ledger-canary", "ledger-", "ledger-x:8080",
    "ports.local", "ports.local:8080", "unknown.svc", "[fd00::1]:8080", "10.9.9.9",
]
_LEGACY_HOSTS = [
    "ledger", "ledger:9090", "LEDGER:9090", "ledger:8080", "ledger.production:9090",
    f"{LEDGER.host}:9090", "ledger.production.svc:9090",
    "www.example.com:9090", "www.example.com", "a.b.example.com:9090", ".example.com:9090",
    "payment:9090", "pay", "PAYMENTS", "unknown:9090",
]
_LEGACY_PATHS = [
    "/", "/accounts/list", "/accounts//list", "//accounts/list", "/accounts%2Flist",
    "/accounts%2flist", "/accounts%5Clist", "/accounts/./list", "/accounts/x/../list",
    "/Accounts/list", "/accounts/list/", "/accounts%2F%2Flist", "/other",
]
_GATEWAY_HOSTS = [
    "payment.example.com", "payment.example.com:80", "PAYMENT.EXAMPLE.COM:8080",
    "payment.example.com:443", "shop.example.com", "example.com", "payment.example.com.",
]
_PATHS = [
    "/", "/pay", "/pay/123", "/payment", "/healthz", "/healthz/", "/HEALTHZ", "/old/x", "/old",
    "/orders/42", "/orders/42/items", "/orders/abc", "/Orders/42", "/orders/42/items/1",
    "/api/v1", "/api/v1/", "/api/v1/x", "/api/v10", "/API/V1", "/api/v1x",
    "/admin", "/ADMIN/users", "/Admin", "/adm", "/env", "/envx", "/v4/charge", "/v4",
    "/v4only/x", "/mixed", "/legacy", "/legacyx", "/checkout", "/noauth", "/Balance", "/balance",
    "/BALANCE", "/balance/x", "/tea", "/teapot", "/report", "/reports",
    # Paths Envoy normalizes first (the HCM sets normalize_path, as Istio does).
    "/x/../healthz", "/./pay", "/orders/%34%32", "/Adm%69n", "//pay", "/api/v1/../v1",
    "/pay%2Fx", "/api/./v1/x",
]
_QUERIES = [
    "", "", "", "", "?version=2", "?version=3", "?debug", "?debug=1", "?debug=",
    "?user=alice7", "?user=Alice", "?user=", "?cart=1", "?version=2&version=3",
    "?version=3&version=2", "?Version=2", "?a=1&debug", "?cart", "?nocache=1", "?nocache",
    "?version=%32", "?user=al%69ce", "?user=a+b", "?debug&debug=2",
]
_HEADERS: dict[str, list[str]] = {
    "x-subset": ["v3", "V3", "v2"],
    "x-tenant": ["gold-1", "gold-", "Gold-1", "acme", "silver"],
    "x-region": ["eu-west", "us-east", "EU-west"],
    "x-client": ["ios-mobile", "mobile", "web", "-mobile", "android-MOBILE"],
    "x-flags": ["beta", "alpha,beta", "BETA", "alpha"],
    "x-version": ["v1.2", "v1.2.3", "v12.0", "1.2", "v1."],
    "x-debug": ["", "1", "false"],
    "x-env": ["prod", "dev", "PROD", ""],
    "x-team": ["payments", "PAYMENTS", "payment", "Payments"],
    "x-priority": ["0", "1", "4", "5", "-1", "abc", "3", "+3", "0_3", "03"],
    "x-legacy": ["1", ""],
    "authorization": ["Bearer abc"],
}


def requests(count: int = 360, seed: int = 7) -> list[LiveRequest]:
    """The targeted requests, then random ones up to `count`, the same for the same seed."""
    out = [
        LiveRequest(proxy, port, authority, path, method, tuple(fixed.items()))
        for proxy, port, authority, path, fixed, method in _TARGETED
    ]
    rng = random.Random(seed)
    while len(out) < count:
        draw = rng.random()
        if draw < 0.72:
            proxy, port, host = "sidecar", SIDECAR_PORT, rng.choice(_SIDECAR_HOSTS)
        elif draw < 0.86:
            proxy, port, host = "sidecar", LEGACY_PORT, rng.choice(_LEGACY_HOSTS)
        else:
            proxy, port, host = "gateway", GATEWAY_PORT, rng.choice(_GATEWAY_HOSTS)
        headers: list[tuple[str, str]] = []
        for name in rng.sample(sorted(_HEADERS), k=rng.choice((0, 0, 1, 1, 2, 3))):
            shown = name.title() if rng.random() < 0.2 else name  # names are case-insensitive
            headers.append((shown, rng.choice(_HEADERS[name])))
        method = "POST" if rng.random() < 0.15 else "GET"
        path = rng.choice(_LEGACY_PATHS if port == LEGACY_PORT else _PATHS) + rng.choice(_QUERIES)
        out.append(LiveRequest(proxy, port, host, path, method, tuple(headers)))
    return out


# --- running ----------------------------------------------------------------------------


@dataclass
class Observation:
    """One request and the access-log entry Envoy wrote for it."""

    request: LiveRequest
    entry: dict[str, Any]


@dataclass
class LiveRun:
    """What `run()` saw: the saved config dump per proxy and every observation."""

    dumps: dict[str, Path] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)


def _send(port: int, request: LiveRequest, seq: int) -> None:
    """Send `request` on a fresh connection to 127.0.0.1:`port`, exactly as generated.

    Header by header (not http.client's `request()`), so the Host, the header-name case and
    empty values reach Envoy as written.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.putrequest(request.method, request.path, skip_host=True,
                              skip_accept_encoding=True)
        connection.putheader("Host", request.authority)
        connection.putheader("User-Agent", "dumpdiff-lab/1")
        connection.putheader(SEQ_HEADER, str(seq))
        for name, value in request.headers:
            connection.putheader(name, value)
        if request.method == "POST":
            connection.putheader("Content-Length", "0")
        connection.endheaders()
        connection.getresponse().read()
    finally:
        connection.close()


@contextmanager
def _proxies(scratch: Path, upstreams: Upstreams) -> Iterator[dict[str, LabProxy]]:
    """Start the sidecar and the gateway; both are stopped by PID when the block exits."""
    suffixes = {"v1": "k9z2r", "v2": "q4m8s"}
    payment = [
        Endpoint(*upstreams.start(pod_name(v, s)), f"payment-{v}", v) for v, s in suffixes.items()
    ]
    ledger = [Endpoint(*upstreams.start("ledger-v1-84c6f5d7b9-t6w2d"), "ledger-v1", "v1")]
    state = live_mesh(payment, ledger)
    with (
        LabProxy(POD, sidecar_snapshot(state), scratch / "sidecar") as sidecar,
        LabProxy(GATEWAY_POD, gateway_snapshot(state), scratch / "gateway") as gateway,
    ):
        yield {"sidecar": sidecar, "gateway": gateway}


def run(out_dir: Path, batch: list[LiveRequest]) -> LiveRun:
    """Send `batch` through live Envoys, save their dumps under `out_dir`, pair the log lines.

    Upstreams (threads) and Envoys (processes) are stopped whatever happens.
    """
    result = LiveRun()
    with (
        tempfile.TemporaryDirectory(prefix="dumpdiff-route-live-") as scratch,
        Upstreams() as upstreams,
        _proxies(Path(scratch), upstreams) as proxies,
    ):
        # The kernel chose each listener's port; ask each Envoy once per listener.
        listeners = {(r.proxy, r.port): r.listener for r in batch}
        ports = {
            key: proxies[key[0]].envoy.listener_port(listener)
            for key, listener in listeners.items()
        }
        for seq, request in enumerate(batch):
            _send(ports[request.proxy, request.port], request, seq)
        by_seq: dict[int, dict[str, Any]] = {}
        for name, proxy in proxies.items():
            sent = sum(r.proxy == name for r in batch)

            def flushed(envoy: Envoy = proxy.envoy, sent: int = sent) -> list[str] | None:
                lines = envoy.access_log_lines()
                return lines if len(lines) >= sent else None

            for line in wait_for(flushed, f"{sent} access-log lines from the {name}"):
                entry = json.loads(line)
                by_seq[int(entry["lab_seq"])] = entry
            proxy.capture(out_dir / name)
            result.dumps[name] = out_dir / name / "config_dump.json"
    missing = [seq for seq in range(len(batch)) if seq not in by_seq]
    if missing:
        raise LabError(f"no access-log line for requests {missing[:10]}")
    result.observations = [Observation(r, by_seq[i]) for i, r in enumerate(batch)]
    return result
