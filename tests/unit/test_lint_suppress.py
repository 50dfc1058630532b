"""The ignore file: rule id + identity glob + reason + optional expiry; an expired entry is
itself reported and stops suppressing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dumpdiff.cli import app

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT / "rules" / "fixtures" / "golden" / "subset-no-endpoints" / "config_dump.json"
runner = CliRunner()


def _lint(ignore: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["lint", str(SUBSET), "--ignore-file", str(ignore), *extra,
                                 "-o", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_glob_suppresses_with_reason_and_run_passes(tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("suppressions:\n"
                      "  - rule: subset-without-endpoints\n"
                      "    identity: 'production/payment-v1|outbound|*|v3|*'\n"
                      "    reason: v3 is scaled to zero between releases\n"
                      "    expires: 2999-12-31\n")
    code, out = _lint(ignore)
    (f,) = [f for f in out["findings"] if f["rule_id"] == "SUBSET-WITHOUT-ENDPOINTS"]
    assert f["suppressed"] == "v3 is scaled to zero between releases"
    assert code == 0 and out["counts"]["error"] == 0


def test_expired_suppression_is_reported_at_its_line_and_stops_suppressing(
        tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("# team exceptions\nsuppressions:\n"
                      "  - rule: SUBSET-WITHOUT-ENDPOINTS\n"
                      "    identity: 'production/payment-v1|*'\n"
                      "    reason: until the v3 rollout\n"
                      "    expires: 2020-01-31\n")
    code, out = _lint(ignore, "--fail-on", "warning")
    by_rule = {f["rule_id"]: f for f in out["findings"]}
    assert by_rule["SUBSET-WITHOUT-ENDPOINTS"]["suppressed"] is None
    expired = by_rule["SUPPRESSION-EXPIRED"]
    assert expired["severity"] == "warning" and "expired on 2020-01-31" in expired["message"]
    assert expired["evidence"]["source"] == str(ignore) and expired["evidence"]["line"] == 3
    assert code == 1


def test_text_report_marks_suppressed_findings(tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("suppressions:\n  - {rule: SUBSET-WITHOUT-ENDPOINTS, identity: '*', "
                      "reason: known}\n")
    result = runner.invoke(app, ["lint", str(SUBSET), "--ignore-file", str(ignore)])
    assert result.exit_code == 0
    assert "[suppressed: known]" in result.stdout
    assert "1 suppressed or in the baseline" in result.stdout


def test_bad_ignore_file_is_one_line_exit_2_with_file_line(tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("suppressions:\n  - rule: SUBSET-WITHOUT-ENDPOINTS\n"
                      "    identity: '*'\n")
    result = runner.invoke(app, ["lint", str(SUBSET), "--ignore-file", str(ignore)])
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert err.count("\n") == 0 and f"{ignore}:2:" in err and "reason" in err
