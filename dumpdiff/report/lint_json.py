"""`dumpdiff lint -o json`: the versioned LintResult form (schema `dumpdiff.lint/v1`)."""

from __future__ import annotations

from dumpdiff.lint.finding import LintResult
from dumpdiff.report import jsonout


def render(result: LintResult) -> str:
    """Pretty JSON."""
    return jsonout.render(result.to_dict())
