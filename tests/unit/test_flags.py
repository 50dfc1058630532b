"""`dumpdiff flags`: meanings from Envoy's table, access-log summaries, Prometheus rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.conftest import GOLDEN, ROOT, run_cli


def test_the_common_503_flags_mean_what_envoy_says() -> None:
    out = json.loads(run_cli("flags", "UH,NC,UO,URX,UAEX", "-o", "json").stdout)
    by = {f["flag"]: f for f in out["flags"]}
    assert by["UH"]["long"] == "NoHealthyUpstream"
    assert by["NC"]["long"] == "NoClusterFound"
    assert by["UO"]["long"] == "UpstreamOverflow" and "circuit breaking" in by["UO"]["meaning"]
    assert by["URX"]["long"] == "UpstreamRetryLimitExceeded"
    # UAEX is ext_authz, not an ALLOW/DENY AuthorizationPolicy (a common mislabel).
    assert by["UAEX"]["long"] == "UnauthorizedExternalService"
    assert "CUSTOM" in by["UAEX"]["istio"]
    assert [f["rung"] for f in out["flags"]] == [4, 3, 4, 4, 6]


def test_rl_is_rate_limiting_not_connection_pool_overflow() -> None:
    out = json.loads(run_cli("flags", "RL", "-o", "json").stdout)
    (rl,) = out["flags"]
    assert rl["long"] == "RateLimited" and rl["code"] == 429
    assert "rate" in rl["meaning"].lower()


def test_every_envoy_1_40_flag_is_known() -> None:
    # The 29 core flags of Envoy 1.40 (envoy/stream_info/stream_info.h CORE_RESPONSE_FLAGS).
    core = ["LH", "UH", "UT", "LR", "UR", "UF", "UC", "UO", "NR", "DI", "FI", "RL", "UAEX",
            "RLSE", "DC", "URX", "SI", "IH", "DPE", "UMSDR", "RFCF", "NFCF", "DT", "UPE", "NC",
            "OM", "DF", "DO", "DR"]
    out = json.loads(run_cli("flags", *core, "-o", "json").stdout)
    assert out["unknown"] == [] and len(out["flags"]) == len(core)


def test_unknown_flag_is_reported_with_exit_2() -> None:
    proc = run_cli("flags", "UH,XYZ")
    assert proc.returncode == 2 and "XYZ" in proc.stdout


def test_real_envoy_access_log_is_summarized_with_the_logged_counts() -> None:
    scenario = yaml.safe_load((GOLDEN / "route-to-missing-cluster" / "scenario.yaml").read_text())
    expected_flags = Counter(r["response_flags"] for r in scenario["requests"]
                             if r["response_flags"] != "-")
    expected_codes = Counter(str(r["response_code"]) for r in scenario["requests"])
    log = GOLDEN / "route-to-missing-cluster" / "access.log"
    out = json.loads(run_cli("flags", "--log", str(log), "-o", "json").stdout)
    assert out["by_flag"] == dict(expected_flags)
    assert out["by_code"] == dict(expected_codes)
    assert out["parsed"] == len(scenario["requests"])


def test_istio_default_text_format_is_summarized() -> None:
    log = ROOT / "tests" / "data" / "accesslog" / "istio-text-handmade.log"
    out = json.loads(run_cli("flags", "--log", str(log), "-o", "json").stdout)
    assert out["by_flag"] == {"UH": 2, "NC": 1, "NR": 1}
    assert out["by_code"] == {"503": 3, "404": 1, "200": 2}
    assert out["unparsed"] == 1
    assert out["by_flag_cluster"]["UH"] == {
        "outbound|8080|v3|payment.production.svc.cluster.local": 2}
    text = run_cli("flags", "--log", str(log)).stdout
    assert "UH ×2  NoHealthyUpstream" in text and "rung 4 (endpoints)" in text


def test_a_file_that_is_not_an_access_log_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\nworld\n")
    proc = run_cli("flags", "--log", str(bad))
    assert proc.returncode == 2 and str(bad) in proc.stderr


def test_prometheus_rules_are_valid(tmp_path: Path) -> None:
    proc = run_cli("flags", "--prometheus-rules")
    assert proc.returncode == 0
    doc = yaml.safe_load(proc.stdout)
    alerts = [r for g in doc["groups"] for r in g["rules"] if "alert" in r]
    assert {a["labels"]["response_flag"] for a in alerts} >= {"UH", "NC", "UO", "NR", "UF"}
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool (Debian's prometheus package) is not installed")
    rules = tmp_path / "rules.yaml"
    rules.write_text(proc.stdout)
    check = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
