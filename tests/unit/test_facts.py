"""The facts document: valid against its shipped schema, and right about what the dumps hold."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from dumpdiff.cli import app
from dumpdiff.facts import facts_schema

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "rules" / "fixtures" / "golden"
CORPUS = ROOT / "tests" / "data" / "corpus"
runner = CliRunner()
VALIDATOR = jsonschema.Draft202012Validator(facts_schema())


def _facts(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["facts", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(facts_schema())


@pytest.mark.parametrize("dump", sorted(p for p in CORPUS.glob("*.json")
                                        if p.name != "clusters-status.json"),
                         ids=lambda p: p.name)
def test_corpus_facts_match_schema(dump: Path) -> None:
    VALIDATOR.validate(_facts(str(dump)))


def test_full_facts_match_schema() -> None:
    d = FIX / "payment-canary-stale"
    facts = _facts(str(d / "config_dump.json"), "--manifests", str(d / "manifests"),
                   "--proxy-status", str(d / "proxy-status.txt"),
                   "--clusters", str(FIX / "ejected-host" / "clusters.txt"))
    VALIDATOR.validate(facts)
    assert {"manifests", "proxy_status", "clusters_status", "complete_dump"} <= set(
        facts["inputs"]["available"])


def test_weighted_destinations_match_the_virtual_service() -> None:
    d = FIX / "route-to-missing-cluster"
    vs = yaml.safe_load((d / "manifests" / "virtualservice-production-payment.yaml").read_text())
    http = next(h for h in vs["spec"]["http"] if h["name"] == "default")
    wanted = {(r["destination"]["subset"], r["weight"]) for r in http["route"]}
    facts = _facts(str(d / "config_dump.json"))
    got = {(x["subset"], x["weight"]) for x in facts["route_destinations"]
           if x["route"] == "default" and x["virtual_service"] == "production/payment"}
    assert got == wanted
    intended = _facts(str(d / "config_dump.json"), "--manifests", str(d / "manifests"))
    rows = [r for r in intended["intended_routes"] if r["route"] == "default"]
    assert {(r["subset"], r["weight"]) for r in rows} == wanted
    assert all(r["binds_to_proxy"] and r["proxy_has_host"] for r in rows)


def test_eds_counts_and_special_clusters() -> None:
    facts = _facts(str(FIX / "subset-no-endpoints" / "config_dump.json"))
    by_name = {c["name"]: c for c in facts["clusters"]}
    assert by_name["outbound|8080|v3|payment.production.svc.cluster.local"]["endpoint_count"] == 0
    for special in ("BlackHoleCluster", "PassthroughCluster", "inbound|8080||"):
        assert by_name[special]["expects_endpoints"] is False
    assert all(c["expects_endpoints"] is False for c in by_name.values() if c["state"] == "static")


def test_endpoint_counts_are_null_without_eds() -> None:
    facts = _facts(str(CORPUS / "sidecar-productpage-istio13.json"))
    assert facts["clusters"] and all(c["endpoint_count"] is None for c in facts["clusters"])
    assert "endpoints" not in facts["inputs"]["available"]


def _lint_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["lint", *args, "--fail-on", "info", "-o", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_sync_rows_from_corpus_json_and_yaml_agree() -> None:
    # proxy1 has no dump here: its row is linted on its own and grouped under it.
    dump = str(FIX / "payment-canary-synced" / "config_dump.json")
    found = []
    for name in ("multiXdsStatusSinglePilot.json", "multiXdsStatusSinglePilot.yaml"):
        out = _lint_json(dump, "--proxy-status", str(CORPUS / "proxy-status" / name))
        found.append(sorted((f["rule_id"], f["group"], f["message"]) for f in out["findings"]
                            if f["rule_id"].startswith("PROXY-")))
    assert found[0] == found[1]
    messages = {rule: msg for rule, _, msg in found[0]}
    assert "CDS STALE" in messages["PROXY-NOT-SYNCED"]
    assert "RDS" in messages["PROXY-XDS-NOT-SENT"]


def test_facts_hold_only_the_dumps_own_proxy_status_row() -> None:
    d = FIX / "payment-canary-stale"
    facts = _facts(str(d / "config_dump.json"), "--proxy-status", str(d / "proxy-status.txt"))
    assert [r["proxy"] for r in facts["sync"]] == [facts["proxy"]["display"]]
    assert facts["sync"][0]["rds"] == "STALE" and facts["sync"][0]["matches_dump"]


def test_fleet_facts_match_their_schema() -> None:
    from dumpdiff.facts import fleet_facts_schema

    lab = ROOT / "rules" / "fixtures" / "lab"
    handmade = ROOT / "rules" / "fixtures" / "handmade" / "premerge"
    result = runner.invoke(app, ["facts", "--fleet", str(lab / "mtls-mismatch"),
                                 str(FIX / "gateway" / "config_dump.json"),
                                 "--manifests", str(handmade)])
    assert result.exit_code == 0, result.output
    fleet = json.loads(result.stdout)
    jsonschema.Draft202012Validator(fleet_facts_schema()).validate(fleet)
    assert fleet["inputs"]["proxies"] == 4
    pair = next(p for p in fleet["mtls_pairs"] if p["client_workload"] == "production/payment-v1")
    assert (pair["client_sends"], pair["server_mode"]) == ("plaintext", "STRICT")
    assert {g["gateway"] for g in fleet["intended_gateways"]} == {
        "istio-system/payment-gw", "istio-system/payment-gateway"}


def test_facts_of_several_dumps_needs_fleet() -> None:
    result = runner.invoke(app, ["facts", str(FIX / "gateway" / "config_dump.json"),
                                 str(FIX / "subset-no-endpoints" / "config_dump.json")])
    assert result.exit_code == 2 and "--fleet" in result.stderr


def test_route_match_facts_for_shadowing() -> None:
    facts = _facts(str(ROOT / "rules" / "fixtures" / "lab" / "route-order" / "config_dump.json"))
    routes = {r["name"]: r for r in facts["routes"] if r["route_config"] == "8080"}
    assert routes["api-v2"]["path_prefix"] == "/api/v2" and not routes["api-v2"]["conditional"]
    assert routes["canary-header"]["conditional"] and routes["canary-header"]["path_prefix"] == "/"
    assert routes["canary-header"]["match_signature"] == \
        routes["canary-header-again"]["match_signature"]


def test_certificate_expiry_is_judged_at_the_dump_time() -> None:
    facts = _facts(str(ROOT / "rules" / "fixtures" / "lab" / "gateway-bad-credentials"
                       / "config_dump.json"))
    by_name = {s["name"]: s for s in facts["secrets"]}
    legacy = by_name["kubernetes://legacy-credential"]
    assert legacy["expired"] and -4 < legacy["days_left"] < -2
    assert legacy["used_by"] == ["0.0.0.0_8443 (sni legacy.example.com)"]
    assert by_name["default"]["auto_rotated"] and not by_name["default"]["expired"]
