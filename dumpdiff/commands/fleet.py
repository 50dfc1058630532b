"""`dumpdiff fleet BUNDLE|DUMP...` (registered by cli.py)."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated

import typer

from dumpdiff.commands import fail
from dumpdiff.commands.output import TextJsonMarkdown
from dumpdiff.errors import DumpdiffError, InputError


def register(app: typer.Typer) -> None:
    """Add the fleet command to `app`."""

    @app.command()
    def fleet(
        inputs: Annotated[list[str], typer.Argument(
            help="Bundles (folders, .tar.gz/.tgz/.zip as istioctl bug-report makes them) "
                 "or dump files.")],
        output: Annotated[TextJsonMarkdown, typer.Option("--output", "-o",
                                                    help="Output format.")] = TextJsonMarkdown.text,
        profile: Annotated[list[str] | None, typer.Option(
            "--profile", help="Extra normalization profile YAML (repeatable).")] = None,
        ignore: Annotated[list[str] | None, typer.Option(
            "--ignore", help="Ignore changes matching this glob (as in compare).")] = None,
        output_file: Annotated[str | None, typer.Option(
            "--output-file", help="Write the report to this file (atomically).")] = None,
    ) -> None:
        """Group proxies by workload and name the pods that differ from their siblings.

        Exit 0 when every workload's pods agree, 1 when a pod deviates or versions are
        skewed, 2 on bad input.
        """
        from dumpdiff.fleet import fleet as run_fleet
        from dumpdiff.fleet import progress_bar
        from dumpdiff.normalize import load_profile
        from dumpdiff.report import fleet_markdown, fleet_text, jsonout
        from dumpdiff.report.style import Style, stdout_style
        from dumpdiff.report.writer import emit
        from dumpdiff.sources.bundle import gather

        try:
            prof = load_profile(profile or [], ignore or [])
            with ExitStack() as stack:
                proxies = gather(inputs, stack).proxies
                tick, done = progress_bar(len(proxies))
                try:
                    report = run_fleet(" ".join(inputs), proxies, prof, progress=tick)
                finally:
                    done()
            if not report.groups:
                reasons = "; ".join(f"{p}: {w}" for p, w in report.missing[:3])
                raise InputError(" ".join(inputs), f"no readable config dump ({reasons})")
            if output == TextJsonMarkdown.json:
                text = jsonout.render(report.to_dict())
            elif output == TextJsonMarkdown.markdown:
                text = fleet_markdown.render(report)
            else:
                text = fleet_text.render(report, Style(False) if output_file
                                         else stdout_style())
            emit(text, output_file)
        except DumpdiffError as exc:
            fail(exc)
        raise typer.Exit(1 if report.disagree else 0)
