"""Human output of `dumpdiff fleet`: one block per workload, odd pods with their changes."""

from __future__ import annotations

from itertools import groupby

from dumpdiff.fleet import FleetReport
from dumpdiff.model.snapshot import RESOURCE_NOUNS
from dumpdiff.report.compare_text import change_text
from dumpdiff.report.style import Style


def render(report: FleetReport, style: Style) -> str:
    """The text report."""
    lines = [style(f"fleet {report.source}: {report.proxies} proxies, "
                   f"{len(report.groups)} workloads", "bold")]
    for g in report.groups:
        lines.append("")
        head = f"workload {g.workload}  ({len(g.pods)} pod{'s' if len(g.pods) != 1 else ''})"
        if len(g.pods) == 1:
            lines.append(style(head, "bold") + style("  single pod: listed, not compared",
                                                     "dim"))
            lines.append(f"  · {g.pods[0]}")
            continue
        lines.append(style(head, "bold"))
        verdict = "agree" if g.agree else (
            "majority" if g.has_majority else "largest group (no majority)")
        lines.append(style(f"  ✓ {len(g.majority)} {verdict}: ", "green") + ", ".join(g.majority))
        for d in g.deviations:
            n = len(d.changes)
            lines.append(style(f"  ✗ {d.pod} differs from {d.reference} "
                               f"({n} change{'s' if n != 1 else ''})", "red", "bold"))
            for (section, resource), chs in groupby(d.changes,
                                                    key=lambda c: (c.section, c.resource)):
                lines.append(f"      {RESOURCE_NOUNS[section]} {resource}")
                lines += ["        " + change_text(c, style) for c in chs]
    if len(report.version_skew) > 1:
        lines += ["", style("version skew across proxies:", "bold", "yellow")]
        for ver, pods in sorted(report.version_skew.items()):
            lines.append(f"  {ver}: {len(pods)} proxies ({', '.join(sorted(pods)[:5])}"
                         + (", …" if len(pods) > 5 else "") + ")")
    if report.ejections:
        lines += ["", style("outlier-ejected hosts (from /clusters):", "bold", "yellow")]
        lines += [f"  {pod}: {', '.join(hosts)}" for pod, hosts in sorted(report.ejections.items())]
    if report.missing:
        lines += ["", style("proxies without a usable dump:", "bold", "yellow")]
        lines += [f"  {pod}: {why}" for pod, why in report.missing]
    if report.skipped:
        lines += ["", style(f"skipped: {len(report.skipped)} "
                            f"({', '.join(sorted({w for _, w in report.skipped}))})", "dim")]
    lines += ["", "all proxies agree" if not report.disagree else
              style("proxies disagree", "red", "bold")]
    return "\n".join(lines) + "\n"
