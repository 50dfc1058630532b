"""Loading: every corpus dump loads; other inputs are refused, saying what they are."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from dumpdiff.sources import load_snapshot
from tests.conftest import CORPUS, CORPUS_DUMPS, run_cli


@pytest.mark.parametrize("dump", CORPUS_DUMPS, ids=lambda p: p.name)
def test_summary_accepts_every_corpus_dump(dump: Path) -> None:
    proc = run_cli("summary", str(dump))
    assert proc.returncode == 0, proc.stderr
    assert "sections" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_clusters_output_is_refused_as_clusters_output() -> None:
    proc = run_cli("summary", str(CORPUS / "clusters-status.json"))
    assert proc.returncode == 2
    assert "clusters-status.json" in proc.stderr
    assert "/clusters output" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_sidecar_identity_is_read_from_the_bootstrap_node() -> None:
    snap = load_snapshot(str(CORPUS / "sidecar-productpage-istio13.json"))
    ident = snap.identity
    assert (ident.pod, ident.namespace) == ("productpage-v1-7bbd79f8fd-k6j79", "default")
    assert ident.proxy_type == "sidecar"
    assert ident.pod_ips == ["172.30.150.216", "fe80::863:a7ff:fe55:26a9"]
    assert ident.app == "productpage" and ident.version == "v1"
    assert ident.istio_version == "1.3.0-rc.2"
    assert ident.envoy_version == "1.12.0-dev"


def test_gateway_is_a_router() -> None:
    snap = load_snapshot(str(CORPUS / "ingressgateway-istio13.json"))
    assert snap.identity.proxy_type == "router"
    assert snap.identity.namespace == "istio-system"


def test_camelcase_bootstrap_only_dump_gives_versions() -> None:
    snap = load_snapshot(str(CORPUS / "bootstrap-only-camelcase.json"))
    assert snap.identity.envoy_version == "1.18.3"
    assert snap.identity.istio_version == "1.10.0"


def test_v2_inner_types_are_read_by_name() -> None:
    snap = load_snapshot(str(CORPUS / "sidecar-productpage-istio13.json"))
    assert "outbound|9080||reviews.default.svc.cluster.local" in snap.section("clusters")
    assert "172.30.150.216_9080" in snap.section("listeners")


def test_partial_dumps_keep_only_their_sections() -> None:
    eds = load_snapshot(str(CORPUS / "sidecar-eds-bookinfo.json"))
    assert eds.present == {"endpoints"}
    assert "outbound|9080||reviews.default.svc.cluster.local" in eds.section("endpoints")
    rds = load_snapshot(str(CORPUS / "gateway-api-routes.json"))
    assert "http.80" in rds.section("routes")


def test_nameless_listener_entries_and_warming_secrets_are_kept() -> None:
    secrets = load_snapshot(str(CORPUS / "secrets-warming.json")).section("secrets")
    assert secrets["configmap://some/thing (warming)"].state == "warming"
    routes = load_snapshot(str(CORPUS / "gateway-api-routes.json")).section("routes")
    assert any(k.startswith("(unnamed") for k in routes)  # inline static route configs


def test_unknown_type_is_kept_not_fatal(tmp_path: Path) -> None:
    dump = json.loads((CORPUS / "waypoint-reviews.json").read_text())
    dump["configs"].append({"@type": "type.googleapis.com/example.FutureConfigDump", "x": 1})
    path = tmp_path / "future.json"
    path.write_text(json.dumps(dump))
    proc = run_cli("summary", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "FutureConfigDump" in proc.stdout


def test_gzip_and_stdin_and_yaml(tmp_path: Path) -> None:
    src = CORPUS / "waypoint-reviews.json"
    gz = tmp_path / "dump.json.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    yml = tmp_path / "dump.yaml"
    import yaml

    yml.write_text(yaml.safe_dump(json.loads(src.read_text())))
    assert run_cli("compare", str(src), str(gz)).returncode == 0
    assert run_cli("compare", str(src), str(yml)).returncode == 0
    proc = run_cli("compare", "-", str(src), stdin=src.read_bytes())
    assert proc.returncode == 0, proc.stderr


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _to_camel(obj: object, opaque: bool = False) -> object:
    # What istioctl's jsonpb does: proto field names in lowerCamelCase, Struct/map keys kept.
    if isinstance(obj, list):
        return [_to_camel(v, opaque) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if opaque:
        return obj
    out = {}
    for k, v in obj.items():
        if k == "filter_metadata":
            out["filterMetadata"] = v
        elif k == "@type":
            out[k] = v
        elif k == "metadata" and isinstance(v, dict) and "filter_metadata" not in v:
            out[k] = v  # node metadata: a Struct
        elif k == "value" and "type_url" in obj:
            out[k] = v  # udpa TypedStruct.value: a Struct
        else:
            out[_camel(k)] = _to_camel(v)
    return out


def test_istioctl_camelcase_reserialization_equals_the_raw_dump(tmp_path: Path) -> None:
    src = CORPUS / "waypoint-httpbin-full.json"
    camel = tmp_path / "camel.json"
    camel.write_text(json.dumps(_to_camel(json.loads(src.read_text()))))
    assert "dynamicActiveClusters" in camel.read_text()
    proc = run_cli("compare", str(src), str(camel), "--no-normalize")
    assert proc.returncode == 0, proc.stdout


def test_istioctl_section_output_loads(tmp_path: Path) -> None:
    # `istioctl proxy-config clusters POD -o json`: an array of clusters, camelCase.
    dump = json.loads((CORPUS / "waypoint-reviews.json").read_text())
    clusters = [c["cluster"] for c in dump["configs"][0]["dynamic_active_clusters"]]
    path = tmp_path / "pc-clusters.json"
    path.write_text(json.dumps(_to_camel(clusters)))
    snap = load_snapshot(str(path))
    assert "inbound-vip|9080|http|ratings.default.svc.cluster.local" in snap.section("clusters")


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    shutil.copy(CORPUS / "waypoint-reviews.json", src)
    before = src.read_bytes()
    run_cli("compare", str(src), str(CORPUS / "waypoint-reviews-edited.json"))
    run_cli("normalize", str(src))
    assert src.read_bytes() == before
