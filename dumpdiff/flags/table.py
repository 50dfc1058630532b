"""The response-flag table (response_flags.yaml), loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

RUNG_NAMES = {1: "pod in mesh", 2: "config synced", 3: "routes", 4: "endpoints", 5: "mTLS",
              6: "authorization", 7: "full compare"}


@dataclass(frozen=True, slots=True)
class Flag:
    """One Envoy response flag with Istio's usual cause."""

    short: str
    long: str
    code: int | None
    meaning: str
    istio: str
    rung: int
    next: str


@lru_cache(maxsize=1)
def flag_table() -> dict[str, Flag]:
    """All flags by short name (UH, NC...)."""
    text = resources.files("dumpdiff.flags").joinpath("response_flags.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)["flags"]
    return {k: Flag(k, v["long"], v.get("code"), v["meaning"], v["istio"], int(v["rung"]),
                    v["next"]) for k, v in raw.items()}


def lookup(name: str) -> Flag | None:
    """A flag by short (`UH`) or long (`NoHealthyUpstream`) name, case-insensitive."""
    table = flag_table()
    key = name.strip()
    if key.upper() in table:
        return table[key.upper()]
    return next((f for f in table.values() if f.long.lower() == key.lower()), None)


def split_flags(value: str) -> list[str]:
    """`UH,URX` or `UH URX` → [UH, URX]; `-` → []."""
    return [f for f in value.replace(",", " ").split() if f != "-"]
