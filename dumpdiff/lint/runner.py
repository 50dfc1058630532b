"""Run a lint: every proxy's facts through the proxy rules, then the fleet facts through the
fleet rules; merge findings by workload; apply the ignore file and the baseline.

Proxies are linted one at a time and only a summary of each is kept for the fleet facts, so
memory stays bounded on large bundles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dumpdiff.errors import InputError
from dumpdiff.facts import ExtraInputs, FleetBuilder, build_facts, summarize
from dumpdiff.gc_pause import gc_paused
from dumpdiff.lint.baseline import apply_baseline
from dumpdiff.lint.engine import run_rules
from dumpdiff.lint.finding import SEVERITY_RANK, Finding, LintResult, Skipped
from dumpdiff.lint.inputs import LintInputs, ProxyJob, Resolved, clusters_status, resolve, status_of
from dumpdiff.lint.rule import Rule
from dumpdiff.lint.suppress import EXPIRED_SUMMARY, Suppression, apply_suppressions
from dumpdiff.model.snapshot import Identity, Snapshot
from dumpdiff.sources import load_snapshot

__all__ = ["LintInputs", "LintOptions", "facts_for", "fleet_facts_for", "lint", "rule_summary"]


@dataclass(slots=True)
class LintOptions:
    """How to judge a run's findings."""

    fail_on: str = "error"
    suppressions: list[Suppression] = field(default_factory=list)
    baseline: dict[str, dict[str, str]] | None = None
    today: date | None = None  # for suppression expiry; None = today (UTC)
    every_mode: bool = False  # run every rule whatever its modes (rule self-tests)


def rule_summary(rule: Rule) -> dict[str, Any]:
    """The short description of a rule carried in results."""
    return {"id": rule.id, "title": rule.title, "severity": rule.severity, "rung": rule.rung,
            "codes": list(rule.codes), "tags": list(rule.tags), "path": rule.path,
            "description": rule.description, "remediation": rule.remediation,
            "modes": list(rule.modes), "scope": rule.scope}


class _Collector:
    """Findings merged by fingerprint: one finding per workload, listing every proxy."""

    def __init__(self) -> None:
        self.by_print: dict[str, Finding] = {}
        self.skipped: list[Skipped] = []

    def add(self, found: list[Finding], skipped: list[Skipped]) -> None:
        """Take one document's findings, merging repeats into the first one's proxy list."""
        self.skipped.extend(skipped)
        for f in found:
            kept = self.by_print.setdefault(f.fingerprint, f)
            if kept is not f:
                kept.proxies.extend(p for p in f.proxies if p not in kept.proxies)

    def findings(self) -> list[Finding]:
        """Every finding, most severe first."""
        return sorted(self.by_print.values(),
                      key=lambda f: (-SEVERITY_RANK[f.severity], f.rung, f.rule_id, f.identity))


def _snapshot(job: ProxyJob) -> Snapshot:
    if job.path is None:
        raise InputError(job.label, "no config dump in the bundle (the pod's proxy debug "
                                    "files are missing)")
    snap = load_snapshot(job.path)
    snap.source = job.label  # findings name the input as the user knows it
    return snap


def _proxy_facts(res: Resolved, on_unreadable: list[tuple[str, str]]
                 ) -> Iterator[tuple[dict[str, Any], bool]]:
    """Yield (facts, is_dump) for every proxy, then for proxy-status rows without a dump.

    An unreadable proxy of a bundle (a ztunnel, a pod whose debug files are missing) is
    recorded and skipped; an unreadable dump given on its own is an error.
    """
    rows = res.status_rows()
    used: set[str] = set()
    for job in res.proxies:
        try:
            snap = _snapshot(job)
        except InputError as exc:
            if not job.in_bundle:
                raise
            on_unreadable.append((job.label, exc.problem))
            continue
        try:
            status = clusters_status(job)
        except InputError as exc:
            if not job.in_bundle:
                raise
            # The dump is still worth linting; rules that need /clusters are skipped for it.
            on_unreadable.append((job.clusters_label or job.label, exc.problem))
            status = None
        display = snap.identity.display
        mine = rows.get(display) if display else None
        used.add(display)
        extra = ExtraInputs(clusters_status=status, manifests=res.manifests,
                            manifest_paths=list(res.manifest_labels),
                            proxy_status=status_of(mine) if mine else None)
        yield build_facts(snap, extra), True
    for key, mine in sorted(rows.items()):
        if key in used:
            continue
        pod, _, namespace = key.rpartition(".")
        sync = status_of(mine)
        snap = Snapshot(source=sync.source,
                        identity=Identity(pod=pod or key, namespace=namespace if pod else ""))
        yield build_facts(snap, ExtraInputs(proxy_status=sync)), False


def lint(inputs: LintInputs, rules: list[Rule], fail_on: str = "error",
         options: LintOptions | None = None) -> LintResult:
    """Lint every proxy of `inputs` (dumps and bundles) and the fleet they form."""
    # Facts and rules allocate millions of small objects without cycles; the collector would
    # rescan the whole snapshot each time (a third of the run on a big mesh).
    with gc_paused():
        return _lint(inputs, rules, fail_on, options)


def _lint(inputs: LintInputs, rules: list[Rule], fail_on: str,
          options: LintOptions | None) -> LintResult:
    opts = options or LintOptions(fail_on=fail_on)
    active = rules if opts.every_mode else [r for r in rules if inputs.mode in r.modes]
    proxy_rules = [r for r in active if r.scope == "proxy"]
    fleet_rules = [r for r in active if r.scope == "fleet"]
    collector = _Collector()
    builder = FleetBuilder()
    unreadable: list[tuple[str, str]] = []
    dumps: list[str] = []
    proxies: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    with resolve(inputs) as res:
        unreadable.extend(res.unreadable)
        for facts, is_dump in _proxy_facts(res, unreadable):
            found, skipped = run_rules(proxy_rules, facts)
            collector.add(found, skipped if is_dump else [])
            if not is_dump:
                continue
            proxy = facts["proxy"]
            dumps.append(facts["inputs"]["dump"])
            proxies[facts["inputs"]["dump"]] = proxy["display"]
            pods = groups.setdefault(proxy["workload_key"], [])
            if proxy["display"] not in pods:
                pods.append(proxy["display"])
            builder.add(summarize(facts, builder.wants_tables(proxy["workload_key"])))
        if not dumps:
            detail = "; ".join(f"{i}: {p}" for i, p in unreadable[:3])
            raise InputError(" ".join(inputs.dumps), "holds no readable config dump"
                             + (f" ({detail})" if detail else ""))
        fleet = builder.build(res.manifests, res.manifest_labels, res.checked)
    collector.add(*run_rules(fleet_rules, fleet))
    findings = collector.findings()
    summaries = [rule_summary(r) for r in active]
    expired = apply_suppressions(findings, opts.suppressions, opts.today)
    if expired:
        findings = sorted(findings + expired,
                          key=lambda f: (-SEVERITY_RANK[f.severity], f.rung, f.rule_id,
                                         f.identity))
        summaries.append(dict(EXPIRED_SUMMARY))
    absent = apply_baseline(findings, opts.baseline) if opts.baseline is not None else []
    return LintResult(dumps, summaries, findings, collector.skipped, opts.fail_on, proxies,
                      groups, unreadable, inputs.mode, absent)


def facts_for(inputs: LintInputs) -> list[dict[str, Any]]:
    """One facts document per dump (bundles expanded)."""
    with resolve(inputs) as res:
        return [facts for facts, is_dump in _proxy_facts(res, []) if is_dump]


def fleet_facts_for(inputs: LintInputs) -> dict[str, Any]:
    """The fleet facts document over every dump of `inputs`."""
    builder = FleetBuilder()
    with resolve(inputs) as res:
        for facts, is_dump in _proxy_facts(res, []):
            if is_dump:
                workload = facts["proxy"]["workload_key"]
                builder.add(summarize(facts, builder.wants_tables(workload)))
        return builder.build(res.manifests, res.manifest_labels, res.checked)
