"""No command and no output format ever prints secret material, even when a dump carries it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dumpdiff.redact.secrets import find_secrets
from tests.conftest import GOLDEN, run_cli

PEM_KEY = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0t\n"
           "-----END RSA PRIVATE KEY-----\n")  # a fake, truncated key: only its shape matters
BEARER = "Bearer abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The payment-canary-stale dump with a PEM key and a bearer token planted in metadata,
    in a route header matcher and in a secret's private key."""
    tmp = tmp_path_factory.mktemp("planted")
    src = GOLDEN / "payment-canary-stale"
    data = json.loads((src / "config_dump.json").read_text())
    node = data["configs"][0]["bootstrap"]["node"]
    node["metadata"]["LEAKED_KEY"] = PEM_KEY
    node["metadata"]["LEAKED_TOKEN"] = BEARER
    for cfg in data["configs"]:
        for rc in cfg.get("dynamic_route_configs") or []:
            vh = rc["route_config"]["virtual_hosts"][0]
            vh["routes"][0]["match"].setdefault("headers", []).append(
                {"name": "authorization", "string_match": {"exact": BEARER}})
        for sec in cfg.get("dynamic_active_secrets") or []:
            tls = sec["secret"].get("tls_certificate")
            if tls:
                tls["private_key"] = {"inline_string": PEM_KEY}
    dump = tmp / "dump.json"
    dump.write_text(json.dumps(data))
    other = tmp / "other.json"
    other.write_text((GOLDEN / "payment-canary-synced" / "config_dump.json").read_text())
    return {"dump": dump, "other": other, "manifests": src / "manifests",
            "ps": src / "proxy-status.txt", "dir": tmp}


def _commands(p: dict[str, Path]) -> list[list[str]]:
    d, o = str(p["dump"]), str(p["other"])
    lint = ["lint", d, "--manifests", str(p["manifests"]), "--proxy-status", str(p["ps"]),
            "--fail-on", "info"]
    cmds = [["summary", d], ["summary", d, "-o", "json"], ["normalize", d], ["facts", d],
            ["route", d, "--host", "payment:8080", "--port", "8080", "--path", "/pay",
             "-H", f"authorization: {BEARER}"],
            ["route", d, "--host", "payment:8080", "--port", "8080", "--path", "/", "-o",
             "json"],
            ["fleet", d, o], ["fleet", d, o, "-o", "json"], ["fleet", d, o, "-o", "markdown"],
            ["triage", d, "--manifests", str(p["manifests"])],
            ["triage", d, "-o", "json"], ["triage", d, "-o", "markdown"],
            ["triage", d, "-o", "html"]]
    for fmt in ("text", "json", "markdown"):
        cmds.append(["compare", d, o, "-o", fmt])
        cmds.append(["compare", d, o, "-o", fmt, "--no-normalize"])
    for fmt in ("text", "json", "markdown", "sarif", "junit", "github"):
        cmds.append([*lint, "-o", fmt])
    return cmds


def test_every_command_and_format_masks_secrets(planted: dict[str, Path]) -> None:
    ran = 0
    for cmd in _commands(planted):
        proc = run_cli(*cmd)
        if proc.returncode == 2 and "invalid value" in proc.stderr.lower():
            continue  # an output format this command does not have
        ran += 1
        assert proc.returncode in (0, 1), (cmd, proc.stderr)
        leaks = find_secrets(proc.stdout) + find_secrets(proc.stderr)
        assert leaks == [], (cmd, leaks)
    assert ran >= 24


def test_files_written_with_output_file_are_masked(planted: dict[str, Path]) -> None:
    out = planted["dir"] / "report.md"
    run_cli("compare", str(planted["dump"]), str(planted["other"]), "--no-normalize",
            "-o", "markdown", "--output-file", str(out))
    text = out.read_text()
    assert "LEAKED_KEY" in text and find_secrets(text) == []
