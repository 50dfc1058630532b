"""Markdown output of `dumpdiff compare`, for pasting into a support ticket."""

from __future__ import annotations

from itertools import groupby

from dumpdiff.model.snapshot import RESOURCE_NOUNS, SECTION_TITLES
from dumpdiff.report.compare_text import summary_line
from dumpdiff.report.markdown_common import cell, change_md
from dumpdiff.results import CompareResult


def render(result: CompareResult) -> str:
    """A ticket-ready Markdown report."""
    a = result.left_identity.display or result.left
    b = result.right_identity.display or result.right
    out = [f"## dumpdiff compare: `{a}` vs `{b}`", ""]
    out.append(f"**{'Identical' if result.identical else 'Different'}** — {summary_line(result)}")
    if not result.normalized:
        out.append("")
        out.append("_Not normalized: pod identity, versions and timestamps are included._")
    rows = [("", "left", "right")]
    for label, attr in (("pod", "display"), ("proxy type", "proxy_type"),
                        ("Istio", "istio_version"), ("Envoy", "envoy_version")):
        rows.append((label, str(getattr(result.left_identity, attr) or "—"),
                     str(getattr(result.right_identity, attr) or "—")))
    out += ["", "| | left | right |", "|---|---|---|"]
    out += [f"| {r[0]} | `{cell(r[1])}` | `{cell(r[2])}` |" for r in rows[1:]]
    for section, sec_changes in groupby(result.changes, key=lambda c: c.section):
        out += ["", f"### {SECTION_TITLES[section]}", ""]
        for resource, res_changes in groupby(sec_changes, key=lambda c: c.resource):
            out.append(f"- {RESOURCE_NOUNS[section]} `{resource}`")
            out += [f"  - {change_md(c)}" for c in res_changes]
    if result.ignored:
        out += ["", f"_{result.ignored} differences ignored by --ignore._"]
    return "\n".join(out) + "\n"
