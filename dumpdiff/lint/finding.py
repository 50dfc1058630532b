"""Findings and the result of a lint run, with their documented JSON form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

LINT_SCHEMA_VERSION = "dumpdiff.lint/v1"
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def fingerprint(rule_id: str, identity: str) -> str:
    """Stable id of a finding: first 16 hex digits of sha256(rule id, NUL, identity)."""
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
    """One rule violation on one proxy."""

    rule_id: str
    severity: str
    rung: int
    title: str
    subject: str
    message: str
    remediation: str
    identity: str
    proxy: str
    dump: str
    evidence: Evidence
    codes: list[str] = field(default_factory=list)

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

    def to_dict(self) -> dict[str, Any]:
        """JSON form (see docs/facts.md)."""
        return {"rule_id": self.rule_id, "severity": self.severity, "rung": self.rung,
                "title": self.title, "subject": self.subject, "message": self.message,
                "remediation": self.remediation, "identity": self.identity,
                "fingerprint": self.fingerprint, "proxy": self.proxy, "dump": self.dump,
                "codes": list(self.codes), "evidence": self.evidence.to_dict()}


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

    @property
    def failing(self) -> list[Finding]:
        """Findings at or above the --fail-on threshold."""
        floor = SEVERITY_RANK[self.fail_on]
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= floor]

    @property
    def exit_code(self) -> int:
        """1 when any finding reaches the threshold, else 0."""
        return 1 if self.failing else 0

    def counts(self) -> dict[str, int]:
        """Findings per severity."""
        out = {s: 0 for s in ("error", "warning", "info")}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The documented, versioned JSON form."""
        return {"schema": LINT_SCHEMA_VERSION, "dumps": list(self.dumps),
                "proxies": dict(self.proxies),
                "fail_on": self.fail_on, "exit_code": self.exit_code, "counts": self.counts(),
                "findings": [f.to_dict() for f in self.findings],
                "skipped": [s.to_dict() for s in self.skipped], "rules": self.rules}
