"""Run compiled rules over one facts document: select, filter, compare, join, render findings.

Pure: no files, no printing. Joined collections are indexed once per (collection, keys,
filter) and shared by every rule that uses the same join. The same code runs proxy rules on
one proxy's facts and fleet rules on the fleet facts; only where a finding's proxy and
workload come from differs (the document's proxy, or the row's `proxy` and `group`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from jsonpath_ng import DatumInContext
from jsonpath_ng.jsonpath import Fields, Index

from dumpdiff.lint.compare import all_hold
from dumpdiff.lint.finding import Evidence, Finding, Skipped
from dumpdiff.lint.rule import Join, Rule
from dumpdiff.lint.templates import render

Row = dict[str, Any]


def facts_path(match: DatumInContext) -> str:
    """`clusters[12]` for a JSONPath match (from the chain of contexts)."""
    parts: list[str] = []
    node: DatumInContext | None = match
    while node is not None:
        path = node.path
        if isinstance(path, Index):
            indices = getattr(path, "indices", None) or (getattr(path, "index", "?"),)
            parts.append("".join(f"[{i}]" for i in indices))
        elif isinstance(path, Fields):
            parts.append("." + ".".join(str(f) for f in path.fields))
        node = node.context
    return "".join(reversed(parts)).lstrip(".")


def _key(row: Row, fields: list[str]) -> tuple[Any, ...]:
    return tuple(_hashable(row.get(f)) for f in fields)


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


class _JoinIndex:
    """Rows of other collections indexed by join keys, built lazily and reused."""

    def __init__(self, facts: dict[str, Any]) -> None:
        self.facts = facts
        self.cache: dict[tuple[str, tuple[str, ...], int], dict[tuple[Any, ...], list[Row]]] = {}

    def lookup(self, join: Join, row: Row) -> list[Row]:
        """The rows of `join.collection` with equal keys, passing `join.where` and
        `join.compare` against `row` (never `row` itself)."""
        other_fields = tuple(join.on.values())
        cache_key = (join.collection, other_fields, id(join.where))
        index = self.cache.get(cache_key)
        if index is None:
            index = defaultdict(list)
            for other in self.facts.get(join.collection) or []:
                if join.where is None or join.where.is_valid(other):
                    index[_key(other, list(other_fields))].append(other)
            self.cache[cache_key] = index
        found = index.get(_key(row, list(join.on)), [])
        if join.compare:
            found = [o for o in found if o is not row and all_hold(join.compare, row, o)]
        return found


def _violates(join: Join, matches: list[Row]) -> bool:
    if join.expect == "present":
        return not matches
    if join.expect == "absent":
        return bool(matches)
    return len(matches) < join.min_count


def _whose(rule: Rule, facts: dict[str, Any], row: Row) -> tuple[str, str]:
    """(proxy, workload) a finding is about: the document's proxy, or a fleet row's."""
    if rule.scope == "fleet":
        return str(row.get("proxy") or ""), str(row.get("group") or "(fleet)")
    proxy = facts["proxy"]
    return str(proxy["display"]), str(proxy.get("workload_key") or proxy["display"])


def _dump_of(row: Row) -> str:
    """A fleet row's dump: its source, unless it comes from a manifest (it has a line)."""
    return "" if row.get("line") is not None else str(row.get("source", ""))


def run_rules(rules: list[Rule], facts: dict[str, Any]) -> tuple[list[Finding], list[Skipped]]:
    """Findings of every rule on one facts document, and the rules skipped for lack of input.

    Give proxy rules a proxy's facts and fleet rules the fleet facts (see Rule.scope).
    """
    available = set(facts["inputs"]["available"])
    fleet = facts.get("schema", "").startswith("dumpdiff.fleet-facts")
    dump = "" if fleet else facts["inputs"]["dump"]
    pod = ("<pod>.<namespace>" if fleet or not facts["proxy"].get("pod")
           else facts["proxy"]["display"])
    joins = _JoinIndex(facts)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    seen: set[tuple[str, str]] = set()  # (rule, identity): Envoy may repeat an error_state
    for rule in rules:
        missing = [r for r in rule.requires if r not in available]
        if missing:
            skipped.append(Skipped(rule.id, dump or "(fleet)", missing))
            continue
        for match in rule.select.find(facts):
            row = match.value
            if not isinstance(row, dict):
                continue
            if rule.where is not None and not rule.where.is_valid(row):
                continue
            if rule.compare and not all_hold(rule.compare, row):
                continue
            proxy, workload = _whose(rule, facts, row)
            context: dict[str, Any] = {"this_proxy": proxy or workload, "pod": proxy or pod,
                                       "workload": workload, "rule_id": rule.id}
            if rule.join is not None:
                matches = joins.lookup(rule.join, row)
                if not _violates(rule.join, matches):
                    continue
                context["join_count"] = len(matches)
                context["other"] = matches[0] if matches else {}
            identity = render(rule.identity, row, context)
            if (rule.id, identity) in seen:
                continue
            seen.add((rule.id, identity))
            findings.append(Finding(
                rule_id=rule.id, severity=rule.severity, rung=rule.rung, title=rule.title,
                subject=render(rule.subject, row, context),
                message=render(rule.message, row, context),
                remediation=render(rule.remediation, row, context),
                identity=identity, proxy=proxy, dump=_dump_of(row) if fleet else dump,
                group=workload, proxies=[proxy] if proxy else [],
                evidence=Evidence(facts_path(match), str(row.get("source", dump)),
                                  str(row.get("origin", "")), row.get("line")),
                codes=list(rule.codes)))
    return findings, skipped
