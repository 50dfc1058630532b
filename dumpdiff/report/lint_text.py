"""`dumpdiff lint` as text: findings grouped by workload, each with its evidence and next step."""

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


def _marks(f: Finding) -> str:
    marks = []
    if f.suppressed is not None:
        marks.append(f"suppressed: {f.suppressed}")
    if f.baseline == "unchanged":
        marks.append("in baseline")
    elif f.baseline == "new":
        marks.append("new")
    return f" [{'; '.join(marks)}]" if marks else ""


def _finding(f: Finding, style: Style) -> list[str]:
    head = f"{style(f.severity.upper(), *_COLOURS[f.severity])} {f.rule_id} " \
           f"(rung {f.rung}) {style(f.subject, 'bold')}{_marks(f)}"
    wrap = textwrap.TextWrapper(width=100, initial_indent="  ", subsequent_indent="  ")
    lines = [head, *wrap.wrap(f.message)]
    if len(f.proxies) > 1:
        lines.extend(wrap.wrap(f"on {len(f.proxies)} proxies: {', '.join(f.proxies)}"))
    lines.append(style(f"  evidence: {_where(f)}  [facts: {f.evidence.facts_path}]", "dim"))
    nxt = textwrap.TextWrapper(width=100, initial_indent="  next: ",
                               subsequent_indent="        ")
    lines.extend(nxt.wrap(f.remediation))
    return lines


def _group_title(group: str, result: LintResult) -> str:
    pods = result.groups.get(group)
    if pods:
        return f"{group} ({len(pods)} {'proxy' if len(pods) == 1 else 'proxies'}: " \
               f"{', '.join(pods)})"
    return group


def render(result: LintResult, style: Style) -> str:
    """The report; ends with a one-line summary, unreadable inputs and skipped rules."""
    out: list[str] = []
    premerge = result.mode == "premerge"
    if premerge:
        out += [style(f"pre-merge check against {len(result.dumps)} staging proxies "
                      f"({len(result.groups)} workloads)", "bold"), ""]
    order = list(result.groups)
    order += sorted({f.group for f in result.findings} - set(order))
    for group in order:
        mine = [f for f in result.findings if f.group == group]
        if premerge and not mine:
            continue  # staging proxies are context here, not what is being checked
        out.append(style(_group_title(group, result), "bold"))
        if not mine:
            out.append("  no findings")
        for f in mine:
            out.extend("  " + ln for ln in _finding(f, style))
        out.append("")
    counts = result.counts()
    summary = ", ".join(f"{n} {sev}{'s' if n != 1 and sev != 'info' else ''}"
                        for sev, n in counts.items())
    quiet = sum(not f.counts for f in result.findings)
    extra = f"; {quiet} suppressed or in the baseline" if quiet else ""
    out.append(f"{summary} (failing at --fail-on {result.fail_on}: {len(result.failing)}"
               f"{extra})")
    if result.baseline_absent:
        out.append(f"fixed since the baseline: {len(result.baseline_absent)} finding(s) "
                   "(rewrite it with --baseline-write)")
    for label, problem in result.unreadable:
        out.append(f"not linted: {label}: {problem}")
    skipped: dict[str, set[str]] = {}
    for s in result.skipped:
        skipped.setdefault(s.rule_id, set()).update(s.missing)
    if skipped:
        out.append("skipped for missing inputs: " + "; ".join(
            f"{rule} (needs {', '.join(sorted(m))})" for rule, m in sorted(skipped.items())))
    return "\n".join(out) + "\n"
