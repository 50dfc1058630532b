"""A lint rule: loaded from YAML, validated against rule.schema.yaml, compiled once.

Compiling means: the `select` JSONPath parsed (jsonpath-ng ext), the `where` and `join.where`
JSON Schemas checked and turned into validators, every `compare` field and template
placeholder resolved against the facts schema of the selected (and joined) collection, and
the rule's scope decided: a collection of the fleet facts makes a fleet rule. Any problem is
a RuleError naming the file and line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema
import yaml
from jsonpath_ng import JSONPath
from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext import parse as jsonpath_parse
from jsonpath_ng.jsonpath import Child, Fields, Index, Root, Slice, Wildcard

from dumpdiff.errors import RuleError
from dumpdiff.facts import COLLECTIONS, FLEET_COLLECTIONS, item_schema
from dumpdiff.lint.compare import Comparison
from dumpdiff.lint.predicate import Condition
from dumpdiff.lint.regex_guard import jsonpath_patterns, schema_patterns, unsafe_reason
from dumpdiff.lint.templates import BUILTINS, check_placeholder, placeholders
from dumpdiff.lint.yamlload import Path, line_for, load_yaml_with_lines

SEVERITIES = ("info", "warning", "error")  # ascending
_FILTER_TYPES: tuple[type, ...] = (Slice, Index, Wildcard)
try:  # jsonpath-ng ≥1.5 keeps filters in the ext package
    from jsonpath_ng.ext.filter import Filter

    _FILTER_TYPES = (*_FILTER_TYPES, Filter)
except ImportError:  # pragma: no cover
    pass


@lru_cache(maxsize=1)
def rule_schema() -> dict[str, Any]:
    """The JSON Schema every rule file is validated against."""
    text = resources.files("dumpdiff.lint").joinpath("rule.schema.yaml").read_text("utf-8")
    schema: dict[str, Any] = yaml.safe_load(text)
    return schema


@lru_cache(maxsize=1)
def _rule_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(rule_schema())


@lru_cache(maxsize=256)
def compile_jsonpath(expr: str) -> JSONPath:
    """Parse a JSONPath once per process (jsonpath-ng rebuilds parser tables per call)."""
    return jsonpath_parse(expr)


@dataclass(slots=True)
class Join:
    """`join`: look rows up in another collection by equal keys and expect a count."""

    collection: str
    on: dict[str, str]
    expect: str  # present | absent | min_count
    min_count: int = 1
    where: Condition | None = None
    compare: tuple[Comparison, ...] = ()


@dataclass(slots=True)
class Rule:
    """A compiled rule."""

    id: str
    title: str
    severity: str
    rung: int
    description: str
    collection: str
    select: JSONPath
    select_text: str
    message: str
    remediation: str
    identity: str
    subject: str
    path: str
    scope: str = "proxy"  # proxy: run on each dump's facts; fleet: once on the fleet facts
    modes: tuple[str, ...] = ("lint",)
    compare: tuple[Comparison, ...] = ()
    tags: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    where: Condition | None = None
    join: Join | None = None
    fixtures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def directory(self) -> str:
        """The folder the rule file is in (fixture paths are relative to it)."""
        return os.path.dirname(os.path.abspath(self.path))


def _schema_error_line(err: jsonschema.ValidationError, lines: dict[Path, int]) -> int | None:
    path = tuple(err.absolute_path)
    return line_for(lines, path)


def _validator(schema: Any, source: str, lines: dict[Path, int], at: Path) -> Condition:
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = (*at, *exc.absolute_path)
        raise RuleError(source, f"{'.'.join(map(str, at))} is not a valid JSON Schema: "
                                f"{exc.message}", line_for(lines, where)) from None
    for path, pattern in schema_patterns(schema):
        reason = unsafe_reason(pattern)
        if reason:
            where = (*at, *path)
            raise RuleError(source, f"{'.'.join(map(str, where))}: regex {pattern!r} {reason}",
                            line_for(lines, where[:len(where) - (path[-2:-1] ==
                                                                 ("patternProperties",))]))
    return Condition(schema, jsonschema.Draft202012Validator(schema))


def _collection_of(path: JSONPath, text: str, source: str, line: int | None) -> str:
    """The collection a `select` reads: it must be `$.<collection>[...]`, yielding rows."""
    if (isinstance(path, Child) and isinstance(path.right, _FILTER_TYPES)
            and isinstance(path.left, Child) and isinstance(path.left.left, Root)
            and isinstance(path.left.right, Fields) and len(path.left.right.fields) == 1):
        name = str(path.left.right.fields[0])
        if name in COLLECTIONS or name in FLEET_COLLECTIONS:
            return name
        known = ", ".join((*COLLECTIONS, *FLEET_COLLECTIONS))
        raise RuleError(source, f"select {text!r}: no facts collection {name!r} "
                                f"(known: {known})", line)
    raise RuleError(source, f"select {text!r} must pick rows of one collection, like "
                            "`$.clusters[*]` or `$.clusters[?(@.state == 'warming')]`", line)


def _scope(collection: str) -> str:
    return "fleet" if collection in FLEET_COLLECTIONS else "proxy"


def _comparisons(items: list[dict[str, str]], at: Path, source: str, lines: dict[Path, int],
                 item: dict[str, Any], other: dict[str, Any] | None) -> tuple[Comparison, ...]:
    """Compile `compare` entries, checking both sides name documented fields."""
    out = []
    for i, c in enumerate(items):
        for side in ("left", "right"):
            # Built-ins ({workload}...) are message text, not row fields: not comparable.
            problem = (f"{c[side]!r} is a template built-in, not a field" if c[side] in BUILTINS
                       else check_placeholder(c[side], item, other))
            if problem:
                raise RuleError(source, f"{'.'.join(map(str, at))}[{i}].{side}: "
                                        f"{problem.strip('{}')}", line_for(lines, (*at, i, side)))
        out.append(Comparison(c["left"], c["op"], c["right"]))
    return tuple(out)


def compile_rule(data: Any, source: str, lines: dict[Path, int]) -> Rule:
    """Validate a parsed rule file and compile it."""
    if not isinstance(data, dict):
        raise RuleError(source, "a rule file must be a mapping", 1)
    errors = sorted(_rule_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        at = ".".join(map(str, err.absolute_path)) or "rule"
        raise RuleError(source, f"{at}: {err.message}", _schema_error_line(err, lines))
    select_line = line_for(lines, ("select",))
    try:
        for pattern in jsonpath_patterns(data["select"]):
            reason = unsafe_reason(pattern)
            if reason:
                raise RuleError(source, f"select: regex {pattern!r} {reason}",
                                line_for(lines, ("select",)))
        select = compile_jsonpath(data["select"])
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
        if isinstance(exc, RuleError):
            raise
        raise RuleError(source, f"select {data['select']!r} is not a valid JSONPath: {exc}",
                        select_line) from None
    collection = _collection_of(select, data["select"], source, select_line)
    where = _validator(data["where"], source, lines, ("where",)) if "where" in data else None
    join = None
    other_schema = None
    if "join" in data:
        j = data["join"]
        if j["collection"] not in (*COLLECTIONS, *FLEET_COLLECTIONS):
            raise RuleError(source, f"join.collection: no facts collection {j['collection']!r}",
                            line_for(lines, ("join", "collection")))
        if _scope(j["collection"]) != _scope(collection):
            raise RuleError(source, f"join.collection: {j['collection']} is a "
                                    f"{_scope(j['collection'])} collection, but the rule selects "
                                    f"a {_scope(collection)} one", line_for(lines, ("join",)))
        other_schema = item_schema(j["collection"])
        for local, other in j["on"].items():
            for name, schema, side in ((local, item_schema(collection), collection),
                                       (other, other_schema, j["collection"])):
                if name not in schema["properties"]:
                    raise RuleError(source, f"join.on: {side} rows have no field {name!r}",
                                    line_for(lines, ("join", "on", local)))
        expect = j["expect"]
        join = Join(j["collection"], dict(j["on"]),
                    expect if isinstance(expect, str) else "min_count",
                    expect["min_count"] if isinstance(expect, dict) else 1,
                    _validator(j["where"], source, lines, ("join", "where"))
                    if "where" in j else None,
                    _comparisons(j.get("compare", []), ("join", "compare"), source, lines,
                                 item_schema(collection), other_schema))
    item = item_schema(collection)
    compare = _comparisons(data.get("compare", []), ("compare",), source, lines, item, None)
    for key in ("message", "identity", "subject", "remediation"):
        if key not in data:
            continue
        for name in placeholders(data[key]):
            problem = check_placeholder(name, item, other_schema)
            if problem:
                raise RuleError(source, f"{key}: {problem}", line_for(lines, (key,)))
    return Rule(
        id=data["id"], title=data["title"], severity=data["severity"], rung=data["rung"],
        description=data["description"].strip(), collection=collection, select=select,
        select_text=data["select"], message=data["message"].strip(),
        remediation=data["remediation"].strip(), identity=data["identity"],
        subject=str(data.get("subject", data["identity"])), path=source,
        scope=_scope(collection), modes=tuple(data.get("modes", ["lint"])), compare=compare,
        tags=list(data.get("tags", [])), codes=list(data.get("codes", [])),
        requires=list(data.get("requires", [])), where=where, join=join,
        fixtures=data["fixtures"], raw=data)


def load_rule(path: str) -> Rule:
    """Read, validate and compile one rule file."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, f"cannot read rule file: {exc}") from None
    data, lines = load_yaml_with_lines(path, text)
    return compile_rule(data, path, lines)
