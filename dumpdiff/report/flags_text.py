"""Human output of `dumpdiff flags`."""

from __future__ import annotations

from dumpdiff.flags.accesslog import LogSummary
from dumpdiff.flags.table import RUNG_NAMES, Flag, lookup
from dumpdiff.report.style import Style


def render_flags(flags: list[Flag], unknown: list[str], style: Style) -> str:
    """Meaning, Istio cause and next step for each flag."""
    lines = []
    for f in flags:
        code = f" ({f.code})" if f.code else ""
        lines.append(style(f"{f.short}  {f.long}{code}", "bold"))
        lines.append(f"    Envoy: {f.meaning}")
        lines.append(f"    Istio: {f.istio}")
        lines.append(f"    check: rung {f.rung} ({RUNG_NAMES[f.rung]}): {f.next}")
    for u in unknown:
        lines.append(style(f"{u}  unknown response flag (not one of Envoy's)", "yellow"))
    return "\n".join(lines) + "\n"


def render_log(s: LogSummary, style: Style) -> str:
    """Counts per flag, code and cluster, with the rung to check next."""
    lines = [style(f"{s.source}: {s.parsed} requests", "bold")
             + (f" ({s.unparsed} unparsed lines)" if s.unparsed else "")]
    lines.append("response codes: " + ", ".join(
        f"{c} ×{n}" for c, n in sorted(s.by_code.items(), key=lambda kv: -kv[1])))
    if not s.by_flag:
        lines.append(style("no response flags: every request was answered by the upstream",
                           "green"))
    for flag, n in sorted(s.by_flag.items(), key=lambda kv: -kv[1]):
        f = lookup(flag)
        title = f"{flag} ×{n}" + (f"  {f.long}" if f else "  (unknown flag)")
        lines.append(style(title, "bold", "red" if f and f.code and f.code >= 500 else "yellow"))
        for cluster, m in sorted(s.by_flag_cluster.get(flag, {}).items(), key=lambda kv: -kv[1]):
            lines.append(f"    {m:>6}  {cluster}")
        if f:
            lines.append(f"    next: rung {f.rung} ({RUNG_NAMES[f.rung]}): {f.next}")
    return "\n".join(lines) + "\n"
