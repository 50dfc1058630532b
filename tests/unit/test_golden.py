"""Ground truth of the real-Envoy golden scenarios, asserted through dumpdiff's own commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import GOLDEN, run_cli

SCENARIOS = sorted(p.parent for p in GOLDEN.glob("*/scenario.yaml"))
DUMPS = sorted(GOLDEN.glob("**/config_dump.json"))
REPLICAS = GOLDEN / "replicas"
MAJORITY = ["payment-v1-6d8f7c9b5-x2x4k", "payment-v1-6d8f7c9b5-p7qzm",
            "payment-v1-6d8f7c9b5-h5r9t"]
ODD = "payment-v1-6d8f7c9b5-w3n8c"


def _scenario(name: str) -> dict[str, Any]:
    return yaml.safe_load((GOLDEN / name / "scenario.yaml").read_text())


def test_all_scenarios_are_present() -> None:
    assert {p.name for p in SCENARIOS} == {
        "payment-canary-synced", "payment-canary-stale", "subset-no-endpoints", "ejected-host",
        "listener-nack", "route-to-missing-cluster", "replicas", "gateway"}


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_every_golden_dump_is_envoy_1_40(dump: Path) -> None:
    data = json.loads(dump.read_text())
    node = data["configs"][0]["bootstrap"]["node"]
    assert node["user_agent_build_version"]["version"] == {"major_number": 1,
                                                           "minor_number": 40}
    out = json.loads(run_cli("summary", str(dump), "-o", "json").stdout)
    assert out["identity"]["envoy_version"] == "1.40.0"


@pytest.mark.parametrize("pod", MAJORITY[1:])
def test_replicas_compare_identical(pod: str) -> None:
    proc = run_cli("compare", str(REPLICAS / MAJORITY[0] / "config_dump.json"),
                   str(REPLICAS / pod / "config_dump.json"))
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("pod", MAJORITY)
def test_odd_replica_has_exactly_its_two_differences(pod: str) -> None:
    proc = run_cli("compare", str(REPLICAS / pod / "config_dump.json"),
                   str(REPLICAS / ODD / "config_dump.json"), "-o", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)["changes"]
    truth = [t for t in _scenario("replicas")["truth"] if t["check"] == "replica-differs"]
    cluster_truth = next(t for t in truth if "cluster" in t)
    route_truth = next(t for t in truth if "route_config" in t)
    got = {(c["section"], c["resource"], c["path"], c["old"], c["new"]) for c in changes}
    assert got == {
        ("clusters", cluster_truth["cluster"], cluster_truth["field"], cluster_truth["majority"],
         cluster_truth["value"]),
        ("routes", route_truth["route_config"],
         f"virtual_hosts[{route_truth['virtual_host']}].routes[default].route.timeout", "0s",
         "3s"),
    }


def test_replicas_without_normalization_differ_in_identity_fields() -> None:
    proc = run_cli("compare", str(REPLICAS / MAJORITY[0] / "config_dump.json"),
                   str(REPLICAS / MAJORITY[1] / "config_dump.json"), "--no-normalize",
                   "-o", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)["changes"]
    boot = {c["path"] for c in changes if c["section"] == "bootstrap"}
    assert {"node.id", "node.metadata.NAME", "node.metadata.POD_NAME",
            "node.metadata.INSTANCE_IPS"} <= boot
    # Everything else is a timestamp, the pod's IP/name, or its own workload certificate.
    tokens = []
    for pod in MAJORITY[:2]:
        ident = json.loads(run_cli("summary", str(REPLICAS / pod / "config_dump.json"),
                                   "-o", "json").stdout)["identity"]
        tokens += [ident["pod"], ident["node_name"], *ident["pod_ips"]]
    for c in changes:
        text = json.dumps([c["path"], c["old"], c["new"]])
        assert ("last_updated" in c["path"] or c["section"] == "secrets"
                or any(t in text for t in tokens)), c


def test_fleet_names_the_odd_replica() -> None:
    proc = run_cli("fleet", str(REPLICAS), "-o", "json")
    assert proc.returncode == 1
    (group,) = json.loads(proc.stdout)["groups"]
    assert group["workload"] == "production/payment-v1"
    assert sorted(group["majority"]) == sorted(f"{p}.production" for p in MAJORITY)
    (dev,) = group["deviations"]
    assert dev["pod"] == f"{ODD}.production" and len(dev["changes"]) == 2


def test_fleet_of_the_three_agreeing_replicas_exits_0(tmp_path: Path) -> None:
    for pod in MAJORITY:
        (tmp_path / f"{pod}.json").write_bytes((REPLICAS / pod / "config_dump.json").read_bytes())
    assert run_cli("fleet", str(tmp_path)).returncode == 0


def test_stale_proxy_lacks_the_v2_weight_that_the_synced_one_has() -> None:
    proc = run_cli("compare", str(GOLDEN / "payment-canary-synced" / "config_dump.json"),
                   str(GOLDEN / "payment-canary-stale" / "config_dump.json"), "--only", "routes",
                   "-o", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)["changes"]
    assert {c["resource"] for c in changes} == {"8080"}
    paths = " ".join(c["path"] for c in changes)
    assert "virtual_hosts[payment.production.svc.cluster.local:8080]" in paths


def test_listener_nack_is_visible_in_the_summary() -> None:
    out = run_cli("summary", str(GOLDEN / "listener-nack" / "config_dump.json")).stdout
    assert "listener update rejected (NACK): 0.0.0.0_8080" in out
    assert "same matching rules" in out


def test_ejected_host_shows_only_as_unhealthy_in_the_dump() -> None:
    out = json.loads(run_cli("summary", str(GOLDEN / "ejected-host" / "config_dump.json"),
                             "-o", "json").stdout)
    assert out["endpoints"].get("UNHEALTHY") == 1


def _logged_requests(name: str) -> list[dict[str, Any]]:
    return [r for r in _scenario(name).get("requests") or [] if r.get("path")]


ROUTED = [(s.name, i) for s in SCENARIOS for i, _ in enumerate(_logged_requests(s.name))]


@pytest.mark.parametrize(("name", "index"), ROUTED)
def test_route_replay_agrees_with_what_envoy_logged(name: str, index: int) -> None:
    req = _logged_requests(name)[index]
    dump = GOLDEN / name / "config_dump.json"
    snap_port = "8080"
    args = ["route", str(dump), "--host", req["authority"], "--path", req["path"],
            "--port", snap_port, "-o", "json"]
    for name, value in (req.get("headers") or {}).items():
        args += ["-H", f"{name}: {value}"]
    dec = json.loads(run_cli(*args).stdout)
    flag = req["response_flags"]
    if flag == "NR":
        assert dec["outcome"] == "NR"
        return
    assert dec["route"]["name"] == req["route_name"]
    by_cluster = {d["cluster"]: d for d in dec["destinations"]}
    if req["upstream_cluster"]:
        assert req["upstream_cluster"] in by_cluster
        assert by_cluster[req["upstream_cluster"]]["flag"] == ("" if flag == "-" else flag)
    else:  # NC: Envoy logs no upstream cluster; one destination must be missing
        assert flag == "NC"
        assert any(d["flag"] == "NC" for d in dec["destinations"])
