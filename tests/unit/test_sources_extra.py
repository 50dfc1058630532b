"""The extra inputs of lint: /clusters (JSON, text), proxy-status (table), manifests; bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dumpdiff.cli import app
from dumpdiff.errors import InputError
from dumpdiff.sources.clusters_status import load_clusters_status
from dumpdiff.sources.manifests import load_manifests
from dumpdiff.sources.proxy_status import load_proxy_status, parse_proxy_status

ROOT = Path(__file__).resolve().parents[2]
EJECTED = ROOT / "rules" / "fixtures" / "golden" / "ejected-host"
CORPUS = ROOT / "tests" / "data" / "corpus"
DUMP = ROOT / "rules" / "fixtures" / "golden" / "payment-canary-synced" / "config_dump.json"
runner = CliRunner()


def test_clusters_json_and_text_agree_on_ejection() -> None:
    js = load_clusters_status(str(EJECTED / "clusters.json"))
    txt = load_clusters_status(str(EJECTED / "clusters.txt"))
    assert {(h.cluster, h.address) for h in js.hosts} == {(h.cluster, h.address) for h in txt.hosts}
    ej_js = {(h.cluster, h.address) for h in js.hosts if h.ejected}
    ej_txt = {(h.cluster, h.address) for h in txt.hosts if h.ejected}
    flagged = [ln.split("::")[:2] for ln in (EJECTED / "clusters.txt").read_text().splitlines()
               if ln.endswith("::health_flags::/failed_outlier_check")]
    assert ej_js == ej_txt == {tuple(f) for f in flagged} and len(flagged) == 1


def test_clusters_text_ipv6_address() -> None:
    from dumpdiff.sources.clusters_status import parse_clusters_text

    status = parse_clusters_text("x", "c::added_via_api::true\n"
                                      "c::[fd00::1]:80::health_flags::/failed_outlier_check\n"
                                      "c::[fd00::1]:80::cx_active::0\n")
    assert [(h.address, h.ejected) for h in status.hosts] == [("[fd00::1]:80", True)]


def test_proxy_status_verbose_table() -> None:
    ps = load_proxy_status(str(CORPUS / "proxy-status" / "multiXdsStatusMultiPilot_verbose.txt"))
    assert ps.has_status
    assert [(p.proxy, p.status) for p in ps.proxies] == [("proxy1", {
        "CDS": "STALE", "ECDS": "SYNCED", "EDS": "SYNCED", "LDS": "SYNCED", "RDS": "NOT SENT"})]


def test_proxy_status_default_table_has_no_status() -> None:
    ps = load_proxy_status(str(CORPUS / "proxy-status" / "multiXdsStatusMultiPilot.txt"))
    assert not ps.has_status and len(ps.proxies) == 4


def test_proxy_status_concatenated_json_documents() -> None:
    one = (CORPUS / "proxy-status" / "multiXdsStatusSinglePilot.json").read_bytes()
    ps = parse_proxy_status("two.json", one + b"\n" + one)
    assert [p.proxy for p in ps.proxies] == ["proxy1", "proxy1"]


def test_manifest_lines_point_into_the_file() -> None:
    folder = EJECTED / "manifests"
    vs = next(m for m in load_manifests([str(folder)]) if m.kind == "VirtualService")
    lines = Path(vs.file).read_text().splitlines()
    second = yaml.safe_load(Path(vs.file).read_text())["spec"]["http"][1]["name"]
    assert lines[vs.line_of("spec", "http", 1) - 1].strip() == f"- name: {second}"
    assert vs.ref == "production/payment"


@pytest.mark.parametrize(("option", "content", "needle"), [
    ("--clusters", "{\"configs\": []}", "is not Envoy /clusters output"),
    ("--proxy-status", "kind: Foo\n", "is not istioctl proxy-status output"),
    ("--manifests", "a: [unclosed\n", "invalid YAML at line"),
    ("--manifests", "- 1\n- 2\n", "must be a mapping"),
])
def test_bad_extra_input_is_one_line_exit_2(tmp_path: Path, option: str, content: str,
                                            needle: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = runner.invoke(app, ["lint", str(DUMP), option, str(bad)])
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert err.count("\n") == 0 and str(bad) in err and needle in err


def test_missing_manifest_folder_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_manifests([str(tmp_path)])
