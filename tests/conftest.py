"""Shared test helpers: where the data is, and how to run the CLI like a user does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
GOLDEN = ROOT / "golden_dumps"

# Every real config dump of the corpus (clusters-status.json is /clusters output).
CORPUS_DUMPS = sorted(p for p in CORPUS.glob("*.json") if p.name != "clusters-status.json")


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m dumpdiff ARGS` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "dumpdiff", *args], input=stdin.decode()
                          if stdin is not None else None, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """The CLI runner."""
    return run_cli
