"""`dumpdiff lint -o markdown`: a table for pull requests and tickets."""

from __future__ import annotations

from dumpdiff.lint.finding import LintResult


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: LintResult) -> str:
    """Markdown with a summary line and one table row per finding."""
    counts = result.counts()
    lines = ["# dumpdiff lint", "",
             f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} "
             f"info; {len(result.failing)} at or above `--fail-on {result.fail_on}`.", ""]
    if result.findings:
        lines += ["| severity | rule | rung | proxy | subject | message | next step |",
                  "|---|---|---|---|---|---|---|"]
        for f in result.findings:
            loc = f.manifest_location
            subject = _cell(f.subject) + (f" ({_cell(loc[0])}:{loc[1]})" if loc else "")
            lines.append(f"| {f.severity} | `{f.rule_id}` | {f.rung} | {_cell(f.proxy)} | "
                         f"{subject} | {_cell(f.message)} | {_cell(f.remediation)} |")
    else:
        lines.append("No findings.")
    return "\n".join(lines) + "\n"
