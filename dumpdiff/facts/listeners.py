"""`listeners` and `warming` facts: names, states, rejected updates, resources not yet serving."""

from __future__ import annotations

from typing import Any

from dumpdiff.facts.common import Row, from_resource
from dumpdiff.facts.secrets import credential_name
from dumpdiff.model import labels
from dumpdiff.model.names import parse_listener_name
from dumpdiff.model.snapshot import Snapshot
from dumpdiff.sources.manifests import Manifest


def _patch_targets(m: Manifest) -> list[tuple[int | None, str | None]]:
    """(portNumber, listener name) each listener-level EnvoyFilter patch matches."""
    out = []
    raw_spec = m.body.get("spec")
    spec: dict[str, Any] = raw_spec if isinstance(raw_spec, dict) else {}
    for patch in spec.get("configPatches") or []:
        match = patch.get("match") if isinstance(patch, dict) else None
        listener = match.get("listener") if isinstance(match, dict) else None
        if isinstance(listener, dict):
            port = listener.get("portNumber")
            out.append((port if isinstance(port, int) else None,
                        str(listener["name"]) if listener.get("name") else None))
    return out


def envoy_filters_for(name: str, manifests: list[Manifest]) -> list[str]:
    """`namespace/name` of EnvoyFilters whose patches match the listener `name` (by name/port)."""
    port = parse_listener_name(name).port
    found = []
    for m in manifests:
        if m.kind != "EnvoyFilter":
            continue
        for p_port, p_name in _patch_targets(m):
            if (p_name is None or p_name == name) and (p_port is None or p_port == port) \
                    and (p_name is not None or p_port is not None):
                found.append(m.ref)
                break
    return sorted(set(found))


def listener_facts(snap: Snapshot, manifests: list[Manifest] | None = None) -> list[Row]:
    """One row per listener state (active, warming, draining, static, error)."""
    rows = []
    for res in snap.section("listeners").values():
        body = res.body if isinstance(res.body, dict) else {}
        name = res.name or res.key
        rows.append({
            "name": name,
            "state": res.state,
            "address": labels.address(body["address"]) if "address" in body else None,
            "envoy_filters": envoy_filters_for(name, manifests) if manifests else [],
            "error": str(res.meta.get("details")) if res.state == "error" else None,
            "last_update_attempt": res.meta.get("last_update_attempt"),
            "version_info": res.meta.get("version_info"),
            **from_resource(res, snap.source),
        })
    return rows


def warming_facts(snap: Snapshot) -> list[Row]:
    """One row per resource stuck in the warming state (clusters, listeners, secrets)."""
    rows = []
    for section in ("clusters", "listeners", "secrets"):
        for res in snap.section(section).values():
            if res.state == "warming":
                name = res.name or res.key
                rows.append({"section": section, "kind": section.rstrip("s"),
                             "name": name,
                             "credential_name": credential_name(name)
                             if section == "secrets" else None,
                             "last_updated": res.meta.get("last_updated"),
                             "version_info": res.meta.get("version_info"),
                             **from_resource(res, snap.source)})
    return rows
