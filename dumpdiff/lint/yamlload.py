"""Load a rule file as safe YAML, keeping the line of every node for error messages.

Three traps are closed here: only YAML 1.2 booleans (`true`/`false`) are booleans, so a
`join.on:` key stays the string "on" (PyYAML's YAML 1.1 would read it as True); duplicate
keys are errors instead of silently keeping the last; keys must be plain strings. Nothing is
constructed beyond plain scalars, lists and mappings: no tags, no anchors-with-merge tricks.
Dates (`expires: 2026-12-31`) stay text: nothing downstream wants a datetime object.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from dumpdiff.errors import RuleError

Path = tuple[str | int, ...]


class _RuleLoader(yaml.SafeLoader):
    """SafeLoader whose implicit booleans are YAML 1.2's `true`/`false` only."""


_RuleLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RuleLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))

_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_ALLOWED_TAGS = frozenset({
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
})


def _build(node: yaml.Node, path: Path, lines: dict[Path, int], source: str,
           seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        raise RuleError(source, f"tag {node.tag} is not allowed in rule files", line)
    if isinstance(node, yaml.CollectionNode):
        if id(node) in seen:
            raise RuleError(source, "YAML anchors and aliases are not allowed in rule files",
                            line)
        seen.add(id(node))
    lines[path] = line
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise RuleError(source, "mapping keys must be plain strings", key_line)
            key = key_node.value
            if key in out:
                raise RuleError(source, f"duplicate key {key!r}", key_line)
            out[key] = _build(value_node, (*path, key), lines, source, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, (*path, i), lines, source, seen) for i, v in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:timestamp":
        return str(node.value)
    return _CONSTRUCTOR.construct_object(node)


def load_yaml_with_lines(source: str, text: str,
                         what: str = "a rule file") -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document into plain data plus a map from data path to 1-based line.

    Problems are RuleErrors (exit 3); callers reading other files convert them.
    """
    try:
        nodes = list(yaml.compose_all(text, Loader=_RuleLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(source, f"invalid YAML: {problem}",
                        mark.line + 1 if mark is not None else None) from None
    nodes = [n for n in nodes if n is not None]
    if len(nodes) != 1:
        raise RuleError(source, f"{what} holds exactly one YAML document, found {len(nodes)}")
    lines: dict[Path, int] = {}
    return _build(nodes[0], (), lines, source, set()), lines


def line_for(lines: dict[Path, int], path: Path) -> int | None:
    """The line of the deepest known node along `path`."""
    for end in range(len(path), -1, -1):
        if tuple(path[:end]) in lines:
            return lines[tuple(path[:end])]
    return None
