"""Refuse regular expressions in rule files that could backtrack catastrophically.

Rules come from pull requests; a JSON Schema `pattern` like `(a+)+$` or `(a|ab)*c` takes
exponential time on a long enough string, and Python's `re` cannot be interrupted. So rule
regexes are limited to a length and to shapes without a repeat inside an unbounded repeat or
an alternation under one (the constructs behind ReDoS).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants as _c
    import sre_parse as _p

MAX_LENGTH = 256
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_JSONPATH_REGEX = re.compile(r"=~\s*(['\"/])(.*?)\1")


def unsafe_reason(pattern: str) -> str | None:
    """Why `pattern` is refused, or None when it is acceptable."""
    if len(pattern) > MAX_LENGTH:
        return f"is longer than {MAX_LENGTH} characters"
    try:
        tree = _p.parse(pattern)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    if _risky(tree, under_unbounded=False):
        return ("nests a repeat or an alternation inside an unbounded repeat (like (a+)+ or "
                "(a|ab)*), which can backtrack catastrophically; rewrite it without nesting")
    return None


def _risky(sub: Any, under_unbounded: bool) -> bool:
    for op, av in sub:
        if op in _REPEATS:
            _lo, hi, item = av
            unbounded = hi == _c.MAXREPEAT or hi > 16
            if under_unbounded and hi > 1:
                return True
            if _risky(item, under_unbounded or unbounded):
                return True
        elif op == _c.BRANCH:
            if under_unbounded:
                return True
            if any(_risky(b, under_unbounded) for b in av[1]):
                return True
        elif op == _c.SUBPATTERN:
            if _risky(av[-1], under_unbounded):
                return True
        elif op in (_c.ASSERT, _c.ASSERT_NOT) and _risky(av[1], under_unbounded):
            return True
    return False


def schema_patterns(schema: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...],
                                                                              str]]:
    """Every regex in a JSON Schema (`pattern` values, `patternProperties` keys)."""
    if isinstance(schema, dict):
        for k, v in schema.items():
            if k == "pattern" and isinstance(v, str):
                yield (*at, k), v
            elif k == "patternProperties" and isinstance(v, dict):
                for rx in v:
                    yield (*at, k, rx), str(rx)
                for rx, sub in v.items():
                    yield from schema_patterns(sub, (*at, k, rx))
            else:
                yield from schema_patterns(v, (*at, k))
    elif isinstance(schema, list):
        for i, v in enumerate(schema):
            yield from schema_patterns(v, (*at, i))


def jsonpath_patterns(expr: str) -> list[str]:
    """The regexes of `=~` filters in a JSONPath expression."""
    return [m.group(2) for m in _JSONPATH_REGEX.finditer(expr)]
