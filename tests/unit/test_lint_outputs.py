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
    results = [r for r in log["runs"][0]["results"] if r["level"] == "error"]
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
    assert all(r["partialFingerprints"]["dumpdiffIdentity/v1"] for r in results)


def test_junit_has_one_suite_per_rule_with_failures_for_findings() -> None:
    code, text = _run("-o", "junit")
    root = ET.fromstring(text)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert "SUBSET-WITHOUT-ENDPOINTS" in suites and len(suites) == len(set(suites))
    failed = {name for name, s in suites.items() if s.get("failures") != "0"}
    assert failed == {"VS-DESTINATION-NOT-IN-PROXY", "PROXY-NOT-SYNCED"}
    for name in failed:
        case = suites[name].find("testcase")
        assert case is not None and case.find("failure") is not None
        assert "production/payment-v1" in str(case.get("name"))
    assert root.get("failures") == "2" and code == 1


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


def test_sarif_marks_suppressed_and_baselined_findings(tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("suppressions:\n  - rule: PROXY-NOT-SYNCED\n    identity: 'payment-v1-*'\n"
                      "    reason: istiod migration tonight\n")
    baseline = tmp_path / "baseline.json"
    assert runner.invoke(app, ["lint", *ARGS, "--baseline-write", str(baseline),
                               "-o", "json"]).exit_code == 0
    code, text = _run("-o", "sarif", "--ignore-file", str(ignore), "--baseline",
                      str(baseline))
    log = json.loads(text)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    by_rule = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert by_rule["PROXY-NOT-SYNCED"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "istiod migration tonight"}]
    assert {r["baselineState"] for r in by_rule.values()} == {"unchanged"}
    assert code == 0  # everything is either suppressed or in the baseline


GITHUB_RULE = """\
id: TEAM-ESCAPES
title: A rule whose text needs escaping
severity: warning
rung: 7
description: Reports the payment clusters with a message full of workflow-command syntax.
select: "$.clusters[?(@.subset == 'v1')]"
subject: "cluster {name}: a, b"
message: |
  100% of {name}: first line, second part
  ::error::not a command
remediation: Nothing to do; this is an example for escaping.
identity: "{workload}|{name}"
fixtures:
  pass: [{dump: x.json}]
  fail: [{dump: x.json}]
"""


def test_github_annotations_escape_data_and_properties(tmp_path: Path) -> None:
    from dumpdiff.report.lint_github import escape_data, escape_property

    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("50% a\nb: c, d") == "50%25 a%0Ab%3A c%2C d"
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "team.yaml").write_text(GITHUB_RULE)
    result = runner.invoke(app, ["lint", str(STALE / "config_dump.json"), "--rules",
                                 str(folder), "--no-default-rules", "-o", "github",
                                 "--fail-on", "warning"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    (line,) = [ln for ln in lines if ln.startswith("::warning ")]
    props, _, message = line[len("::warning "):].partition("::")
    # Nothing the runner would read as a second command or property survives unescaped.
    assert "title=TEAM-ESCAPES%3A cluster outbound|8080|v1|" in props and "%2C b" in props
    assert message.startswith("100%25 of outbound|8080|v1|") and "%0A::error::" in message
    assert "\n" not in line and lines[-1].startswith("dumpdiff lint: 0 error(s), 1 warning")


def test_github_annotation_points_at_manifest_line() -> None:
    result = runner.invoke(app, ["lint", *ARGS, "-o", "github"])
    (vs,) = [ln for ln in result.stdout.splitlines()
             if "VS-DESTINATION-NOT-IN-PROXY" in ln]
    manifest = STALE / "manifests" / "virtualservice-production-payment.yaml"
    assert vs.startswith(f"::error file={manifest},line=")
    line = int(vs.split("line=", 1)[1].split(",", 1)[0])
    assert manifest.read_text().splitlines()[line - 1].strip() == "- destination:"
