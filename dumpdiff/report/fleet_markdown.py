"""Markdown output of `dumpdiff fleet`, for a support ticket."""

from __future__ import annotations

from dumpdiff.fleet import FleetReport
from dumpdiff.model.snapshot import RESOURCE_NOUNS
from dumpdiff.report.markdown_common import cell, change_md


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
            out += [f"- {RESOURCE_NOUNS[c.section]} `{cell(c.resource)}`: {change_md(c)}"
                    for c in d.changes]
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
