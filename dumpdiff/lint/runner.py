"""Read a lint run's inputs once, build facts per dump once, run the rules, collect results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.facts import ExtraInputs, build_facts
from dumpdiff.lint.engine import run_rules
from dumpdiff.lint.finding import SEVERITY_RANK, Finding, LintResult, Skipped
from dumpdiff.lint.rule import Rule
from dumpdiff.sources import load_snapshot
from dumpdiff.sources.clusters_status import load_clusters_status
from dumpdiff.sources.manifests import load_manifests
from dumpdiff.sources.proxy_status import load_proxy_status


@dataclass(slots=True)
class LintInputs:
    """What the user passed to `dumpdiff lint` (or a rule fixture names)."""

    dumps: list[str]
    manifests: list[str] = field(default_factory=list)
    clusters: str | None = None
    proxy_status: str | None = None


def read_extra(inputs: LintInputs) -> ExtraInputs:
    """Parse the optional inputs (InputError on anything unreadable)."""
    return ExtraInputs(
        clusters_status=load_clusters_status(inputs.clusters) if inputs.clusters else None,
        manifests=load_manifests(inputs.manifests) if inputs.manifests else None,
        manifest_paths=list(inputs.manifests),
        proxy_status=load_proxy_status(inputs.proxy_status) if inputs.proxy_status else None,
    )


def facts_for(inputs: LintInputs) -> list[dict[str, Any]]:
    """One facts document per dump."""
    extra = read_extra(inputs)
    return [build_facts(load_snapshot(d), extra) for d in inputs.dumps]


def rule_summary(rule: Rule) -> dict[str, Any]:
    """The short description of a rule carried in results."""
    return {"id": rule.id, "title": rule.title, "severity": rule.severity, "rung": rule.rung,
            "codes": list(rule.codes), "tags": list(rule.tags), "path": rule.path,
            "description": rule.description, "remediation": rule.remediation}


def lint(inputs: LintInputs, rules: list[Rule], fail_on: str = "error") -> LintResult:
    """Run `rules` on every dump; identical findings (same rule and identity) are kept once."""
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    proxies: dict[str, str] = {}
    for facts in facts_for(inputs):
        proxies[facts["inputs"]["dump"]] = facts["proxy"]["display"]
        found, skip = run_rules(rules, facts)
        skipped.extend(skip)
        for f in found:
            if f.fingerprint not in seen:
                seen.add(f.fingerprint)
                findings.append(f)
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.rung, f.rule_id, f.identity))
    return LintResult(list(inputs.dumps), [rule_summary(r) for r in rules], findings, skipped,
                      fail_on, proxies)
