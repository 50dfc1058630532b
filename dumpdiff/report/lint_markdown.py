"""`dumpdiff lint -o markdown`: a table for pull requests and tickets."""

from __future__ import annotations

from dumpdiff.lint.finding import Finding, LintResult


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _status(f: Finding) -> str:
    if f.suppressed is not None:
        return f" (suppressed: {_cell(f.suppressed)})"
    if f.baseline == "unchanged":
        return " (in baseline)"
    return ""


def render(result: LintResult) -> str:
    """Markdown with a summary line and one table row per finding."""
    counts = result.counts()
    lines = ["# dumpdiff lint", "",
             f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} "
             f"info; {len(result.failing)} at or above `--fail-on {result.fail_on}`.", ""]
    if result.findings:
        lines += ["| severity | rule | rung | workload | subject | message | next step |",
                  "|---|---|---|---|---|---|---|"]
        for f in result.findings:
            loc = f.manifest_location
            subject = _cell(f.subject) + (f" ({_cell(loc[0])}:{loc[1]})" if loc else "")
            lines.append(f"| {f.severity}{_status(f)} | `{f.rule_id}` | {f.rung} | "
                         f"{_cell(f.group)} | {subject} | {_cell(f.message)} | "
                         f"{_cell(f.remediation)} |")
    else:
        lines.append("No findings.")
    return "\n".join(lines) + "\n"
