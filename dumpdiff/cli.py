"""The `dumpdiff` command line: parse options, call one engine, pick a renderer, exit.

Exit codes (DESIGN.md): 0 nothing to report, 1 differences/findings, 2 bad input,
3 bad rules.
"""

from __future__ import annotations

import os
import sys
import traceback
from enum import Enum
from typing import Annotated

import typer

from dumpdiff import __version__
from dumpdiff.commands import fail
from dumpdiff.commands.output import TextJsonMarkdown, TextOrJson, show
from dumpdiff.errors import DumpdiffError

app = typer.Typer(
    name="dumpdiff",
    help="Offline diff and lint for Istio/Envoy config dumps "
         "(istioctl proxy-config all POD -o json).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


SectionChoice = Enum(  # type: ignore[misc]
    "SectionChoice",
    {s: s for s in ("bootstrap", "clusters", "endpoints", "listeners", "routes", "secrets",
                    "ecds", "scoped_routes", "other")},
    type=str,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dumpdiff {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Offline diff and lint for Istio/Envoy config dumps."""


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First dump (path, `-` for stdin, .gz ok).")],
    b: Annotated[str, typer.Argument(help="Second dump.")],
    output: Annotated[TextJsonMarkdown, typer.Option("--output", "-o",
                                                  help="Output format.")] = TextJsonMarkdown.text,
    only: Annotated[list[SectionChoice] | None, typer.Option(
        "--only", help="Compare only this section (repeatable).")] = None,
    no_normalize: Annotated[bool, typer.Option(
        "--no-normalize", help="Keep pod identity, versions and timestamps.")] = False,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="Ignore changes whose `section/resource/path` (or path) matches "
                         "this glob; `*` and `?` are wildcards (repeatable).")] = None,
    profile: Annotated[list[str] | None, typer.Option(
        "--profile", help="Extra normalization profile YAML (repeatable).")] = None,
    output_file: Annotated[str | None, typer.Option(
        "--output-file", help="Write the report to this file (atomically).")] = None,
) -> None:
    """Compare two proxies' config dumps by resource. Exit 0 identical, 1 different, 2 bad input."""
    from dumpdiff.diff import compare as run_compare
    from dumpdiff.normalize import load_profile
    from dumpdiff.report import compare_markdown, compare_text, jsonout
    from dumpdiff.report.style import stdout_style
    from dumpdiff.report.writer import emit
    from dumpdiff.sources import load_snapshot

    try:
        if a == "-" and b == "-":
            raise DumpdiffError("only one of the two dumps can come from stdin")
        prof = load_profile(profile or [], ignore or [])
        if no_normalize:
            from dumpdiff.normalize.profile import Profile

            prof_or_none: Profile | None = None
            if ignore:  # --ignore still applies without normalization
                prof_or_none = Profile(ignore=list(ignore))
        else:
            prof_or_none = prof
        snap_a, snap_b = load_snapshot(a), load_snapshot(b)
        sections = [s.value for s in only or []]
        result = run_compare(snap_a, snap_b, prof_or_none, sections)
        if output == TextJsonMarkdown.json:
            text = jsonout.render(result.to_dict())
        elif output == TextJsonMarkdown.markdown:
            text = compare_markdown.render(result)
        else:
            style = stdout_style() if not output_file else compare_text.Style(False)
            text = compare_text.render(result, style)
        emit(text, output_file)
    except DumpdiffError as exc:
        fail(exc)
    raise typer.Exit(0 if result.identical else 1)


@app.command()
def summary(
    dump: Annotated[str, typer.Argument(help="A config dump (path, `-`, .gz ok).")],
    output: Annotated[TextOrJson, typer.Option("--output", "-o",
                                                  help="Output format.")] = TextOrJson.text,
) -> None:
    """Identity, versions and resource counts of one dump, with warming and error states."""
    from dumpdiff.inventory import inventory
    from dumpdiff.report import summary_text
    from dumpdiff.report.style import stdout_style
    from dumpdiff.sources import load_snapshot

    try:
        inv = inventory(load_snapshot(dump))
    except DumpdiffError as exc:
        fail(exc)
    show(output == TextOrJson.json, inv.to_dict, lambda: summary_text.render(inv, stdout_style()))


@app.command()
def normalize(
    dump: Annotated[str, typer.Argument(help="A config dump (path, `-`, .gz ok).")],
    profile: Annotated[list[str] | None, typer.Option(
        "--profile", help="Extra normalization profile YAML (repeatable).")] = None,
    output_file: Annotated[str | None, typer.Option(
        "--output-file", help="Write to this file (atomically) instead of stdout.")] = None,
) -> None:
    """Print the normalized dump (config_dump shape, sorted) for use with other tools."""
    from dumpdiff.model.snapshot import SECTIONS
    from dumpdiff.normalize import load_profile, normalize_snapshot
    from dumpdiff.report import jsonout
    from dumpdiff.report.writer import emit
    from dumpdiff.sources import load_snapshot
    from dumpdiff.sources.configdump import to_config_dump

    try:
        snap = normalize_snapshot(load_snapshot(dump), load_profile(profile or [], []))
        emit(jsonout.render(to_config_dump(snap, SECTIONS)), output_file)
    except DumpdiffError as exc:
        fail(exc)


def _register_command_groups() -> None:
    from dumpdiff.commands import fleet, lint, redact, traffic, triage

    fleet.register(app)
    redact.register(app)
    lint.register(app)
    traffic.register(app)
    triage.register(app)


_register_command_groups()


def main() -> None:
    """Console-script entry point: never a traceback for the user unless DUMPDIFF_DEBUG=1,
    and never secret material in anything printed (see report/writer.py)."""
    from dumpdiff.report.writer import mask_streams

    mask_streams()
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug, or input odd enough to reach one: say so in one line
        if os.environ.get("DUMPDIFF_DEBUG"):
            traceback.print_exc()
        typer.echo(f"dumpdiff: error: unexpected {type(exc).__name__}: {exc} "
                   "(DUMPDIFF_DEBUG=1 shows the traceback)", err=True)
        sys.exit(2)
