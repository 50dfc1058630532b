"""Rule cases: real Envoy dumps of the faults the lint rules look for (and of their absence).

`python -m dumpdiff.lab.rulecases [--out DIR] [CASE...]` writes one folder per case (default
`rules/fixtures/lab/`), laid out like a golden scenario: what Envoy 1.40 printed
(`config_dump.json`, `clusters.json`, `clusters.txt`, `access.log`, per pod for several
proxies), the manifests that would produce that config, and `scenario.yaml` with what was done
and the ground truth the rules are tested against. Where a request proves the fault (a route
that never matches, a virtual host that never matches, an ejection that never happens) the
case sends it through the real Envoy and records what Envoy logged.

The cases reuse the golden scenarios' mesh (payment, ledger, the ingress gateway) and are kept
apart from them: the golden scenarios and their outputs are unchanged by this module.
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import socket
import ssl
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from dumpdiff.lab import manifests, xds
from dumpdiff.lab.certs import find_openssl
from dumpdiff.lab.cli import run_timed
from dumpdiff.lab.envoy import LabError
from dumpdiff.lab.feed import XdsSnapshot
from dumpdiff.lab.istiod import gateway_push, sidecar_push
from dumpdiff.lab.mesh import (
    ISTIO_VERSION,
    Destination,
    DestinationRule,
    Endpoint,
    MeshState,
    OutlierDetection,
    Pod,
    Service,
)
from dumpdiff.lab.proxy import LabProxy
from dumpdiff.lab.record import ScenarioRecord
from dumpdiff.lab.runner import Context, Scenario, run_scenario
from dumpdiff.lab.scenarios import (
    DR_PAYMENT,
    FAKE_V1,
    FAKE_V2,
    FAKE_V3,
    GATEWAY_POD,
    LEDGER,
    LEDGER_ENDPOINTS,
    PAYMENT,
    PAYMENT_GATEWAY,
    POD,
    VERSION,
    VS_CANARY,
    VS_INGRESS,
    cluster,
    finish,
    mesh,
    payment_pod,
    pod_name,
    real_payment_pods,
    write_manifests,
)
from dumpdiff.lab.traffic import Request
from dumpdiff.model.certs import describe_der

Resource = dict[str, Any]
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "rules" / "fixtures" / "lab"
VHOST = f"{PAYMENT.host}:{PAYMENT.port}"
VS_PATH = VS_CANARY.config_path
SECRET_TYPE = xds.SECRET
DOWNSTREAM_TLS = "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
UPSTREAM_TLS = "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"
GATEWAY_HTTPS_PORT = 8443  # the gateway pod's container port behind Service port 443
ALL_FAKE = FAKE_V1 + FAKE_V2 + FAKE_V3  # every payment subset has an endpoint, no traffic


def _typed(type_name: str, **fields: Any) -> Resource:
    return {"@type": f"type.googleapis.com/{type_name}", **fields}


def _payment_route(name: str, match: Resource, subset: str) -> Resource:
    """A route of VirtualService production/payment, shaped as istiod writes it."""
    return {
        "match": {"case_sensitive": True, **match},
        "route": {"cluster": cluster(subset), "timeout": "0s",
                  "retry_policy": xds.DEFAULT_RETRY,
                  "max_stream_duration": xds.NO_STREAM_LIMIT},
        "metadata": {"filter_metadata": {"istio": {"config": VS_PATH}}},
        "decorator": {"operation": f"{VHOST}/*"},
        "name": name,
    }


def _payment_vhost(snapshot: XdsSnapshot) -> Resource:
    for vhost in snapshot.routes[0]["virtual_hosts"]:
        if vhost["name"] == VHOST:
            return vhost
    raise LabError(f"the sidecar push has no virtual host {VHOST}")


def _stat(proxy: LabProxy, name: str) -> int:
    """One counter from Envoy's /stats (0 when absent)."""
    return int(proxy.envoy.stats(f"^{name.replace('|', '[|]')}$").get(name, "0") or 0)


def _outlier_flagged(proxy: LabProxy, cluster_name: str, host: str) -> bool:
    statuses = json.loads(proxy.envoy.get("/clusters?format=json"))["cluster_statuses"]
    for status in statuses:
        if status["name"] == cluster_name:
            for hs in status.get("host_statuses", []):
                sa = hs["address"]["socket_address"]
                if f"{sa['address']}:{sa['port_value']}" == host:
                    return bool(hs["health_status"].get("failed_outlier_check"))
    return False


# --- certificates ------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%SZ")


def make_certificate(workdir: Path, sans: list[str], not_before: datetime,
                     not_after: datetime) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM), self-signed with exactly these validity dates.

    `openssl ca -selfsign` is the one openssl 3.0 command that takes arbitrary start and end
    dates (`req -x509 -days` cannot make an expired certificate). The key lives only in the
    scratch folder and in the SDS file Envoy reads; Envoy redacts it in the dump.
    """
    openssl = find_openssl()
    if not openssl:
        raise LabError("the openssl command is needed to make gateway certificates")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "index.txt").write_text("")
    (workdir / "serial").write_text("01\n")
    (workdir / "ca.cnf").write_text(
        "[ca]\ndefault_ca = lab\n[lab]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\n"
        "serial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n"
        "copy_extensions = copy\n[any]\ncommonName = supplied\n")
    san = ",".join(f"DNS:{s}" for s in sans)
    run = [
        (openssl, "req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-keyout", "key.pem", "-out", "csr.pem",
         "-subj", f"/CN={sans[0]}", "-addext", f"subjectAltName={san}"),
        (openssl, "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "key.pem",
         "-in", "csr.pem", "-startdate", _stamp(not_before), "-enddate", _stamp(not_after),
         "-notext", "-out", "cert.pem"),
    ]
    for argv in run:
        subprocess.run(argv, cwd=workdir, check=True, capture_output=True)
    return (workdir / "cert.pem").read_bytes(), (workdir / "key.pem").read_bytes()


def _credential(name: str, cert: bytes, key: bytes) -> Resource:
    """The SDS secret istiod serves for a Gateway credentialName (`kubernetes://<name>`)."""
    return {"@type": SECRET_TYPE, "name": f"kubernetes://{name}", "tls_certificate": {
        "certificate_chain": {"inline_bytes": base64.b64encode(cert).decode()},
        "private_key": {"inline_bytes": base64.b64encode(key).decode()}}}


def _served_certificate(proxy: LabProxy, listener: str, sni: str) -> dict[str, Any]:
    """Handshake with `sni` and describe the certificate Envoy presents (never verified)."""
    port = proxy.envoy.listener_port(listener)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=sni) as tls:
        der = tls.getpeercert(binary_form=True)
    info = describe_der(der or b"")
    return {"sni": sni, "subject": info.get("subject"), "not_after": info.get("not_after")}


def _handshake_fails(proxy: LabProxy, listener: str, sni: str) -> str:
    """The TLS error a client gets for `sni` (a chain whose certificate never arrived)."""
    try:
        _served_certificate(proxy, listener, sni)
    except (ssl.SSLError, ConnectionError, OSError) as exc:
        return type(exc).__name__
    raise LabError(f"a TLS handshake for {sni} succeeded; expected it to fail")


# --- gateway HTTPS -----------------------------------------------------------------------


def _https_route_config(name: str, host: str, vs: str, target: Service) -> Resource:
    """Route config `https.443.<port name>.<gateway>.<namespace>` for one HTTPS server."""
    route = {
        "match": {"prefix": "/"},
        "route": {"cluster": xds.cluster_name("outbound", target.port, None, target.host),
                  "timeout": "0s", "retry_policy": xds.DEFAULT_RETRY,
                  "max_stream_duration": xds.NO_STREAM_LIMIT},
        "metadata": {"filter_metadata": {"istio": {"config": (
            f"/apis/networking.istio.io/v1/namespaces/{target.namespace}/virtual-service/{vs}")}}},
        "decorator": {"operation": f"{target.host}:{target.port}/*"},
        "name": "ingress",
    }
    return {"@type": xds.ROUTE_CONFIG, "name": name, "virtual_hosts": [{
        "name": f"{host}:443", "domains": [host], "routes": [route],
        "include_request_attempt_count": True}], "validate_clusters": False,
        "max_direct_response_body_size_bytes": 1048576, "ignore_port_in_host_matching": True}


def _tls_chain(sni: str, secret: str, route_config: str) -> Resource:
    hcm = xds.http_listener(GATEWAY_HTTPS_PORT, route_config, gateway=True)
    return {
        "filter_chain_match": {"server_names": [sni]},
        "filters": hcm["filter_chains"][0]["filters"],
        "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": _typed(
            DOWNSTREAM_TLS, common_tls_context={
                "alpn_protocols": ["h2", "http/1.1"],
                "tls_certificate_sds_secret_configs": [{"name": secret, "sds_config": xds.ADS}],
            }, require_client_certificate=False)},
    }


def _https_listener(chains: list[Resource]) -> Resource:
    return {
        "@type": xds.LISTENER, "name": f"0.0.0.0_{GATEWAY_HTTPS_PORT}",
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": 0}},
        "filter_chains": chains,
        "listener_filters": [{"name": "envoy.filters.listener.tls_inspector", "typed_config":
                              _typed("envoy.extensions.filters.listener.tls_inspector.v3"
                                     ".TlsInspector")}],
        "traffic_direction": "OUTBOUND",
    }


def _https_gateway(name: str, servers: list[tuple[str, str, str]]) -> Resource:
    """A Gateway manifest with one HTTPS server per (port name, host, credentialName)."""
    return manifests.manifest("Gateway", name, "istio-system", {
        "selector": {"istio": "ingressgateway"},
        "servers": [{"port": {"number": 443, "name": port, "protocol": "HTTPS"},
                     "hosts": [host], "tls": {"mode": "SIMPLE", "credentialName": cred}}
                    for port, host, cred in servers]})


def _ingress_vs(name: str, host: str, gateway: str, target: Service) -> Resource:
    return manifests.manifest("VirtualService", name, target.namespace, {
        "hosts": [host], "gateways": [f"istio-system/{gateway}"],
        "http": [{"name": "ingress", "route": [{"destination": {
            "host": target.host, "port": {"number": target.port}}}]}]})


def _write_empty_secret(proxy: LabProxy, name: str) -> None:
    """An SDS response without the secret: what istiod answers for a credentialName whose
    Kubernetes Secret does not exist. The file must exist before Envoy starts."""
    path = proxy.workdir / proxy.feed._path("sds", name)  # the feed's own file layout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version_info": VERSION, "resources": []}))


@dataclass(frozen=True)
class _HttpsHost:
    """One HTTPS server of the ingress gateway: its Gateway (`<name>-gateway`), VirtualService
    (`<name>-ingress`), route configuration and credentialName."""

    name: str
    host: str
    credential: str
    target: Service

    @property
    def gateway(self) -> str:
        return f"{self.name}-gateway"

    @property
    def route_config(self) -> str:
        return f"https.443.https-{self.name}.{self.gateway}.istio-system"


def _https_gateway_push(ctx: Context, hosts: list[_HttpsHost],
                        secret: Resource) -> tuple[XdsSnapshot, str]:
    """The gateway's push with one TLS chain and route configuration per host; the listener."""
    state = mesh(real_payment_pods(ctx, ("v1",)) + FAKE_V2 + FAKE_V3)
    snapshot = gateway_push(state, PAYMENT_GATEWAY, VERSION)
    snapshot.routes = [_https_route_config(h.route_config, h.host, f"{h.name}-ingress",
                                           h.target) for h in hosts]
    snapshot.listeners = [_https_listener([
        _tls_chain(h.host, f"kubernetes://{h.credential}", h.route_config) for h in hosts])]
    snapshot.secrets = [*snapshot.secrets, secret]
    return snapshot, f"0.0.0.0_{GATEWAY_HTTPS_PORT}"


def _write_https_manifests(ctx: Context, hosts: list[_HttpsHost]) -> None:
    write_manifests(ctx, *[_https_gateway(h.gateway, [(f"https-{h.name}", h.host,
                                                       h.credential)]) for h in hosts],
                    *[_ingress_vs(f"{h.name}-ingress", h.host, h.gateway, h.target)
                      for h in hosts])


def gateway_shared_certificate(ctx: Context) -> ScenarioRecord:
    """Two HTTPS hosts on one gateway port served with one certificate (IST0138), which also
    expires within ten days."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    cert, key = make_certificate(ctx.scratch / "cred", ["payment.example.com",
                                                       "ledger.example.com"],
                                 now - timedelta(days=80), now + timedelta(days=10))
    hosts = [_HttpsHost("payment", "payment.example.com", "payment-credential", PAYMENT),
             _HttpsHost("ledger", "ledger.example.com", "payment-credential", LEDGER)]
    rc_pay, rc_led = hosts[0].route_config, hosts[1].route_config
    snapshot, listener = _https_gateway_push(ctx, hosts,
                                             _credential("payment-credential", cert, key))
    with ctx.proxy(GATEWAY_POD, snapshot) as proxy:
        served = [_served_certificate(proxy, listener, sni)
                  for sni in ("payment.example.com", "ledger.example.com")]
        finish(proxy, None, ctx)
    _write_https_manifests(ctx, hosts)
    return ScenarioRecord(
        description=f"""Gateways istio-system/payment-gateway and istio-system/ledger-gateway
            both use credentialName payment-credential for different hosts on port 443. The
            gateway {GATEWAY_POD.name} serves listener {listener} with one filter chain per SNI
            name, each with its own route configuration ({rc_pay}, {rc_led}) but the same SDS
            certificate kubernetes://payment-credential. A browser that opened an HTTP/2
            connection for one host reuses it for the other (the certificate covers both) and
            gets 404 from the first host's routes (IST0138). The certificate was made to
            expire ten days after the dump. Real TLS handshakes show Envoy serving it for both
            names.""",
        pods=[GATEWAY_POD],
        requests=[{"tls_handshake": s} for s in served],
        truth=[{"check": "shared-certificate", "listener": listener,
                "secret": "kubernetes://payment-credential",
                "server_names": ["payment.example.com", "ledger.example.com"]},
               {"check": "certificate-expiring", "secret": "kubernetes://payment-credential",
                "days_left_at_dump": 10}],
    )


def gateway_bad_credentials(ctx: Context) -> ScenarioRecord:
    """A credentialName whose Secret does not exist (warming forever) and an expired one."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    cert, key = make_certificate(ctx.scratch / "old", ["legacy.example.com"],
                                 now - timedelta(days=400), now - timedelta(days=3))
    hosts = [_HttpsHost("shop", "shop.example.com", "shop-credential", PAYMENT),
             _HttpsHost("legacy", "legacy.example.com", "legacy-credential", PAYMENT)]
    snapshot, listener = _https_gateway_push(ctx, hosts,
                                             _credential("legacy-credential", cert, key))
    proxy_ctx = ctx.proxy(GATEWAY_POD, snapshot)
    _write_empty_secret(proxy_ctx, "kubernetes://shop-credential")
    with proxy_ctx as proxy:
        served = _served_certificate(proxy, listener, "legacy.example.com")
        failure = _handshake_fails(proxy, listener, "shop.example.com")
        finish(proxy, None, ctx)
    _write_https_manifests(ctx, hosts)
    return ScenarioRecord(
        description=f"""Gateway istio-system/shop-gateway names credentialName shop-credential,
            but no such Secret exists: istiod answers the SDS request for
            kubernetes://shop-credential without it, the secret stays in the dump's
            dynamic_warming_secrets and TLS handshakes for shop.example.com fail ({failure}).
            Gateway istio-system/legacy-gateway's credential legacy-credential holds a
            certificate that expired three days before the dump; Envoy still serves it (a real
            handshake shows its not_after), and every client that verifies certificates
            refuses it. The two chains use different certificates.""",
        pods=[GATEWAY_POD],
        requests=[{"tls_handshake": served},
                  {"tls_handshake": {"sni": "shop.example.com", "error": failure}}],
        truth=[{"check": "credential-missing", "secret": "kubernetes://shop-credential",
                "listener": listener},
               {"check": "certificate-expired", "secret": "kubernetes://legacy-credential",
                "days_left_at_dump": -3}],
    )


# --- sidecar routing ---------------------------------------------------------------------

# (name, match, subset): the VirtualService's http routes, in its order.
ROUTE_ORDER: list[tuple[str, Resource, str]] = [
    ("legacy-api", {"prefix": "/api"}, "v1"),
    ("api-v2", {"prefix": "/api/v2"}, "v2"),  # never reached: /api/v2... starts with /api
    ("canary-header", {"prefix": "/", "headers": [
        {"name": "x-subset", "string_match": {"exact": "v3"}}]}, "v3"),
    ("canary-header-again", {"prefix": "/", "headers": [
        {"name": "x-subset", "string_match": {"exact": "v3"}}]}, "v2"),  # duplicate match
    ("default", {"prefix": "/"}, "v1"),
    ("late", {"prefix": "/late"}, "v2"),  # never reached: after the catch-all
]


def _route_order_vs() -> Resource:
    http = []
    for name, match, subset in ROUTE_ORDER:
        entry: Resource = {"name": name}
        vs_match: Resource = {}
        if match["prefix"] != "/":
            vs_match["uri"] = {"prefix": match["prefix"]}
        for h in match.get("headers", []):
            vs_match.setdefault("headers", {})[h["name"]] = dict(h["string_match"])
        if vs_match:
            entry["match"] = [vs_match]
        entry["route"] = [{"destination": {"host": PAYMENT.host, "subset": subset,
                                           "port": {"number": PAYMENT.port}}}]
        http.append(entry)
    return manifests.manifest("VirtualService", "payment", "production",
                     {"hosts": [PAYMENT.host], "http": http})


def route_order(ctx: Context) -> ScenarioRecord:
    """Routes Envoy never reaches: one shadowed by a broader prefix, one after the catch-all,
    one whose match repeats an earlier route's (IST0130, IST0131)."""
    state = mesh(real_payment_pods(ctx))
    snapshot = sidecar_push(state, PAYMENT, VERSION)
    _payment_vhost(snapshot)["routes"] = [_payment_route(n, m, s) for n, m, s in ROUTE_ORDER]
    with ctx.proxy(POD, snapshot) as proxy:
        traffic = proxy.traffic()
        traffic.send(Request(path="/api/v2/orders"))
        traffic.send(Request(path="/late/report"))
        traffic.send(Request(headers=(("x-subset", "v3"),)))
        traffic.send(Request(path="/pay"))
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, _route_order_vs(), DR_PAYMENT)
    used = {r["route_name"] for r in requests}
    if used & {"api-v2", "late", "canary-header-again"}:
        raise LabError(f"a route that should be unreachable served a request: {used}")
    return ScenarioRecord(
        description=f"""VirtualService production/payment lists its http routes in an order
            that leaves three of them dead. Route api-v2 (prefix /api/v2) comes after
            legacy-api (prefix /api), which matches every /api/v2 request first; route late
            (prefix /late) comes after the catch-all default (prefix /); route
            canary-header-again repeats canary-header's match (header x-subset: v3). The
            sidecar of {POD.name} holds the routes in that order in route config 8080. Real
            requests for /api/v2/orders, /late/report and x-subset: v3 are served by
            legacy-api, default and canary-header.""",
        pods=[POD],
        requests=requests,
        truth=[{"check": "route-shadowed", "route": "api-v2", "by": "legacy-api"},
               {"check": "route-shadowed", "route": "late", "by": "default"},
               {"check": "duplicate-match", "route": "canary-header-again",
                "duplicates": "canary-header"}],
    )


def _envoy_filter_vhost() -> Resource:
    """EnvoyFilter adding a virtual host for `payment.example.com:80` to the gateway."""
    return manifests.manifest("EnvoyFilter", "payment-legacy-paths", "istio-system", {
        "workloadSelector": {"labels": {"istio": "ingressgateway"}},
        "configPatches": [{"applyTo": "VIRTUAL_HOST", "match": {
            "context": "GATEWAY", "routeConfiguration": {"portNumber": 80}},
            "patch": {"operation": "ADD", "value": {
                "name": "payment-legacy", "domains": ["payment.example.com:80"],
                "routes": [{"name": "legacy-gone", "match": {"prefix": "/legacy"},
                            "direct_response": {"status": 410}}]}}}]},
        api="networking.istio.io/v1alpha3")


def gateway_domain_port(ctx: Context) -> ScenarioRecord:
    """A virtual host whose only domain carries a port the route config ignores: its port-less
    twin in another virtual host takes every request."""
    state = mesh(real_payment_pods(ctx))
    state.virtual_services.append(VS_INGRESS)
    state.gateways.append(PAYMENT_GATEWAY)
    snapshot = gateway_push(state, PAYMENT_GATEWAY, VERSION)
    patch = _envoy_filter_vhost()["spec"]["configPatches"][0]["patch"]["value"]
    snapshot.routes[0]["virtual_hosts"].append(copy.deepcopy(patch))
    with ctx.proxy(GATEWAY_POD, snapshot) as proxy:
        traffic = proxy.traffic()
        traffic.send(Request(authority="payment.example.com:80", path="/legacy/invoice"))
        traffic.send(Request(authority="payment.example.com", path="/legacy/invoice"))
        requests = finish(proxy, traffic, ctx)
    write_manifests(ctx, PAYMENT_GATEWAY, VS_INGRESS, DR_PAYMENT, _envoy_filter_vhost())
    if any(r["response_code"] == 410 for r in requests):
        raise LabError("the port-qualified virtual host served a request")
    return ScenarioRecord(
        description=f"""EnvoyFilter istio-system/payment-legacy-paths adds virtual host
            payment-legacy (domain payment.example.com:80, /legacy answered 410) to the
            gateway's route config http.8080, which Istio builds with
            ignore_port_in_host_matching: true. Envoy strips the port from the request's Host
            before looking it up, so a domain that names a port never matches: requests for
            payment.example.com:80/legacy/invoice reach the virtual host payment.example.com:80
            (domain payment.example.com) from VirtualService production/payment-ingress and
            get 200 from payment, never the 410. Two virtual hosts of one route configuration
            claim the same domain; the gateway is {GATEWAY_POD.name}.""",
        pods=[GATEWAY_POD],
        requests=requests,
        truth=[{"check": "duplicate-domain", "route_config": "http.8080",
                "dead_virtual_host": "payment-legacy", "domain": "payment.example.com:80",
                "serving_virtual_host": "payment.example.com:80"}],
    )


# --- TLS origination, sniffing, outbound policy -------------------------------------------

def _external_cluster(host: str, rule: str, verify: bool) -> Resource:
    """A ServiceEntry + DestinationRule tls SIMPLE cluster (TLS origination)."""
    name = xds.cluster_name("outbound", 443, None, host)
    validation = {"trusted_ca": {"filename": "./etc/certs/root-cert.pem"}} if verify else {}
    context: Resource = {"tls_params": {"tls_minimum_protocol_version": "TLSv1_2"}}
    if validation:
        context["validation_context"] = validation
    return {
        "@type": xds.CLUSTER, "name": name, "type": "EDS",
        "eds_cluster_config": {"eds_config": xds.ADS, "service_name": name},
        "connect_timeout": "10s", "lb_policy": "LEAST_REQUEST",
        "circuit_breakers": {"thresholds": [xds.DEFAULT_THRESHOLDS]},
        "metadata": {"filter_metadata": {"istio": {
            "config": f"/apis/networking.istio.io/v1/namespaces/production/destination-rule/"
                      f"{rule}",
            "services": [{"host": host, "name": host, "namespace": "production"}]}}},
        "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": _typed(
            UPSTREAM_TLS, common_tls_context=context, sni=host)},
    }


def _static_assignment(cluster_name: str, ip: str, port: int) -> Resource:
    return {"@type": xds.LOAD_ASSIGNMENT, "cluster_name": cluster_name, "endpoints": [{
        "locality": {}, "lb_endpoints": [{"endpoint": {"address": {"socket_address": {
            "address": ip, "port_value": port}}}, "health_status": "HEALTHY",
            "load_balancing_weight": 1}]}]}


def _origination_manifests() -> list[Resource]:
    out = []
    for host, verify in (("api.partner.example", False), ("api.bank.example", True)):
        short = host.split(".")[1]
        out.append(manifests.manifest("ServiceEntry", f"api-{short}", "production", {
            "hosts": [host], "location": "MESH_EXTERNAL", "resolution": "STATIC",
            "ports": [{"number": 443, "name": "https", "protocol": "TLS"}],
            "endpoints": [{"address": "203.0.113.10" if not verify else "203.0.113.20"}]}))
        tls: Resource = {"mode": "SIMPLE", "sni": host}
        if verify:
            tls["caCertificates"] = "/etc/certs/root-cert.pem"
        out.append(manifests.manifest("DestinationRule", f"api-{short}", "production",
                             {"host": host, "trafficPolicy": {"tls": tls}}))
    return out


def tls_origination(ctx: Context) -> ScenarioRecord:
    """TLS origination to two external hosts: one checks the server's certificate against a
    CA, the other does not (DestinationRule tls SIMPLE without caCertificates: IST0128)."""
    snapshot = sidecar_push(mesh(ALL_FAKE), PAYMENT, VERSION)
    partner = _external_cluster("api.partner.example", "api-partner", verify=False)
    bank = _external_cluster("api.bank.example", "api-bank", verify=True)
    snapshot.clusters = [*snapshot.clusters, partner, bank]
    snapshot.endpoints = [*snapshot.endpoints,
                          _static_assignment(partner["name"], "203.0.113.10", 443),
                          _static_assignment(bank["name"], "203.0.113.20", 443)]
    with ctx.proxy(POD, snapshot) as proxy:
        finish(proxy, None, ctx)
    write_manifests(ctx, VS_CANARY, DR_PAYMENT, *_origination_manifests())
    return ScenarioRecord(
        description=f"""ServiceEntries api.partner.example and api.bank.example (port 443,
            MESH_EXTERNAL) with DestinationRules that originate TLS (mode SIMPLE). The one for
            api.bank.example sets caCertificates, so its cluster validates the server's chain
            (trusted_ca); the one for api.partner.example sets none, so the sidecar of
            {POD.name} encrypts but accepts any certificate: anyone on the path can
            impersonate the partner (IST0128). No request is sent (the endpoints are
            documentation addresses).""",
        pods=[POD],
        truth=[{"check": "tls-without-ca", "cluster": partner["name"]},
               {"check": "tls-with-ca", "cluster": bank["name"]}],
    )


INVENTORY = Service("inventory", "production", 9000, "10.96.88.12")


def _sniffing_listener() -> Resource:
    """Istio's outbound listener for a port whose protocol is not declared: HTTP when the
    first bytes look like HTTP (http_inspector sets the ALPN), TCP otherwise."""
    http = xds.http_listener(INVENTORY.port, str(INVENTORY.port))
    http_chain = http["filter_chains"][0]
    http_chain["filter_chain_match"] = {"transport_protocol": "raw_buffer",
                                        "application_protocols": ["http/1.1", "h2c"]}
    tcp_cluster = xds.cluster_name("outbound", INVENTORY.port, None, INVENTORY.host)
    tcp_chain = {"filters": [{"name": "envoy.filters.network.tcp_proxy", "typed_config": {
        "@type": xds.TCP_PROXY, "stat_prefix": tcp_cluster, "cluster": tcp_cluster}}]}
    http["filter_chains"] = [http_chain, tcp_chain]
    http["listener_filters"] = [
        {"name": "envoy.filters.listener.tls_inspector", "typed_config": _typed(
            "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector")},
        {"name": "envoy.filters.listener.http_inspector", "typed_config": _typed(
            "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector")}]
    http["listener_filters_timeout"] = "0s"
    http["continue_on_listener_filters_timeout"] = True
    return http


def sniffed_port(ctx: Context) -> ScenarioRecord:
    """Service inventory declares port 9000 without a protocol: the sidecar sniffs it."""
    backend = ctx.upstream("inventory-v1-5c8d9f7b6-m2k8w", "inventory-v1", "v1")
    state = MeshState(services=[PAYMENT, LEDGER, INVENTORY],
                      endpoints={"payment": ALL_FAKE, "ledger": LEDGER_ENDPOINTS,
                                 "inventory": [backend]},
                      destination_rules=[DR_PAYMENT], virtual_services=[VS_CANARY])
    snapshot = sidecar_push(state, PAYMENT, VERSION)
    snapshot.listeners = [*snapshot.listeners, _sniffing_listener()]
    snapshot.routes = [*snapshot.routes, xds.sidecar_route_config(state, INVENTORY.port)]
    with ctx.proxy(POD, snapshot) as proxy:
        traffic = proxy.traffic(f"0.0.0.0_{INVENTORY.port}")
        traffic.send(Request(authority=f"inventory:{INVENTORY.port}", path="/stock"))
        requests = finish(proxy, traffic, ctx)
    service = manifests.manifest("Service", "inventory", "production", {
        "selector": {"app": "inventory"},
        "ports": [{"name": "web", "port": INVENTORY.port, "targetPort": 9000}]}, api="v1")
    write_manifests(ctx, VS_CANARY, DR_PAYMENT, service)
    return ScenarioRecord(
        description=f"""Service production/inventory names its port 9000 `web`, which declares
            no protocol (IST0118), so Istio sniffs it: the sidecar of {POD.name} has listener
            0.0.0.0_9000 with http_inspector and two filter chains, HTTP for connections whose
            first bytes look like HTTP/1.1 or h2c and TCP proxy for the rest. A real HTTP
            request takes the HTTP chain (it is in the HTTP access log).""",
        pods=[POD],
        requests=requests,
        truth=[{"check": "port-sniffed", "listener": "0.0.0.0_9000", "port": 9000}],
    )


def registry_only(ctx: Context) -> ScenarioRecord:
    """outboundTrafficPolicy REGISTRY_ONLY: unknown hosts go to BlackHoleCluster."""
    state = mesh(real_payment_pods(ctx))
    snapshot = sidecar_push(state, PAYMENT, VERSION)
    for vhost in snapshot.routes[0]["virtual_hosts"]:
        if vhost["name"] == "allow_any":
            vhost["name"] = "block_all"
            vhost["routes"] = [{"match": {"prefix": "/"}, "direct_response": {"status": 502},
                                "name": "block_all"}]
    for listener in snapshot.listeners:
        if listener["name"] == "virtualOutbound":
            listener["default_filter_chain"]["filters"][0]["typed_config"].update(
                {"stat_prefix": xds.BLACKHOLE, "cluster": xds.BLACKHOLE})
            listener["default_filter_chain"]["name"] = "BlackHoleFilterChain"
    with ctx.proxy(POD, snapshot) as proxy:
        traffic = proxy.traffic()
        traffic.send(Request(authority="api.example.org", path="/v1/rates"))
        traffic.send(Request())
        requests = finish(proxy, traffic, ctx)
    mesh_config = {"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "istio", "namespace": "istio-system"},
                   "data": {"mesh": "outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n"}}
    write_manifests(ctx, VS_CANARY, DR_PAYMENT, mesh_config)
    return ScenarioRecord(
        description=f"""The mesh sets outboundTrafficPolicy mode REGISTRY_ONLY. The sidecar of
            {POD.name} sends TCP to unknown destinations to BlackHoleCluster
            (virtualOutbound's default chain) and HTTP for unknown hosts to the block_all
            virtual host, which answers 502. A real request for api.example.org, a host no
            ServiceEntry declares, gets 502; one for payment gets 200.""",
        pods=[POD],
        requests=requests,
        truth=[{"check": "outbound-policy", "mode": "REGISTRY_ONLY"}],
    )


# --- mTLS between two proxies ------------------------------------------------------------

LEDGER_POD = Pod(name="ledger-v1-84c6f5d7b9-t6w2d", namespace="production",
                 ip=LEDGER_ENDPOINTS[0].ip, app="ledger", workload="ledger-v1",
                 service_account="ledger", version="v1", node_name="node-pool-1-b")
CHECKOUT = Service("checkout", "shop", 8080, "10.96.51.7")
CHECKOUT_POD = Pod(name="checkout-v1-6f7d8c9b4-r5t2q", namespace="shop", ip="10.1.11.4",
                   app="checkout", workload="checkout-v1", service_account="checkout",
                   version="v1", node_name="node-pool-1-c")
RBAC_FILTER: Resource = {
    "name": "envoy.filters.http.rbac",
    "typed_config": _typed("envoy.extensions.filters.http.rbac.v3.RBAC", rules={
        "policies": {"ns[production]-policy[ledger-allow]-rule[0]": {
            "permissions": [{"and_rules": {"rules": [{"any": True}]}}],
            "principals": [{"and_ids": {"ids": [{"or_ids": {"ids": [{"authenticated": {
                "principal_name": {"exact": "spiffe://cluster.local/ns/shop/sa/checkout"}}}]}}]}}],
        }}}),
}


def _strict_inbound(listener: Resource) -> None:
    """PeerAuthentication STRICT plus an ALLOW AuthorizationPolicy on the inbound port: only
    the TLS chain stays, and its HTTP filters start with RBAC."""
    chains = []
    for chain in listener["filter_chains"]:
        match = chain.get("filter_chain_match", {})
        if match.get("transport_protocol") == "raw_buffer":
            continue  # STRICT: no plaintext chain for the port
        for f in chain["filters"]:
            cfg = f["typed_config"]
            if "http_filters" in cfg:
                cfg["http_filters"] = [copy.deepcopy(RBAC_FILTER), *cfg["http_filters"]]
        chains.append(chain)
    listener["filter_chains"] = chains


def _label_istio_endpoints(snapshot: XdsSnapshot, host: str) -> None:
    """tlsMode=istio on every endpoint of `host`: its pods run sidecars (auto mTLS → TLS)."""
    for assignment in snapshot.endpoints:
        if assignment["cluster_name"].endswith(f"|{host}"):
            for group in assignment.get("endpoints", []):
                for lb in group["lb_endpoints"]:
                    lb["metadata"]["filter_metadata"]["envoy.transport_socket_match"] = {
                        "tlsMode": "istio"}


def _plaintext_to(snapshot: XdsSnapshot, host: str, rule: str) -> None:
    """DestinationRule trafficPolicy.tls.mode DISABLE: no transport socket, rule stamped."""
    for c in snapshot.clusters:
        if c["name"].endswith(f"|{host}") and c["name"].startswith("outbound|"):
            c.pop("transport_socket_matches", None)
            c["metadata"]["filter_metadata"]["istio"]["config"] = (
                f"/apis/networking.istio.io/v1/namespaces/production/destination-rule/{rule}")


def mtls_mismatch(ctx: Context) -> ScenarioRecord:
    """Server ledger is STRICT; client payment sends it plaintext (DestinationRule DISABLE),
    client checkout sends it Istio mTLS (auto mTLS)."""
    ledger_state = MeshState(services=[LEDGER, PAYMENT],
                             endpoints={"ledger": LEDGER_ENDPOINTS, "payment": ALL_FAKE})
    server = sidecar_push(ledger_state, LEDGER, VERSION)
    for listener in server.listeners:
        if listener["name"] == "virtualInbound":
            _strict_inbound(listener)
    client = sidecar_push(mesh(ALL_FAKE), PAYMENT, VERSION)
    _label_istio_endpoints(client, LEDGER.host)
    _plaintext_to(client, LEDGER.host, "ledger-plaintext")
    shop_state = MeshState(services=[CHECKOUT, LEDGER],
                           endpoints={"checkout": [Endpoint(CHECKOUT_POD.ip, 8080,
                                                            "checkout-v1", "v1")],
                                      "ledger": LEDGER_ENDPOINTS})
    good = sidecar_push(shop_state, CHECKOUT, VERSION)
    _label_istio_endpoints(good, LEDGER.host)
    for pod, push in ((LEDGER_POD, server), (POD, client), (CHECKOUT_POD, good)):
        with ctx.proxy(pod, push) as proxy:
            proxy.capture(ctx.out_dir / pod.name)
    write_manifests(
        ctx,
        manifests.manifest("PeerAuthentication", "ledger", "production", {
            "selector": {"matchLabels": {"app": "ledger"}}, "mtls": {"mode": "STRICT"}},
            api="security.istio.io/v1"),
        manifests.manifest("AuthorizationPolicy", "ledger-allow", "production", {
            "selector": {"matchLabels": {"app": "ledger"}}, "action": "ALLOW",
            "rules": [{"from": [{"source": {"principals": [
                "cluster.local/ns/shop/sa/checkout"]}}]}]}, api="security.istio.io/v1"),
        manifests.manifest("DestinationRule", "ledger-plaintext", "production", {
            "host": LEDGER.host, "exportTo": ["."],
            "trafficPolicy": {"tls": {"mode": "DISABLE"}}}))
    return ScenarioRecord(
        description=f"""Three sidecars, one sub-folder each. {LEDGER_POD.name} (IP
            {LEDGER_POD.ip}) serves ledger with PeerAuthentication STRICT (its virtualInbound
            keeps only the TLS chain for port 8080) and an ALLOW AuthorizationPolicy (an RBAC
            filter). {POD.name} in namespace production has DestinationRule
            production/ledger-plaintext (tls mode DISABLE, exported to its namespace only), so
            its cluster for ledger sends plaintext: the server refuses it (KIA0207/KIA0208's
            conflict, seen from the dumps). {CHECKOUT_POD.name} in namespace shop uses auto
            mTLS and the endpoints carry tlsMode=istio, so it sends Istio mTLS: that pair
            agrees. No traffic is sent (the endpoints are fake pod IPs).""",
        pods=[LEDGER_POD, POD, CHECKOUT_POD],
        truth=[{"check": "mtls-mismatch", "client": f"{POD.name}.production",
                "server": f"{LEDGER_POD.name}.production", "port": 8080,
                "client_sends": "plaintext", "server_mode": "STRICT"},
               {"check": "mtls-agrees", "client": f"{CHECKOUT_POD.name}.shop",
                "server": f"{LEDGER_POD.name}.production"},
               {"check": "authorization", "proxy": f"{LEDGER_POD.name}.production",
                "port": 8080, "rbac": True}],
        per_pod_dirs=True,
    )


# --- resilience --------------------------------------------------------------------------


def outlier_overflow(ctx: Context) -> ScenarioRecord:
    """Outlier detection without maxEjectionPercent on a two-pod subset never ejects."""
    healthy = ctx.upstream(pod_name("v1", "k9z2r"), "payment-v1", "v1")
    failing = ctx.upstream(pod_name("v1", "b8c5f"), "payment-v1", "v1", status=503)
    bad_host = f"{failing.ip}:{failing.port}"
    rule = DestinationRule("payment", "production", PAYMENT, ("v1", "v2", "v3"),
                           outlier=OutlierDetection(consecutive_5xx_errors=3, interval="1s",
                                                    base_ejection_time="60s"))
    vs = VS_CANARY.with_route("default", destinations=(Destination("v1"),))
    state = mesh([healthy, failing, *FAKE_V2, *FAKE_V3], rule=rule, vs=vs)
    snapshot = sidecar_push(state, PAYMENT, VERSION)
    for c in snapshot.clusters:  # maxEjectionPercent not set: Envoy's default (10 %) applies
        c.get("outlier_detection", {}).pop("max_ejection_percent", None)
    stat = f"cluster.{cluster('v1')}.outlier_detection.ejections_overflow"
    with ctx.proxy(POD, snapshot) as proxy:
        traffic = proxy.traffic()
        for _ in range(24):
            traffic.send(Request())
        overflow = _stat(proxy, stat)
        ejected = _outlier_flagged(proxy, cluster("v1"), bad_host)
        requests = finish(proxy, traffic, ctx)
    if overflow == 0 or ejected:
        raise LabError(f"expected ejections_overflow > 0 and no ejection, got {overflow}, "
                       f"ejected={ejected}")
    manifest = manifests.destination_rule(rule)
    del manifest["spec"]["trafficPolicy"]["outlierDetection"]["maxEjectionPercent"]
    write_manifests(ctx, manifests.virtual_service(vs), manifest)
    return ScenarioRecord(
        description=f"""Subset v1 has two pods; {pod_name("v1", "b8c5f")} ({bad_host}) answers
            every request with 503. DestinationRule production/payment sets outlierDetection
            consecutive5xxErrors: 3 but no maxEjectionPercent, so Envoy's default of 10 %
            applies: ejecting one of two hosts would eject 50 %, so Envoy never ejects it and
            counts {stat.rsplit('.', 1)[-1]} instead ({overflow} after {len(requests)}
            requests). clusters.json shows the host without failed_outlier_check; Istio's
            default retries hide most of the 503s from the client.""",
        pods=[POD],
        requests=requests,
        truth=[{"check": "outlier-cannot-eject", "cluster": cluster("v1"), "host": bad_host,
                "ejections_overflow": overflow, "max_ejection_percent": 10, "hosts": 2}],
    )


def connection_pool_limits(ctx: Context) -> ScenarioRecord:
    """DestinationRule connectionPool limits of one connection and one pending request."""
    state = mesh(real_payment_pods(ctx))
    snapshot = sidecar_push(state, PAYMENT, VERSION)
    limits = {"max_connections": 1, "max_pending_requests": 1, "max_requests": 1}
    for c in snapshot.clusters:
        if c["name"].startswith("outbound|") and c["name"].endswith(f"|{PAYMENT.host}"):
            c["circuit_breakers"] = {"thresholds": [{**xds.DEFAULT_THRESHOLDS, **limits}]}
    with ctx.proxy(POD, snapshot) as proxy:
        traffic = proxy.traffic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: traffic.send(Request()), range(16)))
        requests = finish(proxy, traffic, ctx)
    manifest = manifests.destination_rule(DR_PAYMENT)
    manifest["spec"]["trafficPolicy"]["connectionPool"] = {
        "tcp": {"maxConnections": 1},
        "http": {"http1MaxPendingRequests": 1, "http2MaxRequests": 1}}
    write_manifests(ctx, VS_CANARY, manifest)
    shed = sum(a.status == 503 for a in answers)
    return ScenarioRecord(
        description=f"""DestinationRule production/payment sets connectionPool
            tcp.maxConnections 1, http.http1MaxPendingRequests 1 and http2MaxRequests 1, so
            every payment cluster of the sidecar of {POD.name} allows one connection, one
            pending and one active request. Sixteen requests sent eight at a time: {shed} got
            503 (the access log says which were shed with UO, upstream overflow).""",
        pods=[POD],
        requests=requests,
        truth=[{"check": "connection-pool-low", "cluster": cluster("v1"), **limits}],
    )


# --- version skew ------------------------------------------------------------------------

SKEW_PODS = [payment_pod("x2x4k", "10.1.2.3", "node-pool-1-a"),
             payment_pod("p7qzm", "10.1.2.4", "node-pool-1-b"),
             payment_pod("h5r9t", "10.1.2.5", "node-pool-1-c")]
OLD_ISTIO = "1.27.3"


def version_skew(ctx: Context) -> ScenarioRecord:
    """Three payment-v1 pods; one still runs the previous Istio proxy (IST0158)."""
    endpoints = [Endpoint(p.ip, 8080, "payment-v1", "v1") for p in SKEW_PODS] + FAKE_V2 + FAKE_V3
    snapshot = sidecar_push(mesh(endpoints), PAYMENT, VERSION)
    *current, old = SKEW_PODS
    for pod in SKEW_PODS:
        proxy = ctx.proxy(pod, snapshot)
        if pod is old:  # the agent writes its own image's version into the node metadata
            proxy.envoy.bootstrap["node"]["metadata"]["ISTIO_VERSION"] = OLD_ISTIO
        with proxy:
            proxy.capture(ctx.out_dir / pod.name)
    write_manifests(ctx, VS_CANARY, DR_PAYMENT)
    return ScenarioRecord(
        description=f"""Three pods of Deployment production/payment-v1, one sub-folder each,
            fed the same push. {", ".join(p.name for p in current)} run Istio proxy
            {ISTIO_VERSION}; {old.name} was not restarted after the upgrade and
            its bootstrap still says ISTIO_VERSION {OLD_ISTIO}.""",
        pods=SKEW_PODS,
        truth=[{"check": "version-skew", "pod": old.name, "version": OLD_ISTIO,
                "majority": ISTIO_VERSION}],
        per_pod_dirs=True,
    )


CASES = [
    Scenario("route-order", route_order),
    Scenario("gateway-domain-port", gateway_domain_port),
    Scenario("gateway-shared-certificate", gateway_shared_certificate),
    Scenario("gateway-bad-credentials", gateway_bad_credentials),
    Scenario("tls-origination", tls_origination),
    Scenario("sniffed-port", sniffed_port),
    Scenario("registry-only", registry_only),
    Scenario("mtls-mismatch", mtls_mismatch),
    Scenario("outlier-overflow", outlier_overflow),
    Scenario("connection-pool-limits", connection_pool_limits),
    Scenario("version-skew", version_skew),
]


def generate(out_root: Path, names: list[str], log: Callable[[str], None] = print) -> None:
    """Regenerate the named cases (all when empty) under `out_root`."""
    by_name = {c.name: c for c in CASES}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise KeyError(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(by_name)}")
    for case in [by_name[n] for n in names] if names else CASES:
        log(f"{case.name}: {run_scenario(case, out_root):.1f}s")


def main(argv: list[str] | None = None) -> int:
    """`python -m dumpdiff.lab.rulecases [--out DIR] [CASE...]`."""
    parser = argparse.ArgumentParser(prog="python -m dumpdiff.lab.rulecases",
                                     description="Regenerate the lint rules' lab fixtures.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: rules/fixtures/lab/)")
    parser.add_argument("cases", nargs="*", metavar="CASE",
                        help=f"cases (default: all): {', '.join(c.name for c in CASES)}")
    args = parser.parse_args(argv)
    return run_timed(lambda: generate(args.out, args.cases))


if __name__ == "__main__":
    sys.exit(main())
