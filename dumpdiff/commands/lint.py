"""`dumpdiff lint`, `dumpdiff facts` and `dumpdiff rules` (registered by cli.py)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dumpdiff.commands import fail
from dumpdiff.errors import DumpdiffError, InputError, RuleError

if TYPE_CHECKING:  # the lint package loads lazily: `dumpdiff --help` stays fast
    from dumpdiff.lint.inputs import LintInputs


class LintFormat(str, Enum):
    """Output formats of lint."""

    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"
    github = "github"


class Severity(str, Enum):
    """--fail-on thresholds."""

    error = "error"
    warning = "warning"
    info = "info"


def _rule_set(rules: list[str] | None) -> list[Any]:
    """The default rules plus `--rules` folders, or exit 3 naming the broken file."""
    from dumpdiff.lint import load_rules

    try:
        return list(load_rules(list(rules or [])))
    except DumpdiffError as exc:
        fail(exc)


ManifestsOpt = Annotated[list[str] | None, typer.Option(
    "--manifests", help="Istio manifests: a YAML file or a folder of them (repeatable).")]
ClustersOpt = Annotated[str | None, typer.Option(
    "--clusters", help="Envoy /clusters output (JSON or text) of the dump(s) given as files; "
                       "bundles bring each pod's own.")]
ProxyStatusOpt = Annotated[str | None, typer.Option(
    "--proxy-status", help="Saved `istioctl proxy-status` output (text, JSON or YAML); each "
                           "proxy is linted with its own row.")]


def _render(result: object, output: LintFormat, to_file: bool) -> str:
    from dumpdiff.lint.finding import LintResult
    from dumpdiff.report import (
        lint_github,
        lint_json,
        lint_junit,
        lint_markdown,
        lint_sarif,
        lint_text,
    )
    from dumpdiff.report.style import Style, stdout_style

    assert isinstance(result, LintResult)
    renderers = {LintFormat.json: lint_json.render, LintFormat.sarif: lint_sarif.render,
                 LintFormat.markdown: lint_markdown.render, LintFormat.junit: lint_junit.render,
                 LintFormat.github: lint_github.render}
    if output in renderers:
        return renderers[output](result)
    return lint_text.render(result, Style(False) if to_file else stdout_style())


def _inputs(inputs: list[str] | None, staging: list[str] | None, manifests: list[str] | None,
            clusters: str | None, proxy_status: str | None) -> LintInputs:
    """LintInputs for a normal run (INPUT...) or a pre-merge run (--dumps with --manifests)."""
    from dumpdiff.lint import LintInputs

    if staging:
        if inputs:
            raise InputError(" ".join(inputs), "give dumps as arguments (lint) or with --dumps "
                                               "(pre-merge check), not both")
        if not manifests:
            raise InputError("--dumps", "a pre-merge check needs the new manifests: "
                                        "--manifests NEW/ --dumps STAGING/")
        return LintInputs(list(staging), list(manifests), clusters, proxy_status, "premerge")
    if not inputs:
        raise InputError("dumpdiff lint", "give at least one dump or bundle (or --manifests "
                                          "NEW --dumps STAGING for a pre-merge check)")
    return LintInputs(list(inputs), list(manifests or []), clusters, proxy_status)


def lint_command(
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Config dumps (path, `-`, .gz ok) and/or bundles: folders or .tar.gz/.tgz/.zip "
             "laid out like `istioctl bug-report`.", show_default=False)] = None,
    manifests: ManifestsOpt = None,
    staging: Annotated[list[str] | None, typer.Option(
        "--dumps", help="Pre-merge check: the staging proxies' dumps or bundle (repeatable); "
                        "checks that what --manifests asks for can be served by them.")] = None,
    clusters: ClustersOpt = None,
    proxy_status: ProxyStatusOpt = None,
    rules: Annotated[list[str] | None, typer.Option(
        "--rules", help="Extra folder (or file) of rule YAML, added to the default rules "
                        "(repeatable).")] = None,
    no_default_rules: Annotated[bool, typer.Option(
        "--no-default-rules", help="Use only the rules given with --rules.")] = False,
    ignore_file: Annotated[str | None, typer.Option(
        "--ignore-file", help="Suppressions: YAML entries of rule id, identity glob, reason "
                              "and optional expiry date (docs/ci.md).")] = None,
    baseline: Annotated[str | None, typer.Option(
        "--baseline", help="Only findings not in this baseline file fail the run.")] = None,
    baseline_write: Annotated[str | None, typer.Option(
        "--baseline-write", help="Write every finding of this run to a baseline file (and "
                                 "exit 0 unless input is bad).")] = None,
    fail_on: Annotated[Severity, typer.Option(
        "--fail-on", help="Exit 1 when a finding has this severity or worse.")] = Severity.error,
    output: Annotated[LintFormat, typer.Option("--output", "-o",
                                               help="Output format.")] = LintFormat.text,
    output_file: Annotated[str | None, typer.Option(
        "--output-file", help="Write the report to this file (atomically).")] = None,
) -> None:
    """Check dumps and bundles against the rules; findings are grouped by workload.

    Exit 0 nothing at/above --fail-on, 1 findings, 2 bad input, 3 bad rules.
    """
    from dumpdiff.lint import LintOptions, lint, load_rules
    from dumpdiff.lint.baseline import load_baseline, render_baseline
    from dumpdiff.lint.suppress import load_suppressions
    from dumpdiff.report.writer import emit

    try:
        if not rules and no_default_rules:
            raise RuleError("--no-default-rules", "needs at least one --rules folder")
        rule_set = load_rules(list(rules or []), include_default=not no_default_rules)
        lint_inputs = _inputs(inputs, staging, manifests, clusters, proxy_status)
        options = LintOptions(
            fail_on=fail_on.value,
            suppressions=load_suppressions(ignore_file) if ignore_file else [],
            baseline=load_baseline(baseline) if baseline else None)
        result = lint(lint_inputs, rule_set, options=options)
        if baseline_write:
            emit(render_baseline(result.findings), baseline_write)
        emit(_render(result, output, bool(output_file)), output_file)
    except DumpdiffError as exc:
        fail(exc)
    raise typer.Exit(0 if baseline_write else result.exit_code)


def facts_command(
    inputs: Annotated[list[str], typer.Argument(
        help="A config dump (path, `-`, .gz ok); with --fleet, dumps and bundles.")],
    fleet: Annotated[bool, typer.Option(
        "--fleet", help="Print the fleet facts over all inputs (fleet_schema.json).")] = False,
    manifests: ManifestsOpt = None,
    clusters: ClustersOpt = None,
    proxy_status: ProxyStatusOpt = None,
    output_file: Annotated[str | None, typer.Option(
        "--output-file", help="Write to this file (atomically).")] = None,
) -> None:
    """Print the facts that rules read (JSON; documented by dumpdiff/facts/schema.json)."""
    from dumpdiff.lint.runner import LintInputs, facts_for, fleet_facts_for
    from dumpdiff.report import jsonout
    from dumpdiff.report.writer import emit

    try:
        lint_inputs = LintInputs(list(inputs), list(manifests or []), clusters, proxy_status)
        if fleet:
            emit(jsonout.render(fleet_facts_for(lint_inputs)), output_file)
            return
        docs = facts_for(lint_inputs)
        if len(docs) != 1:
            raise InputError(" ".join(inputs), f"holds {len(docs)} dumps; facts prints one "
                                               "(use --fleet for several)")
        emit(jsonout.render(docs[0]), output_file)
    except DumpdiffError as exc:
        fail(exc)


rules_app = typer.Typer(help="List, show, document and self-test lint rules.",
                        no_args_is_help=True)


@rules_app.command("list")
def rules_list(
    rules: Annotated[list[str] | None, typer.Option(
        "--rules", help="Extra rule folder (repeatable).")] = None,
) -> None:
    """One line per rule: id, severity, ladder rung, title."""
    rule_set = _rule_set(rules)
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
    rule_set = _rule_set(rules)
    found = [r for r in rule_set if r.id == rule_id.upper()]
    if not found:
        typer.echo(f"dumpdiff: error: no rule {rule_id} (see `dumpdiff rules list`)", err=True)
        raise typer.Exit(2)
    r = found[0]
    typer.echo(f"{r.id}: {r.title}\n"
               f"severity {r.severity}, rung {r.rung}, tags {', '.join(r.tags) or '-'}, "
               f"codes {', '.join(r.codes) or '-'}, runs in {', '.join(r.modes)} "
               f"({r.scope} rule)\nfile: {r.path}\n\n{r.description}\n\n"
               f"selects: {r.select_text}"
               + (f"  (needs: {', '.join(r.requires)})" if r.requires else "")
               + f"\nmessage: {r.message}\nnext step: {r.remediation}")


@rules_app.command("docs")
def rules_docs(
    output_file: Annotated[str | None, typer.Option(
        "--output-file", help="Write to this file (atomically), e.g. docs/rules.md.")] = None,
) -> None:
    """Markdown documentation of the shipped rules (docs/rules.md is this output)."""
    from dumpdiff.lint import load_rules
    from dumpdiff.report import lint_rules_doc
    from dumpdiff.report.writer import emit

    try:
        emit(lint_rules_doc.render(load_rules([])), output_file)
    except DumpdiffError as exc:
        fail(exc)


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
        fail(exc)
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
