"""Bad input: one clear line naming the file, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, run_cli

MANIFEST = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: payment, namespace: production}
spec:
  hosts: [payment]
  http:
  - route:
    - destination: {host: payment, subset: v1}
"""


def _cases(tmp: Path) -> dict[str, tuple[Path, str]]:
    good = (CORPUS / "waypoint-reviews.json").read_bytes()
    cases = {
        "truncated": (good[: len(good) // 2], "truncated"),
        "empty": (b"", "empty"),
        "binary": (bytes(range(256)) * 8, "binary"),
        "manifest": (MANIFEST.encode(), "manifests"),
        "arbitrary-json": (b'{"hello": "world"}', "not a config dump"),
        "not-utf8": (b"\xff\xfe garbage \xc3\x28 more", "UTF-8"),
    }
    out = {}
    for name, (data, needle) in cases.items():
        p = tmp / f"{name}.json"
        p.write_bytes(data)
        out[name] = (p, needle)
    out["directory"] = (tmp, "directory")
    out["missing"] = (tmp / "nope.json", "no such file")
    return out


@pytest.mark.parametrize("case", ["truncated", "empty", "binary", "manifest", "arbitrary-json",
                                  "not-utf8", "directory", "missing"])
@pytest.mark.parametrize("command", ["compare", "summary"])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, case: str, command: str) -> None:
    path, needle = _cases(tmp_path)[case]
    args = [str(path), str(CORPUS / "waypoint-reviews.json")] if command == "compare" else [
        str(path)]
    proc = run_cli(command, *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0]
    assert needle.lower() in lines[0].lower()
    assert "Traceback" not in proc.stderr
