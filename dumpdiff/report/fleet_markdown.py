"""Markdown output of `dumpdiff fleet`, for a support ticket."""

from __future__ import annotations

from dumpdiff.fleet import FleetReport
from dumpdiff.model.snapshot import RESOURCE_NOUNS
from dumpdiff.report.values import short


def _c(text: str) -> str:
    return text.replace("|", "\\|")


def render(report: FleetReport) -> str:
    """A ticket-ready Markdown report."""
    out = [f"## dumpdiff fleet: `{report.source}`", "",
           f"{report.proxies} proxies in {len(report.groups)} workloads — "
           + ("**all agree**" if not report.disagree else "**proxies disagree**"), "",
           "| workload | pods | agree | odd pods |", "|---|---|---|---|"]
    for g in report.groups:
        odd = ", ".join(f"`{d.pod}`" for d in g.deviations) or "—"
        out.append(f"| `{g.workload}` | {len(g.pods)} | {len(g.majority)} | {odd} |")
    for g in report.groups:
        for d in g.deviations:
            out += ["", f"### `{d.pod}` ({g.workload}) vs `{d.reference}`", ""]
            for c in d.changes:
                where = f"{RESOURCE_NOUNS[c.section]} `{_c(c.resource)}`"
                path = f" `{_c(c.path)}`" if c.path else ""
                if c.kind == "changed":
                    out.append(f"- {where}{path}: `{_c(short(c.old))}` → `{_c(short(c.new))}`")
                elif c.kind == "moved":
                    out.append(f"- {where}{path}: moved from position {c.old} to {c.new}")
                else:
                    out.append(f"- {where}{path}: **{c.kind}**")
    if len(report.version_skew) > 1:
        out += ["", "### Version skew", ""]
        out += [f"- {v}: {len(p)} proxies" for v, p in sorted(report.version_skew.items())]
    if report.ejections:
        out += ["", "### Outlier-ejected hosts", ""]
        out += [f"- `{p}`: {', '.join(h)}" for p, h in sorted(report.ejections.items())]
    if report.missing:
        out += ["", "### Proxies without a usable dump", ""]
        out += [f"- `{p}`: {w}" for p, w in report.missing]
    return "\n".join(out) + "\n"
