"""Rule conditions (JSON Schema) compiled once into plain Python predicates.

jsonschema's validator costs ~12 µs a row; a lint run on a big mesh checks hundreds of
thousands of rows. The subset of JSON Schema that rules use (type, const, enum, properties,
required, not/anyOf/allOf/oneOf, numeric and length bounds, pattern, items, contains) is
compiled to closures; a schema using anything else falls back to jsonschema, so the result
is always the validator's (a test checks both agree on every shipped rule).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema

Check = Callable[[Any], bool]

_SUPPORTED = {"type", "const", "enum", "properties", "required", "not", "anyOf", "allOf",
              "oneOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
              "minLength", "maxLength", "pattern", "items", "contains", "minItems",
              "maxItems", "description", "title", "$comment", "examples"}


class Unsupported(Exception):
    """The schema uses a keyword the compiler does not handle."""


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "null":
        return value is None
    raise Unsupported(f"type {name}")


def json_equal(a: Any, b: Any) -> bool:
    """JSON Schema equality: booleans are not numbers, 1 equals 1.0, deep for arrays/objects."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> bool:
        return all(c(v) for c in checks)
    return check


def _typed(kind: type | tuple[type, ...], test: Callable[[Any], bool]) -> Check:
    """A keyword that only constrains values of one JSON type (others pass)."""
    def check(v: Any) -> bool:
        return not isinstance(v, kind) or test(v)
    return check


def _number(test: Callable[[Any], bool]) -> Check:
    def check(v: Any) -> bool:
        return not _is_type(v, "number") or test(v)
    return check


def _compile(schema: Any) -> Check:
    if schema is True or schema == {}:
        return lambda v: True
    if schema is False:
        return lambda v: False
    if not isinstance(schema, dict) or set(schema) - _SUPPORTED:
        raise Unsupported(str(set(schema) - _SUPPORTED if isinstance(schema, dict) else schema))
    checks: list[Check] = []
    if "type" in schema:
        names = tuple(schema["type"] if isinstance(schema["type"], list) else [schema["type"]])
        for n in names:
            _is_type(None, n)  # raises on an unknown type name
        checks.append(lambda v: any(_is_type(v, n) for n in names))
    if "const" in schema:
        const = schema["const"]
        checks.append(lambda v: json_equal(v, const))
    if "enum" in schema:
        options = tuple(schema["enum"])
        checks.append(lambda v: any(json_equal(v, x) for x in options))
    if "minimum" in schema:
        lo = schema["minimum"]
        checks.append(_number(lambda v: v >= lo))
    if "maximum" in schema:
        hi = schema["maximum"]
        checks.append(_number(lambda v: v <= hi))
    if "exclusiveMinimum" in schema:
        xlo = schema["exclusiveMinimum"]
        checks.append(_number(lambda v: v > xlo))
    if "exclusiveMaximum" in schema:
        xhi = schema["exclusiveMaximum"]
        checks.append(_number(lambda v: v < xhi))
    if "minLength" in schema:
        min_len = schema["minLength"]
        checks.append(_typed(str, lambda v: len(v) >= min_len))
    if "maxLength" in schema:
        max_len = schema["maxLength"]
        checks.append(_typed(str, lambda v: len(v) <= max_len))
    if "pattern" in schema:
        rx = re.compile(schema["pattern"])
        checks.append(_typed(str, lambda v: rx.search(v) is not None))
    if "required" in schema:
        required = tuple(schema["required"])
        checks.append(_typed(dict, lambda v: all(k in v for k in required)))
    if "properties" in schema:
        props = {k: _compile(sub) for k, sub in schema["properties"].items()}
        checks.append(_typed(dict, lambda v: all(c(v[k]) for k, c in props.items() if k in v)))
    if "items" in schema:
        item = _compile(schema["items"])
        checks.append(_typed(list, lambda v: all(item(x) for x in v)))
    if "contains" in schema:
        has = _compile(schema["contains"])
        checks.append(_typed(list, lambda v: any(has(x) for x in v)))
    if "minItems" in schema:
        min_items = schema["minItems"]
        checks.append(_typed(list, lambda v: len(v) >= min_items))
    if "maxItems" in schema:
        max_items = schema["maxItems"]
        checks.append(_typed(list, lambda v: len(v) <= max_items))
    if "not" in schema:
        neg = _compile(schema["not"])
        checks.append(lambda v: not neg(v))
    if "allOf" in schema:
        every = [_compile(sub) for sub in schema["allOf"]]
        checks.append(lambda v: all(c(v) for c in every))
    if "anyOf" in schema:
        some = [_compile(sub) for sub in schema["anyOf"]]
        checks.append(lambda v: any(c(v) for c in some))
    if "oneOf" in schema:
        one = [_compile(sub) for sub in schema["oneOf"]]
        checks.append(lambda v: sum(1 for c in one if c(v)) == 1)
    return _all(checks) if checks else (lambda v: True)


class Condition:
    """A compiled rule condition with the validator's `is_valid` interface."""

    def __init__(self, schema: Any, validator: jsonschema.Draft202012Validator) -> None:
        self.schema = schema
        self.validator = validator
        try:
            self._check: Check | None = _compile(schema)
        except (Unsupported, re.error, TypeError):
            self._check = None  # jsonschema decides

    @property
    def compiled(self) -> bool:
        """True when the fast path is used."""
        return self._check is not None

    def is_valid(self, value: Any) -> bool:
        """Does `value` satisfy the schema?"""
        if self._check is not None:
            return self._check(value)
        return bool(self.validator.is_valid(value))
