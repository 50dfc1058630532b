"""The rules on the lab's real-Envoy cases (rules/fixtures/lab): each case's ground truth, which
the lab wrote and Envoy's own behaviour confirms (scenario.yaml requests), is exactly what
the rules report — linting each case folder as a bundle, as a user would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from dumpdiff.cli import app

LAB = Path(__file__).resolve().parents[2] / "rules" / "fixtures" / "lab"
runner = CliRunner()


def _case(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    folder = LAB / name
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text())
    result = runner.invoke(app, ["lint", str(folder), "--fail-on", "info", "-o", "json"])
    assert result.exit_code in (0, 1), result.output
    return scenario, json.loads(result.stdout)["findings"]


def _truth(scenario: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [t for t in scenario["truth"] if t["check"] == check]


def _rule(findings: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule_id"] == rule]


def test_route_order() -> None:
    scenario, findings = _case("route-order")
    served = {r["path"] + (" v3" if r.get("headers") else ""): r["route_name"]
              for r in scenario["requests"]}
    assert served["/api/v2/orders"] == "legacy-api" and served["/late/report"] == "default"
    shadowed = {(t["route"], t["by"]) for t in _truth(scenario, "route-shadowed")}
    got = set()
    for f in _rule(findings, "ROUTE-SHADOWED"):
        route = f["subject"].rsplit("/", 1)[1]
        by = f["message"].split('earlier route "', 1)[1].split('"', 1)[0]
        got.add((route, by))
    assert got == shadowed
    (dup,) = _truth(scenario, "duplicate-match")
    (f,) = _rule(findings, "ROUTE-DUPLICATE-MATCH")
    assert f["subject"].endswith(f"/{dup['route']}") and f'"{dup["duplicates"]}"' in f["message"]


def test_domain_with_ignored_port() -> None:
    scenario, findings = _case("gateway-domain-port")
    assert {r["response_code"] for r in scenario["requests"]} == {200}  # never the 410
    (t,) = _truth(scenario, "duplicate-domain")
    (f,) = _rule(findings, "VHOST-DOMAIN-DUPLICATE")
    assert f["subject"] == f"domain {t['domain']} of {t['route_config']}/{t['dead_virtual_host']}"
    assert t["serving_virtual_host"] in f["message"]


def test_shared_and_expiring_certificate() -> None:
    scenario, findings = _case("gateway-shared-certificate")
    served = {h["tls_handshake"]["subject"] for h in scenario["requests"]}
    assert len(served) == 1  # Envoy presents one certificate for both names
    (shared,) = _truth(scenario, "shared-certificate")
    (f,) = _rule(findings, "GATEWAY-SHARED-CERTIFICATE")
    assert all(name in f["message"] for name in shared["server_names"])
    (exp,) = _truth(scenario, "certificate-expiring")
    (f,) = _rule(findings, "CERT-EXPIRING-SOON")
    assert f["subject"] == f"secret {exp['secret']}"
    assert f"{float(exp['days_left_at_dump'])} days" in f["message"]


def test_missing_and_expired_credentials() -> None:
    scenario, findings = _case("gateway-bad-credentials")
    assert "error" in scenario["requests"][1]["tls_handshake"]  # handshakes fail
    (missing,) = _truth(scenario, "credential-missing")
    assert [f["subject"] for f in _rule(findings, "GATEWAY-CREDENTIAL-MISSING")] == [
        f"secret {missing['secret']}"]
    assert not _rule(findings, "RESOURCE-WARMING")
    (expired,) = _truth(scenario, "certificate-expired")
    (f,) = _rule(findings, "CERT-EXPIRED")
    assert f["subject"] == f"secret {expired['secret']}" and f["severity"] == "error"
    assert not _rule(findings, "GATEWAY-SHARED-CERTIFICATE")  # two different certificates


def test_tls_origination() -> None:
    scenario, findings = _case("tls-origination")
    (bad,) = _truth(scenario, "tls-without-ca")
    assert [f["subject"] for f in _rule(findings, "TLS-ORIGINATION-NO-CA")] == [
        f"cluster {bad['cluster']}"]


def test_sniffed_port_and_registry_only() -> None:
    scenario, findings = _case("sniffed-port")
    (t,) = _truth(scenario, "port-sniffed")
    assert [f["subject"] for f in _rule(findings, "PORT-PROTOCOL-SNIFFED")] == [
        f"port {t['port']} ({t['listener']})"]
    scenario, findings = _case("registry-only")
    assert scenario["requests"][0]["response_code"] == 502  # unknown host: block_all
    (f,) = _rule(findings, "OUTBOUND-POLICY-REGISTRY-ONLY")
    assert "REGISTRY_ONLY" in f["message"] and f["severity"] == "info"


def test_mtls_pairs() -> None:
    scenario, findings = _case("mtls-mismatch")
    (bad,) = _truth(scenario, "mtls-mismatch")
    (f,) = _rule(findings, "MTLS-MODE-MISMATCH")
    assert f["proxy"] == bad["client"] and bad["server"] in f["message"]
    assert f"sends {bad['client_sends']}" in f["message"] and bad["server_mode"] in f["message"]
    (authz,) = _truth(scenario, "authorization")
    assert all(authz["proxy"] not in g["proxies"]
               for g in _rule(findings, "INBOUND-WITHOUT-AUTHZ"))


@pytest.mark.parametrize("case", ["outlier-overflow", "connection-pool-limits"])
def test_resilience_settings_that_backfire(case: str) -> None:
    scenario, findings = _case(case)
    if case == "outlier-overflow":
        (t,) = _truth(scenario, "outlier-cannot-eject")
        assert t["ejections_overflow"] > 0  # Envoy's own counter, read during the run
        (f,) = [f for f in _rule(findings, "OUTLIER-CANNOT-EJECT")
                if f["subject"] == f"cluster {t['cluster']}"]
        assert f"max_ejection_percent {t['max_ejection_percent']}%" in f["message"]
    else:
        (t,) = _truth(scenario, "connection-pool-low")
        assert "UO" in {r["response_flags"] for r in scenario["requests"]}
        subjects = {f["subject"] for f in _rule(findings, "CONNECTION-POOL-LIMIT-LOW")}
        assert f"cluster {t['cluster']}" in subjects


def test_version_skew() -> None:
    scenario, findings = _case("version-skew")
    (t,) = _truth(scenario, "version-skew")
    (f,) = _rule(findings, "PROXY-VERSION-SKEW")
    assert f["proxies"] == [f"{t['pod']}.production"] and t["majority"] in f["message"]
