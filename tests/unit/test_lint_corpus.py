"""No false error-level finding on the real dumps of the Istio corpus (tests/data/corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dumpdiff.cli import app

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
DUMPS = sorted(p for p in CORPUS.glob("*.json") if p.name != "clusters-status.json")
runner = CliRunner()


def _findings(*args: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["lint", *args, "--fail-on", "info", "-o", "json"])
    assert result.exit_code in (0, 1), result.output
    findings: list[dict[str, str]] = json.loads(result.stdout)["findings"]
    return findings


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_corpus_dump_has_no_error_findings(dump: Path) -> None:
    errors = [f for f in _findings(str(dump)) if f["severity"] == "error"]
    assert errors == []


def test_only_corpus_finding_is_the_warming_secret() -> None:
    found = {(d.name, f["rule_id"], f["subject"]) for d in DUMPS for f in _findings(str(d))}
    # The corpus README describes secrets-warming.json as "one secret stuck warming".
    assert found == {("secrets-warming.json", "RESOURCE-WARMING",
                      "secret configmap://some/thing")}


def test_corpus_clusters_status_reports_its_outlier_failed_host() -> None:
    raw = json.loads((CORPUS / "clusters-status.json").read_text())
    ejected = [(c["name"], h["address"]["socketAddress"])
               for c in raw["cluster_statuses"] for h in c.get("hostStatuses", [])
               if h.get("healthStatus", {}).get("failedOutlierCheck")]
    assert len(ejected) == 1
    cluster, sa = ejected[0]
    found = _findings(str(CORPUS / "sidecar-eds-bookinfo.json"), "--clusters",
                      str(CORPUS / "clusters-status.json"))
    assert [(f["rule_id"], f["subject"]) for f in found] == [
        ("ENDPOINT-EJECTED", f"host {sa['address']}:{sa['portValue']} of cluster {cluster}")]
