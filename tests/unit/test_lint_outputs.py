"""Lint output formats: SARIF validates against the OASIS schema; JUnit, Markdown, text, files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from dumpdiff.cli import app

ROOT = Path(__file__).resolve().parents[2]
STALE = ROOT / "rules" / "fixtures" / "golden" / "payment-canary-stale"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
ARGS = [str(STALE / "config_dump.json"), "--manifests", str(STALE / "manifests"),
        "--proxy-status", str(STALE / "proxy-status.txt")]
runner = CliRunner()


def _run(*fmt: str) -> tuple[int, str]:
    result = runner.invoke(app, ["lint", *ARGS, *fmt])
    return result.exit_code, result.stdout


def test_sarif_validates_and_has_locations() -> None:
    code, text = _run("-o", "sarif")
    assert code == 1
    log = json.loads(text)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"VS-DESTINATION-NOT-IN-PROXY", "PROXY-NOT-SYNCED"}
    for r in results:
        assert r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        assert r["level"] == "error"
    vs = next(r for r in results if r["ruleId"] == "VS-DESTINATION-NOT-IN-PROXY")
    phys = vs["locations"][0]["physicalLocation"]
    manifest = STALE / "manifests" / "virtualservice-production-payment.yaml"
    assert phys["artifactLocation"]["uri"] == manifest.as_uri()
    # The missing destination is the `- destination:` entry with subset v2 in the manifest.
    lines = manifest.read_text().splitlines()
    line = phys["region"]["startLine"]
    assert lines[line - 1].strip() == "- destination:"
    assert "subset: v2" in "\n".join(lines[line - 1:line + 5])
    rule_ids = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in results)


def test_junit_counts_failures() -> None:
    code, text = _run("-o", "junit")
    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None
    failed = {c.get("classname") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {"VS-DESTINATION-NOT-IN-PROXY", "PROXY-NOT-SYNCED"}
    assert suite.get("failures") == "2" and code == 1


def test_markdown_table_lists_findings() -> None:
    _, text = _run("-o", "markdown")
    rows = [ln for ln in text.splitlines() if ln.startswith("| error")]
    assert len(rows) == 2
    assert any("`PROXY-NOT-SYNCED`" in r for r in rows)


def test_text_output_to_file_has_no_colour(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = runner.invoke(app, ["lint", *ARGS, "--output-file", str(out)])
    assert result.exit_code == 1 and result.stdout == ""
    text = out.read_text()
    assert "\x1b[" not in text
    assert "2 errors" in text and "VS-DESTINATION-NOT-IN-PROXY" in text


def test_fail_on_threshold() -> None:
    synced = ROOT / "rules" / "fixtures" / "golden" / "ejected-host"
    base = ["lint", str(synced / "config_dump.json"), "--clusters", str(synced / "clusters.json")]
    assert runner.invoke(app, [*base, "--fail-on", "error"]).exit_code == 0
    assert runner.invoke(app, [*base, "--fail-on", "warning"]).exit_code == 1
