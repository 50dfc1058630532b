"""Acceptance: `dumpdiff lint` on the golden scenarios (real Envoy 1.40 dumps) finds their truth.

Expected values come from each scenario's `scenario.yaml` (`truth`, written by the lab that
built the scenario) and from its manifests, never from dumpdiff's own output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from dumpdiff.cli import app

GOLDEN = Path(__file__).resolve().parents[2] / "golden_dumps"
runner = CliRunner()


def _scenario(name: str) -> tuple[Path, dict[str, Any]]:
    folder = GOLDEN / name
    if not (folder / "scenario.yaml").is_file():
        pytest.skip(f"golden scenario {name} not generated")
    return folder, yaml.safe_load((folder / "scenario.yaml").read_text())


def _lint(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["lint", *args, "-o", "json"])
    assert result.exit_code in (0, 1), result.output
    out = json.loads(result.stdout)
    # No golden scenario applies an AuthorizationPolicy: every sidecar's inbound port 8080
    # has no RBAC filter, which INBOUND-WITHOUT-AUTHZ reports as info (checked once below).
    out["findings"] = [f for f in out["findings"] if f["rule_id"] != "INBOUND-WITHOUT-AUTHZ"]
    return result.exit_code, out


def test_golden_sidecars_report_no_authorization_policy_as_info() -> None:
    folder, _ = _scenario("payment-canary-synced")
    result = runner.invoke(app, ["lint", *_args(folder), "--fail-on", "info", "-o", "json"])
    found = json.loads(result.stdout)["findings"]
    assert [(f["rule_id"], f["severity"], f["subject"]) for f in found] == [
        ("INBOUND-WITHOUT-AUTHZ", "info", "inbound port 8080 (virtualInbound)")]
    assert not any(m.startswith("authorizationpolicy")
                   for m in (p.name for p in (folder / "manifests").iterdir()))


def _args(folder: Path, clusters: str | None = "clusters.json") -> list[str]:
    args = [str(folder / "config_dump.json"), "--manifests", str(folder / "manifests")]
    if clusters:
        args += ["--clusters", str(folder / clusters)]
    return args


def test_synced_canary_has_no_findings_and_exits_0() -> None:
    folder, sc = _scenario("payment-canary-synced")
    assert sc["truth"] == []
    code, out = _lint(*_args(folder), "--fail-on", "error")
    assert code == 0
    assert out["findings"] == []


def test_stale_canary_names_missing_v2_destination_and_stale_proxy() -> None:
    folder, sc = _scenario("payment-canary-stale")
    stale = next(t for t in sc["truth"] if t["check"] == "proxy-stale")
    differs = next(t for t in sc["truth"] if t["check"] == "route-differs-from-manifest")
    missing = {c: w for c, w in differs["manifest"].items() if c not in differs["proxy"]}
    assert len(missing) == 1
    (cluster, weight), = missing.items()
    code, out = _lint(*_args(folder), "--proxy-status", str(folder / "proxy-status.txt"))
    assert code == 1
    by_rule = {f["rule_id"]: f for f in out["findings"]}
    assert set(by_rule) == {"VS-DESTINATION-NOT-IN-PROXY", "PROXY-NOT-SYNCED"}
    vs = by_rule["VS-DESTINATION-NOT-IN-PROXY"]
    assert differs["virtual_service"] in vs["message"]
    assert f'"{differs["route"]}"' in vs["message"]
    assert cluster in vs["message"] and f"{weight}%" in vs["message"]
    assert vs["evidence"]["source"].endswith(".yaml") and vs["evidence"]["line"] > 0
    sync = by_rule["PROXY-NOT-SYNCED"]
    assert stale["proxy"] in sync["message"]
    assert f"{stale['xds']} STALE" in sync["message"]
    assert "15012" in sync["remediation"]


def test_subset_without_endpoints_seen_from_proxy_and_manifest() -> None:
    folder, sc = _scenario("subset-no-endpoints")
    truth = sc["truth"][0]
    code, out = _lint(*_args(folder), "--fail-on", "info")
    by_rule = {f["rule_id"]: f for f in out["findings"]}
    # The proxy's empty subset cluster, and the VirtualService line that routes to it.
    assert set(by_rule) == {"SUBSET-WITHOUT-ENDPOINTS", "VS-DESTINATION-NO-ENDPOINTS"}
    proxy_side = by_rule["SUBSET-WITHOUT-ENDPOINTS"]
    assert truth["cluster"] in proxy_side["message"]
    assert f"503 {truth['flag']}" in proxy_side["message"]
    manifest_side = by_rule["VS-DESTINATION-NO-ENDPOINTS"]
    assert f"503 {truth['flag']}" in manifest_side["message"]
    vs = (folder / "manifests" / "virtualservice-production-payment.yaml").read_text()
    line = manifest_side["evidence"]["line"]
    assert "subset: v3" in "\n".join(vs.splitlines()[line - 1:line + 4])
    assert code == 1


@pytest.mark.parametrize("clusters", ["clusters.json", "clusters.txt"])
def test_ejected_host_names_exact_host(clusters: str) -> None:
    folder, sc = _scenario("ejected-host")
    truth = sc["truth"][0]
    _, out = _lint(*_args(folder, clusters), "--fail-on", "info")
    assert [f["rule_id"] for f in out["findings"]] == ["ENDPOINT-EJECTED"]
    assert out["findings"][0]["subject"] == f"host {truth['host']} of cluster {truth['cluster']}"


def test_ejected_host_from_dump_alone_is_unhealthy_cause_unknown() -> None:
    folder, sc = _scenario("ejected-host")
    truth = sc["truth"][0]
    _, out = _lint(*_args(folder, None), "--fail-on", "info")
    assert [f["rule_id"] for f in out["findings"]] == ["ENDPOINT-UNHEALTHY"]
    assert truth["host"] in out["findings"][0]["message"]
    assert "unknown" in out["findings"][0]["message"]


def test_listener_nack_is_its_only_finding() -> None:
    folder, sc = _scenario("listener-nack")
    truth = sc["truth"][0]
    code, out = _lint(*_args(folder), "--fail-on", "info")
    assert [f["rule_id"] for f in out["findings"]] == ["LISTENER-UPDATE-REJECTED"]
    msg = out["findings"][0]["message"]
    assert truth["listener"] in msg and truth["details"] in msg and truth["envoy_filter"] in msg
    assert code == 1


def test_route_to_missing_cluster_seen_from_proxy_and_manifest() -> None:
    folder, sc = _scenario("route-to-missing-cluster")
    truth = sc["truth"][0]
    code, out = _lint(*_args(folder), "--fail-on", "info")
    assert sorted(f["rule_id"] for f in out["findings"]) == [
        "ROUTE-TO-MISSING-CLUSTER", "VS-DESTINATION-SUBSET-UNDEFINED"]
    undefined = next(f for f in out["findings"]
                     if f["rule_id"] == "VS-DESTINATION-SUBSET-UNDEFINED")
    assert 'subset "v4"' in undefined["message"] and "503 NC" in undefined["message"]
    f = next(f for f in out["findings"] if f["rule_id"] == "ROUTE-TO-MISSING-CLUSTER")
    assert truth["cluster"] in f["message"] and f"503 {truth['flag']}" in f["message"]
    assert f["subject"] == (f"route {truth['route_config']}/{truth['virtual_host']}/"
                            f"{truth['route']} -> {truth['cluster']}")
    assert code == 1


def test_gateway_scenario_is_clean() -> None:
    folder, sc = _scenario("gateway")
    assert sc["truth"] == []
    code, out = _lint(*_args(folder), "--fail-on", "info")
    assert out["findings"] == [] and code == 0
