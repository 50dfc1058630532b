"""Run scenarios: scratch space, upstreams and output folders, cleaned up whatever happens."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dumpdiff.lab.feed import XdsSnapshot
from dumpdiff.lab.mesh import Endpoint, Pod
from dumpdiff.lab.proxy import LabProxy
from dumpdiff.lab.record import ScenarioRecord
from dumpdiff.lab.upstream import Upstreams

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "golden_dumps"


@dataclass
class Context:
    """What a scenario function gets: where to write, scratch space, and upstream servers."""

    out_dir: Path
    scratch: Path
    upstreams: Upstreams

    def proxy(self, pod: Pod, snapshot: XdsSnapshot) -> LabProxy:
        """A lab proxy for `pod` working in its own scratch directory."""
        return LabProxy(pod, snapshot, self.scratch / pod.name)

    def upstream(self, pod: str, workload: str, version: str | None, status: int = 200) -> Endpoint:
        """Start a real upstream for `pod` and return it as a service endpoint."""
        ip, port = self.upstreams.start(pod, status)
        return Endpoint(ip, port, workload, version)


@dataclass(frozen=True)
class Scenario:
    """A named scenario and the function that produces it."""

    name: str
    run: Callable[[Context], ScenarioRecord]


def run_scenario(scenario: Scenario, out_root: Path) -> float:
    """Produce `out_root/<name>/`; return the seconds it took.

    Output goes to a staging folder first and replaces the old folder only on success, so a
    failed run never leaves a half-written golden set behind.
    """
    started = time.monotonic()
    out_root.mkdir(parents=True, exist_ok=True)
    final = out_root / scenario.name
    staging = out_root / f".{scenario.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="dumpdiff-lab-") as scratch,
            Upstreams() as upstreams,
        ):
            record = scenario.run(Context(staging, Path(scratch), upstreams))
        record.name = scenario.name
        record.write(staging)
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return time.monotonic() - started


def generate(
    out_root: Path | None = None,
    names: Sequence[str] = (),
    log: Callable[[str], None] | None = None,
) -> list[Path]:
    """Regenerate the named scenarios (all when `names` is empty) under `out_root`.

    Returns the scenario folders written. Raises KeyError for an unknown scenario name.
    """
    from dumpdiff.lab.scenarios import SCENARIOS  # late: scenarios import this module

    out_root = out_root or DEFAULT_OUT
    by_name = {s.name: s for s in SCENARIOS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise KeyError(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(by_name)}")
    written = []
    for scenario in [by_name[n] for n in names] if names else SCENARIOS:
        seconds = run_scenario(scenario, out_root)
        if log:
            log(f"{scenario.name}: {seconds:.1f}s")
        written.append(out_root / scenario.name)
    return written
