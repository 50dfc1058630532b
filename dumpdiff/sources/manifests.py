"""Read Kubernetes/Istio manifests (YAML streams, `kind: List`, directories) with line numbers.

Only `safe` YAML is constructed. Each object keeps the file it came from and the line of
every mapping/sequence inside it, so that findings about a VirtualService can point at the
exact `http[i]` or `route[j]` entry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from dumpdiff.errors import InputError
from dumpdiff.sources.reader import read_bytes

_EXTENSIONS = (".yaml", ".yml", ".json")
Path = tuple[str | int, ...]


@dataclass(slots=True)
class Manifest:
    """One Kubernetes object: its kind, name, namespace, body, and where it was written."""

    kind: str
    api_version: str
    name: str
    namespace: str
    body: dict[str, Any]
    file: str
    line: int
    lines: dict[Path, int] = field(default_factory=dict)  # path inside body → 1-based line

    def line_of(self, *path: str | int) -> int:
        """The line of the deepest node on `path` that has one (the object's line at worst)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return self.line

    @property
    def ref(self) -> str:
        """`namespace/name`."""
        return f"{self.namespace}/{self.name}"


def _files(path: str) -> list[str]:
    if os.path.isdir(path):
        found: list[str] = []
        for root, dirs, names in os.walk(path):
            dirs.sort()
            found.extend(os.path.join(root, n) for n in sorted(names)
                         if n.endswith(_EXTENSIONS) and not n.startswith("."))
        if not found:
            raise InputError(path, "directory holds no .yaml, .yml or .json manifest")
        return found
    return [path]


def _construct(node: yaml.Node, path: Path, lines: dict[Path, int], source: str) -> Any:
    """Build plain data from a composed node, recording each collection's line."""
    if isinstance(node, yaml.MappingNode):
        lines[path] = node.start_mark.line + 1
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, source)
            if key == "<<":
                raise InputError(source, f"line {key_node.start_mark.line + 1}: YAML merge "
                                         "keys are not supported in manifests")
            out[str(key)] = _construct(value_node, (*path, str(key)), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        lines[path] = node.start_mark.line + 1
        return [_construct(v, (*path, i), lines, source) for i, v in enumerate(node.value)]
    return _scalar(node, source)


def _scalar(node: yaml.Node, source: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(source, f"line {node.start_mark.line + 1}: a mapping key must be "
                                 "a plain value")
    return _CONSTRUCTOR.construct_object(node)


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def parse_manifests(source: str, text: str) -> list[Manifest]:
    """Every object in one YAML (or JSON) text, `kind: List` items unpacked."""
    out: list[Manifest] = []
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(source, f"invalid YAML{where}: {problem}") from None
    for node in nodes:
        if node is None:
            continue
        lines: dict[Path, int] = {}
        data = _construct(node, (), lines, source)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise InputError(source, f"line {node.start_mark.line + 1}: a manifest must be "
                                     "a mapping with apiVersion and kind")
        if data.get("kind") == "List" and isinstance(data.get("items"), list):
            for i, item in enumerate(data["items"]):
                sub = {p[2:]: ln for p, ln in lines.items() if p[:2] == ("items", i)}
                out.append(_manifest(item, source, sub))
        else:
            out.append(_manifest(data, source, lines))
    return out


def _manifest(data: Any, source: str, lines: dict[Path, int]) -> Manifest:
    line = lines.get((), 1)
    if not isinstance(data, dict) or "kind" not in data:
        raise InputError(source, f"line {line}: object without `kind`, not a manifest")
    raw_meta = data.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    return Manifest(kind=str(data.get("kind")), api_version=str(data.get("apiVersion", "")),
                    name=str(meta.get("name", "")),
                    namespace=str(meta.get("namespace") or "default"),
                    body=data, file=source, line=line, lines=lines)


def load_manifests(paths: Iterable[str]) -> list[Manifest]:
    """All manifests under the given files and directories (directories recursively)."""
    out: list[Manifest] = []
    for path in paths:
        for file in _files(path):
            raw = read_bytes(file)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(file, f"is not UTF-8 text (byte {exc.start})") from None
            if not text.strip():
                continue
            out.extend(parse_manifests(file, text))
    return out
