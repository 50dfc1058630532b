"""The CI examples in docs/examples parse and only use options dumpdiff lint has."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

from dumpdiff.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
runner = CliRunner()


def _lint_options() -> set[str]:
    return set(re.findall(r"--[a-z][a-z-]+", runner.invoke(app, ["lint", "--help"]).stdout))


def test_workflow_runs_dumpdiff_with_existing_options() -> None:
    flow = yaml.safe_load((EXAMPLES / "github-actions-premerge.yml").read_text())
    runs = [s["run"] for s in flow["jobs"]["premerge"]["steps"] if "dumpdiff lint" in
            str(s.get("run", ""))]
    assert len(runs) == 2
    used = set(re.findall(r"--[a-z][a-z-]+", " ".join(runs)))
    assert {"--manifests", "--dumps"} <= used
    assert used <= _lint_options()
    assert "-o github" in runs[0] and "-o sarif" in runs[1] and "-o junit" in runs[1]


def test_pre_commit_hook_definition() -> None:
    text = (EXAMPLES / "pre-commit-hooks.yaml").read_text()
    (hook,) = yaml.safe_load(text)
    assert hook["id"] == "dumpdiff-premerge" and hook["pass_filenames"] is False
    assert hook["entry"].startswith("dumpdiff lint")
    usage = "\n".join(ln[1:] for ln in text.splitlines() if ln.startswith("#"))
    args = re.search(r"args: \[(.*)\]", usage)
    assert args is not None
    used = {a.strip() for a in args.group(1).split(",") if a.strip().startswith("--")}
    assert used == {"--manifests", "--dumps"} and used <= _lint_options()
