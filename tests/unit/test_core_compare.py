"""compare: keyed by resource, blind to reordering and replica identity, exact on real edits."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, CORPUS_DUMPS, run_cli

# Lists whose order Envoy evaluates (first match wins / filter order): a shuffle there is a
# real change. Every other list of named objects is a set for Envoy.
ORDERED_FIELDS = {"routes", "http_filters", "filters", "listener_filters",
                  "transport_socket_matches"}


def _scramble(obj: Any, rng: random.Random, field: str = "") -> Any:
    if isinstance(obj, dict):
        items = [(k, _scramble(v, rng, k)) for k, v in obj.items()]
        rng.shuffle(items)  # dict key order
        return {k: ("2001-01-01T00:00:00.000Z" if k == "last_updated" else v) for k, v in items}
    if isinstance(obj, list):
        out = [_scramble(v, rng, field) for v in obj]
        named = out and all(isinstance(v, dict) and ("name" in v or "route_config" in v
                                                     or "cluster" in v or "secret" in v
                                                     or "endpoint_config" in v
                                                     or "active_state" in v) for v in out)
        if named and field not in ORDERED_FIELDS:
            rng.shuffle(out)
        return out
    return obj


@pytest.mark.parametrize("dump", CORPUS_DUMPS, ids=lambda p: p.name)
def test_shuffled_reordered_retimestamped_copy_is_identical(dump: Path, tmp_path: Path) -> None:
    data = json.loads(dump.read_text())
    shuffled = tmp_path / dump.name
    shuffled.write_text(json.dumps(_scramble(data, random.Random(7))))
    proc = run_cli("compare", str(dump), str(shuffled))
    assert proc.returncode == 0, proc.stdout
    assert "identical" in proc.stdout


def test_reordering_routes_in_a_virtual_host_is_reported_as_a_move(tmp_path: Path) -> None:
    src = CORPUS / "gateway-http-routes-subset.json"
    data = json.loads(src.read_text())
    vhost = data["configs"][0]["dynamic_route_configs"][0]["route_config"]["virtual_hosts"][0]
    assert len(vhost["routes"]) >= 2
    vhost["routes"].append(vhost["routes"].pop(0))  # first route becomes last
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(data))
    proc = run_cli("compare", str(src), str(moved), "-o", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)["changes"]
    assert {c["kind"] for c in changes} == {"moved"}
    assert all(c["resource"] == "http.8080" for c in changes)
    assert all(".routes[" in c["path"] and "[" in c["path"] for c in changes)


def test_waypoint_edit_reports_the_port_change_and_removed_fields_only() -> None:
    proc = run_cli("compare", str(CORPUS / "waypoint-reviews.json"),
                   str(CORPUS / "waypoint-reviews-edited.json"), "-o", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)["changes"]
    got = {(c["section"], c["resource"], c["path"], c["kind"]) for c in changes}
    ratings = "inbound-vip|9999|http|ratings.default.svc.cluster.local"
    reviews = "inbound-vip|9999|http|reviews-v3.default.svc.cluster.local"
    hcm = "filters[envoy.filters.network.http_connection_manager].typed_config"
    assert got == {
        ("clusters", ratings, "name", "changed"),
        ("clusters", ratings, "eds_cluster_config", "removed"),
        ("routes", reviews, "name", "changed"),
        ("routes", reviews, "virtual_hosts[inbound|http|9080].routes[default].route"
                            ".max_stream_duration.max_stream_duration", "removed"),
        ("listeners", "connect_terminate", f"filter_chains[default].{hcm}.use_remote_address",
         "removed"),
        ("listeners", "main_internal",
         f"filter_chains[inbound-vip|9080||details.default.svc.cluster.local-http].{hcm}"
         ".stat_prefix", "changed"),
    }
    stat = next(c for c in changes if c["path"].endswith("stat_prefix"))
    assert (stat["old"], stat["new"]) == ("inbound_0.0.0.0_9080", "inbound_0.0.0.0_9999")
    name = next(c for c in changes if c["section"] == "clusters" and c["path"] == "name")
    assert name["old"] == "inbound-vip|9080|http|ratings.default.svc.cluster.local"


def test_text_output_names_resources_and_summarizes() -> None:
    proc = run_cli("compare", str(CORPUS / "waypoint-reviews.json"),
                   str(CORPUS / "waypoint-reviews-edited.json"))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(line.startswith("clusters: 1 changed") for line in lines)
    assert "cluster inbound-vip|9999|http|ratings.default.svc.cluster.local" in proc.stdout
    assert "root[" not in proc.stdout and "\x1b[" not in proc.stdout  # no colour off a TTY


def test_markdown_output_is_ticket_ready() -> None:
    proc = run_cli("compare", str(CORPUS / "waypoint-reviews.json"),
                   str(CORPUS / "waypoint-reviews-edited.json"), "-o", "markdown")
    assert proc.returncode == 1
    assert proc.stdout.startswith("## dumpdiff compare")
    assert "### listeners" in proc.stdout
    assert "`inbound_0.0.0.0_9080` → `inbound_0.0.0.0_9999`" in proc.stdout


def test_only_and_ignore_narrow_the_comparison() -> None:
    a, b = str(CORPUS / "waypoint-reviews.json"), str(CORPUS / "waypoint-reviews-edited.json")
    only = json.loads(run_cli("compare", a, b, "--only", "listeners", "-o", "json").stdout)
    assert {c["section"] for c in only["changes"]} == {"listeners"}
    proc = run_cli("compare", a, b, "--only", "listeners", "--ignore", "*stat_prefix",
                   "--ignore", "listeners/connect_terminate/*")
    assert proc.returncode == 0, proc.stdout
    assert "2 differences ignored" in proc.stdout


def test_json_output_is_versioned_and_carries_identities() -> None:
    dump = str(CORPUS / "sidecar-ratings.json")
    out = json.loads(run_cli("compare", dump, dump, "-o", "json").stdout)
    assert out["schema"] == "dumpdiff.compare/v1"
    assert out["identical"] is True and out["changes"] == []
    assert out["left"]["identity"]["pod"] == "ratings-v1-f745cf57b-vfwcv"


def _rewrite_identity(text: str, pairs: dict[str, str]) -> str:
    for old, new in pairs.items():
        text = text.replace(old, new)
    return text


REPLICA = {"172.30.150.216": "172.30.150.99",
           "productpage-v1-7bbd79f8fd-k6j79": "productpage-v1-7bbd79f8fd-q8w2n",
           "fe80::863:a7ff:fe55:26a9": "fe80::863:a7ff:fe55:1111"}


def test_replica_with_other_pod_ip_and_name_is_identical(tmp_path: Path) -> None:
    src = CORPUS / "sidecar-productpage-istio13.json"
    replica = tmp_path / "replica.json"
    replica.write_text(_rewrite_identity(src.read_text(), REPLICA))
    proc = run_cli("compare", str(src), str(replica))
    assert proc.returncode == 0, proc.stdout


def test_replica_without_normalization_differs_only_in_identity(tmp_path: Path) -> None:
    src = CORPUS / "sidecar-productpage-istio13.json"
    replica = tmp_path / "replica.json"
    replica.write_text(_rewrite_identity(src.read_text(), REPLICA))
    proc = run_cli("compare", str(src), str(replica), "--no-normalize", "-o", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)["changes"]
    assert changes
    for c in changes:
        text = json.dumps([c["resource"], c["path"], c["old"], c["new"]])
        assert any(tok in text for tok in (*REPLICA, *REPLICA.values())), c
    paths = {c["path"] for c in changes if c["section"] == "bootstrap"}
    assert {"node.id", "node.metadata.INSTANCE_IPS", "node.metadata.POD_NAME"} <= paths


def test_a_real_change_between_replicas_is_still_found(tmp_path: Path) -> None:
    src = CORPUS / "sidecar-productpage-istio13.json"
    data = json.loads(_rewrite_identity(src.read_text(), REPLICA))
    for entry in data["configs"][1]["dynamic_active_clusters"]:
        if entry["cluster"]["name"] == "outbound|9080||reviews.default.svc.cluster.local":
            entry["cluster"]["connect_timeout"] = "1s"
    replica = tmp_path / "replica.json"
    replica.write_text(json.dumps(data))
    out = json.loads(run_cli("compare", str(src), str(replica), "-o", "json").stdout)
    assert [(c["resource"], c["path"], c["new"]) for c in out["changes"]] == [
        ("outbound|9080||reviews.default.svc.cluster.local", "connect_timeout", "1s")]
    assert out["summary"]["clusters"]["changed"] == 1


def test_normalize_prints_a_dump_that_compares_identical(tmp_path: Path) -> None:
    src = CORPUS / "waypoint-httpbin-full.json"
    proc = run_cli("normalize", str(src))
    assert proc.returncode == 0
    assert "192.168.252.229" not in proc.stdout  # the pod IP is masked
    assert "{pod_ip}" in proc.stdout
    norm = tmp_path / "norm.json"
    norm.write_text(proc.stdout)
    assert run_cli("compare", str(src), str(norm)).returncode == 0
    again = run_cli("normalize", str(norm)).stdout
    assert json.loads(again) == json.loads(proc.stdout)  # idempotent


def test_output_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    proc = run_cli("compare", str(CORPUS / "waypoint-reviews.json"),
                   str(CORPUS / "waypoint-reviews-edited.json"), "-o", "markdown",
                   "--output-file", str(out))
    assert proc.returncode == 1 and proc.stdout == ""
    assert out.read_text().startswith("## dumpdiff compare")
    assert not list(tmp_path.glob(".dumpdiff-*"))  # no temporary left behind
