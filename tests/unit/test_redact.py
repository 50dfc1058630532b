"""`dumpdiff redact`: consistent pseudonyms, results unchanged up to them, no secret left."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import tarfile
from pathlib import Path

import pytest

from tests.conftest import GOLDEN, run_cli

PEM_KEY = ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
           "-----END PRIVATE KEY-----\n")
BEARER = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"


def _apply(mapping: dict[str, dict[str, str]], text: str) -> str:
    pairs = sorted(((real, tok) for table in mapping.values() for real, tok in table.items()),
                   key=lambda p: -len(p[0]))
    for real, tok in pairs:
        text = re.sub(rf"(?<![A-Za-z0-9-]){re.escape(real)}(?![A-Za-z0-9-])", tok, text)
    return text


def test_redacted_replicas_give_the_same_fleet_report_up_to_pseudonyms(tmp_path: Path) -> None:
    out, mapping = tmp_path / "out", tmp_path / "map.json"
    proc = run_cli("redact", str(GOLDEN / "replicas"), "-o", str(out), "--mapping-out",
                   str(mapping))
    assert proc.returncode == 0, proc.stderr
    table = json.loads(mapping.read_text())["mapping"]
    original = json.loads(run_cli("fleet", str(GOLDEN / "replicas"), "-o", "json").stdout)
    redacted = json.loads(run_cli("fleet", str(out), "-o", "json").stdout)
    for report in (original, redacted):
        report.pop("source")
        for g in report["groups"]:
            for d in g["deviations"]:
                d.pop("label")
    assert json.loads(_apply(table, json.dumps(original))) == redacted
    assert redacted["groups"][0]["deviations"][0]["pod"].startswith("pod-")


@pytest.mark.parametrize("scenario", ["route-to-missing-cluster", "subset-no-endpoints",
                                      "payment-canary-stale"])
def test_redacted_scenario_gives_the_same_lint_findings(tmp_path: Path, scenario: str) -> None:
    src = GOLDEN / scenario
    out, mapping = tmp_path / "out", tmp_path / "map.json"
    assert run_cli("redact", str(src), "-o", str(out), "--mapping-out",
                   str(mapping)).returncode == 0
    table = json.loads(mapping.read_text())["mapping"]
    extra = ["--proxy-status", "proxy-status.txt"] if (src / "proxy-status.txt").exists() else []

    def lint(root: Path) -> list[tuple[str, str, str]]:
        args = ["lint", str(root / "config_dump.json"), "--manifests", str(root / "manifests")]
        args += [str(root / a) if a.endswith(".txt") else a for a in extra]
        res = json.loads(run_cli(*args, "-o", "json").stdout)
        return sorted((f["rule_id"], f["severity"], f["subject"]) for f in res["findings"])

    before, after = lint(src), lint(out)
    assert before, "the scenario has findings to compare"
    assert [(r, s, _apply(table, subj)) for r, s, subj in before] == after


def test_no_real_identity_remains(tmp_path: Path) -> None:
    out = tmp_path / "dump.json"
    src = GOLDEN / "replicas" / "payment-v1-6d8f7c9b5-x2x4k" / "config_dump.json"
    assert run_cli("redact", str(src), "-o", str(out)).returncode == 0
    text = out.read_text()
    for secret in ("payment-v1-6d8f7c9b5-x2x4k", "10.1.2.3", "production", "payment",
                   "BEGIN CERTIFICATE", "LS0tLS1CRUdJTi"):
        assert secret not in text, secret
    assert "redacted_certificates" in text
    assert run_cli("summary", str(out)).returncode == 0  # still a usable dump


def test_keep_names_keeps_namespaces_and_services(tmp_path: Path) -> None:
    out = tmp_path / "dump.json"
    src = GOLDEN / "replicas" / "payment-v1-6d8f7c9b5-x2x4k" / "config_dump.json"
    assert run_cli("redact", str(src), "-o", str(out), "--keep-names").returncode == 0
    text = out.read_text()
    assert "payment.production.svc.cluster.local" in text
    assert "payment-v1-6d8f7c9b5-x2x4k" not in text and "10.1.2.3" not in text


def test_mapping_file_is_for_the_owner_only(tmp_path: Path) -> None:
    mapping = tmp_path / "map.json"
    src = GOLDEN / "gateway" / "config_dump.json"
    run_cli("redact", str(src), "-o", str(tmp_path / "d.json"), "--mapping-out", str(mapping))
    assert stat.S_IMODE(os.stat(mapping).st_mode) == 0o600


def _bug_report(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for pod_dir in sorted((GOLDEN / "replicas").glob("payment-v1-*")):
            for name, src in (("config_dump?include_eds", "config_dump.json"),
                              ("clusters", "clusters.txt")):
                data = (pod_dir / src).read_bytes()
                info = tarfile.TarInfo(f"bug-report/proxies/production/{pod_dir.name}/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return path


def test_archive_in_archive_out_with_paths_renamed(tmp_path: Path) -> None:
    archive = _bug_report(tmp_path / "bug-report.tar.gz")
    out = tmp_path / "redacted.tar.gz"
    assert run_cli("redact", str(archive), "-o", str(out)).returncode == 0
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert names and all("payment-v1" not in n and "production" not in n for n in names)
    assert any(re.search(r"proxies/ns-\d+/pod-\d+/config_dump\?include_eds", n) for n in names)
    proc = run_cli("fleet", str(out), "-o", "json")
    assert proc.returncode == 1
    (group,) = json.loads(proc.stdout)["groups"]
    assert len(group["majority"]) == 3


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc"


@pytest.mark.parametrize("planted", [PEM_KEY, BEARER, JWT])
def test_refuses_when_a_secret_would_remain(tmp_path: Path, planted: str) -> None:
    data = json.loads((GOLDEN / "gateway" / "config_dump.json").read_text())
    data["configs"][0]["bootstrap"]["node"]["metadata"]["NOTE"] = planted
    src = tmp_path / "dump.json"
    src.write_text(json.dumps(data))
    out = tmp_path / "out.json"
    proc = run_cli("redact", str(src), "-o", str(out))
    assert proc.returncode == 2
    assert "nothing was written" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.json"]
