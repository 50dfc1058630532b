"""Generate the benchmark inputs for bench/compare.py into bench/out/ (never committed).

Two pairs:

* (a) ``istio13-scrambled.json``: the corpus dump sidecar-productpage-istio13.json with every
  set-like list shuffled, every dict's keys reordered, every ``last_updated`` changed and one
  value edited (the connect_timeout of one cluster). Compared against the corpus file itself.
* (b) ``synthetic-a.json`` / ``synthetic-b.json``: a SYNTHETIC mesh of thousands of services
  with Istio 1.3 naming, built from the resource shapes of the same corpus dump (clusters,
  subset clusters, listeners, route configs, EDS). The second file carries a few known edits
  plus the same shuffling as (a).

Usage: ``.venv/bin/python bench/make_pair.py [--services N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import copy
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"
TEMPLATE_DUMP = CORPUS / "sidecar-productpage-istio13.json"
EDS_TEMPLATE_DUMP = CORPUS / "sidecar-eds-bookinfo.json"
OUT = Path(__file__).resolve().parent / "out"

# Lists whose items Envoy treats as a set (matched by name, key or filter_chain_match), and
# the admin dump's own resource lists. NOT here, because their order is meaning: `routes`
# of a virtual host, `http_filters`, network `filters` of a chain, `listener_filters`,
# `transport_socket_matches`; nor `configs` (sections) or lists of plain values other than
# the matching sets `domains` and `server_names`.
SET_LISTS = frozenset({
    # admin resource lists
    "static_clusters", "dynamic_active_clusters", "dynamic_warming_clusters",
    "static_listeners", "dynamic_listeners",
    "static_route_configs", "dynamic_route_configs",
    "static_endpoint_configs", "dynamic_endpoint_configs",
    # inside resources
    "virtual_hosts", "filter_chains", "domains", "server_names", "prefix_ranges",
    "source_prefix_ranges", "endpoints", "lb_endpoints", "thresholds",
})

NEW_LAST_UPDATED = "2031-01-02T03:04:05.678Z"


# -- scrambling ---------------------------------------------------------------------------

def scramble(obj: Any, rng: random.Random, set_lists: frozenset[str] = SET_LISTS,
             list_field: str = "") -> Any:
    """A copy of `obj` with set-like lists shuffled, dict keys reordered, last_updated changed.

    Lists held by a field named in `set_lists` are shuffled; `list_field` is the name of the
    field holding `obj` when `obj` is a list.
    """
    if isinstance(obj, dict):
        keys = list(obj)
        rng.shuffle(keys)
        return {k: NEW_LAST_UPDATED if k == "last_updated"
                else scramble(obj[k], rng, set_lists, k) for k in keys}
    if isinstance(obj, list):
        items = [scramble(v, rng, set_lists) for v in obj]
        if list_field in set_lists:
            # Shuffle until the order really differs (a 2-item list stays put half the time).
            original = list(items)
            for _ in range(8):
                rng.shuffle(items)
                if len(items) < 2 or items != original:
                    break
        return items
    return obj


def find_resource(dump: dict[str, Any], list_field: str, body_field: str,
                  name: str, name_field: str = "name") -> dict[str, Any]:
    """The body of the resource called `name` in `list_field` of any section of `dump`."""
    for config in dump["configs"]:
        for entry in config.get(list_field) or []:
            body = entry.get(body_field) or {}
            if body.get(name_field) == name:
                return body
    raise KeyError(f"{list_field}: no {name}")


def dump_json(data: Any, path: Path) -> int:
    """Write `data` as 2-space indented JSON (istioctl style); return its size in bytes."""
    raw = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return len(raw)


# -- pair (a) -----------------------------------------------------------------------------

EDITED_CLUSTER = "outbound|9080||reviews.default.svc.cluster.local"
EDITED_FIELD = "connect_timeout"
EDITED_OLD, EDITED_NEW = "10s", "3s"


def make_scrambled_corpus(seed: int = 1, set_lists: frozenset[str] = SET_LISTS) -> Path:
    """Write pair (a)'s right side; the left side is the corpus file itself."""
    dump = orjson.loads(TEMPLATE_DUMP.read_bytes())
    cluster = find_resource(dump, "dynamic_active_clusters", "cluster", EDITED_CLUSTER)
    assert cluster[EDITED_FIELD] == EDITED_OLD, cluster[EDITED_FIELD]
    cluster[EDITED_FIELD] = EDITED_NEW
    out = OUT / "istio13-scrambled.json"
    dump_json(scramble(dump, random.Random(seed), set_lists), out)
    return out


# -- pair (b): synthetic mesh -------------------------------------------------------------

HTTP_PORTS = (8080, 9080, 80, 3000, 5000, 8000)
TCP_PORTS = (6379, 5432, 9092)
SUBSETS = ("v1", "v2", "v3")


@dataclass(slots=True)
class Service:
    """One synthetic Kubernetes service."""

    index: int
    namespace: str
    port: int
    tcp: bool
    ip: str

    @property
    def short(self) -> str:
        """`svc-N`."""
        return f"svc-{self.index}"

    @property
    def host(self) -> str:
        """`svc-N.ns-M.svc.cluster.local`."""
        return f"{self.short}.{self.namespace}.svc.cluster.local"

    def cluster_name(self, subset: str = "") -> str:
        """`outbound|PORT|SUBSET|HOST`."""
        return f"outbound|{self.port}|{subset}|{self.host}"


@dataclass(slots=True)
class Templates:
    """Resource shapes taken from the corpus dumps."""

    dump: dict[str, Any]
    cluster: dict[str, Any]
    subset_cluster: dict[str, Any]
    http_listener: dict[str, Any]
    tcp_listener: dict[str, Any]
    route_config: dict[str, Any]
    vhost: dict[str, Any]
    cla: dict[str, Any]
    lb_endpoint: dict[str, Any]
    static: dict[str, list[Any]] = field(default_factory=dict)


def load_templates() -> Templates:
    """Pick one resource of each kind from the corpus dumps as a template."""
    dump = orjson.loads(TEMPLATE_DUMP.read_bytes())
    listeners = {e["active_state"]["listener"]["name"]: e["active_state"]["listener"]
                 for c in dump["configs"] for e in c.get("dynamic_listeners") or []}
    route = find_resource(dump, "dynamic_route_configs", "route_config", "9080")
    eds = orjson.loads(EDS_TEMPLATE_DUMP.read_bytes())
    cla = find_resource(eds, "dynamic_endpoint_configs", "endpoint_config", EDITED_CLUSTER,
                        name_field="cluster_name")
    cla = copy.deepcopy(cla)
    cla["@type"] = "type.googleapis.com/envoy.api.v2.ClusterLoadAssignment"  # match istio13
    return Templates(
        dump=dump,
        cluster=find_resource(dump, "dynamic_active_clusters", "cluster", EDITED_CLUSTER),
        subset_cluster=find_resource(dump, "dynamic_active_clusters", "cluster",
                                     "outbound|9080|v1|reviews.default.svc.cluster.local"),
        http_listener=listeners["0.0.0.0_9080"],
        tcp_listener=listeners["172.21.0.1_443"],
        route_config=route,
        vhost=route["virtual_hosts"][0],
        cla=cla,
        lb_endpoint=cla["endpoints"][0]["lb_endpoints"][0],
    )


def _clone(obj: Any) -> Any:
    return orjson.loads(orjson.dumps(obj))


def _service_attrs(svc: Service) -> dict[str, Any]:
    return {
        "destination.service.host": {"string_value": svc.host},
        "destination.service.name": {"string_value": svc.short},
        "destination.service.namespace": {"string_value": svc.namespace},
        "destination.service.uid": {"string_value":
                                    f"istio://{svc.namespace}/services/{svc.short}"},
    }


def make_cluster(t: Templates, svc: Service, subset: str = "") -> dict[str, Any]:
    """An EDS cluster for `svc` (a DestinationRule subset cluster when `subset` is set)."""
    c = _clone(t.subset_cluster if subset else t.cluster)
    name = svc.cluster_name(subset)
    c["name"] = name
    c["eds_cluster_config"]["service_name"] = name
    ctx = c["tls_context"]
    ctx["common_tls_context"]["validation_context"]["verify_subject_alt_name"] = [
        f"spiffe://cluster.local/ns/{svc.namespace}/sa/{svc.short}"]
    ctx["sni"] = f"outbound_.{svc.port}_.{subset or '_'}_.{svc.host}"
    c["metadata"]["filter_metadata"]["istio"]["config"] = (
        f"/apis/networking/v1alpha3/namespaces/{svc.namespace}/destination-rule/{svc.short}")
    return c  # type: ignore[no-any-return]


def make_cla(t: Templates, svc: Service, subset: str, pods: int) -> dict[str, Any]:
    """The ClusterLoadAssignment of one (subset) cluster with `pods` endpoints."""
    cla = _clone(t.cla)
    cla["cluster_name"] = svc.cluster_name(subset)
    eps = []
    for p in range(pods):
        version = subset or SUBSETS[p % len(SUBSETS)]
        ep = _clone(t.lb_endpoint)
        ep["endpoint"]["address"]["socket_address"] = {
            "address": f"10.{(svc.index >> 8) & 255}.{svc.index & 255}.{10 + p}",
            "port_value": svc.port}
        ep["metadata"]["filter_metadata"]["istio"]["workload"] = (
            f"{svc.short}-{version};{svc.namespace};{svc.short};{version};Kubernetes")
        eps.append(ep)
    cla["endpoints"][0]["lb_endpoints"] = eps
    cla["endpoints"][0]["load_balancing_weight"] = pods
    return cla  # type: ignore[no-any-return]


def make_vhost(t: Templates, svc: Service) -> dict[str, Any]:
    """The virtual host `HOST:PORT` of one HTTP service in route config `PORT`."""
    vh = _clone(t.vhost)
    vh["name"] = f"{svc.host}:{svc.port}"
    names = [svc.host, svc.short, f"{svc.short}.{svc.namespace}.svc.cluster",
             f"{svc.short}.{svc.namespace}.svc", f"{svc.short}.{svc.namespace}", svc.ip]
    vh["domains"] = [d for n in names for d in (n, f"{n}:{svc.port}")]
    route = vh["routes"][0]
    route["route"]["cluster"] = svc.cluster_name()
    route["decorator"]["operation"] = f"{svc.host}:{svc.port}/*"
    mixer = route["typed_per_filter_config"]["mixer"]
    mixer["mixer_attributes"]["attributes"] = _service_attrs(svc)
    mixer["forward_attributes"]["attributes"] = _service_attrs(svc)
    return vh  # type: ignore[no-any-return]


def make_http_listener(t: Templates, port: int) -> dict[str, Any]:
    """The outbound `0.0.0.0_PORT` listener whose HCM points at route config `PORT`."""
    lst = _clone(t.http_listener)
    lst["name"] = f"0.0.0.0_{port}"
    lst["address"]["socket_address"]["port_value"] = port
    hcm = lst["filter_chains"][-1]["filters"][0]["typed_config"]
    hcm["stat_prefix"] = lst["name"]
    hcm["rds"]["route_config_name"] = str(port)
    return lst  # type: ignore[no-any-return]


def make_tcp_listener(t: Templates, svc: Service) -> dict[str, Any]:
    """The outbound `IP_PORT` tcp_proxy listener of one TCP service."""
    lst = _clone(t.tcp_listener)
    lst["name"] = f"{svc.ip}_{svc.port}"
    lst["address"]["socket_address"] = {"address": svc.ip, "port_value": svc.port}
    mixer, proxy = lst["filter_chains"][0]["filters"]
    mixer["typed_config"]["mixer_attributes"]["attributes"].update(_service_attrs(svc))
    proxy["typed_config"]["stat_prefix"] = svc.cluster_name()
    proxy["typed_config"]["cluster"] = svc.cluster_name()
    return lst  # type: ignore[no-any-return]


def _entry(body_field: str, body: Any, version: str) -> dict[str, Any]:
    return {"version_info": version, body_field: body, "last_updated": "2019-09-10T20:23:51.349Z"}


def build_mesh(t: Templates, services: list[Service]) -> dict[str, Any]:
    """A full sidecar config dump for `services` (bootstrap and static parts from the corpus)."""
    version = "2019-09-10T20:22:19Z/15"
    by_type = {c["@type"].rsplit(".", 1)[-1]: c for c in t.dump["configs"]}
    clusters: list[Any] = list(by_type["ClustersConfigDump"]["dynamic_active_clusters"][:6])
    endpoints: list[Any] = []
    vhosts: dict[int, list[Any]] = {p: [] for p in HTTP_PORTS}
    tcp_listeners: list[Any] = []
    for svc in services:
        subsets = ("", *SUBSETS) if svc.index % 2 == 0 else ("",)
        for subset in subsets:
            clusters.append(_entry("cluster", make_cluster(t, svc, subset), version))
            endpoints.append({"endpoint_config": make_cla(t, svc, subset, 1 if subset else 3)})
        if svc.tcp:
            tcp_listeners.append({"name": f"{svc.ip}_{svc.port}", "active_state":
                                  _entry("listener", make_tcp_listener(t, svc), version)})
        else:
            vhosts[svc.port].append(make_vhost(t, svc))
    listeners_cfg = by_type["ListenersConfigDump"]
    virtual = [e for e in listeners_cfg["dynamic_listeners"]
               if e["active_state"]["listener"]["name"] in ("virtualOutbound", "virtualInbound")]
    http_listeners = [{"name": f"0.0.0.0_{p}", "active_state":
                       _entry("listener", make_http_listener(t, p), version)}
                      for p in HTTP_PORTS]
    route_configs = []
    for port, vhs in vhosts.items():
        rc = {k: v for k, v in t.route_config.items() if k != "virtual_hosts"}
        rc["name"] = str(port)
        rc["virtual_hosts"] = vhs
        route_configs.append(_entry("route_config", rc, version))
    return {"configs": [
        by_type["BootstrapConfigDump"],
        {"@type": by_type["ClustersConfigDump"]["@type"], "version_info": version,
         "static_clusters": by_type["ClustersConfigDump"]["static_clusters"],
         "dynamic_active_clusters": clusters},
        {"@type": "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump",
         "dynamic_endpoint_configs": endpoints},
        {"@type": listeners_cfg["@type"], "version_info": version,
         "static_listeners": listeners_cfg["static_listeners"],
         "dynamic_listeners": http_listeners + tcp_listeners + virtual},
        {"@type": by_type["RoutesConfigDump"]["@type"],
         "static_route_configs": by_type["RoutesConfigDump"]["static_route_configs"],
         "dynamic_route_configs": route_configs},
    ]}


def make_services(count: int, rng: random.Random) -> list[Service]:
    """`count` services over `count // 100` namespaces; one in eight is a TCP service."""
    namespaces = max(1, count // 100)
    out = []
    for i in range(count):
        tcp = i % 8 == 7
        port = rng.choice(TCP_PORTS if tcp else HTTP_PORTS)
        out.append(Service(i, f"ns-{i % namespaces}", port, tcp,
                           f"172.{20 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}"))
    return out


@dataclass(slots=True)
class Edit:
    """One edit applied to the right side of pair (b), as dumpdiff should report it."""

    section: str
    resource: str
    kind: str  # changed | added | removed
    what: str


def apply_edits(dump: dict[str, Any], t: Templates, services: list[Service]) -> list[Edit]:
    """Edit the right side of pair (b) in place; return what was edited."""
    cfg = {c["@type"].rsplit(".", 1)[-1]: c for c in dump["configs"]}
    clusters = cfg["ClustersConfigDump"]["dynamic_active_clusters"]
    by_name = {e["cluster"]["name"]: e for e in clusters}
    http = [s for s in services if not s.tcp]
    edits: list[Edit] = []

    victim = http[7]
    by_name[victim.cluster_name()]["cluster"]["connect_timeout"] = "3s"
    edits.append(Edit("clusters", victim.cluster_name(), "changed", "connect_timeout 10s→3s"))

    gone = next(s for s in http[100:] if s.index % 2 == 0)
    clusters.remove(by_name[gone.cluster_name("v3")])
    edits.append(Edit("clusters", gone.cluster_name("v3"), "removed", "subset cluster"))

    grown = next(s for s in http[200:] if s.index % 2 == 0)
    clusters.append(_entry("cluster", make_cluster(t, grown, "v4"), "2019-09-10T20:22:19Z/16"))
    edits.append(Edit("clusters", grown.cluster_name("v4"), "added", "subset cluster"))

    routed = http[42]
    rc = next(e["route_config"] for e in cfg["RoutesConfigDump"]["dynamic_route_configs"]
              if e["route_config"]["name"] == str(routed.port))
    vh = next(v for v in rc["virtual_hosts"] if v["name"] == f"{routed.host}:{routed.port}")
    vh["routes"][0]["route"]["timeout"] = "15s"
    edits.append(Edit("routes", str(routed.port), "changed",
                      f"virtual_hosts[{vh['name']}] route timeout 0s→15s"))

    scaled = http[300]
    cla = next(e["endpoint_config"] for e in cfg["EndpointsConfigDump"]["dynamic_endpoint_configs"]
               if e["endpoint_config"]["cluster_name"] == scaled.cluster_name())
    cla["endpoints"][0]["lb_endpoints"].pop(1)
    cla["endpoints"][0]["load_balancing_weight"] -= 1
    edits.append(Edit("endpoints", scaled.cluster_name(), "changed", "one endpoint removed"))
    return edits


def make_synthetic_pair(services: int = 5000, seed: int = 2, set_lists: frozenset[str] = SET_LISTS
                        ) -> tuple[Path, Path, list[Edit]]:
    """Write pair (b); return both paths and the edits made to the right side."""
    rng = random.Random(seed)
    t = load_templates()
    svcs = make_services(services, rng)
    left = build_mesh(t, svcs)
    a = OUT / "synthetic-a.json"
    dump_json(left, a)
    right = orjson.loads(a.read_bytes())  # an independent copy
    edits = apply_edits(right, t, svcs)
    b = OUT / "synthetic-b.json"
    dump_json(scramble(right, rng, set_lists), b)
    return a, b, edits


def main() -> None:
    """Command line: write both pairs into bench/out/."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--services", type=int, default=5000, help="services in pair (b)")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--keep-order", action="append", default=[], metavar="FIELD",
                    help="do not shuffle lists held by FIELD (repeatable)")
    args = ap.parse_args()
    set_lists = SET_LISTS - set(args.keep_order)
    print("wrote", make_scrambled_corpus(args.seed, set_lists))
    a, b, edits = make_synthetic_pair(args.services, args.seed, set_lists)
    for p in (a, b):
        print(f"wrote {p} ({p.stat().st_size / 1e6:.1f} MB)")
    for e in edits:
        print(f"  edit: {e.section} {e.resource}: {e.kind} ({e.what})")


if __name__ == "__main__":
    main()
