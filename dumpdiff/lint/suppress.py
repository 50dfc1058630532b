"""The ignore file: reviewed, reasoned, optionally expiring suppressions of findings.

```yaml
suppressions:
  - rule: ENDPOINT-EJECTED                    # rule id
    identity: "production/payment-v1|*"       # glob over the finding's identity
    reason: the load-test pod fails on purpose
    expires: 2026-12-31                       # optional
```

An entry matches a finding by rule id and identity glob (`fnmatch`: `*`, `?`, `[...]`), never
by position or line, so it keeps working when dumps are reordered or pods restart. A
suppressed finding is still reported (marked, with the reason) but never fails the run. An
entry past its `expires` date suppresses nothing and is itself reported as a warning
(SUPPRESSION-EXPIRED), located at its line in the ignore file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from fnmatch import fnmatchcase
from typing import Any

import jsonschema

from dumpdiff.errors import InputError, RuleError
from dumpdiff.lint.finding import Evidence, Finding
from dumpdiff.lint.yamlload import line_for, load_yaml_with_lines
from dumpdiff.sources.reader import read_bytes

EXPIRED_RULE = "SUPPRESSION-EXPIRED"
EXPIRED_SUMMARY: dict[str, Any] = {
    "id": EXPIRED_RULE, "title": "A suppression in the ignore file has expired",
    "severity": "warning", "rung": 7, "codes": [], "tags": ["suppression"], "path": "",
    "description": "An entry of the ignore file (--ignore-file) is past its `expires` date: it "
                   "no longer suppresses anything, and the findings it covered count again.",
    "remediation": "Fix what the suppressed findings point at, or renew the entry with a new "
                   "reason and date, or delete it.",
}

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["suppressions"],
    "properties": {"suppressions": {"type": "array", "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["rule", "identity", "reason"],
        "properties": {
            "rule": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)+$"},
            "identity": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": 3},
            "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        },
    }}},
}


@dataclass(frozen=True, slots=True)
class Suppression:
    """One entry of the ignore file."""

    rule: str
    identity: str
    reason: str
    expires: date | None
    source: str
    line: int | None
    index: int

    def matches(self, finding: Finding) -> bool:
        """Same rule id (any case), identity matching the glob."""
        return finding.rule_id == self.rule and fnmatchcase(finding.identity, self.identity)

    def expired(self, today: date) -> bool:
        """Past its `expires` date (the date itself still suppresses)."""
        return self.expires is not None and today > self.expires


def load_suppressions(path: str) -> list[Suppression]:
    """Read and validate an ignore file; any problem is an InputError naming file:line."""
    raw = read_bytes(path)
    try:
        data, lines = load_yaml_with_lines(path, raw.decode("utf-8"), "an ignore file")
    except UnicodeDecodeError:
        raise InputError(path, "is not UTF-8 text") from None
    except RuleError as exc:
        raise InputError(f"{path}:{exc.line}" if exc.line else path, exc.problem) from None
    errors = list(jsonschema.Draft202012Validator(_SCHEMA).iter_errors(data))
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        line = line_for(lines, tuple(err.absolute_path))
        at = ".".join(map(str, err.absolute_path)) or "file"
        raise InputError(f"{path}:{line}" if line else path, f"{at}: {err.message}")
    out = []
    for i, entry in enumerate(data["suppressions"]):
        expires = None
        if "expires" in entry:
            try:
                expires = date.fromisoformat(entry["expires"])
            except ValueError:
                line = line_for(lines, ("suppressions", i, "expires"))
                raise InputError(f"{path}:{line}", f"suppressions.{i}.expires: "
                                 f"{entry['expires']!r} is not a date") from None
        out.append(Suppression(entry["rule"].upper(), entry["identity"], entry["reason"],
                               expires, path, line_for(lines, ("suppressions", i)), i))
    return out


def today_utc() -> date:
    """Today's date in UTC (expiry dates are calendar dates, not time zones)."""
    return datetime.now(timezone.utc).date()


def _expired_finding(s: Suppression) -> Finding:
    return Finding(
        rule_id=EXPIRED_RULE, severity="warning", rung=7, title=EXPIRED_SUMMARY["title"],
        subject=f"suppression of {s.rule} for {s.identity}",
        message=f"The suppression of {s.rule} for `{s.identity}` (\"{s.reason}\") expired on "
                f"{s.expires}: the findings it covered count again.",
        remediation=EXPIRED_SUMMARY["remediation"],
        identity=f"{s.rule}|{s.identity}|{s.expires}", proxy="", dump="",
        evidence=Evidence(f"suppressions[{s.index}]", s.source, f"suppressions[{s.index}]",
                          s.line),
        group="(ignore file)")


def apply_suppressions(findings: list[Finding], entries: list[Suppression],
                       today: date | None = None) -> list[Finding]:
    """Mark suppressed findings; return findings for the entries that have expired."""
    today = today or today_utc()
    live = [s for s in entries if not s.expired(today)]
    for f in findings:
        hit = next((s for s in live if s.matches(f)), None)
        if hit is not None:
            f.suppressed = hit.reason
    return [_expired_finding(s) for s in entries if s.expired(today)]
