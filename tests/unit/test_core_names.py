"""Istio name parsing, checked on every name in the corpus and on Istio's documented forms."""

from __future__ import annotations

from collections import Counter

import pytest

from dumpdiff.model import names
from dumpdiff.sources import load_snapshot
from tests.conftest import CORPUS_DUMPS


def _corpus_names() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"clusters": set(), "listeners": set(), "routes": set(),
                                  "vhosts": set(), "configs": set(), "nodes": set()}
    for dump in CORPUS_DUMPS:
        snap = load_snapshot(str(dump))
        for section in ("clusters", "listeners", "routes"):
            found[section].update(r.name for r in snap.section(section).values() if r.name)
        for res in snap.section("endpoints").values():
            found["clusters"].add(res.name or "")
        for res in snap.section("routes").values():
            for vh in res.body.get("virtual_hosts") or []:
                found["vhosts"].add(vh["name"])
                for route in vh.get("routes") or []:
                    cfg = (((route.get("metadata") or {}).get("filter_metadata") or {})
                           .get("istio") or {}).get("config")
                    if cfg:
                        found["configs"].add(cfg)
        if snap.identity.node_id:
            found["nodes"].add(snap.identity.node_id)
    return found


NAMES = _corpus_names()


def test_every_corpus_name_round_trips() -> None:
    forms: Counter[str] = Counter()
    for n in NAMES["clusters"]:
        parsed = names.parse_cluster_name(n)
        assert parsed.format() == n
        forms[parsed.form] += 1
    for n in NAMES["listeners"]:
        assert names.parse_listener_name(n).format() == n
    for n in NAMES["routes"]:
        assert names.parse_route_config_name(n).format() == n
    for n in NAMES["vhosts"]:
        assert names.parse_virtual_host_name(n).format() == n
    for n in NAMES["configs"]:
        ref = names.parse_config_ref(n)
        assert ref is not None and ref.format() == n
    for n in NAMES["nodes"]:
        node = names.parse_node_id(n)
        assert node is not None and node.format() == n
    # The corpus really exercises the forms (not a vacuous loop).
    assert forms["subset-key"] > 150 and forms["dns-srv"] > 10 and forms["special"] > 5


def test_no_istio_looking_cluster_name_is_left_unparsed() -> None:
    odd = [n for n in NAMES["clusters"] if names.parse_cluster_name(n).form == "other"
           and ("|" in n or "_." in n)]
    assert odd == []


@pytest.mark.parametrize(("name", "direction", "port", "subset", "host"), [
    ("outbound|8080|v2|payment.production.svc.cluster.local", "outbound", 8080, "v2",
     "payment.production.svc.cluster.local"),
    ("inbound|8080||", "inbound", 8080, "", ""),
    ("outbound_.8080_.v2_.payment.production.svc.cluster.local", "outbound", 8080, "v2",
     "payment.production.svc.cluster.local"),
    ("outbound_.15010_._.istio-pilot.istio-system.svc.cluster.local", "outbound", 15010, "",
     "istio-pilot.istio-system.svc.cluster.local"),
])
def test_cluster_names(name: str, direction: str, port: int, subset: str, host: str) -> None:
    c = names.parse_cluster_name(name)
    assert (c.direction, c.port, c.subset, c.host) == (direction, port, subset, host)


def test_waypoint_cluster_protocol_and_subset() -> None:
    c = names.parse_cluster_name("inbound-vip|8000|http/v1|httpbin.default.svc.cluster.local")
    assert (c.protocol, c.service_subset) == ("http", "v1")


@pytest.mark.parametrize(("name", "form", "port"), [
    ("8080", "port", 8080), ("reviews.default.svc.cluster.local:9080", "host-port", 9080),
    ("http.8080", "gateway-http", 8080), ("inbound|8080||", "inbound", 8080),
    ("https.443.https.bookinfo-gateway.default", "gateway-https", 443),
])
def test_route_config_names(name: str, form: str, port: int) -> None:
    rc = names.parse_route_config_name(name)
    assert (rc.form, rc.port) == (form, port)


def test_https_gateway_route_config_parts() -> None:
    rc = names.parse_route_config_name("https.443.https.bookinfo-gateway.default")
    assert (rc.port_name, rc.gateway, rc.namespace) == ("https", "bookinfo-gateway", "default")


@pytest.mark.parametrize(("name", "address", "port"), [
    ("0.0.0.0_8080", "0.0.0.0", 8080), ("10.1.2.3_8080", "10.1.2.3", 8080),
    ("fe80::863:a7ff:fe55:26a9_9080", "fe80::863:a7ff:fe55:26a9", 9080),
])
def test_listener_names(name: str, address: str, port: int) -> None:
    ln = names.parse_listener_name(name)
    assert (ln.form, ln.address, ln.port) == ("address-port", address, port)
    assert names.parse_listener_name("virtualInbound").form == "special"


def test_config_ref_and_node_id() -> None:
    ref = names.parse_config_ref(
        "/apis/networking.istio.io/v1/namespaces/production/virtual-service/payment")
    assert ref is not None and (ref.kind, ref.ref) == ("virtual-service", "production/payment")
    node = names.parse_node_id(
        "sidecar~10.1.2.3~payment-v1-abc.production~production.svc.cluster.local")
    assert node is not None
    assert (node.proxy_type, node.ip, node.pod, node.namespace) == (
        "sidecar", "10.1.2.3", "payment-v1-abc", "production")
