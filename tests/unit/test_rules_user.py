"""A rule in a user's own folder (--rules) runs; broken rules fail with file:line and exit 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dumpdiff.cli import app

ROOT = Path(__file__).resolve().parents[2]
DUMP = ROOT / "rules" / "fixtures" / "golden" / "payment-canary-synced" / "config_dump.json"
runner = CliRunner()

GOOD = """\
id: TEAM-SUBSET-CLUSTER
title: Report subset clusters (a team's own rule)
severity: info
rung: 7
description: Lists the DestinationRule subset clusters, joined to a route that uses them.
select: "$.clusters[?(@.direction == 'outbound')]"
where:
  properties:
    subset: {type: string, minLength: 1}
join:
  collection: route_destinations
  on: {name: cluster}
  expect: present
message: Cluster {name} (subset {subset}) has no route pointing at it.
remediation: Nothing to do; this is an example.
identity: "{this_proxy}|{name}"
fixtures:
  pass: [{dump: x.json}]
  fail: [{dump: x.json}]
"""


def _write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "team-rules"
    folder.mkdir(exist_ok=True)
    (folder / "team.yaml").write_text(text)
    return folder


def test_user_rule_runs_with_unquoted_on_key(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD)
    result = runner.invoke(app, ["lint", str(DUMP), "--rules", str(folder), "--no-default-rules",
                                 "--fail-on", "info", "-o", "json"])
    out = json.loads(result.stdout)
    # The synced canary routes to v1, v2 and v3 from its VirtualService (manifest), so every
    # subset cluster is used by a route: the join finds each one, nothing is reported.
    manifest = (DUMP.parent / "manifests" / "virtualservice-production-payment.yaml").read_text()
    assert all(f"subset: {s}" in manifest for s in ("v1", "v2", "v3"))
    assert out["findings"] == [] and result.exit_code == 0
    assert [r["id"] for r in out["rules"]] == ["TEAM-SUBSET-CLUSTER"]


def test_user_rule_reports(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD.replace("expect: present", "expect: absent"))
    result = runner.invoke(app, ["lint", str(DUMP), "--rules", str(folder), "--fail-on", "info",
                                 "-o", "json"])
    assert result.exit_code == 1
    subjects = {f["identity"].split("|", 1)[1] for f in json.loads(result.stdout)["findings"]
                if f["rule_id"] == "TEAM-SUBSET-CLUSTER"}
    assert subjects == {f"outbound|8080|{s}|payment.production.svc.cluster.local"
                        for s in ("v1", "v2", "v3")}


@pytest.mark.parametrize(("change", "line", "reason"), [
    (("{subset})", "{subsett})"), 14, "no field 'subsett'"),
    (("severity: info", "severity: fatal"), 3, "severity"),
    (("== 'outbound'", "=== 'outbound'"), 6, "not a valid JSONPath"),
    (("minLength: 1}", "minLength: -1}"), 9, "not a valid JSON Schema"),
    (("on: {name: cluster}", "on: {name: clusterr}"), 12, "no field 'clusterr'"),
    (("rung: 7", "rung: 7\nrung: 6"), 5, "duplicate key"),
    (("$.clusters[", "$.clusterz["), 6, "no facts collection"),
    (("  expect: present", "  expect: present\n  compare:\n    - {left: other.nme, op: eq, "
      "right: name}"), 15, "no field 'nme'"),
    (("  expect: present", "  expect: present\n  compare:\n    - {left: name, op: like, "
      "right: name}"), 15, "'like' is not one of"),
    (("collection: route_destinations", "collection: proxies"), 11, "fleet collection"),
])
def test_broken_rule_fails_with_file_line_and_exit_3(
        tmp_path: Path, change: tuple[str, str], line: int, reason: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    folder = _write(tmp_path, text)
    result = runner.invoke(app, ["lint", str(DUMP), "--rules", str(folder)])
    assert result.exit_code == 3
    err = result.stderr.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert f"{folder / 'team.yaml'}:{line}:" in err and reason in err


def test_rule_cannot_construct_python_objects(tmp_path: Path) -> None:
    evil = GOOD.replace("title: Report", "title: !!python/name:os.system Report")
    folder = _write(tmp_path, evil)
    result = runner.invoke(app, ["lint", str(DUMP), "--rules", str(folder)])
    assert result.exit_code == 3 and "not allowed" in result.stderr


def test_duplicate_rule_id_across_folders(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD.replace("TEAM-SUBSET-CLUSTER", "ROUTE-TO-MISSING-CLUSTER"))
    result = runner.invoke(app, ["lint", str(DUMP), "--rules", str(folder)])
    assert result.exit_code == 3 and "already defined" in result.stderr


def test_rules_test_on_user_folder_fails_when_fixture_missing(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD)
    result = runner.invoke(app, ["rules", "test", str(folder)])
    assert result.exit_code == 3 and "FAIL" in result.output


COMPARE_RULE = """\
id: TEAM-SHARE
title: Clusters where one host is more than a quarter of the cluster
severity: info
rung: 7
description: A rule comparing two fields of one row, and a field against a joined row.
select: "$.clusters[*]"
compare:
  - {left: host_share_percent, op: gt, right: outlier_max_ejection_percent}
message: Cluster {name} host share {host_share_percent} > {outlier_max_ejection_percent}.
remediation: Nothing to do; this is an example.
identity: "{workload}|{name}"
fixtures:
  pass: [{dump: x.json}]
  fail: [{dump: x.json}]
"""


def test_user_rule_compares_two_fields(tmp_path: Path) -> None:
    folder = _write(tmp_path, COMPARE_RULE)
    outlier = ROOT / "rules" / "fixtures" / "lab" / "outlier-overflow" / "config_dump.json"
    out = json.loads(runner.invoke(app, ["lint", str(outlier), "--rules", str(folder),
                                         "--no-default-rules", "--fail-on", "info",
                                         "-o", "json"]).stdout)
    # Only the clusters with outlier detection have both sides (null sides never match);
    # each of their hosts is over 10 % of its cluster (max_ejection_percent left at 10).
    assert {f["identity"].split("|", 1)[1] for f in out["findings"]} == {
        f"outbound|8080|{s}|payment.production.svc.cluster.local" for s in ("v1", "v2", "v3", "")}


def test_compare_operators() -> None:
    from dumpdiff.lint.compare import Comparison

    row = {"a": "/api/v2", "b": "/api", "n": 3, "l": ["x", "y"], "d": {"k": "v"}, "z": None}
    assert Comparison("a", "starts_with", "b").holds(row)
    assert not Comparison("b", "starts_with", "a").holds(row)
    assert Comparison("l", "contains", "other.x").holds(row, {"x": "y"})
    assert Comparison("other.d", "subset_of", "d").holds(row, {"d": {"k": "v"}})
    assert not Comparison("z", "ne", "n").holds(row)  # a null side is never a finding
    assert not Comparison("a", "lt", "n").holds(row)  # text vs number: not comparable
