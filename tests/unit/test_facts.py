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


def test_sync_facts_from_corpus_json_and_yaml_agree() -> None:
    dump = str(FIX / "payment-canary-synced" / "config_dump.json")
    rows = []
    for name in ("multiXdsStatusSinglePilot.json", "multiXdsStatusSinglePilot.yaml"):
        rows.append(_facts(dump, "--proxy-status", str(CORPUS / "proxy-status" / name))["sync"])
    strip = [[{k: v for k, v in r.items() if k not in ("source", "origin", "line")} for r in x]
             for x in rows]
    assert strip[0] == strip[1]
    assert strip[0][0]["cds"] == "STALE" and strip[0][0]["rds"] == "NOT SENT"
