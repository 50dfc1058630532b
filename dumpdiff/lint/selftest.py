"""`dumpdiff rules test`: run every rule against its own passing and failing fixtures.

A passing fixture must give no finding of the rule; a failing one at least one, and exactly
the `expect`ed identities / count / message text when given. A failing fixture that the rule
skips (missing inputs) or whose selection is empty is a failure too: it would prove nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from dumpdiff.errors import DumpdiffError
from dumpdiff.facts import ExtraInputs, build_facts
from dumpdiff.lint.engine import run_rules
from dumpdiff.lint.rule import Rule
from dumpdiff.lint.runner import LintInputs, read_extra
from dumpdiff.sources import load_snapshot


@dataclass(slots=True)
class CaseResult:
    """The outcome of one fixture of one rule."""

    rule_id: str
    kind: str  # pass | fail
    fixture: str
    ok: bool
    detail: str


def _inputs(rule: Rule, fixture: dict[str, object]) -> LintInputs:
    def rel(p: object) -> str:
        return os.path.join(rule.directory, str(p))
    manifests = fixture.get("manifests") or []
    assert isinstance(manifests, list)
    return LintInputs(
        dumps=[rel(fixture["dump"])],
        manifests=[rel(m) for m in manifests],
        clusters=rel(fixture["clusters"]) if fixture.get("clusters") else None,
        proxy_status=rel(fixture["proxy_status"]) if fixture.get("proxy_status") else None)


def _check(rule: Rule, kind: str, fixture: dict[str, object]) -> CaseResult:
    label = str(fixture["dump"])
    try:
        inputs = _inputs(rule, fixture)
        extra: ExtraInputs = read_extra(inputs)
        facts = build_facts(load_snapshot(inputs.dumps[0]), extra)
    except DumpdiffError as exc:
        return CaseResult(rule.id, kind, label, False, f"fixture unreadable: {exc}")
    findings, skipped = run_rules([rule], facts)
    if skipped:
        return CaseResult(rule.id, kind, label, False,
                          f"rule skipped, fixture lacks {', '.join(skipped[0].missing)}")
    if kind == "pass":
        if findings:
            return CaseResult(rule.id, kind, label, False,
                              f"expected no finding, got {len(findings)}: {findings[0].message}")
        return CaseResult(rule.id, kind, label, True, "no finding")
    if not findings:
        return CaseResult(rule.id, kind, label, False, "expected findings, got none")
    expect = fixture.get("expect") or {}
    assert isinstance(expect, dict)
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
