"""Markdown output of `dumpdiff triage`, for the ticket."""

from __future__ import annotations

from dumpdiff.triage.engine import PASS, TriageReport

_COMMANDS = ("istioctl ", "kubectl ", "dumpdiff ")
_ICON = {"PASS": "✅", "FAIL": "❌", "UNKNOWN": "❔"}


def _c(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: TriageReport) -> str:
    """A summary table, then the evidence of every rung that did not pass."""
    first = report.fix_first
    out = [f"## dumpdiff triage: {', '.join(f'`{p}`' for p in report.proxies)}", ""]
    out.append(f"**Fix first: rung {first.number} ({first.name})** — {_c(first.summary)}"
               if first else "**No rung fails.**")
    out += ["", "| rung | question | status | summary |", "|---|---|---|---|"]
    for r in report.rungs:
        out.append(f"| {r.number} {r.name} | {_c(r.question)} | {_ICON[r.status]} {r.status} "
                   f"| {_c(r.summary)} |")
    for r in report.rungs:
        if r.status == PASS and not r.evidence:
            continue
        out += ["", f"### {r.number}. {r.name}: {r.status}", ""]
        out += [f"- {_c(e)}" for e in r.evidence]
        if r.status != PASS:
            out += ["", "Next:", ""] + [f"- `{n}`" if n.startswith(_COMMANDS) else f"- {_c(n)}"
                                        for n in r.next]
            if r.debug:
                out.append(f"- Envoy debug logs: `{r.debug[0]}`, then restore with "
                           f"`{r.debug[1]}`")
    return "\n".join(out) + "\n"
