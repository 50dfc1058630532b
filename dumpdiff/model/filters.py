"""Envoy network filters and filter chains as dumps hold them: which filter is the HTTP
connection manager or the TCP proxy, where a chain's route configuration comes from.
Recognized by filter name (v3 and the pre-1.14 names) or by the typed config's @type."""

from __future__ import annotations

from typing import Any

HCM_NAMES = ("envoy.filters.network.http_connection_manager", "envoy.http_connection_manager")
TCP_PROXY_NAMES = ("envoy.filters.network.tcp_proxy", "envoy.tcp_proxy")


def typed(f: Any) -> dict[str, Any]:
    """A filter's configuration (`typed_config`, or v2's `config`), or {}."""
    inner = f.get("typed_config") or f.get("config") if isinstance(f, dict) else None
    return inner if isinstance(inner, dict) else {}


def _is(f: dict[str, Any], names: tuple[str, ...], type_suffix: str) -> bool:
    return f.get("name") in names or str(typed(f).get("@type", "")).endswith(type_suffix)


def is_hcm(f: dict[str, Any]) -> bool:
    """The HTTP connection manager."""
    return _is(f, HCM_NAMES, ".HttpConnectionManager")


def is_tcp_proxy(f: dict[str, Any]) -> bool:
    """The TCP proxy."""
    return _is(f, TCP_PROXY_NAMES, ".TcpProxy")


def chains(listener: dict[str, Any]) -> list[dict[str, Any]]:
    """A listener's filter chains, its default chain last."""
    out = [c for c in listener.get("filter_chains") or [] if isinstance(c, dict)]
    if isinstance(listener.get("default_filter_chain"), dict):
        out.append(listener["default_filter_chain"])
    return out


def hcms(listener: dict[str, Any]) -> list[dict[str, Any]]:
    """The typed configs of every HTTP connection manager in the listener's chains."""
    return [typed(f) for c in chains(listener) for f in c.get("filters") or []
            if isinstance(f, dict) and is_hcm(f)]


def route_config_name(hcm_config: dict[str, Any]) -> str | None:
    """The route configuration an HCM config uses: its RDS name, an inline config's name
    (`(inline)` when it has none), or None."""
    rds = hcm_config.get("rds")
    if isinstance(rds, dict) and rds.get("route_config_name"):
        return str(rds["route_config_name"])
    inline = hcm_config.get("route_config")
    if isinstance(inline, dict):
        return str(inline.get("name") or "(inline)")
    return None
