"""Colour only on a terminal, and never with NO_COLOR (https://no-color.org)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.conftest import CORPUS, ROOT

ARGS = [sys.executable, "-m", "dumpdiff", "compare", str(CORPUS / "waypoint-reviews.json"),
        str(CORPUS / "waypoint-reviews-edited.json")]


def _on_a_terminal(env: dict[str, str]) -> str:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(ARGS, stdout=follower, stderr=follower, cwd=ROOT, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    assert "\x1b[" in _on_a_terminal(env)


def test_no_colour_with_no_color_set() -> None:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color"}
    out = _on_a_terminal(env)
    assert "\x1b[" not in out and "connect_terminate" in out
