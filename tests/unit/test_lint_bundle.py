"""`dumpdiff lint BUNDLE`: every proxy of an `istioctl bug-report` archive (or folder) is linted
with its own /clusters output, the bundle's manifests and its own proxy-status row, and
findings come grouped by workload. Bundles and dump files mix on one command line."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dumpdiff.cli import app

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "rules" / "fixtures" / "golden"
LAB = ROOT / "rules" / "fixtures" / "lab"
runner = CliRunner()

EJECTED_POD = "payment-v1-6d8f7c9b5-x2x4k"
GATEWAY_POD = "istio-ingressgateway-7c9f8b6d4-q8z5n"
CHECKOUT_POD = "checkout-v1-6f7d8c9b4-r5t2q"
# istiod's /debug/syncz as bug-report saves it (istio/<ns>/<istiod>/debug/syncz). Hand-made
# for this test (not Istio output): the checkout pod's RDS push was never acknowledged.
SYNCZ = [
    {"proxy": f"{CHECKOUT_POD}.shop", "cluster_id": "Kubernetes", "istio_version": "1.28.1",
     "cluster_sent": "a", "cluster_acked": "a", "listener_sent": "b", "listener_acked": "b",
     "route_sent": "c2", "route_acked": "c1", "endpoint_sent": "d", "endpoint_acked": "d"},
    {"proxy": f"{GATEWAY_POD}.istio-system", "cluster_id": "Kubernetes",
     "istio_version": "1.28.1", "cluster_sent": "a", "cluster_acked": "a",
     "listener_sent": "b", "listener_acked": "b", "route_sent": "c", "route_acked": "c",
     "endpoint_sent": "d", "endpoint_acked": "d"},
]


def _bug_report(path: Path) -> Path:
    """A bug-report archive: three pods' admin files, istiod's syncz, no manifests."""
    members: dict[str, bytes] = {
        f"bug-report/proxies/production/{EJECTED_POD}/config_dump?include_eds":
            (GOLDEN / "ejected-host" / "config_dump.json").read_bytes(),
        f"bug-report/proxies/production/{EJECTED_POD}/clusters":
            (GOLDEN / "ejected-host" / "clusters.txt").read_bytes(),
        f"bug-report/proxies/istio-system/{GATEWAY_POD}/config_dump?include_eds":
            (LAB / "gateway-bad-credentials" / "config_dump.json").read_bytes(),
        f"bug-report/proxies/istio-system/{GATEWAY_POD}/clusters":
            (LAB / "gateway-bad-credentials" / "clusters.txt").read_bytes(),
        f"bug-report/proxies/shop/{CHECKOUT_POD}/config_dump?include_eds":
            (LAB / "mtls-mismatch" / CHECKOUT_POD / "config_dump.json").read_bytes(),
        f"bug-report/proxies/shop/{CHECKOUT_POD}/clusters":
            (LAB / "mtls-mismatch" / CHECKOUT_POD / "clusters.txt").read_bytes(),
        "bug-report/proxies/production/gone-7f9c-abcde/istio-proxy.log": b"no admin files\n",
        "bug-report/istio/istio-system/istiod-6b9d7f5c8-kx7pq/debug/syncz":
            json.dumps(SYNCZ).encode(),
        # a second istiod that answered nothing: noted, not fatal
        "bug-report/istio/istio-system/istiod-6b9d7f5c8-zz9zz/debug/syncz": b"",
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _lint(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["lint", *args, "--fail-on", "info", "-o", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _by_group(out: dict[str, Any]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for f in out["findings"]:
        if f["rule_id"] != "INBOUND-WITHOUT-AUTHZ":  # info on every pod without a policy
            groups.setdefault(f["group"], set()).add(f["rule_id"])
    return groups


def test_bug_report_archive_findings_grouped_by_workload(tmp_path: Path) -> None:
    archive = _bug_report(tmp_path / "bug-report.tar.gz")
    code, out = _lint(str(archive))
    assert code == 1
    assert _by_group(out) == {
        # from the pod's own text `clusters` file: the ejected host is named as such
        "production/payment-v1": {"ENDPOINT-EJECTED"},
        "istio-system/istio-ingressgateway": {"CERT-EXPIRED", "GATEWAY-CREDENTIAL-MISSING"},
        # from istiod's debug/syncz row for this pod only
        "shop/checkout-v1": {"PROXY-NOT-SYNCED"},
    }
    assert out["groups"] == {"production/payment-v1": [f"{EJECTED_POD}.production"],
                             "istio-system/istio-ingressgateway":
                                 [f"{GATEWAY_POD}.istio-system"],
                             "shop/checkout-v1": [f"{CHECKOUT_POD}.shop"]}
    stale = next(f for f in out["findings"] if f["rule_id"] == "PROXY-NOT-SYNCED")
    assert "RDS STALE" in stale["message"]
    # Inputs are named as the user knows them: the archive and the member, no temp folder.
    for f in out["findings"]:
        assert f["evidence"]["source"].startswith(f"{archive}!/bug-report/")
    assert sorted(u["input"] for u in out["unreadable"]) == [
        f"{archive}!/bug-report/istio/istio-system/istiod-6b9d7f5c8-zz9zz/debug/syncz",
        f"{archive}!/bug-report/proxies/production/gone-7f9c-abcde"]


def test_bundle_text_report_has_a_section_per_workload(tmp_path: Path) -> None:
    archive = _bug_report(tmp_path / "bug-report.tgz")
    result = runner.invoke(app, ["lint", str(archive)])
    assert result.exit_code == 1
    heads = [ln for ln in result.stdout.splitlines() if ln and not ln.startswith(" ")]
    assert f"shop/checkout-v1 (1 proxy: {CHECKOUT_POD}.shop)" in heads
    assert f"istio-system/istio-ingressgateway (1 proxy: {GATEWAY_POD}.istio-system)" in heads
    assert "not linted:" in result.stdout and "gone-7f9c-abcde" in result.stdout


def test_mixed_bundle_and_dump_arguments(tmp_path: Path) -> None:
    archive = _bug_report(tmp_path / "bug-report.tar.gz")
    subset = GOLDEN / "subset-no-endpoints" / "config_dump.json"
    code, out = _lint(str(archive), str(subset))
    assert code == 1
    # The dump file is the same workload as the bundle's payment pod: one group.
    assert _by_group(out)["production/payment-v1"] == {"ENDPOINT-EJECTED",
                                                       "SUBSET-WITHOUT-ENDPOINTS"}
    assert str(subset) in out["dumps"] and len(out["dumps"]) == 4


def test_zip_bundle_with_manifests_in_a_folder(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.zip"
    scenario = GOLDEN / "subset-no-endpoints"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(scenario / "config_dump.json", "dumps/payment/config_dump.json")
        for m in (scenario / "manifests").iterdir():
            zf.write(m, f"dumps/manifests/{m.name}")
    code, out = _lint(str(bundle))
    assert code == 1
    manifest_finding = next(f for f in out["findings"]
                            if f["rule_id"] == "VS-DESTINATION-NO-ENDPOINTS")
    assert manifest_finding["group"] == "VirtualService production/payment"
    assert manifest_finding["evidence"]["source"] == (
        f"{bundle}!/dumps/manifests/virtualservice-production-payment.yaml")


def test_pods_of_one_workload_share_one_finding() -> None:
    # Three replicas of payment-v1, linted as a folder bundle: findings merge per workload and
    # list every pod they were seen on.
    code, out = _lint(str(LAB / "version-skew"))
    authz = [f for f in out["findings"] if f["rule_id"] == "INBOUND-WITHOUT-AUTHZ"]
    assert len(authz) == 1 and len(authz[0]["proxies"]) == 3
    skew = [f for f in out["findings"] if f["rule_id"] == "PROXY-VERSION-SKEW"]
    assert [f["proxies"] for f in skew] == [["payment-v1-6d8f7c9b5-h5r9t.production"]]
    assert code == 1


def test_bundle_without_any_dump_is_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing here\n")
    result = runner.invoke(app, ["lint", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "holds no readable config dump" in result.stderr


def test_corrupt_archive_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bug-report.tgz"
    bad.write_bytes(b"not a tar archive\n")
    result = runner.invoke(app, ["lint", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
