"""Human output of `dumpdiff compare`: a one-line summary, then changes by section/resource."""

from __future__ import annotations

from itertools import groupby

from dumpdiff.model.snapshot import RESOURCE_NOUNS, SECTION_TITLES
from dumpdiff.report.style import Style
from dumpdiff.report.values import short
from dumpdiff.results import ADDED, MOVED, REMOVED, Change, CompareResult

_MARK = {ADDED: ("+", "green"), REMOVED: ("-", "red"), MOVED: ("↕", "yellow")}


def summary_line(result: CompareResult) -> str:
    """`clusters: 1 changed · routes: 1 changed · endpoints: identical`."""
    parts = []
    for s in result.sections:
        if not s.present:
            continue
        if s.only_in:
            parts.append(f"{SECTION_TITLES[s.section]}: only in {s.only_in} dump")
            continue
        if s.identical:
            parts.append(f"{SECTION_TITLES[s.section]}: identical")
            continue
        counts = [f"{n} {label}" for n, label in ((s.changed, "changed"), (s.added, "added"),
                                                   (s.removed, "removed")) if n]
        parts.append(f"{SECTION_TITLES[s.section]}: {', '.join(counts)}")
    return " · ".join(parts) or "no sections to compare"


def render(result: CompareResult, style: Style) -> str:
    """The full text report."""
    who_a = result.left_identity.display or result.left
    who_b = result.right_identity.display or result.right
    lines = [style(f"compare {who_a}  →  {who_b}", "bold")]
    if not result.normalized:
        lines.append(style("(not normalized: pod identity, versions and timestamps included)",
                           "dim"))
    lines.append(summary_line(result))
    if result.identical:
        lines.append(style("identical", "green") + (
            f" ({result.ignored} differences ignored by --ignore)" if result.ignored else ""))
        return "\n".join(lines) + "\n"
    for section, sec_changes in groupby(result.changes, key=lambda c: c.section):
        lines.append("")
        lines.append(style(SECTION_TITLES[section], "bold", "blue"))
        for resource, res_changes in groupby(sec_changes, key=lambda c: c.resource):
            lines.extend(_resource_lines(section, resource, list(res_changes), style))
    total = len(result.changes)
    lines.append("")
    lines.append(f"{total} difference{'s' if total != 1 else ''}"
                 + (f", {result.ignored} ignored" if result.ignored else ""))
    return "\n".join(lines) + "\n"


def _resource_lines(section: str, resource: str, changes: list[Change], style: Style) -> list[str]:
    noun = RESOURCE_NOUNS[section]
    if resource == "(section)" and not changes[0].path:
        c = changes[0]
        side = "right" if c.kind == ADDED else "left"
        return [style(f"  {_MARK[c.kind][0]} only in the {side} dump: "
                      f"{c.new if c.kind == ADDED else c.old}", _MARK[c.kind][1])]
    if len(changes) == 1 and not changes[0].path and changes[0].kind in (ADDED, REMOVED):
        mark, colour = _MARK[changes[0].kind]
        return [style(f"  {mark} {noun} {resource}", colour) + f"  ({changes[0].kind})"]
    out = [f"  ~ {noun} {style(resource, 'bold')}"]
    for c in changes:
        out.append("      " + change_text(c, style))
    return out


def change_text(c: Change, style: Style) -> str:
    """`path: old → new`, `path: + value`, `path: moved from position 2 to 0`."""
    path = c.path or "(whole resource)"
    if c.kind == ADDED:
        return style(f"+ {path}: {short(c.new)}", "green")
    if c.kind == REMOVED:
        return style(f"- {path}: {short(c.old)}", "red")
    if c.kind == MOVED:
        return style(f"↕ {path}: moved from position {c.old} to {c.new}", "yellow")
    return f"~ {path}: {style(short(c.old), 'red')} → {style(short(c.new), 'green')}"
