"""docs/rules.md is what `dumpdiff rules docs` prints from the rule files, and every rule says
what it catches, why, and what to do."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from dumpdiff.cli import app
from dumpdiff.lint import load_rules

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_rules_md_is_current() -> None:
    result = runner.invoke(app, ["rules", "docs"])
    assert result.exit_code == 0
    assert (ROOT / "docs" / "rules.md").read_text() == result.stdout, (
        "docs/rules.md is stale: run `dumpdiff rules docs --output-file docs/rules.md`")


def test_every_rule_has_a_section_with_catches_and_what_to_do() -> None:
    text = (ROOT / "docs" / "rules.md").read_text()
    sections = text.split("\n## ")[1:]
    rules = {r.id: r for r in load_rules([])}
    assert sorted(s.split("\n", 1)[0] for s in sections) == sorted(rules)
    for section in sections:
        rule = rules[section.split("\n", 1)[0]]
        assert "### What it catches, and why it matters" in section
        assert "### What to do" in section and "- fails:" in section and "- passes:" in section
        assert rule.description in section
        assert "{" not in section.split("### What to do", 1)[1].split("### Fixtures")[0]


def test_rules_docs_writes_a_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "rules.md"
    result = runner.invoke(app, ["rules", "docs", "--output-file", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text() == (ROOT / "docs" / "rules.md").read_text()
