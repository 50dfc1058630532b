"""Findings and the result of a lint run, with their documented JSON form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

LINT_SCHEMA_VERSION = "dumpdiff.lint/v1"
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def fingerprint(rule_id: str, identity: str) -> str:
    """Stable id of a finding: first 16 hex digits of sha256(rule id, NUL, identity).

    Identities name resources (workload, cluster, route, manifest object), never list
    positions or line numbers, so a fingerprint survives reordering, reformatting and pod
    restarts: what baselines and code-scanning tools match findings by.
    """
    return hashlib.sha256(f"{rule_id}\0{identity}".encode()).hexdigest()[:16]


@dataclass(slots=True)
class Evidence:
    """Where a finding's facts came from: the facts row and the raw input location."""

    facts_path: str  # `clusters[12]`
    source: str  # input file
    origin: str  # path inside it (`configs[1].dynamic_active_clusters[3].cluster`)
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"facts_path": self.facts_path, "source": self.source, "origin": self.origin,
                "line": self.line}


@dataclass(slots=True)
class Finding:
    """One rule violation, on one or more proxies of a workload (or on a manifest)."""

    rule_id: str
    severity: str
    rung: int
    title: str
    subject: str
    message: str
    remediation: str
    identity: str
    proxy: str  # the first proxy it was seen on (`pod.namespace`), `""` for manifest findings
    dump: str  # that proxy's dump, `""` for manifest findings
    evidence: Evidence
    codes: list[str] = field(default_factory=list)
    group: str = ""  # workload (`namespace/name`), or `Kind namespace/name` for manifests
    proxies: list[str] = field(default_factory=list)  # every proxy it was seen on
    suppressed: str | None = None  # the reason, when an ignore-file entry covers it
    baseline: str | None = None  # `new` or `unchanged` when the run has a baseline

    @property
    def fingerprint(self) -> str:
        """See `fingerprint()`."""
        return fingerprint(self.rule_id, self.identity)

    @property
    def manifest_location(self) -> tuple[str, int] | None:
        """(file, line) when the finding comes from a line-addressable input (a manifest)."""
        if self.evidence.line is not None and self.evidence.source != self.dump:
            return self.evidence.source, self.evidence.line
        return None

    @property
    def counts(self) -> bool:
        """Whether the finding can fail the run: not suppressed, not in the baseline."""
        return self.suppressed is None and self.baseline != "unchanged"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (see docs/facts.md)."""
        return {"rule_id": self.rule_id, "severity": self.severity, "rung": self.rung,
                "title": self.title, "subject": self.subject, "message": self.message,
                "remediation": self.remediation, "identity": self.identity,
                "fingerprint": self.fingerprint, "group": self.group, "proxy": self.proxy,
                "proxies": list(self.proxies), "dump": self.dump, "codes": list(self.codes),
                "suppressed": self.suppressed, "baseline": self.baseline,
                "evidence": self.evidence.to_dict()}


@dataclass(slots=True)
class Skipped:
    """A rule that could not run on a dump because inputs were missing."""

    rule_id: str
    dump: str
    missing: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"rule_id": self.rule_id, "dump": self.dump, "missing": list(self.missing)}


@dataclass(slots=True)
class LintResult:
    """Everything one `dumpdiff lint` run found."""

    dumps: list[str]
    rules: list[dict[str, Any]]  # id, title, severity, rung, codes, path
    findings: list[Finding]
    skipped: list[Skipped]
    fail_on: str = "error"
    proxies: dict[str, str] = field(default_factory=dict)  # dump → `pod.namespace`
    groups: dict[str, list[str]] = field(default_factory=dict)  # workload → its proxies
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (input, why) in bundles
    mode: str = "lint"  # lint | premerge
    baseline_absent: list[dict[str, str]] = field(default_factory=list)  # fixed since baseline

    @property
    def failing(self) -> list[Finding]:
        """Findings at or above --fail-on that are neither suppressed nor in the baseline."""
        floor = SEVERITY_RANK[self.fail_on]
        return [f for f in self.findings if f.counts and SEVERITY_RANK[f.severity] >= floor]

    @property
    def exit_code(self) -> int:
        """1 when any counted finding reaches the threshold, else 0."""
        return 1 if self.failing else 0

    def counts(self) -> dict[str, int]:
        """Counted findings per severity (suppressed and baselined ones left out)."""
        out = {s: 0 for s in ("error", "warning", "info")}
        for f in self.findings:
            if f.counts:
                out[f.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The documented, versioned JSON form."""
        return {"schema": LINT_SCHEMA_VERSION, "mode": self.mode, "dumps": list(self.dumps),
                "proxies": dict(self.proxies),
                "groups": {k: list(v) for k, v in self.groups.items()},
                "fail_on": self.fail_on, "exit_code": self.exit_code, "counts": self.counts(),
                "findings": [f.to_dict() for f in self.findings],
                "skipped": [s.to_dict() for s in self.skipped],
                "unreadable": [{"input": i, "problem": p} for i, p in self.unreadable],
                "baseline_absent": list(self.baseline_absent), "rules": self.rules}
