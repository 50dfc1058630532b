"""Baselines: record today's findings so that CI fails only on new ones.

`--baseline-write FILE` stores the fingerprint (rule id + identity, see finding.fingerprint)
of every finding of the run; `--baseline FILE` marks findings found in it `unchanged` (they
are reported but never fail the run) and the others `new`. Entries of the baseline that the
run no longer finds are listed as fixed. The file holds no timestamps, paths, pod names or
line numbers, so it only changes when findings do and diffs cleanly in review.
"""

from __future__ import annotations

from typing import Any

import orjson

from dumpdiff import __version__
from dumpdiff.errors import InputError
from dumpdiff.lint.finding import Finding
from dumpdiff.sources.reader import read_bytes

BASELINE_SCHEMA = "dumpdiff.baseline/v1"


def render_baseline(findings: list[Finding]) -> str:
    """The baseline file for `findings` (suppressed ones left out: the ignore file owns them)."""
    entries = sorted({f.fingerprint: {"fingerprint": f.fingerprint, "rule_id": f.rule_id,
                                      "identity": f.identity}
                      for f in findings if f.suppressed is None}.values(),
                     key=lambda e: (e["rule_id"], e["identity"]))
    doc = {"schema": BASELINE_SCHEMA, "tool": f"dumpdiff {__version__}", "findings": entries}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"


def load_baseline(path: str) -> dict[str, dict[str, str]]:
    """fingerprint → entry; an InputError when the file is not a dumpdiff baseline."""
    try:
        doc: Any = orjson.loads(read_bytes(path))
    except orjson.JSONDecodeError as exc:
        raise InputError(path, f"is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != BASELINE_SCHEMA:
        raise InputError(path, f"is not a dumpdiff baseline (schema {BASELINE_SCHEMA})")
    entries = doc.get("findings")
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
        raise InputError(path, "`findings` must be a list of {fingerprint, rule_id, identity}")
    return {e["fingerprint"]: {k: str(v) for k, v in e.items()} for e in entries}


def apply_baseline(findings: list[Finding], known: dict[str, dict[str, str]]
                   ) -> list[dict[str, str]]:
    """Mark findings `new` / `unchanged`; return the baseline entries no longer found."""
    seen = set()
    for f in findings:
        f.baseline = "unchanged" if f.fingerprint in known else "new"
        seen.add(f.fingerprint)
    return [e for fp, e in sorted(known.items()) if fp not in seen]
