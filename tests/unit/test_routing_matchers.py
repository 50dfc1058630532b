"""Envoy matching semantics the route replay got wrong until a live Envoy 1.40 showed otherwise.

Each case here was a disagreement found by tests/integration/test_route_live.py (real requests
through a real Envoy, compared with `dumpdiff route` on the dump of that Envoy).
"""

from __future__ import annotations

from typing import Any

import pytest

from dumpdiff.routing.matchers import header_match, query_match, query_params
from dumpdiff.routing.paths import canonical_path, host_without_port, request_path
from dumpdiff.routing.replay import Request, replay
from dumpdiff.sources.configdump import snapshot_from_dump

# --- header matchers: a missing header ----------------------------------------------------


def test_inverted_value_matcher_does_not_match_a_missing_header() -> None:
    # Envoy: `x-env` exact "prod" with invert_match needs an x-env header that is not "prod".
    h = {"name": "x-env", "string_match": {"exact": "prod"}, "invert_match": True}
    assert not header_match(h, {})
    assert header_match(h, {"x-env": "dev"})
    assert not header_match(h, {"x-env": "prod"})


def test_inverted_presence_matcher_matches_a_missing_header() -> None:
    h = {"name": "authorization", "present_match": True, "invert_match": True}
    assert header_match(h, {})
    assert not header_match(h, {"authorization": "Bearer abc"})


def test_present_match_false_matches_only_when_absent() -> None:
    h = {"name": "x-legacy", "present_match": False}
    assert header_match(h, {})
    assert not header_match(h, {"x-legacy": ""})


def test_treat_missing_header_as_empty_matches_the_empty_value() -> None:
    h = {"name": "x-env", "string_match": {"exact": ""}, "treat_missing_header_as_empty": True}
    assert header_match(h, {})
    inverted = {**h, "string_match": {"exact": "prod"}, "invert_match": True}
    assert header_match(inverted, {})


# --- header matchers: range -----------------------------------------------------------------


@pytest.mark.parametrize(("value", "matches"), [
    ("3", True), ("+3", True), ("03", True), ("1", True), ("5", False), ("-1", False),
    ("0_3", False),  # int() reads 3; absl::SimpleAtoi refuses the underscore
    ("abc", False), ("", False), ("99999999999999999999", False),
])
def test_range_match_reads_the_value_as_envoy_does(value: str, matches: bool) -> None:
    h = {"name": "x-priority", "range_match": {"start": "1", "end": "5"}}
    assert header_match(h, {"x-priority": value}) is matches


# --- query parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("/q?debug", {"debug": ""}),  # no `=`: present with an empty value
    ("/q?debug=", {"debug": ""}),
    ("/q?version=2&version=3", {"version": "2"}),  # the first value counts
    ("/q?user=al%69ce&a=b+c", {"user": "al%69ce", "a": "b+c"}),  # nothing is decoded
    ("/q?a=1#frag=2", {"a": "1"}),
    ("/q?&&a=1", {"a": "1"}),
    ("/q", {}),
])
def test_query_params_are_read_as_envoy_reads_them(path: str, expected: dict[str, str]) -> None:
    assert query_params(path) == expected


def test_query_matchers_on_blank_and_repeated_parameters() -> None:
    present = {"name": "debug", "present_match": True}
    assert query_match(present, query_params("/q?debug"))
    exact = {"name": "version", "string_match": {"exact": "2"}}
    assert query_match(exact, query_params("/q?version=2&version=3"))
    assert not query_match(exact, query_params("/q?version=3&version=2"))
    assert not query_match(exact, query_params("/q?version=%32"))
    absent = {"name": "nocache", "present_match": False}
    assert query_match(absent, query_params("/q"))
    assert not query_match(absent, query_params("/q?nocache"))


# --- host and path as the connection manager hands them to the router -----------------------


@pytest.mark.parametrize(("host", "expected"), [
    ("payment:8080", "payment"),
    ("payment:", "payment"),  # getPortStart strips at the last colon, digits or not
    ("payment:abc", "payment"),
    ("payment", "payment"),
    ("[fd00::1]:8080", "[fd00::1]"),
    ("[fd00::1]", "[fd00::1]"),
])
def test_host_without_port(host: str, expected: str) -> None:
    assert host_without_port(host) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("/x/../healthz", "/healthz"),
    ("/orders/%34%32", "/orders/42"),  # escaped unreserved characters are decoded
    ("/Adm%69n", "/Admin"),
    ("/api/./v1/x", "/api/v1/x"),
    ("/a/%2e%2E/b", "/b"),
    ("/../../a", "/a"),  # never above the root
    ("/a/b/..", "/a/"),
    ("/a/.", "/a/"),
    ("/a/..b/.c", "/a/..b/.c"),
    ("/pay%2Fx", "/pay%2Fx"),  # reserved escapes stay as written
    ("/pay%2fx%zz", "/pay%2fx%zz"),
    ("//pay", "//pay"),  # slashes are not merged by normalize_path
    ("/a\\b", "/a/b"),
    ("/a b\"<>", "/a%20b%22%3C%3E"),
    ("pay", "/pay"),
])
def test_canonical_path(path: str, expected: str) -> None:
    assert canonical_path(path) == expected


def test_request_path_follows_the_connection_manager() -> None:
    assert request_path("/x/../y?q=/../", None) == ("/x/../y?q=/../", [])
    istio = {"normalize_path": True, "path_with_escaped_slashes_action": "KEEP_UNCHANGED"}
    assert request_path("/x/../y?q=/../", istio)[0] == "/y?q=/../"
    assert request_path("/a%2Fb", istio)[0] == "/a%2Fb"
    decode_and_merge = {**istio, "merge_slashes": True,
                        "path_with_escaped_slashes_action": "UNESCAPE_AND_FORWARD"}
    assert request_path("/a%2F/b//c", decode_and_merge)[0] == "/a/b/c"
    path, notes = request_path("/a%2fb", {"path_with_escaped_slashes_action": "REJECT_REQUEST"})
    assert path == "/a%2fb"
    assert "REJECT_REQUEST" in notes[0]


# --- the replay uses them -----------------------------------------------------------------------


def _dump(hcm: dict[str, Any], route_config: dict[str, Any]) -> dict[str, Any]:
    listener = {
        "name": "0.0.0.0_8080",
        "address": {"socket_address": {"address": "0.0.0.0", "port_value": 8080}},
        "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager",
                                        "typed_config": hcm}]}],
    }
    return {"configs": [
        {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
         "dynamic_listeners": [{"name": listener["name"], "active_state": {"listener": listener}}]},
        {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
         "dynamic_route_configs": [{"route_config": route_config}]},
    ]}


def test_replay_matches_the_normalized_path_and_the_port_free_host() -> None:
    routes = {
        "name": "8080",
        "ignore_port_in_host_matching": True,
        "virtual_hosts": [{"name": "payment", "domains": ["payment"], "routes": [
            {"name": "health", "match": {"path": "/healthz"}, "direct_response": {"status": 200}},
            {"name": "rest", "match": {"prefix": "/"}, "direct_response": {"status": 404}},
        ]}],
    }
    snap = snapshot_from_dump("t", _dump({"normalize_path": True,
                                          "rds": {"route_config_name": "8080"}}, routes))
    dec = replay(snap, Request("payment:", "/x/../healthz", 8080))
    assert (dec.virtual_host, dec.route_name) == ("payment", "health")
    assert any("/healthz" in n for n in dec.notes)
    plain = snapshot_from_dump("t", _dump({"rds": {"route_config_name": "8080"}}, routes))
    assert replay(plain, Request("payment", "/x/../healthz", 8080)).route_name == "rest"
