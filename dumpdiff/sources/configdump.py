"""Turn Envoy's `/config_dump` (any casing, v2 or v3 inner types) into a Snapshot."""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Iterator
from typing import Any

import orjson

from dumpdiff.errors import InputError
from dumpdiff.model.identity import identity_from_bootstrap
from dumpdiff.model.snapshot import Resource, Snapshot
from dumpdiff.sources.casing import is_camel_case, to_snake
from dumpdiff.sources.shapes import check_shapes

# The input being read, for errors raised deep inside the section readers.
_SOURCE: contextvars.ContextVar[str] = contextvars.ContextVar("source", default="input")

# Admin section message name (v2alpha or v3) → our section name.
SECTION_OF_TYPE = {
    "BootstrapConfigDump": "bootstrap",
    "ClustersConfigDump": "clusters",
    "EndpointsConfigDump": "endpoints",
    "ListenersConfigDump": "listeners",
    "RoutesConfigDump": "routes",
    "ScopedRoutesConfigDump": "scoped_routes",
    "SecretsConfigDump": "secrets",
    "EcdsConfigDump": "ecds",
}
TYPE_OF_SECTION = {v: k for k, v in SECTION_OF_TYPE.items()}

# For istioctl `proxy-config <section> -o json` arrays: how to wrap each item.
_LIST_WRAPPERS = {
    "clusters": ("dynamic_active_clusters", "cluster"),
    "routes": ("dynamic_route_configs", "route_config"),
    "endpoints": ("dynamic_endpoint_configs", "endpoint_config"),
}


def wrap_section(section: str, items: list[Any]) -> dict[str, Any]:
    """Wrap bare resources (istioctl section output) as a config dump with one section."""
    type_url = f"type.googleapis.com/envoy.admin.v3.{TYPE_OF_SECTION[section]}"
    if section == "listeners":
        body: dict[str, Any] = {"dynamic_listeners": [
            {"name": i.get("name"), "active_state": {"listener": i}} for i in items]}
    else:
        field, inner = _LIST_WRAPPERS[section]
        body = {field: [{inner: i} for i in items]}
    return {"configs": [{"@type": type_url, **body}]}


def section_name(config: dict[str, Any]) -> str:
    """Our section name for one entry of `configs`, `other` for unknown @types."""
    type_url = str(config.get("@type", ""))
    return SECTION_OF_TYPE.get(type_url.rsplit(".", 1)[-1], "other")


def snapshot_from_dump(source: str, dump: dict[str, Any]) -> Snapshot:
    """Build a Snapshot from a parsed config dump (`{"configs": [...]}`)."""
    configs = dump.get("configs")
    if not isinstance(configs, list):
        raise InputError(source, "config dump has no `configs` list")
    token = _SOURCE.set(source)
    try:
        snap = _build(source, configs)
    finally:
        _SOURCE.reset(token)
    check_shapes(snap)
    boot = snap.section("bootstrap").get("bootstrap")
    if boot is not None:
        snap.identity = identity_from_bootstrap(boot.body)
    return snap


def _build(source: str, configs: list[Any]) -> Snapshot:
    snap = Snapshot(source=source, identity=identity_from_bootstrap(None))
    # One probe for the whole dump: tools write a dump in one casing.
    camel = is_camel_case(configs)
    for idx, config in enumerate(configs):
        if not isinstance(config, dict):
            raise InputError(source, f"configs[{idx}] is not an object")
        if camel:
            config = to_snake(config)
        section = section_name(config)
        snap.present.add(section)
        where = f"configs[{idx}]"
        top = {k: v for k, v in config.items() if not isinstance(v, (list, dict)) and k != "@type"}
        if top:
            snap.section_meta.setdefault(section, {}).update(top)
        for res in _resources(section, config, where):
            snap.add(res)
    return snap


def _resources(section: str, config: dict[str, Any], where: str) -> Iterator[Resource]:
    if section == "bootstrap":
        body = config.get("bootstrap")
        if isinstance(body, dict):
            yield Resource(section, "bootstrap", "bootstrap", "static", body,
                           _meta(config, "bootstrap"), f"{where}.bootstrap")
    elif section == "clusters":
        yield from _wrapped(section, config, where, "cluster", name_field="name",
                            lists=(("static_clusters", "static"),
                                   ("dynamic_active_clusters", "active"),
                                   ("dynamic_warming_clusters", "warming")))
    elif section == "endpoints":
        yield from _wrapped(section, config, where, "endpoint_config", name_field="cluster_name",
                            lists=(("static_endpoint_configs", "static"),
                                   ("dynamic_endpoint_configs", "active")))
    elif section == "routes":
        yield from _wrapped(section, config, where, "route_config", name_field="name",
                            lists=(("static_route_configs", "static"),
                                   ("dynamic_route_configs", "active")))
    elif section == "secrets":
        yield from _secrets(config, where)
    elif section == "ecds":
        yield from _wrapped(section, config, where, "ecds_filter", name_field="name",
                            lists=(("ecds_filters", "active"),))
    elif section == "listeners":
        yield from _listeners(config, where)
    elif section == "scoped_routes":
        yield from _wrapped(section, config, where, "scoped_route_configs", name_field="name",
                            lists=(("inline_scoped_route_configs", "static"),
                                   ("dynamic_scoped_route_configs", "active")))
    else:
        type_url = str(config.get("@type", "unknown"))
        yield Resource("other", type_url.rsplit("/", 1)[-1], None, "static", config, {}, where)


def _entries(config: dict[str, Any], list_field: str, where: str) -> list[Any]:
    """A section's list of entries; anything but a list is bad input, named by location."""
    value = config.get(list_field)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(_SOURCE.get(), f"{where}.{list_field} is not a list")
    return value


def _obj(value: Any, where: str) -> dict[str, Any]:
    """An object field of the admin wrapper (absent → empty); anything else is bad input."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(_SOURCE.get(), f"{where} is not an object")
    return value


def _name(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(_SOURCE.get(), f"{where} is not a string")
    return value


def _meta(entry: dict[str, Any], body_field: str) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != body_field}


def _wrapped(section: str, config: dict[str, Any], where: str, body_field: str,
             name_field: str, lists: tuple[tuple[str, str], ...]) -> Iterator[Resource]:
    for list_field, state in lists:
        for i, entry in enumerate(_entries(config, list_field, where)):
            origin = f"{where}.{list_field}[{i}]"
            entry = _obj(entry, origin)
            body = _obj(entry.get(body_field, entry if body_field not in entry else None),
                        f"{origin}.{body_field}")
            name = (_name(body.get(name_field), f"{origin}.{body_field}.{name_field}")
                    or _name(entry.get("name"), f"{origin}.name"))
            key = name or unnamed_key(section, body)
            suffix = "" if state in ("static", "active") else f" ({state})"
            yield Resource(section, key + suffix, name, state, body, _meta(entry, body_field),
                           origin)


def _secrets(config: dict[str, Any], where: str) -> Iterator[Resource]:
    for list_field, state in (("static_secrets", "static"), ("dynamic_active_secrets", "active"),
                              ("dynamic_warming_secrets", "warming")):
        for i, entry in enumerate(_entries(config, list_field, where)):
            origin = f"{where}.{list_field}[{i}]"
            entry = _obj(entry, origin)
            body = _obj(entry.get("secret"), f"{origin}.secret")
            name = (_name(entry.get("name"), f"{origin}.name")
                    or _name(body.get("name"), f"{origin}.secret.name"))
            key = name or unnamed_key("secrets", body)
            suffix = " (warming)" if state == "warming" else ""
            yield Resource("secrets", key + suffix, name, state, body, _meta(entry, "secret"),
                           origin)


# Listener states as the admin API nests them; error_state holds the rejected update.
_LISTENER_STATES = (("active_state", "active", ""), ("warming_state", "warming", " (warming)"),
                    ("draining_state", "draining", " (draining)"))


def _listeners(config: dict[str, Any], where: str) -> Iterator[Resource]:
    for i, entry in enumerate(_entries(config, "static_listeners", where)):
        origin = f"{where}.static_listeners[{i}]"
        entry = _obj(entry, origin)
        body = _obj(entry.get("listener"), f"{origin}.listener")
        name = _name(body.get("name"), f"{origin}.listener.name")
        yield Resource("listeners", name or unnamed_key("listeners", body), name, "static",
                       body, _meta(entry, "listener"), origin)
    # Envoy ≤1.12 split dynamic listeners into one list per state.
    legacy = (("dynamic_active_listeners", "active", ""),
              ("dynamic_warming_listeners", "warming", " (warming)"),
              ("dynamic_draining_listeners", "draining", " (draining)"))
    for list_field, state, suffix in legacy:
        for i, entry in enumerate(_entries(config, list_field, where)):
            origin = f"{where}.{list_field}[{i}]"
            entry = _obj(entry, origin)
            body = _obj(entry.get("listener"), f"{origin}.listener")
            name = _name(body.get("name"), f"{origin}.listener.name")
            key = (name or unnamed_key("listeners", body)) + suffix
            yield Resource("listeners", key, name, state, body, _meta(entry, "listener"),
                           origin)
    for i, entry in enumerate(_entries(config, "dynamic_listeners", where)):
        origin = f"{where}.dynamic_listeners[{i}]"
        entry = _obj(entry, origin)
        name = _name(entry.get("name"), f"{origin}.name")
        for field, state, suffix in _LISTENER_STATES:
            if entry.get(field) is None:
                continue
            st = _obj(entry.get(field), f"{origin}.{field}")
            body = _obj(st.get("listener"), f"{origin}.{field}.listener")
            lname = name or _name(body.get("name"), f"{origin}.{field}.listener.name")
            key = (lname or unnamed_key("listeners", body)) + suffix
            yield Resource("listeners", key, lname, state, body, _meta(st, "listener"),
                           f"{origin}.{field}")
        if entry.get("error_state") is not None:
            err = _obj(entry.get("error_state"), f"{origin}.error_state")
            failed = _obj(err.get("failed_configuration"),
                          f"{origin}.error_state.failed_configuration")
            lname = name or _name(failed.get("name"), f"{origin}.error_state.name")
            label = lname or "unnamed: " + str(err.get("details", ""))[:80]
            yield Resource("listeners", f"{label} (rejected update)", lname, "error", failed,
                           _meta(err, "failed_configuration"), f"{origin}.error_state")


def unnamed_key(section: str, body: Any) -> str:
    """A stable, readable key for a nameless entry, derived from its content."""
    label = ""
    if section == "routes" and isinstance(body, dict):
        vhosts = body.get("virtual_hosts")
        paths = []
        for vh in vhosts[:2] if isinstance(vhosts, list) else []:
            routes = vh.get("routes") if isinstance(vh, dict) else None
            for r in routes[:2] if isinstance(routes, list) else []:
                m = r.get("match") if isinstance(r, dict) else None
                if isinstance(m, dict):
                    paths.append(str(m.get("path") or m.get("prefix") or ""))
        label = ", ".join(p for p in paths if p)
    elif section == "listeners" and isinstance(body, dict):
        addr = body.get("address")
        sa = addr.get("socket_address") if isinstance(addr, dict) else None
        if isinstance(sa, dict) and sa:
            label = f"{sa.get('address', '')}:{sa.get('port_value', '')}"
    digest = hashlib.blake2b(orjson.dumps(body, option=orjson.OPT_SORT_KEYS),
                             digest_size=4).hexdigest()
    # The digest keeps two nameless entries with the same label apart whatever order Envoy
    # printed them in (it reorders static route configs between runs).
    return f"(unnamed {label} {digest})" if label else f"(unnamed {digest})"


# Where each (section, state) goes when a snapshot is written back as a config dump.
_LIST_OF_STATE = {
    ("clusters", "static"): ("static_clusters", "cluster"),
    ("clusters", "active"): ("dynamic_active_clusters", "cluster"),
    ("clusters", "warming"): ("dynamic_warming_clusters", "cluster"),
    ("endpoints", "static"): ("static_endpoint_configs", "endpoint_config"),
    ("endpoints", "active"): ("dynamic_endpoint_configs", "endpoint_config"),
    ("routes", "static"): ("static_route_configs", "route_config"),
    ("routes", "active"): ("dynamic_route_configs", "route_config"),
    ("secrets", "static"): ("static_secrets", "secret"),
    ("secrets", "active"): ("dynamic_active_secrets", "secret"),
    ("secrets", "warming"): ("dynamic_warming_secrets", "secret"),
    ("ecds", "active"): ("ecds_filters", "ecds_filter"),
    ("scoped_routes", "static"): ("inline_scoped_route_configs", "scoped_route_configs"),
    ("scoped_routes", "active"): ("dynamic_scoped_route_configs", "scoped_route_configs"),
    ("listeners", "static"): ("static_listeners", "listener"),
}
_LISTENER_STATE_FIELD = {"active": "active_state", "warming": "warming_state",
                         "draining": "draining_state"}


def to_config_dump(snap: Snapshot, order: tuple[str, ...]) -> dict[str, Any]:
    """Write a snapshot back in `/config_dump` shape, resources sorted by key."""
    configs: list[dict[str, Any]] = []
    for section in order:
        if section not in snap.present:
            continue
        table = snap.section(section)
        meta = snap.section_meta.get(section, {})
        if section == "other":
            configs.extend(r.body for _, r in sorted(table.items()))
            continue
        out: dict[str, Any] = {"@type": f"type.googleapis.com/envoy.admin.v3."
                                        f"{TYPE_OF_SECTION[section]}", **meta}
        dynamic_listeners: dict[str, dict[str, Any]] = {}
        for key, res in sorted(table.items()):
            if section == "bootstrap":
                out.update(res.meta)
                out["bootstrap"] = res.body
            elif section == "listeners" and res.state != "static":
                entry = dynamic_listeners.setdefault(res.name or key, {"name": res.name})
                if res.state == "error":
                    entry["error_state"] = {"failed_configuration": res.body, **res.meta}
                else:
                    entry[_LISTENER_STATE_FIELD[res.state]] = {"listener": res.body, **res.meta}
            else:
                list_field, body_field = _LIST_OF_STATE[(section, res.state)]
                out.setdefault(list_field, []).append({body_field: res.body, **res.meta})
        if dynamic_listeners:
            out["dynamic_listeners"] = list(dynamic_listeners.values())
        configs.append(out)
    return {"configs": configs}
