"""The ladder's rungs as data (ladder.yaml), loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class Rung:
    """One rung: its question, the live command, and the Envoy log component to raise."""

    number: int
    name: str
    question: str
    live: str
    debug: str | None

    def live_for(self, pod: str) -> str:
        """The live command with the pod filled in (`POD.NS` as istioctl takes it)."""
        name, _, ns = pod.partition(".")
        return self.live.replace("POD.NS", pod or "POD.NS").replace(
            "POD -n NS", f"{name} -n {ns}" if ns else "POD -n NS")

    def debug_commands(self, pod: str) -> tuple[str, str] | None:
        """(raise, restore) istioctl commands for this rung's Envoy log component."""
        if not self.debug:
            return None
        target = pod or "POD.NS"
        return (f"istioctl proxy-config log {target} --level {self.debug}:debug",
                f"istioctl proxy-config log {target} --reset")


@lru_cache(maxsize=1)
def rungs() -> dict[int, Rung]:
    """All rungs by number."""
    text = resources.files("dumpdiff.triage").joinpath("ladder.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)["rungs"]
    return {int(n): Rung(int(n), r["name"], r["question"], r["live"], r.get("debug"))
            for n, r in raw.items()}
