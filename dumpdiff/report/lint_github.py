"""`dumpdiff lint -o github`: GitHub Actions workflow commands that annotate a pull request.

One line per counted finding: `::error file=F,line=L,title=T::MESSAGE` (warning, notice for
lower severities). Findings located in a manifest carry its file and line, so they appear on
the changed line of the pull request; others appear in the run's summary. Suppressed and
baselined findings are not annotated.

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`, `\\r`
and `\\n` become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A` and
`%2C`, because they separate properties.
"""

from __future__ import annotations

from dumpdiff.lint.finding import LintResult

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: LintResult) -> str:
    """Workflow commands, one per line, then a summary line (plain text, not a command)."""
    lines = []
    for f in result.findings:
        if not f.counts:
            continue
        props = []
        loc = f.manifest_location
        if loc is not None:
            props += [f"file={escape_property(loc[0])}", f"line={loc[1]}"]
        props.append(f"title={escape_property(f'{f.rule_id}: {f.subject}')}")
        where = f"\n({f.group}; next: {f.remediation})"
        lines.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{escape_data(f.message + where)}")
    counts = result.counts()
    lines.append(f"dumpdiff lint: {counts['error']} error(s), {counts['warning']} warning(s), "
                 f"{counts['info']} info; {len(result.failing)} at or above --fail-on "
                 f"{result.fail_on}")
    return "\n".join(lines) + "\n"
