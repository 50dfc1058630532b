"""`dumpdiff lint` as text: findings by severity, each with its evidence and next step."""

from __future__ import annotations

import textwrap

from dumpdiff.lint.finding import Finding, LintResult
from dumpdiff.report.style import Style

_COLOURS = {"error": ("red", "bold"), "warning": ("yellow",), "info": ("cyan",)}


def _where(f: Finding) -> str:
    loc = f.manifest_location
    if loc is not None:
        return f"{loc[0]}:{loc[1]} ({f.evidence.origin})"
    return f"{f.evidence.source} {f.evidence.origin}".strip()


def _finding(f: Finding, style: Style) -> list[str]:
    head = f"{style(f.severity.upper(), *_COLOURS[f.severity])} {f.rule_id} " \
           f"(rung {f.rung}) {style(f.subject, 'bold')}"
    wrap = textwrap.TextWrapper(width=100, initial_indent="  ", subsequent_indent="  ")
    lines = [head, *wrap.wrap(f.message)]
    lines.append(style(f"  evidence: {_where(f)}  [facts: {f.evidence.facts_path}]", "dim"))
    nxt = textwrap.TextWrapper(width=100, initial_indent="  next: ",
                               subsequent_indent="        ")
    lines.extend(nxt.wrap(f.remediation))
    return lines


def render(result: LintResult, style: Style) -> str:
    """The report; ends with a one-line summary and the rules skipped for missing inputs."""
    out: list[str] = []
    for dump in result.dumps:
        mine = [f for f in result.findings if f.dump == dump]
        proxy = result.proxies.get(dump, "")
        out.append(style(f"{dump}" + (f" ({proxy})" if proxy and proxy != dump else ""), "bold"))
        if not mine:
            out.append("  no findings")
        for f in mine:
            out.extend("  " + ln for ln in _finding(f, style))
        out.append("")
    counts = result.counts()
    summary = ", ".join(f"{n} {sev}{'s' if n != 1 and sev != 'info' else ''}"
                        for sev, n in counts.items())
    out.append(f"{summary} (failing at --fail-on {result.fail_on}: {len(result.failing)})")
    skipped: dict[str, set[str]] = {}
    for s in result.skipped:
        skipped.setdefault(s.rule_id, set()).update(s.missing)
    if skipped:
        out.append("skipped for missing inputs: " + "; ".join(
            f"{rule} (needs {', '.join(sorted(m))})" for rule, m in sorted(skipped.items())))
    return "\n".join(out) + "\n"
