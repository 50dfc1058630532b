"""In-place edits are reported in place, with readable paths; found in review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dumpdiff.model.names import parse_route_config_name
from tests.conftest import CORPUS, GOLDEN, run_cli

SRC = GOLDEN / "ejected-host" / "config_dump.json"


def _edit(tmp: Path, change: Any) -> Path:
    data = json.loads(SRC.read_text())
    change(data)
    out = tmp / "edited.json"
    out.write_text(json.dumps(data))
    return out


def _changes(a: Path, b: Path, *extra: str) -> list[dict[str, Any]]:
    proc = run_cli("compare", str(a), str(b), "-o", "json", *extra)
    changes: list[dict[str, Any]] = json.loads(proc.stdout)["changes"]
    return changes


def _listener(data: dict[str, Any], name: str) -> dict[str, Any]:
    for c in data["configs"]:
        for entry in c.get("dynamic_listeners") or []:
            if entry.get("name") == name:
                listener: dict[str, Any] = entry["active_state"]["listener"]
                return listener
    raise KeyError(name)


def _cluster(data: dict[str, Any], name: str) -> dict[str, Any]:
    for c in data["configs"]:
        for entry in c.get("dynamic_active_clusters") or []:
            if entry["cluster"]["name"] == name:
                cluster: dict[str, Any] = entry["cluster"]
                return cluster
    raise KeyError(name)


V1 = "outbound|8080|v1|payment.production.svc.cluster.local"


def test_edit_inside_one_of_two_same_named_filter_chains_is_one_change(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        chains = _listener(data, "virtualInbound")["filter_chains"]
        tls = next(c for c in chains if c.get("name") == "0.0.0.0_8080"
                   and c["filter_chain_match"].get("transport_protocol") == "tls")
        hcm = next(f for f in tls["filters"] if "http_connection_manager" in f["name"])
        hcm["typed_config"]["stream_idle_timeout"] = "5s"

    (c,) = _changes(SRC, _edit(tmp_path, change))
    assert c["kind"] == "changed" and c["new"] == "5s"
    assert c["path"].startswith("filter_chains[port=8080 tls")
    assert c["path"].endswith("typed_config.stream_idle_timeout")


def test_circuit_breaker_threshold_edit_is_named_by_priority(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        _cluster(data, V1)["circuit_breakers"]["thresholds"][0]["max_connections"] = 7

    (c,) = _changes(SRC, _edit(tmp_path, change))
    assert (c["resource"], c["path"], c["new"]) == (
        V1, "circuit_breakers.thresholds[DEFAULT].max_connections", 7)


def test_reordered_header_matchers_are_the_same_route(tmp_path: Path) -> None:
    src = CORPUS / "gateway-http-routes-subset.json"
    data = json.loads(src.read_text())
    route = data["configs"][0]["dynamic_route_configs"][0]["route_config"]["virtual_hosts"][0][
        "routes"][0]
    route["match"]["headers"] = [{"name": "x-a", "string_match": {"exact": "1"}},
                                 {"name": "x-b", "string_match": {"exact": "2"}}]
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(data))
    route["match"]["headers"].reverse()
    b.write_text(json.dumps(data))
    assert _changes(a, b) == []


def test_another_service_is_not_a_rename(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        cl = _cluster(data, V1)
        cl["name"] = "outbound|8080|v1|ledger.production.svc.cluster.local"

    kinds = {(c["resource"], c["kind"]) for c in _changes(SRC, _edit(tmp_path, change),
                                                           "--only", "clusters")}
    assert kinds == {(V1, "removed"),
                     ("outbound|8080|v1|ledger.production.svc.cluster.local", "added")}


def test_degraded_endpoints_still_take_traffic(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        for c in data["configs"]:
            for e in c.get("dynamic_endpoint_configs") or []:
                if e["endpoint_config"]["cluster_name"] == V1:
                    for loc in e["endpoint_config"]["endpoints"]:
                        for ep in loc["lb_endpoints"]:
                            ep["health_status"] = "DEGRADED"

    dump = _edit(tmp_path, change)
    proc = run_cli("route", str(dump), "--host", "payment:8080", "--port", "8080", "--path",
                   "/pay", "--route-config", "8080", "-o", "json")
    dec = json.loads(proc.stdout)
    v1 = next(d for d in dec["destinations"] if d["cluster"] == V1)
    assert v1["flag"] == "" and v1["healthy"] == v1["endpoints"] > 0


def test_camelcase_digit_fields_map_back(tmp_path: Path) -> None:
    data = json.loads(SRC.read_text())
    od = _cluster(data, V1)["outlier_detection"]
    assert "consecutive_5xx" in od
    camel = json.loads(json.dumps(data).replace('"consecutive_5xx"', '"consecutive5xx"')
                       .replace('"enforcing_consecutive_5xx"', '"enforcingConsecutive5xx"')
                       .replace('"dynamic_active_clusters"', '"dynamicActiveClusters"'))
    path = tmp_path / "camel.json"
    path.write_text(json.dumps(camel))
    assert _changes(SRC, path, "--only", "clusters", "--no-normalize") == []


def test_deny_all_authorization_policy_fails_rung_6(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        chains = _listener(data, "virtualInbound")["filter_chains"]
        for chain in chains:
            for f in chain.get("filters") or []:
                if "http_connection_manager" in f["name"]:
                    f["typed_config"]["http_filters"].insert(0, {
                        "name": "envoy.filters.http.rbac", "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.http.rbac"
                                     ".v3.RBAC", "rules": {}}})

    proc = run_cli("triage", str(_edit(tmp_path, change)), "-o", "json")
    rung6 = json.loads(proc.stdout)["rungs"][5]
    assert rung6["status"] == "FAIL" and "every request is denied" in rung6["summary"]


def test_gateway_names_with_dots_are_decoded() -> None:
    rc = parse_route_config_name("https.443.https-443.payment.gw.istio-system")
    assert (rc.gateway, rc.namespace, rc.bind) == ("payment.gw", "istio-system", "")
    rc = parse_route_config_name("https.443.https.gw.ns.10.0.0.1")
    assert (rc.gateway, rc.namespace, rc.bind) == ("gw", "ns", "10.0.0.1")


def test_partial_dump_against_a_full_one_says_which_sections_it_lacks() -> None:
    proc = run_cli("compare", str(CORPUS / "bootstrap-only-camelcase.json"), str(SRC))
    assert "clusters: only in right dump" in proc.stdout
    assert "+ cluster outbound" not in proc.stdout  # not one line per cluster
    assert "only in the right dump: 13 resources" in proc.stdout


def test_flags_split_on_spaces_too() -> None:
    out = json.loads(run_cli("flags", "UH NR", "-o", "json").stdout)
    assert [f["flag"] for f in out["flags"]] == ["UH", "NR"] and out["unknown"] == []


def test_the_same_dump_twice_is_one_proxy() -> None:
    out = json.loads(run_cli("fleet", str(SRC), str(SRC), "-o", "json").stdout)
    assert out["proxies"] == 1
