"""Pre-merge: `dumpdiff lint --manifests NEW/ --dumps STAGING/` says whether the staging proxies
can serve what new manifests ask for, located at the manifest's file:line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from dumpdiff.cli import app

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "rules" / "fixtures" / "golden"
HANDMADE = ROOT / "rules" / "fixtures" / "handmade" / "premerge"
runner = CliRunner()

# A new canary: 20 % of payment to subset v3 (hand-made manifest for this test).
NEW_VS = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: payment
  namespace: production
spec:
  hosts:
  - payment.production.svc.cluster.local
  http:
  - name: default
    route:
    - destination:
        host: payment.production.svc.cluster.local
        subset: v1
      weight: 80
    - destination:
        host: payment.production.svc.cluster.local
        subset: v3
      weight: 20
"""


def _premerge(new: Path, *staging: str, fmt: str = "json") -> tuple[int, Any]:
    args = ["lint", "--manifests", str(new)]
    for s in staging:
        args += ["--dumps", s]
    result = runner.invoke(app, [*args, "-o", fmt])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout) if fmt == "json" else result.stdout


def _staging(tmp_path: Path, scenario: str) -> Path:
    """A staging folder as CI would save it: the scenario's dump and applied manifests."""
    folder = tmp_path / "staging"
    shutil.copytree(GOLDEN / scenario, folder)
    return folder


def test_subset_no_staging_pod_serves_is_one_error_at_its_line(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    (new / "payment-vs.yaml").write_text(NEW_VS)
    code, out = _premerge(new, str(_staging(tmp_path, "subset-no-endpoints")))
    assert code == 1
    errors = [f for f in out["findings"] if f["severity"] == "error"]
    assert len(errors) == 1
    (err,) = errors
    assert err["rule_id"] == "VS-DESTINATION-NO-ENDPOINTS"
    assert "20%" in err["message"] and "503 UH" in err["message"]
    assert err["evidence"]["source"] == str(new / "payment-vs.yaml")
    line = err["evidence"]["line"]
    lines = NEW_VS.splitlines()
    assert lines[line - 1].strip() == "- destination:" and "subset: v3" in lines[line + 1]
    assert out["mode"] == "premerge"


def test_same_change_served_by_staging_passes(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    (new / "payment-vs.yaml").write_text(NEW_VS)
    # In payment-canary-synced every subset has a ready pod.
    code, out = _premerge(new, str(_staging(tmp_path, "payment-canary-synced")))
    assert code == 0 and out["findings"] == []


def test_new_subset_whose_labels_no_staging_pod_carries(tmp_path: Path) -> None:
    code, out = _premerge(HANDMADE / "canary-v4", str(GOLDEN / "payment-canary-synced"))
    assert code == 1
    (err,) = [f for f in out["findings"] if f["severity"] == "error"]
    assert err["rule_id"] == "VS-DESTINATION-NO-ENDPOINTS" and 'subset "v4"' in err["message"]
    assert '{"version":"v4"}' in err["message"]


def test_staging_manifests_are_context_not_checked(tmp_path: Path) -> None:
    # The staging folder's own VirtualService routes to the empty subset v3 too, but it is
    # already deployed: only the new manifests are checked, and the new one avoids v3.
    staged = yaml.safe_load(NEW_VS)
    staged["spec"]["http"][0]["route"][1]["destination"]["subset"] = "v2"
    new = tmp_path / "new"
    new.mkdir()
    (new / "vs.yaml").write_text(yaml.safe_dump(staged))
    code, out = _premerge(new, str(_staging(tmp_path, "subset-no-endpoints")))
    assert code == 0 and out["findings"] == []


def test_unknown_host_undefined_subset_missing_gateway(tmp_path: Path) -> None:
    cases = {"vs-unknown-host.yaml": ("VS-DESTINATION-HOST-UNKNOWN", "payment-canary-synced"),
             "vs-undefined-subset.yaml": ("VS-DESTINATION-SUBSET-UNDEFINED",
                                          "payment-canary-synced"),
             "vs-missing-gateway.yaml": ("VS-GATEWAY-NOT-FOUND", "gateway"),
             "gateway-wrong-selector.yaml": ("GATEWAY-SELECTOR-NO-PROXY", "gateway")}
    for name, (rule, staging) in cases.items():
        _, out = _premerge(HANDMADE / name, str(GOLDEN / staging / "config_dump.json"))
        assert [f["rule_id"] for f in out["findings"]] == [rule], name
        assert out["findings"][0]["evidence"]["source"] == str(HANDMADE / name)
        assert out["findings"][0]["evidence"]["line"] > 1


def test_premerge_text_names_file_and_line_only_for_findings(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    (new / "payment-vs.yaml").write_text(NEW_VS)
    code, text = _premerge(new, str(_staging(tmp_path, "subset-no-endpoints")), fmt="text")
    assert code == 1
    assert f"{new / 'payment-vs.yaml'}:" in text and "no findings" not in text
    assert text.startswith("pre-merge check against 1 staging proxies")


def test_premerge_needs_new_manifests_and_one_kind_of_dump_argument(tmp_path: Path) -> None:
    dump = str(GOLDEN / "payment-canary-synced" / "config_dump.json")
    no_manifests = runner.invoke(app, ["lint", "--dumps", dump])
    assert no_manifests.exit_code == 2 and "--manifests NEW/" in no_manifests.stderr
    both = runner.invoke(app, ["lint", dump, "--manifests", str(HANDMADE), "--dumps", dump])
    assert both.exit_code == 2 and both.stderr.count("\n") == 1
    nothing = runner.invoke(app, ["lint"])
    assert nothing.exit_code == 2 and "at least one dump" in nothing.stderr
