"""The work one benchmark measurement does, run in a fresh interpreter by bench/measure.py.

Each task times only its own work (imports and interpreter start-up excluded, see IMPORTS;
the CLI runs measure those too) and prints one JSON line: ``{"work_s": ..., ...}``.

    python bench/child.py json-load FILE...        # stdlib json.loads of every file, all kept
    python bench/child.py json-load-each DIR        # json.loads of every dump in a bundle, in turn
    python bench/child.py compare A B               # dumpdiff API: load both, compare
    python bench/child.py lint DUMP                 # dumpdiff API: lint with all default rules
    python bench/child.py fleet DIR                 # dumpdiff API: fleet of a bundle folder
    python bench/child.py fleet-serial DIR          # fleet's per-proxy work, one process
    python bench/child.py deepdiff A B              # json.loads both + DeepDiff(ignore_order)

``--profile FILE`` (before the task name) also writes a cProfile of the work to FILE.
"""

from __future__ import annotations

import cProfile
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUG_REPORT_DUMP = "config_dump?include_eds"


def bundle_dumps(root: str) -> list[str]:
    """Every config dump in a bundle folder (bug-report names, or *.json), sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name == BUG_REPORT_DUMP or name.endswith(".json"):
                found.append(os.path.join(dirpath, name))
    return found


def json_load(paths: list[str]) -> dict[str, Any]:
    """The floor of compare and lint: read and json.loads every file, keeping all alive."""
    kept = [json.loads(Path(p).read_bytes()) for p in paths]
    return {"files": len(kept)}


def json_load_each(root: str) -> dict[str, Any]:
    """The floor of fleet: read and json.loads every dump of a bundle, one after the other."""
    paths = bundle_dumps(root)
    size = 0
    for p in paths:
        raw = Path(p).read_bytes()
        size += len(raw)
        json.loads(raw)
    return {"files": len(paths), "bytes": size}


def api_compare(left: str, right: str) -> dict[str, Any]:
    """dumpdiff.compare on two loaded snapshots, as `dumpdiff compare` does."""
    from dumpdiff.diff import compare
    from dumpdiff.normalize import default_profile
    from dumpdiff.sources import load_snapshot

    t0 = time.perf_counter()
    a, b = load_snapshot(left), load_snapshot(right)
    loaded = time.perf_counter() - t0
    result = compare(a, b, default_profile())
    return {"load_s": loaded,
            "changed": sorted({f"{c.section}\t{c.resource}" for c in result.changes}),
            "changes": len(result.changes)}


def api_lint(dump: str) -> dict[str, Any]:
    """dumpdiff.lint with every default rule, as `dumpdiff lint DUMP` does."""
    from dumpdiff.lint import LintInputs, lint, load_rules

    rules = load_rules([], include_default=True)
    result = lint(LintInputs([dump]), rules, "error")
    by_rule: dict[str, int] = {}
    for f in result.findings:
        by_rule[f.rule_id] = by_rule.get(f.rule_id, 0) + 1
    return {"rules": len(rules), "findings": len(result.findings), "by_rule": by_rule}


def api_fleet(root: str) -> dict[str, Any]:
    """dumpdiff.fleet on a bundle folder, as `dumpdiff fleet DIR` does."""
    from dumpdiff.fleet import fleet
    from dumpdiff.normalize import load_profile
    from dumpdiff.sources.bundle import open_bundle

    with open_bundle(root) as bundle:
        report = fleet(root, bundle.proxies, load_profile([], []))
    return {"proxies": report.proxies, "groups": len(report.groups),
            "deviating": sorted(d.pod for g in report.groups for d in g.deviations)}


def fleet_serial(root: str) -> dict[str, Any]:
    """The per-proxy work of fleet (fingerprint, /clusters ejections) in one process.

    fleet spreads this over worker processes, which a cProfile of `fleet` does not see; this
    task is what `run_all.py --profile` profiles for the fleet benchmarks.
    """
    from dumpdiff.fleet import fingerprint_proxy
    from dumpdiff.normalize import load_profile
    from dumpdiff.sources.bundle import open_bundle

    profile = load_profile([], [])
    with open_bundle(root) as bundle:
        prints = [fingerprint_proxy(p, profile) for p in bundle.proxies]
        ejected = sum(len(p.ejected) for p in prints)
    return {"proxies": len(prints), "ejected": ejected}


def deepdiff(left: str, right: str) -> dict[str, Any]:
    """What a user without dumpdiff writes: DeepDiff of the parsed JSON, order ignored."""
    from deepdiff import DeepDiff

    a = json.loads(Path(left).read_bytes())
    b = json.loads(Path(right).read_bytes())
    dd = DeepDiff(a, b, ignore_order=True)
    items = sum(len(v) for v in dd.values())
    return {"items": items, "kinds": sorted(dd.keys())}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "json-load": lambda *paths: json_load(list(paths)),
    "json-load-each": json_load_each,
    "compare": api_compare,
    "lint": api_lint,
    "fleet": api_fleet,
    "fleet-serial": fleet_serial,
    "deepdiff": deepdiff,
}


# Modules each task imports before its clock starts (import time is start-up, which the
# CLI measurements include and the API measurements leave out).
IMPORTS = {
    "compare": ("dumpdiff.diff", "dumpdiff.normalize", "dumpdiff.sources"),
    "lint": ("dumpdiff.lint",),
    "fleet": ("dumpdiff.commands.fleet", "dumpdiff.fleet", "dumpdiff.normalize",
              "dumpdiff.sources.bundle"),
    "fleet-serial": ("dumpdiff.commands.fleet", "dumpdiff.fleet", "dumpdiff.normalize",
                     "dumpdiff.sources.bundle"),
    "deepdiff": ("deepdiff",),
}


def main(argv: list[str]) -> int:
    """Run one task, print its JSON line."""
    import importlib

    profile_to = None
    if argv[:1] == ["--profile"]:
        profile_to, argv = argv[1], argv[2:]
    name, args = argv[0], argv[1:]
    task = TASKS[name]
    for module in IMPORTS.get(name, ()):
        importlib.import_module(module)
    prof = cProfile.Profile() if profile_to else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    out = task(*args)
    if prof:
        prof.disable()
    out["work_s"] = time.perf_counter() - t0
    if prof and profile_to:
        prof.dump_stats(profile_to)
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
