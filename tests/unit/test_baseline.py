"""Baselines: CI fails only on findings that are not in the baseline; fingerprints come from
rule id + identity, so reformatting a manifest or restarting a pod does not make old
findings new."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dumpdiff.cli import app

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "rules" / "fixtures" / "golden"
LAB = ROOT / "rules" / "fixtures" / "lab"
runner = CliRunner()


def _lint(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["lint", *args, "-o", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _mesh(tmp_path: Path) -> Path:
    """A folder bundle with one known problem: subset v3 has no endpoints."""
    folder = tmp_path / "mesh"
    shutil.copytree(GOLDEN / "subset-no-endpoints", folder)
    return folder


def test_baseline_round_trip_only_the_new_fault_fails(tmp_path: Path) -> None:
    mesh = _mesh(tmp_path)
    baseline = tmp_path / "baseline.json"
    written = runner.invoke(app, ["lint", str(mesh), "--baseline-write", str(baseline)])
    assert written.exit_code == 0, written.output  # writing a baseline accepts today's state
    doc = json.loads(baseline.read_text())
    assert {e["rule_id"] for e in doc["findings"]} == {
        "SUBSET-WITHOUT-ENDPOINTS", "VS-DESTINATION-NO-ENDPOINTS", "INBOUND-WITHOUT-AUTHZ"}
    assert str(tmp_path) not in baseline.read_text()  # no paths, pods or lines in it

    code, out = _lint(str(mesh), "--baseline", str(baseline))
    assert code == 0 and {f["baseline"] for f in out["findings"]} == {"unchanged"}

    # A new fault: the gateway joins the mesh with a Secret that does not exist.
    shutil.copytree(LAB / "gateway-bad-credentials", mesh / "gateway")
    code, out = _lint(str(mesh), "--baseline", str(baseline))
    assert code == 1
    new = [f["rule_id"] for f in out["findings"] if f["baseline"] == "new"]
    assert sorted(new) == ["CERT-EXPIRED", "GATEWAY-CREDENTIAL-MISSING"]
    failing = [f for f in out["findings"]
               if f["severity"] == "error" and f["baseline"] == "new"]
    assert len(failing) == out["counts"]["error"] == 2


def test_fixed_findings_are_listed_not_failed(tmp_path: Path) -> None:
    mesh = _mesh(tmp_path)
    baseline = tmp_path / "baseline.json"
    runner.invoke(app, ["lint", str(mesh), "--baseline-write", str(baseline)])
    healthy = GOLDEN / "payment-canary-synced"
    code, out = _lint(str(healthy / "config_dump.json"), "--manifests",
                      str(healthy / "manifests"), "--baseline", str(baseline))
    assert code == 0
    assert {e["rule_id"] for e in out["baseline_absent"]} == {
        "SUBSET-WITHOUT-ENDPOINTS", "VS-DESTINATION-NO-ENDPOINTS"}


def test_fingerprints_survive_reformatting_and_pod_restarts(tmp_path: Path) -> None:
    mesh = _mesh(tmp_path)
    _, before = _lint(str(mesh))
    # Reformat the manifest (lines move) and rename the pod (a restart gives a new name).
    vs = mesh / "manifests" / "virtualservice-production-payment.yaml"
    vs.write_text("# reviewed\n\n\n" + vs.read_text())
    dump = mesh / "config_dump.json"
    dump.write_text(dump.read_text().replace("x2x4k", "z9y8w"))
    _, after = _lint(str(mesh))
    prints = {(f["rule_id"], f["fingerprint"]) for f in before["findings"]}
    assert {(f["rule_id"], f["fingerprint"]) for f in after["findings"]} == prints
    moved = [f for f in after["findings"] if f["rule_id"] == "VS-DESTINATION-NO-ENDPOINTS"]
    assert moved[0]["evidence"]["line"] == next(
        f for f in before["findings"]
        if f["rule_id"] == "VS-DESTINATION-NO-ENDPOINTS")["evidence"]["line"] + 3


def test_bad_baseline_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text('{"findings": []}')
    result = runner.invoke(app, ["lint", str(GOLDEN / "subset-no-endpoints" / "config_dump.json"),
                                 "--baseline", str(bad)])
    assert result.exit_code == 2 and "not a dumpdiff baseline" in result.stderr
