"""The lint engine: declarative YAML rules over the facts model (see docs/facts.md)."""

from __future__ import annotations

from dumpdiff.lint.finding import Finding, LintResult
from dumpdiff.lint.rule import Rule, load_rule
from dumpdiff.lint.ruleset import default_rules_dir, load_rules
from dumpdiff.lint.runner import LintInputs, LintOptions, lint

__all__ = ["Finding", "LintInputs", "LintOptions", "LintResult", "Rule", "default_rules_dir",
           "lint", "load_rule", "load_rules"]
