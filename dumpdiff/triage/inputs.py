"""Gather triage's inputs from bundles, dumps and the optional files, reusing the engines."""

from __future__ import annotations

from contextlib import ExitStack

from dumpdiff.errors import InputError
from dumpdiff.flags.accesslog import summarize
from dumpdiff.fleet import fleet
from dumpdiff.lint.ruleset import load_rules
from dumpdiff.lint.runner import LintInputs, lint
from dumpdiff.normalize.profile import default_profile
from dumpdiff.sources import load_snapshot
from dumpdiff.sources.bundle import gather as gather_inputs
from dumpdiff.sources.reader import read_bytes
from dumpdiff.triage.engine import TriageInput


def gather(inputs: list[str], manifests: list[str], proxy_status: str | None,
           clusters: str | None, logs: list[str], rule_dirs: list[str]) -> TriageInput:
    """Read everything triage needs (InputError on bad input)."""
    with ExitStack() as stack:
        found = gather_inputs(inputs, stack, clusters)
        proxies = found.proxies
        manifest_paths = list(manifests) + found.manifests
        status = proxy_status or (found.proxy_status[0] if found.proxy_status else None)
        inp = TriageInput([], manifests_given=bool(manifest_paths),
                          proxy_status_given=status is not None)
        for p in proxies:
            if p.config_dump is None:
                inp.missing.append((f"{p.pod}.{p.namespace}" if p.pod else p.label,
                                    "no config dump (no istio-proxy, or its debug files "
                                    "are missing)"))
            else:
                inp.snapshots.append(load_snapshot(p.config_dump))
        # One lint run over the same inputs: it pairs each pod of a bundle with its own
        # /clusters output and proxy-status row.
        result = lint(LintInputs(list(inputs), list(manifests), clusters, proxy_status),
                      load_rules(rule_dirs), fail_on="warning")
        inp.findings.extend(result.findings)
        for log in logs:
            raw = read_bytes(log)
            try:
                inp.logs.append(summarize(log, raw.decode("utf-8")))
            except UnicodeDecodeError:
                raise InputError(log, "is not UTF-8 text") from None
        report = fleet(" ".join(inputs), [p for p in proxies if p.config_dump],
                       default_profile())
        for g in report.groups:
            if len(g.pods) > 1:
                inp.groups_compared += 1
            for d in g.deviations:
                inp.deviations.append(f"{d.pod} differs from {d.reference} "
                                      f"({len(d.changes)} changes)")
        return inp
