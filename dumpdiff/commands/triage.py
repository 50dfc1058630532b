"""`dumpdiff triage` and `dumpdiff runbook` (registered by cli.py)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from dumpdiff.commands import fail
from dumpdiff.errors import DumpdiffError


class TriageFormat(str, Enum):
    """Output formats of triage."""

    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


def register(app: typer.Typer) -> None:
    """Add triage and runbook to `app`."""

    @app.command()
    def triage(
        inputs: Annotated[list[str], typer.Argument(
            help="Bundles (folders, bug-report archives) or dump files.")],
        manifests: Annotated[list[str] | None, typer.Option(
            "--manifests", help="Istio manifests (file or folder, repeatable).")] = None,
        proxy_status: Annotated[str | None, typer.Option(
            "--proxy-status", help="Saved `istioctl proxy-status` output.")] = None,
        clusters: Annotated[str | None, typer.Option(
            "--clusters", help="Envoy /clusters output (JSON or text) for a single dump.")
        ] = None,
        log: Annotated[list[str] | None, typer.Option(
            "--log", help="istio-proxy access log (repeatable).")] = None,
        rules: Annotated[list[str] | None, typer.Option(
            "--rules", help="Extra rules folder (repeatable).")] = None,
        output: Annotated[TriageFormat, typer.Option("--output", "-o")] = TriageFormat.text,
        output_file: Annotated[str | None, typer.Option(
            "--output-file", help="Write the report to this file (atomically).")] = None,
    ) -> None:
        """Walk the Istio debugging ladder offline: each rung PASS, FAIL or UNKNOWN.

        Exit 0 when no rung fails, 1 when one does (the lowest is the one to fix first),
        2 on bad input, 3 on bad rules.
        """
        from dumpdiff.report import jsonout, triage_html, triage_markdown, triage_text
        from dumpdiff.report.style import Style, stdout_style
        from dumpdiff.report.writer import emit
        from dumpdiff.triage.engine import triage as run_triage
        from dumpdiff.triage.inputs import gather

        try:
            inp = gather(inputs, list(manifests or []), proxy_status, clusters,
                         list(log or []), list(rules or []))
            report = run_triage(inp, inputs)
            if output == TriageFormat.json:
                text = jsonout.render(report.to_dict())
            elif output == TriageFormat.markdown:
                text = triage_markdown.render(report)
            elif output == TriageFormat.html:
                text = triage_html.render(report)
            else:
                text = triage_text.render(report, Style(False) if output_file
                                          else stdout_style())
            emit(text, output_file)
        except DumpdiffError as exc:
            fail(exc)
        raise typer.Exit(report.exit_code)

    @app.command()
    def runbook(
        rules: Annotated[list[str] | None, typer.Option(
            "--rules", help="Extra rules folder (repeatable).")] = None,
        output_file: Annotated[str | None, typer.Option(
            "--output-file", help="Write to this file (atomically).")] = None,
    ) -> None:
        """Print the on-call runbook (docs/runbook.md) from the ladder, flags and rules."""
        from dumpdiff.lint.ruleset import load_rules
        from dumpdiff.report.writer import emit
        from dumpdiff.triage.runbook import render

        try:
            emit(render(load_rules(list(rules or []))), output_file)
        except DumpdiffError as exc:
            fail(exc)
