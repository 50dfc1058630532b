"""Rule files from untrusted pull requests: safe YAML, no catastrophic regexes, clean errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dumpdiff.lint.regex_guard import unsafe_reason
from tests.conftest import GOLDEN, run_cli

BASE = """\
id: USER-RULE
title: A user's rule
severity: warning
rung: 4
tags: [user]
codes: []
description: A rule written by a user, to test what the loader accepts.
select: "$.clusters[*]"
where:
  properties:
    name: {{type: string, pattern: "{pattern}"}}
subject: "cluster {{name}}"
message: "Cluster {{name}} matched."
remediation: Nothing to do.
identity: "{{name}}"
fixtures:
  pass:
    - dump: {passing}
  fail:
    - dump: {failing}
"""
PASSING = Path(__file__).resolve().parents[1] / "data" / "corpus" / "waypoint-reviews.json"
FAILING = GOLDEN / "subset-no-endpoints" / "config_dump.json"


def _rule(pattern: str) -> str:
    return BASE.format(pattern=pattern, passing=PASSING, failing=FAILING)


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|ab)*c", r"(\\\\w+\\\\s?)*x", "(.*a){20}"])
def test_catastrophic_regex_is_refused_with_file_and_line(tmp_path: Path, pattern: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "user.yaml").write_text(_rule(pattern))
    proc = run_cli("lint", str(GOLDEN / "payment-canary-synced" / "config_dump.json"),
                   "--rules", str(rules))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    line = proc.stderr.strip()
    assert f"{rules / 'user.yaml'}:" in line and "backtrack" in line
    assert len(line.splitlines()) == 1


def test_safe_regex_is_accepted(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "user.yaml").write_text(_rule("^outbound\\\\|[0-9]+\\\\|v3\\\\|"))
    proc = run_cli("lint", str(GOLDEN / "subset-no-endpoints" / "config_dump.json"),
                   "--rules", str(rules), "--fail-on", "warning", "-o", "json")
    assert proc.returncode == 1, proc.stderr
    assert "USER-RULE" in proc.stdout


def test_python_tags_in_a_rule_are_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    marker = tmp_path / "pwned"
    (rules / "evil.yaml").write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    proc = run_cli("rules", "list", "--rules", str(rules))
    assert proc.returncode == 3 and not marker.exists()
    assert "evil.yaml" in proc.stderr


def test_guard_judges_shapes_not_just_length() -> None:
    assert unsafe_reason(r"^[a-z0-9-]+\.svc\.cluster\.local$") is None
    assert unsafe_reason(r"^(v1|v2)$") is None
    assert unsafe_reason(r"(x+x+)+y") is not None
    assert unsafe_reason("a" * 300) is not None
