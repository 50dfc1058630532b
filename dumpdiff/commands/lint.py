"""`dumpdiff lint`, `dumpdiff facts` and `dumpdiff rules` (registered by cli.py)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, NoReturn

import typer

from dumpdiff.errors import DumpdiffError, RuleError


class LintFormat(str, Enum):
    """Output formats of lint."""

    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"


class Severity(str, Enum):
    """--fail-on thresholds."""

    error = "error"
    warning = "warning"
    info = "info"


def _fail(exc: DumpdiffError) -> NoReturn:
    typer.echo(f"dumpdiff: error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


ManifestsOpt = Annotated[list[str] | None, typer.Option(
    "--manifests", help="Istio manifests: a YAML file or a folder of them (repeatable).")]
ClustersOpt = Annotated[str | None, typer.Option(
    "--clusters", help="Envoy /clusters output of the proxy (JSON or text).")]
ProxyStatusOpt = Annotated[str | None, typer.Option(
    "--proxy-status", help="Saved `istioctl proxy-status` output (text, JSON or YAML).")]


def _render(result: object, output: LintFormat, to_file: bool) -> str:
    from dumpdiff.lint.finding import LintResult
    from dumpdiff.report import lint_json, lint_junit, lint_markdown, lint_sarif, lint_text
    from dumpdiff.report.style import Style, stdout_style

    assert isinstance(result, LintResult)
    if output == LintFormat.json:
        return lint_json.render(result)
    if output == LintFormat.sarif:
        return lint_sarif.render(result)
    if output == LintFormat.markdown:
        return lint_markdown.render(result)
    if output == LintFormat.junit:
        return lint_junit.render(result)
    return lint_text.render(result, Style(False) if to_file else stdout_style())


def lint_command(
    dumps: Annotated[list[str], typer.Argument(help="Config dumps (path, `-`, .gz ok).")],
    manifests: ManifestsOpt = None,
    clusters: ClustersOpt = None,
    proxy_status: ProxyStatusOpt = None,
    rules: Annotated[list[str] | None, typer.Option(
        "--rules", help="Extra folder (or file) of rule YAML, added to the default rules "
                        "(repeatable).")] = None,
    no_default_rules: Annotated[bool, typer.Option(
        "--no-default-rules", help="Use only the rules given with --rules.")] = False,
    fail_on: Annotated[Severity, typer.Option(
        "--fail-on", help="Exit 1 when a finding has this severity or worse.")] = Severity.error,
    output: Annotated[LintFormat, typer.Option("--output", "-o",
                                               help="Output format.")] = LintFormat.text,
    output_file: Annotated[str | None, typer.Option(
        "--output-file", help="Write the report to this file (atomically).")] = None,
) -> None:
    """Check dumps against the rules (routing vs manifests, missing clusters, endpoints, sync).

    Exit 0 nothing at/above --fail-on, 1 findings, 2 bad input, 3 bad rules.
    """
    from dumpdiff.lint import LintInputs, lint, load_rules
    from dumpdiff.report.writer import emit

    try:
        if not rules and no_default_rules:
            raise RuleError("--no-default-rules", "needs at least one --rules folder")
        rule_set = load_rules(list(rules or []), include_default=not no_default_rules)
        inputs = LintInputs(list(dumps), list(manifests or []), clusters, proxy_status)
        result = lint(inputs, rule_set, fail_on.value)
        emit(_render(result, output, bool(output_file)), output_file)
    except DumpdiffError as exc:
        _fail(exc)
    raise typer.Exit(result.exit_code)


def facts_command(
    dump: Annotated[str, typer.Argument(help="A config dump (path, `-`, .gz ok).")],
    manifests: ManifestsOpt = None,
    clusters: ClustersOpt = None,
    proxy_status: ProxyStatusOpt = None,
    output_file: Annotated[str | None, typer.Option(
        "--output-file", help="Write to this file (atomically).")] = None,
) -> None:
    """Print the facts that rules read (JSON; documented by dumpdiff/facts/schema.json)."""
    from dumpdiff.lint.runner import LintInputs, facts_for
    from dumpdiff.report import jsonout
    from dumpdiff.report.writer import emit

    try:
        facts = facts_for(LintInputs([dump], list(manifests or []), clusters, proxy_status))[0]
        emit(jsonout.render(facts), output_file)
    except DumpdiffError as exc:
        _fail(exc)


rules_app = typer.Typer(help="List, show and self-test lint rules.", no_args_is_help=True)


@rules_app.command("list")
def rules_list(
    rules: Annotated[list[str] | None, typer.Option(
        "--rules", help="Extra rule folder (repeatable).")] = None,
) -> None:
    """One line per rule: id, severity, ladder rung, title."""
    from dumpdiff.lint import load_rules

    try:
        rule_set = load_rules(list(rules or []))
    except DumpdiffError as exc:
        _fail(exc)
    width = max((len(r.id) for r in rule_set), default=10)
    for r in sorted(rule_set, key=lambda r: (r.rung, r.id)):
        typer.echo(f"{r.id:<{width}}  {r.severity:<7}  rung {r.rung}  {r.title}")


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. ROUTE-TO-MISSING-CLUSTER.")],
    rules: Annotated[list[str] | None, typer.Option(
        "--rules", help="Extra rule folder (repeatable).")] = None,
) -> None:
    """A rule's documentation: description, what it selects, message and remediation."""
    from dumpdiff.lint import load_rules

    try:
        rule_set = load_rules(list(rules or []))
    except DumpdiffError as exc:
        _fail(exc)
    found = [r for r in rule_set if r.id == rule_id.upper()]
    if not found:
        typer.echo(f"dumpdiff: error: no rule {rule_id} (see `dumpdiff rules list`)", err=True)
        raise typer.Exit(2)
    r = found[0]
    typer.echo(f"{r.id}: {r.title}\n"
               f"severity {r.severity}, rung {r.rung}, tags {', '.join(r.tags) or '-'}, "
               f"codes {', '.join(r.codes) or '-'}\nfile: {r.path}\n\n{r.description}\n\n"
               f"selects: {r.select_text}"
               + (f"  (needs: {', '.join(r.requires)})" if r.requires else "")
               + f"\nmessage: {r.message}\nnext step: {r.remediation}")


@rules_app.command("test")
def rules_test(
    folder: Annotated[str | None, typer.Argument(
        help="Rule folder or file (default: the shipped rules).")] = None,
) -> None:
    """Run every rule on its passing and failing fixtures. Exit 0 all pass, 3 otherwise."""
    from dumpdiff.lint import default_rules_dir, load_rules
    from dumpdiff.lint.selftest import test_rule

    try:
        target = folder or default_rules_dir()
        if target is None:
            raise RuleError("rules", "the default rules folder was not found")
        rule_set = load_rules([target], include_default=False)
    except DumpdiffError as exc:
        _fail(exc)
    bad = 0
    for rule in rule_set:
        for case in test_rule(rule):
            bad += not case.ok
            typer.echo(f"{'PASS' if case.ok else 'FAIL'}  {case.rule_id}  {case.kind}  "
                       f"{case.fixture}: {case.detail}")
    typer.echo(f"{len(rule_set)} rules, {bad} failing fixture(s)")
    raise typer.Exit(3 if bad else 0)


def register(app: typer.Typer) -> None:
    """Add the lint commands to `app`."""
    app.command("lint")(lint_command)
    app.command("facts")(facts_command)
    app.add_typer(rules_app, name="rules")
