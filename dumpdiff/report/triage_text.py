"""Human output of `dumpdiff triage`."""

from __future__ import annotations

from dumpdiff.report.style import Style
from dumpdiff.triage.engine import FAIL, PASS, TriageReport

_COLOUR = {PASS: "green", FAIL: "red"}


def render(report: TriageReport, style: Style) -> str:
    """Rung by rung, the one to fix first on top."""
    lines = [style(f"triage of {', '.join(report.proxies) or ', '.join(report.sources)}",
                   "bold")]
    first = report.fix_first
    if first:
        lines.append(style(f"fix first: rung {first.number} ({first.name}): {first.summary}",
                           "bold", "red"))
    else:
        lines.append(style("no rung fails", "green"))
    for r in report.rungs:
        lines.append("")
        lines.append(style(f"{r.number}. {r.name:<14} {r.status:<8}", "bold",
                           _COLOUR.get(r.status, "yellow")) + f" {r.summary}")
        lines += [f"     · {e}" for e in r.evidence[:12]]
        if len(r.evidence) > 12:
            lines.append(f"     · … {len(r.evidence) - 12} more")
        if r.status != PASS:
            lines += [f"     next: {n}" for n in r.next]
            if r.debug:
                lines.append(f"     debug logs: {r.debug[0]}   (restore: {r.debug[1]})")
    return "\n".join(lines) + "\n"
