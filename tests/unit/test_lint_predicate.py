"""Compiled rule conditions agree with jsonschema on every shipped rule's schemas."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpdiff.lint.predicate import Condition
from dumpdiff.lint.ruleset import load_rules

RULES = load_rules([])
CONDITIONS = [(r.id, c) for r in RULES for c in ([r.where] if r.where else [])
              + [j.where for j in ([r.join] if getattr(r, "join", None) else []) if j.where]]

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 300) | st.floats(allow_nan=False, width=32)
    | st.sampled_from(["", "v3", "EDS", "STATIC", "outbound|8080|v3|x", "error", "active",
                       "warming", "STALE", "ISTIO_MUTUAL", "DISABLE", "istio-mtls"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3), max_leaves=8)


def test_every_shipped_condition_compiles() -> None:
    assert CONDITIONS, "rules with conditions exist"
    slow = [rid for rid, c in CONDITIONS if not c.compiled]
    assert slow == [], f"conditions falling back to jsonschema: {slow}"


@pytest.mark.parametrize(("rule_id", "cond"), CONDITIONS, ids=[r for r, _ in CONDITIONS])
@settings(max_examples=60, deadline=None)
@given(value=VALUES)
def test_compiled_condition_agrees_with_jsonschema(rule_id: str, cond: Condition,
                                                   value: Any) -> None:
    validator = jsonschema.Draft202012Validator(cond.schema)
    props = cond.schema.get("properties", {}) if isinstance(cond.schema, dict) else {}
    for row in ({k: value for k in props}, {k: value for k in list(props)[:1]}, value):
        assert cond.is_valid(row) == validator.is_valid(row), (rule_id, row)


@pytest.mark.parametrize("schema", [
    {"properties": {"n": {"const": 1}}}, {"properties": {"n": {"enum": [True, 0]}}},
    {"type": "integer"}, {"anyOf": [{"type": "string"}, {"minimum": 3}]},
    {"required": ["a"], "not": {"properties": {"a": {"const": None}}}},
])
@given(value=VALUES)
@settings(max_examples=80, deadline=None)
def test_json_schema_corner_cases(schema: dict[str, Any], value: Any) -> None:
    cond = Condition(schema, jsonschema.Draft202012Validator(schema))
    assert cond.compiled
    for row in (value, {"n": value}, {"a": value}):
        assert cond.is_valid(row) == jsonschema.Draft202012Validator(schema).is_valid(row)
