"""Walk the ladder: each rung PASS, FAIL or UNKNOWN with evidence and the next live command.

The rungs reuse the other engines: lint findings carry their rung, fleet answers rung 7,
access-log response flags point at the rung their usual cause lives on, and the dump's
inbound chains and clusters answer the mTLS and authorization questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumpdiff.facts import ExtraInputs, build_facts
from dumpdiff.flags.accesslog import LogSummary
from dumpdiff.flags.table import lookup
from dumpdiff.lint.finding import SEVERITY_RANK, Finding
from dumpdiff.model.snapshot import Snapshot
from dumpdiff.triage.ladder import rungs
from dumpdiff.triage.security import authorization

TRIAGE_SCHEMA_VERSION = "dumpdiff.triage/v1"
PASS, FAIL, UNKNOWN = "PASS", "FAIL", "UNKNOWN"


@dataclass(slots=True)
class RungResult:
    """The answer on one rung."""

    number: int
    name: str
    question: str
    status: str
    summary: str
    evidence: list[str] = field(default_factory=list)
    next: list[str] = field(default_factory=list)
    debug: tuple[str, str] | None = None  # (raise, restore) Envoy log level commands

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"rung": self.number, "name": self.name, "question": self.question,
                "status": self.status, "summary": self.summary, "evidence": self.evidence,
                "next": self.next,
                "debug": {"raise": self.debug[0], "restore": self.debug[1]}
                if self.debug else None}


@dataclass(slots=True)
class TriageInput:
    """What triage looks at, already read: snapshots, lint findings, logs, fleet outcome."""

    snapshots: list[Snapshot]
    missing: list[tuple[str, str]] = field(default_factory=list)  # (pod, why) without a dump
    findings: list[Finding] = field(default_factory=list)
    manifests_given: bool = False
    proxy_status_given: bool = False
    logs: list[LogSummary] = field(default_factory=list)
    deviations: list[str] = field(default_factory=list)  # "pod differs from pod: N changes"
    groups_compared: int = 0


@dataclass(slots=True)
class TriageReport:
    """All rungs, and the one to fix first."""

    sources: list[str]
    proxies: list[str]
    rungs: list[RungResult]

    @property
    def fix_first(self) -> RungResult | None:
        """The lowest failing rung: fixing it can explain everything above it."""
        return next((r for r in self.rungs if r.status == FAIL), None)

    @property
    def exit_code(self) -> int:
        """1 when any rung fails."""
        return 1 if self.fix_first else 0

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form."""
        first = self.fix_first
        return {"schema": TRIAGE_SCHEMA_VERSION, "sources": self.sources,
                "proxies": self.proxies, "fix_first": first.number if first else None,
                "rungs": [r.to_dict() for r in self.rungs]}


def _result(n: int, status: str, summary: str, pod: str, evidence: list[str],
            extra_next: list[str] | None = None) -> RungResult:
    rung = rungs()[n]
    res = RungResult(n, rung.name, rung.question, status, summary, evidence)
    res.next = [*(extra_next or []), rung.live_for(pod)]
    if status != PASS:
        res.debug = rung.debug_commands(pod)
    return res


def _findings(inp: TriageInput, rung: int) -> list[Finding]:
    return [f for f in inp.findings if f.rung == rung
            and SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"]]


def _log_flags(inp: TriageInput, rung: int) -> list[str]:
    out = []
    for log in inp.logs:
        for flag, n in sorted(log.by_flag.items(), key=lambda kv: -kv[1]):
            f = lookup(flag)
            if f and f.rung == rung:
                clusters = ", ".join(sorted(log.by_flag_cluster.get(flag, {})))
                out.append(f"access log {log.source}: {flag} ({f.long}) ×{n} on {clusters}")
    return out


def _finding_lines(fs: list[Finding]) -> list[str]:
    return [f"{f.severity.upper()} {f.rule_id} on {f.proxy or f.group}: {f.message}"
            for f in fs]


def triage(inp: TriageInput, sources: list[str]) -> TriageReport:
    """Answer every rung."""
    pod = inp.snapshots[0].identity.display if inp.snapshots else ""
    out: list[RungResult] = []
    # 1: in the mesh
    if inp.missing:
        out.append(_result(1, FAIL, f"{len(inp.missing)} pod(s) without a proxy config dump",
                           pod, [f"{p}: {w}" for p, w in inp.missing]))
    elif inp.snapshots:
        out.append(_result(1, PASS, f"{len(inp.snapshots)} proxy config dump(s) present",
                           pod, [s.identity.display or s.source for s in inp.snapshots]))
    else:
        out.append(_result(1, UNKNOWN, "no proxy config dump given", pod, []))
    out.append(_rung_findings(inp, 2, pod, "accepted its configuration",
                              None if inp.proxy_status_given else
                              "no proxy-status given: istiod's ACK state was not checked "
                              "(listener NACKs and warming resources were)"))
    out.append(_rung_findings(inp, 3, pod, "has the routes asked for",
                              None if inp.manifests_given else
                              "no manifests given: routes were checked against CDS only, "
                              "not against the VirtualServices"))
    out.append(_rung_findings(inp, 4, pod, "has healthy endpoints for its destinations",
                              None if any("endpoints" in s.present for s in inp.snapshots)
                              else "no EDS section in the dumps"))
    out.append(_mtls(inp, pod))
    out.append(_authz(inp, pod))
    out.append(_replicas(inp, pod))
    return TriageReport(sources, [s.identity.display or s.source for s in inp.snapshots], out)


def _rung_findings(inp: TriageInput, n: int, pod: str, good: str,
                   caveat: str | None) -> RungResult:
    fs = _findings(inp, n)
    logs = _log_flags(inp, n)
    if fs or logs:
        first = f"{fs[0].title}: {fs[0].subject}" if fs else logs[0]
        more = len(fs) + len(logs) - 1
        return _result(n, FAIL, first + (f" (+{more} more)" if more else ""), pod,
                       _finding_lines(fs) + logs,
                       [f.remediation for f in fs[:2]])
    if not inp.snapshots:
        return _result(n, UNKNOWN, "nothing to check", pod, [])
    if n == 4 and caveat:
        return _result(n, UNKNOWN, caveat, pod, [])
    evidence = [caveat] if caveat else []
    return _result(n, PASS, f"every proxy {good}", pod, evidence)


def _mtls(inp: TriageInput, pod: str) -> RungResult:
    evidence = []
    known = False
    for s in inp.snapshots:
        ports = [r for r in build_facts(s, ExtraInputs())["listener_ports"]
                 if r["direction"] == "INBOUND" and r["mtls_mode"]]
        if ports:
            known = True
            modes = ", ".join(f"{r['port']} {r['mtls_mode']}" for r in ports)
            evidence.append(f"{s.identity.display or s.source}: inbound ports {modes}")
    bad = _finding_lines(_findings(inp, 5)) + _log_flags(inp, 5)
    if bad:
        return _result(5, FAIL, bad[0], pod, bad + evidence)
    if not known:
        return _result(5, UNKNOWN, "no inbound listeners in the dumps", pod, evidence)
    return _result(5, PASS, "no client/server mTLS mismatch among the given proxies", pod,
                   evidence)


def _authz(inp: TriageInput, pod: str) -> RungResult:
    evidence = []
    can_deny = False
    for s in inp.snapshots:
        az = authorization(s)
        for action, names in sorted(az.policies.items()):
            if not names:
                continue
            evidence.append(f"{s.identity.display or s.source}: {action} policies: "
                            + ", ".join(names))
        if az.ext_authz:
            evidence.append(f"{s.identity.display or s.source}: ext_authz (CUSTOM) filter")
        can_deny = can_deny or az.any
    denied = [f"{s.identity.display or s.source}: RBAC ALLOW rules with no policy: every "
              "request is denied (an AuthorizationPolicy with an empty spec)"
              for s in inp.snapshots if authorization(s).deny_all]
    for log in inp.logs:
        if log.by_code.get("403"):
            denied.append(f"access log {log.source}: 403 ×{log.by_code['403']}")
    bad = _finding_lines(_findings(inp, 6)) + _log_flags(inp, 6) + denied
    if bad:
        return _result(6, FAIL, bad[0], pod, bad + evidence)
    if can_deny:
        return _result(6, UNKNOWN, "authorization policies are in force; whether they deny "
                       "a given request needs the request", pod, evidence)
    if not inp.snapshots:
        return _result(6, UNKNOWN, "nothing to check", pod, [])
    return _result(6, PASS, "no RBAC or ext_authz filter in the inbound chains", pod, evidence)


def _replicas(inp: TriageInput, pod: str) -> RungResult:
    if inp.deviations:
        return _result(7, FAIL, inp.deviations[0], pod, inp.deviations,
                       ["dumpdiff fleet BUNDLE (the exact differences)"])
    if inp.groups_compared:
        return _result(7, PASS, f"{inp.groups_compared} workload(s) with 2+ pods: replicas "
                       "agree", pod, [])
    return _result(7, UNKNOWN, "no workload with two or more pods among the dumps", pod, [])
