"""Every shipped rule passes its own fixtures, and `dumpdiff rules` works from the CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dumpdiff.cli import app
from dumpdiff.lint import default_rules_dir, load_rules
from dumpdiff.lint.selftest import test_rule as run_fixtures

runner = CliRunner()
RULES = load_rules([])

REQUIRED = {"VS-DESTINATION-NOT-IN-PROXY", "ROUTE-TO-MISSING-CLUSTER",
            "SUBSET-WITHOUT-ENDPOINTS", "CLUSTER-ALL-ENDPOINTS-UNHEALTHY", "ENDPOINT-EJECTED",
            "ENDPOINT-UNHEALTHY", "LISTENER-UPDATE-REJECTED", "RESOURCE-WARMING",
            "PROXY-NOT-SYNCED"}


def test_required_rules_are_shipped() -> None:
    assert {r.id for r in RULES} >= REQUIRED


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_passes_its_fixtures(rule: object) -> None:
    cases = run_fixtures(rule)  # type: ignore[arg-type]
    assert {c.kind for c in cases} == {"pass", "fail"}
    bad = [f"{c.kind} {c.fixture}: {c.detail}" for c in cases if not c.ok]
    assert bad == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_documented(rule: object) -> None:
    from dumpdiff.lint.rule import Rule

    assert isinstance(rule, Rule)
    assert len(rule.description) > 80 and rule.remediation and 1 <= rule.rung <= 7


def test_rules_test_command_exits_0() -> None:
    result = runner.invoke(app, ["rules", "test"])
    assert result.exit_code == 0, result.output
    assert f"{len(RULES)} rules, 0 failing" in result.output


def test_rules_list_and_show() -> None:
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == 0
    assert all(r.id in listed.output for r in RULES)
    shown = runner.invoke(app, ["rules", "show", "route-to-missing-cluster"])
    assert shown.exit_code == 0
    assert "503" in shown.output and "$.route_destinations[*]" in shown.output
    assert runner.invoke(app, ["rules", "show", "NO-SUCH-RULE"]).exit_code == 2


def test_default_rules_dir_is_found() -> None:
    folder = default_rules_dir()
    assert folder is not None and folder.endswith("rules")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_fixtures_have_provenance(rule: object) -> None:
    """Lab fixtures come with the generator's scenario.yaml; hand-made ones are labelled."""
    from pathlib import Path

    from dumpdiff.lint.rule import Rule

    assert isinstance(rule, Rule)
    base = Path(rule.directory)
    readme = (base / "fixtures" / "README.md").read_text()
    for fixtures in rule.fixtures.values():
        for fx in fixtures:
            for rel in [*(fx.get("dumps") or [fx["dump"]]), *(fx.get("manifests") or [])]:
                path = base / rel
                assert path.exists(), rel
                parts = Path(rel).parts
                if parts[1] == "lab":
                    assert (base / "fixtures" / "lab" / parts[2] / "scenario.yaml").is_file()
                elif parts[1] == "handmade":
                    if path.is_file() and path.suffix == ".yaml":
                        assert "Hand-made" in path.read_text().splitlines()[0], rel
                    assert "handmade/" + parts[2] in readme, rel
                else:
                    assert parts[1] in ("golden", "corpus"), rel
