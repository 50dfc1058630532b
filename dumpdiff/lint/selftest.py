"""`dumpdiff rules test`: run every rule against its own passing and failing fixtures.

A passing fixture must give no finding of the rule; a failing one at least one, and exactly
the `expect`ed identities / count / message text when given. A failing fixture that the rule
skips (missing inputs) is a failure too: it would prove nothing. Fixtures run through the
same code as `dumpdiff lint` (bundles, per-pod companions, fleet facts), with the one rule
alone and whatever its modes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from dumpdiff.errors import DumpdiffError
from dumpdiff.lint.rule import Rule
from dumpdiff.lint.runner import LintInputs, LintOptions, lint


@dataclass(slots=True)
class CaseResult:
    """The outcome of one fixture of one rule."""

    rule_id: str
    kind: str  # pass | fail
    fixture: str
    ok: bool
    detail: str


def fixture_inputs(rule: Rule, fixture: dict[str, Any]) -> LintInputs:
    """The lint inputs a fixture names (paths relative to the rule file)."""
    def rel(p: object) -> str:
        return os.path.join(rule.directory, str(p))
    dumps = fixture.get("dumps") or [fixture["dump"]]
    return LintInputs(
        dumps=[rel(d) for d in dumps],
        manifests=[rel(m) for m in fixture.get("manifests") or []],
        clusters=rel(fixture["clusters"]) if fixture.get("clusters") else None,
        proxy_status=rel(fixture["proxy_status"]) if fixture.get("proxy_status") else None)


def _label(fixture: dict[str, Any]) -> str:
    dumps = fixture.get("dumps") or [fixture["dump"]]
    return " + ".join(str(d) for d in dumps)


def _check(rule: Rule, kind: str, fixture: dict[str, Any]) -> CaseResult:
    label = _label(fixture)
    try:
        result = lint(fixture_inputs(rule, fixture), [rule],
                      options=LintOptions(fail_on="info", every_mode=True))
    except DumpdiffError as exc:
        return CaseResult(rule.id, kind, label, False, f"fixture unreadable: {exc}")
    findings = result.findings
    if result.skipped and not findings:
        return CaseResult(rule.id, kind, label, False,
                          f"rule skipped, fixture lacks {', '.join(result.skipped[0].missing)}")
    if kind == "pass":
        if findings:
            return CaseResult(rule.id, kind, label, False,
                              f"expected no finding, got {len(findings)}: {findings[0].message}")
        return CaseResult(rule.id, kind, label, True, "no finding")
    if not findings:
        return CaseResult(rule.id, kind, label, False, "expected findings, got none")
    expect = fixture.get("expect") or {}
    if "count" in expect and len(findings) != expect["count"]:
        return CaseResult(rule.id, kind, label, False,
                          f"expected {expect['count']} findings, got {len(findings)}")
    if "identities" in expect:
        got = sorted(f.identity for f in findings)
        if got != sorted(expect["identities"]):
            return CaseResult(rule.id, kind, label, False,
                              f"expected identities {sorted(expect['identities'])}, got {got}")
    text = expect.get("message_contains")
    if text and not all(text in f.message for f in findings):
        return CaseResult(rule.id, kind, label, False,
                          f"a message lacks {text!r}: {findings[0].message}")
    return CaseResult(rule.id, kind, label, True, f"{len(findings)} finding(s)")


def test_rule(rule: Rule) -> list[CaseResult]:
    """Results of all fixtures of one rule."""
    return [_check(rule, kind, fx) for kind in ("pass", "fail")
            for fx in rule.fixtures.get(kind, [])]
