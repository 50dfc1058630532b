"""fleet and bundles: odd pod out by workload, bug-report archives, unsafe archives refused."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import CORPUS, ROOT, run_cli

SRC = CORPUS / "sidecar-productpage-istio13.json"
IP, POD = "172.30.150.216", "productpage-v1-7bbd79f8fd-k6j79"


def _replica(n: int, edit: bool = False) -> str:
    text = SRC.read_text().replace(IP, f"172.30.150.{100 + n}").replace(POD, f"{POD[:-5]}r{n:04d}")
    if not edit:
        return text
    data = json.loads(text)
    for entry in data["configs"][1]["dynamic_active_clusters"]:
        if entry["cluster"]["name"] == "outbound|9080||reviews.default.svc.cluster.local":
            entry["cluster"]["connect_timeout"] = "1s"
    return json.dumps(data)


def _folder(tmp: Path, odd: bool) -> Path:
    for n in range(4):
        (tmp / f"pod{n}.json").write_text(_replica(n, edit=odd and n == 3))
    return tmp


def test_fleet_names_the_odd_pod_and_its_difference(tmp_path: Path) -> None:
    proc = run_cli("fleet", str(_folder(tmp_path, odd=True)), "-o", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    (group,) = report["groups"]
    assert group["workload"] == "default/productpage-v1"
    assert len(group["majority"]) == 3 and group["has_majority"]
    (dev,) = group["deviations"]
    assert dev["pod"] == f"{POD[:-5]}r0003.default"
    assert [(c["resource"], c["path"], c["old"], c["new"]) for c in dev["changes"]] == [
        ("outbound|9080||reviews.default.svc.cluster.local", "connect_timeout", "10s", "1s")]


def test_fleet_of_agreeing_replicas_exits_0(tmp_path: Path) -> None:
    proc = run_cli("fleet", str(_folder(tmp_path, odd=False)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 agree" in proc.stdout and "all proxies agree" in proc.stdout


def _bug_report(path: Path, pods: dict[str, str | None]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for pod, dump in pods.items():
            base = f"bug-report/proxies/default/{pod}"
            files = {f"{base}/istio-proxy.log": "log\n"}
            if dump is not None:
                files[f"{base}/config_dump?include_eds"] = dump
                files[f"{base}/clusters"] = "x::default_priority::max_connections::1024\n"
            for name, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return path


def test_bug_report_archive_is_read_and_pods_matched_by_path(tmp_path: Path) -> None:
    pods: dict[str, str | None] = {f"{POD[:-5]}r{n:04d}": _replica(n, edit=n == 2)
                                   for n in range(3)}
    pods["productpage-v1-7bbd79f8fd-gone1"] = None  # proxy debug files missing for this pod
    archive = _bug_report(tmp_path / "bug-report.tar.gz", pods)
    proc = run_cli("fleet", str(archive), "-o", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    (group,) = report["groups"]
    assert [d["pod"] for d in group["deviations"]] == [f"{POD[:-5]}r0002.default"]
    assert report["missing"][0]["pod"] == "productpage-v1-7bbd79f8fd-gone1.default"
    assert "no config dump" in report["missing"][0]["why"]


def _unsafe_tar(path: Path, kind: str) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("x")
        if kind == "dotdot":
            info.name = "bug-report/../../escaped.json"
        elif kind == "absolute":
            info.name = "/tmp/dumpdiff-escaped.json"
        elif kind == "symlink":
            info.name = "bug-report/link"
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
        data = b'{"configs": []}'
        info.size = 0 if kind == "symlink" else len(data)
        tar.addfile(info, None if kind == "symlink" else io.BytesIO(data))
    return path


@pytest.mark.parametrize(("kind", "needle"), [("dotdot", "'..'"), ("absolute", "absolute"),
                                              ("symlink", "link")])
def test_unsafe_archives_are_refused(tmp_path: Path, kind: str, needle: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    archive = _unsafe_tar(work / "evil.tar.gz", kind)
    proc = run_cli("fleet", str(archive))
    assert proc.returncode == 2
    assert needle in proc.stderr and str(archive) in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.tar.gz", "work"]
    assert not Path("/tmp/dumpdiff-escaped.json").exists()


def test_archive_expanding_past_the_limit_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bug-report/proxies/a/b/config_dump?include_eds", b"0" * (3 << 20))
    env = {**os.environ, "DUMPDIFF_MAX_ARCHIVE_MB": "1"}
    proc = subprocess.run([sys.executable, "-m", "dumpdiff", "fleet", str(archive)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert "expands past" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.zip"]


def test_fleet_reports_ejected_hosts_from_each_pods_clusters_output(tmp_path: Path) -> None:
    golden = ROOT / "golden_dumps"
    truth = next(t for t in yaml.safe_load(
        (golden / "ejected-host" / "scenario.yaml").read_text())["truth"] if "host" in t)
    for name, files in (("ejected", ("config_dump.json", "clusters.txt")),
                        ("synced", ("config_dump.json", "clusters.json"))):
        scenario = "ejected-host" if name == "ejected" else "payment-canary-synced"
        (tmp_path / name).mkdir()
        for f in files:
            (tmp_path / name / f).write_bytes((golden / scenario / f).read_bytes())
    report = json.loads(run_cli("fleet", str(tmp_path), "-o", "json").stdout)
    assert list(report["ejections"]) == ["payment-v1-6d8f7c9b5-x2x4k.production"]
    (host,) = report["ejections"]["payment-v1-6d8f7c9b5-x2x4k.production"]
    assert host.startswith(truth["host"])
