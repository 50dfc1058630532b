"""`dumpdiff triage` walks the ladder on the golden scenarios; its HTML renders in Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GOLDEN, ROOT, run_cli


def _triage(scenario: str, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    d = GOLDEN / scenario
    args = ["triage", str(d / "config_dump.json"), "--manifests", str(d / "manifests"),
            *extra, "-o", "json"]
    proc = run_cli(*args)
    return proc.returncode, json.loads(proc.stdout)


def _status(report: dict) -> dict[int, str]:  # type: ignore[type-arg]
    return {r["rung"]: r["status"] for r in report["rungs"]}


def test_stale_canary_fails_sync_and_routes_and_says_fix_sync_first() -> None:
    ps = GOLDEN / "payment-canary-stale" / "proxy-status.txt"
    code, report = _triage("payment-canary-stale", "--proxy-status", str(ps))
    assert code == 1
    status = _status(report)
    assert status[2] == "FAIL" and status[3] == "FAIL"
    assert report["fix_first"] == 2
    rung2 = next(r for r in report["rungs"] if r["rung"] == 2)
    assert "STALE" in " ".join(rung2["evidence"])
    assert any("15012" in n for n in rung2["next"])
    assert rung2["debug"]["raise"].endswith("--level config:debug")
    rung3 = next(r for r in report["rungs"] if r["rung"] == 3)
    assert "outbound|8080|v2|payment.production.svc.cluster.local" in " ".join(rung3["evidence"])


def test_synced_canary_passes_sync_and_routes() -> None:
    code, report = _triage("payment-canary-synced")
    status = _status(report)
    assert status[2] == "PASS" and status[3] == "PASS"
    assert code == 0 and report["fix_first"] is None


def test_subset_without_endpoints_fails_the_endpoints_rung_with_the_log() -> None:
    d = GOLDEN / "subset-no-endpoints"
    code, report = _triage("subset-no-endpoints", "--log", str(d / "access.log"))
    assert code == 1 and report["fix_first"] == 4
    rung4 = next(r for r in report["rungs"] if r["rung"] == 4)
    evidence = " ".join(rung4["evidence"])
    assert "outbound|8080|v3|payment.production.svc.cluster.local" in evidence
    assert "UH" in evidence


def test_replicas_bundle_fails_rung_7_on_the_odd_pod() -> None:
    proc = run_cli("triage", str(GOLDEN / "replicas"), "-o", "json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and _status(report)[7] == "FAIL"
    assert "payment-v1-6d8f7c9b5-w3n8c" in report["rungs"][6]["summary"]


def test_markdown_is_ticket_ready() -> None:
    d = GOLDEN / "payment-canary-stale"
    proc = run_cli("triage", str(d / "config_dump.json"), "--proxy-status",
                   str(d / "proxy-status.txt"), "-o", "markdown")
    assert proc.stdout.startswith("## dumpdiff triage")
    assert "**Fix first: rung 2 (config synced)**" in proc.stdout
    assert "| 2 config synced |" in proc.stdout


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    d = GOLDEN / "payment-canary-stale"
    page = tmp_path / "triage.html"
    proc = run_cli("triage", str(d / "config_dump.json"), "--manifests", str(d / "manifests"),
                   "--proxy-status", str(d / "proxy-status.txt"), "-o", "html",
                   "--output-file", str(page))
    assert proc.returncode == 1
    html = page.read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium (Debian's chromium package) is not installed")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
             "--enable-logging=stderr", "--v=0"]
    env = {**os.environ, "HOME": str(tmp_path)}
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, env=env)
    assert "Fix first: rung 2" in dom.stdout
    console = [ln for ln in dom.stderr.splitlines() if "CONSOLE" in ln]
    assert console == [], console
    shot = tmp_path / "triage.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,1400",
                    page.as_uri()], capture_output=True, text=True, timeout=120, env=env)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def test_runbook_in_docs_is_current() -> None:
    proc = run_cli("runbook")
    assert proc.returncode == 0
    assert (ROOT / "docs" / "runbook.md").read_text() == proc.stdout, (
        "docs/runbook.md is stale: run `dumpdiff runbook --output-file docs/runbook.md`")
