"""Property tests (hypothesis) on the loaders, the normalizer and the diff, and a fuzz run over
the loaders seeded from the golden dumps."""

from __future__ import annotations

import json
import os
import random
from functools import lru_cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dumpdiff.diff import compare
from dumpdiff.errors import DumpdiffError
from dumpdiff.facts import ExtraInputs, build_facts
from dumpdiff.inventory import inventory
from dumpdiff.lint.engine import run_rules
from dumpdiff.lint.ruleset import load_rules
from dumpdiff.model.snapshot import SECTIONS
from dumpdiff.normalize import default_profile, normalize_snapshot
from dumpdiff.results import ADDED, MOVED, REMOVED
from dumpdiff.routing.replay import Request, replay
from dumpdiff.sources import snapshot_from_document
from dumpdiff.sources.configdump import snapshot_from_dump, to_config_dump
from dumpdiff.sources.reader import parse_bytes
from dumpdiff.triage.security import authorization
from tests.conftest import GOLDEN

SVC = st.sampled_from(["payment", "ledger", "reviews", "ratings"])
SUBSET = st.sampled_from(["", "v1", "v2"])
PORT = st.sampled_from([8080, 9080])


@st.composite
def clusters(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.sets(st.tuples(PORT, SUBSET, SVC), max_size=6))
    return [{"cluster": {
        "@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster",
        "name": f"outbound|{p}|{s}|{h}.prod.svc.cluster.local",
        "type": draw(st.sampled_from(["EDS", "STATIC"])),
        "connect_timeout": draw(st.sampled_from(["1s", "10s"])),
        "circuit_breakers": {"thresholds": [{"max_connections": draw(st.integers(1, 5))}]},
        "metadata": {"filter_metadata": {"istio": {"subset": s}}},
    }, "last_updated": "2026-01-01T00:00:00Z"} for p, s, h in sorted(names)]


@st.composite
def route_configs(draw: st.DrawFn) -> list[dict[str, Any]]:
    vhosts = []
    for host in sorted(draw(st.sets(SVC, max_size=3))):
        routes = [{"name": f"r{i}", "match": {"prefix": draw(st.sampled_from(["/", "/a"]))},
                   "route": {"cluster": f"outbound|8080||{host}.prod.svc.cluster.local",
                             "timeout": draw(st.sampled_from(["0s", "3s"]))}}
                  for i in range(draw(st.integers(0, 3)))]
        domains = draw(st.lists(st.sampled_from([host, f"{host}:8080", f"{host}.prod"]),
                                unique=True, max_size=3))
        vhosts.append({"name": f"{host}.prod.svc.cluster.local:8080", "domains": domains,
                       "routes": routes})
    return [{"route_config": {"name": "8080", "virtual_hosts": vhosts, "validate_clusters":
                              False}}]


@st.composite
def dumps(draw: st.DrawFn) -> dict[str, Any]:
    return {"configs": [
        {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
         "dynamic_active_clusters": draw(clusters())},
        {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
         "dynamic_route_configs": draw(route_configs())},
    ]}


PROFILE = default_profile()
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(dumps())
def test_compare_with_itself_is_empty(d: dict[str, Any]) -> None:
    a = snapshot_from_dump("a", d)
    b = snapshot_from_dump("b", json.loads(json.dumps(d)))
    assert compare(a, b, PROFILE).changes == []
    assert compare(a, b, None).changes == []


_SWAP = {ADDED: REMOVED, REMOVED: ADDED}


def _signature(changes: list[Any], reverse: bool) -> list[tuple[Any, ...]]:
    out = []
    for c in changes:
        kind, old, new = c.kind, c.old, c.new
        if reverse:
            kind, old, new = _SWAP.get(kind, kind), new, old
        out.append((c.section, c.path, kind, json.dumps(old, sort_keys=True),
                    json.dumps(new, sort_keys=True)))
    return sorted(out)


@FAST
@given(dumps(), dumps())
def test_compare_mirrors(da: dict[str, Any], db: dict[str, Any]) -> None:
    a, b = snapshot_from_dump("a", da), snapshot_from_dump("b", db)
    forward = compare(a, b, PROFILE)
    backward = compare(b, a, PROFILE)
    assert _signature(forward.changes, False) == _signature(backward.changes, True)
    assert all(c.kind != MOVED or isinstance(c.old, int) for c in forward.changes)
    assert forward.identical == backward.identical


@FAST
@given(dumps())
def test_normalize_is_idempotent(d: dict[str, Any]) -> None:
    once = to_config_dump(normalize_snapshot(snapshot_from_dump("x", d), PROFILE), SECTIONS)
    twice = to_config_dump(normalize_snapshot(snapshot_from_dump("x", once), PROFILE), SECTIONS)
    assert once == twice


@lru_cache(maxsize=1)
def _seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted(GOLDEN.glob("*/config_dump.json"))][:6]


def _mutate_tree(obj: Any, rng: random.Random) -> Any:
    """Replace one random value deep in the tree with a value of another type."""
    if isinstance(obj, dict) and obj:
        key = rng.choice(sorted(obj))
        if rng.random() < 0.3:
            obj[key] = rng.choice([None, 0, -1, 1e308, "", "x", [], {}, [1, "a"], {"a": [None]}])
        else:
            obj[key] = _mutate_tree(obj[key], rng)
    elif isinstance(obj, list) and obj:
        i = rng.randrange(len(obj))
        obj[i] = _mutate_tree(obj[i], rng) if rng.random() < 0.8 else rng.choice([None, 3, "s"])
    return obj


@lru_cache(maxsize=1)
def _rules() -> list[Any]:
    return load_rules([])


def _exercise(raw: bytes) -> None:
    """Every engine on one input: it is either used or refused with a DumpdiffError."""
    try:
        snap = snapshot_from_document(parse_bytes("fuzz.json", raw))
        inventory(snap)
        compare(snap, snap, PROFILE)
        normalize_snapshot(snap, PROFILE)
        run_rules(_rules(), build_facts(snap, ExtraInputs()))
        replay(snap, Request("payment:8080", "/pay", 8080, "GET", {"x-subset": "v3"}))
        authorization(snap)
    except DumpdiffError:
        pass  # refusing bad input with a clear error is the expected outcome


# CI runs 300 mutations; a longer run: DUMPDIFF_FUZZ_EXAMPLES=15000 pytest -k never_crash
FUZZ_EXAMPLES = int(os.environ.get("DUMPDIFF_FUZZ_EXAMPLES", "300"))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 5), st.integers(0, 2**31), st.sampled_from(["truncate", "bytes", "tree"]))
def test_loaders_never_crash_on_mutated_golden_dumps(seed: int, salt: int, how: str) -> None:
    raw = _seeds()[seed % len(_seeds())]
    rng = random.Random(salt)
    if how == "truncate":
        raw = raw[: rng.randrange(len(raw))]
    elif how == "bytes":
        pos = rng.randrange(len(raw))
        raw = raw[:pos] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8))) + \
            raw[pos + rng.randrange(8):]
    else:
        tree = json.loads(raw)
        for _ in range(rng.randrange(1, 6)):
            tree = _mutate_tree(tree, rng)
        raw = json.dumps(tree).encode()
    _exercise(raw)
