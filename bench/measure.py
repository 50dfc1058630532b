"""Run one command in a fresh child and measure it: wall time, peak RSS, time box.

Every measurement goes through a small runner interpreter started for it alone. The runner
starts the command in its own process group, samples the memory of the whole process tree
(the command and any workers it forks) while it runs, kills the group when the time box is
over, and reports:

* ``wall``: wall time of the command, start-up included;
* ``rss_mb``: peak RSS of the largest single process of the tree (``ru_maxrss`` of the
  runner's children; exact, from the kernel). Measuring from a fresh runner matters: Linux
  carries a forked process's pre-exec RSS into ``ru_maxrss``, so a child forked from the
  (big) benchmark process would report the benchmark's size;
* ``tree_mb``: peak of the summed PSS of all processes of the tree, sampled every 50 ms
  (what a multi-process command such as ``dumpdiff fleet`` really holds at once; PSS counts
  pages shared by forked workers once);
* ``timed_out``: the command did not finish in the time box (then it was killed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PYTHON = sys.executable

_RUNNER = r"""
import json, os, resource, signal, subprocess, sys, threading, time

out_path, timeout = sys.argv[1], float(sys.argv[2])
argv = sys.argv[3:]


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


peak = [0]
done = threading.Event()


def sample(root):
    while not done.is_set():
        total, stack = 0, [root]
        while stack:
            pid = stack.pop()
            total += pss_kib(pid)
            stack += children(pid)
        peak[0] = max(peak[0], total)
        done.wait(0.05)


with open(out_path, "wb") as out:
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, start_new_session=True)
    sampler = threading.Thread(target=sample, args=(proc.pid,), daemon=True)
    sampler.start()
    timed_out = False
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created for this command
        _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_kib": rss, "tree_kib": peak[0], "code": proc.returncode,
                  "timed_out": timed_out, "stderr": err.decode(errors="replace")[-2000:]}))
"""


@dataclass(slots=True)
class Measured:
    """What one measured command did."""

    wall: float
    rss_mb: float
    tree_mb: float
    code: int
    timed_out: bool
    stdout: Path
    stderr: str

    @property
    def ok(self) -> bool:
        """Finished in time (whatever its exit code)."""
        return not self.timed_out

    def result(self) -> dict[str, Any]:
        """The JSON line a `bench/child.py` task printed on stdout."""
        lines = self.stdout.read_bytes().strip().splitlines()
        if not lines:
            raise RuntimeError(f"no result on stdout (exit {self.code}): {self.stderr}")
        data: dict[str, Any] = json.loads(lines[-1])
        return data


def run(argv: list[str], stdout: Path, timeout: float = 3600.0,
        env: dict[str, str] | None = None) -> Measured:
    """Run `argv` from a fresh runner (stdout into `stdout`) and measure it."""
    stdout.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([PYTHON, "-c", _RUNNER, str(stdout), str(timeout), *argv],
                          check=True, capture_output=True, env=env or dict(os.environ))
    m = json.loads(proc.stdout)
    return Measured(float(m["wall"]), m["rss_kib"] / 1024, m["tree_kib"] / 1024, int(m["code"]),
                    bool(m["timed_out"]), stdout, str(m["stderr"]))


def warm_cache(paths: list[Path]) -> None:
    """Read files once so that no measurement pays for the disk (they fit in the page cache)."""
    for path in paths:
        with open(path, "rb") as fh:
            while fh.read(1 << 24):
                pass
