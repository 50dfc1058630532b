"""`dumpdiff lint -o sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning...).

Every result has a logical location (the resource in the dump, as `dump#origin`); findings
that come from a manifest also have a physical location with the file and line, and findings
from a dump point at the dump file (no region: dumps are single-line JSON in practice).
`partialFingerprints` carry the rule-id + identity fingerprint, so code scanning tracks a
finding across runs; suppressed findings carry a `suppressions` entry with the ignore file's
reason, and a baseline run sets `baselineState` (new / unchanged).
"""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from dumpdiff import __version__
from dumpdiff.lint.finding import Finding, LintResult
from dumpdiff.report import jsonout

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    if os.path.isabs(path):
        return PurePath(path).as_uri()
    return quote(PurePath(path).as_posix())


def _rule(r: dict[str, Any]) -> dict[str, Any]:
    codes = ", ".join(r["codes"])
    markdown = r["remediation"] + (f"\n\nIstio/Kiali codes: {codes}" if codes else "")
    return {
        "id": r["id"],
        "name": "".join(p.capitalize() for p in r["id"].split("-")),
        "shortDescription": {"text": r["title"]},
        "fullDescription": {"text": r["description"]},
        "help": {"text": r["remediation"], "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[r["severity"]]},
        "properties": {"tags": r["tags"], "rung": r["rung"], "codes": r["codes"]},
    }


def _location(f: Finding) -> dict[str, Any]:
    loc = f.manifest_location
    physical: dict[str, Any]
    if loc is not None:
        physical = {"artifactLocation": {"uri": _uri(loc[0])},
                    "region": {"startLine": loc[1]}}
    else:
        physical = {"artifactLocation": {"uri": _uri(f.evidence.source)}}
    return {
        "physicalLocation": physical,
        "logicalLocations": [{
            "name": f.subject,
            "fullyQualifiedName": f"{f.evidence.source}#{f.evidence.origin}",
            "kind": "resource",
        }],
    }


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [_location(f)],
        "partialFingerprints": {"dumpdiffIdentity/v1": f.fingerprint},
        "properties": {"workload": f.group, "proxies": f.proxies, "dump": f.dump,
                       "rung": f.rung, "subject": f.subject, "identity": f.identity,
                       "remediation": f.remediation, "factsPath": f.evidence.facts_path},
    }
    if f.rule_id in index:
        item["ruleIndex"] = index[f.rule_id]
    if f.suppressed is not None:
        item["suppressions"] = [{"kind": "external", "status": "accepted",
                                 "justification": f.suppressed}]
    if f.baseline is not None:
        item["baselineState"] = f.baseline
    return item


def render(result: LintResult) -> str:
    """The SARIF log as JSON text."""
    index = {r["id"]: i for i, r in enumerate(result.rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dumpdiff", "version": __version__,
                                "informationUri": "https://github.com/dumpdiff/dumpdiff",
                                "rules": [_rule(r) for r in result.rules]}},
            "automationDetails": {"id": f"dumpdiff/{result.mode}/"},
            "results": [_result(f, index) for f in result.findings],
        }],
    }
    return jsonout.render(log)
