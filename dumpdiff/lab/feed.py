"""Deliver xDS to Envoy through watched files, and know when Envoy has taken an update.

Istio delivers everything over one gRPC ADS stream; a stock Envoy cannot be fed that without
a gRPC control plane, so every `{"ads": {}}` config source (CDS, LDS, RDS per route config,
EDS per cluster, SDS per secret) is rewritten to a `path_config_source` file. The recipe's
rules apply: each file lives alone in its own watched directory, files are replaced by an
atomic rename, and EDS (and RDS, SDS) files are written before the CDS/LDS files that refer
to them. Paths are relative to Envoy's working directory so no scratch path reaches a dump.
Whether Envoy applied or rejected a file is read from its update stats, never guessed with a
sleep.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dumpdiff.lab.envoy import Envoy, LabError, wait_for

Resource = dict[str, Any]
KINDS = ("sds", "eds", "rds", "cds", "lds")  # write order: referenced before referring
TYPE_URLS = {
    "cds": "type.googleapis.com/envoy.config.cluster.v3.Cluster",
    "lds": "type.googleapis.com/envoy.config.listener.v3.Listener",
    "rds": "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
    "eds": "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
    "sds": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
}


@dataclass
class XdsSnapshot:
    """One push: resources per xDS type and the version label istiod would stamp on them."""

    version: str
    clusters: list[Resource]
    listeners: list[Resource]
    routes: list[Resource]
    endpoints: list[Resource]
    secrets: list[Resource]
    versions: dict[str, str] = field(default_factory=dict)  # per-kind override of `version`

    def version_of(self, kind: str) -> str:
        """The version label for xDS kind `kind` ("cds", "lds", ...)."""
        return self.versions.get(kind, self.version)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _path_source(path: str) -> Resource:
    return {
        "path_config_source": {
            "path": path,
            "watched_directory": {"path": os.path.dirname(path)},
        },
        "initial_fetch_timeout": "0s",
        "resource_api_version": "V3",
    }


@dataclass(frozen=True)
class _Subscription:
    """One file and the stat prefix under which Envoy counts its updates."""

    kind: str
    name: str  # resource name for rds/eds/sds, "" for cds/lds
    path: str
    stat_prefix: str


class XdsFeed:
    """The files of one proxy's xDS, under `workdir/xds/`."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self._rds_stat_prefix: dict[str, str] = {}  # route config name → HCM stat_prefix
        self._written: dict[str, bytes] = {}  # path → last content

    # --- config sources ------------------------------------------------------------------

    def _path(self, kind: str, name: str = "") -> str:
        return f"xds/{kind}/{_slug(name) if name else kind}/{kind}.json"

    def dynamic_resources(self) -> Resource:
        """The bootstrap `dynamic_resources` pointing CDS and LDS at their files."""
        return {
            "cds_config": _path_source(self._path("cds")),
            "lds_config": _path_source(self._path("lds")),
        }

    def _localize(self, value: Any, stat_prefix: str = "") -> Any:
        """Rewrite ADS / SDS-gRPC config sources inside `value` to file sources."""
        if isinstance(value, list):
            return [self._localize(item, stat_prefix) for item in value]
        if not isinstance(value, dict):
            return value
        stat_prefix = value.get("stat_prefix", stat_prefix)
        out = {key: self._localize(item, stat_prefix) for key, item in value.items()}
        if "eds_config" in out and "service_name" in out:
            out["eds_config"] = _path_source(self._path("eds", out["service_name"]))
        if "route_config_name" in out and "config_source" in out:
            name = out["route_config_name"]
            self._rds_stat_prefix[name] = stat_prefix
            out["config_source"] = _path_source(self._path("rds", name))
        if "sds_config" in out and "name" in out:
            out["sds_config"] = _path_source(self._path("sds", out["name"]))
        return out

    # --- files ---------------------------------------------------------------------------

    def _files(self, snapshot: XdsSnapshot) -> list[tuple[_Subscription, Resource]]:
        """Every file of `snapshot`, in write order, with its DiscoveryResponse."""
        clusters = self._localize(copy.deepcopy(snapshot.clusters))
        listeners = self._localize(copy.deepcopy(snapshot.listeners))
        named = {
            "sds": [(r["name"], r) for r in snapshot.secrets],
            "eds": [(r["cluster_name"], r) for r in snapshot.endpoints],
            "rds": [(r["name"], r) for r in snapshot.routes],
        }
        files: list[tuple[_Subscription, Resource]] = []
        for kind in KINDS:
            if kind in named:
                items = [(name, [resource]) for name, resource in named[kind]]
            else:
                items = [("", clusters if kind == "cds" else listeners)]
            for name, resources in items:
                sub = _Subscription(
                    kind, name, self._path(kind, name), self._stat_prefix(kind, name)
                )
                response = {
                    "version_info": snapshot.version_of(kind),
                    "resources": [{"@type": TYPE_URLS[kind], **r} for r in resources],
                }
                files.append((sub, response))
        return files

    def _stat_prefix(self, kind: str, name: str) -> str:
        if kind == "cds":
            return "cluster_manager.cds."
        if kind == "lds":
            return "listener_manager.lds."
        if kind == "eds":
            return f"cluster.{name}."
        if kind == "rds":
            return f"http.{self._rds_stat_prefix.get(name, '')}.rds.{name}."
        return f"sds.{name}."

    def _write(self, path: str, response: Resource) -> bool:
        """Atomically replace the file at `path`; return False if its content is unchanged."""
        content = json.dumps(response, indent=1).encode()
        if self._written.get(path) == content:
            return False
        target = self.workdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{target.name}.tmp")
        scratch.write_bytes(content)
        # Envoy ignores in-place writes; a rename in the watched directory triggers a reload.
        os.replace(scratch, target)
        self._written[path] = content
        return True

    def write_initial(self, snapshot: XdsSnapshot) -> None:
        """Write every file before Envoy starts."""
        for sub, response in self._files(snapshot):
            self._write(sub.path, response)

    def wait_loaded(self, envoy: Envoy, snapshot: XdsSnapshot, timeout: float = 10.0) -> None:
        """Wait until Envoy reports every polled subscription at the snapshot's version."""
        expected = {
            f"{sub.stat_prefix}version_text": snapshot.version_of(sub.kind)
            for sub, _ in self._files(snapshot)
            if self._polled(sub)
        }

        def loaded() -> bool | None:
            stats = envoy.stats(r"version_text$")
            return True if all(stats.get(k) == v for k, v in expected.items()) else None

        wait_for(loaded, "Envoy to load the initial xDS files", timeout)

    @staticmethod
    def _polled(sub: _Subscription) -> bool:
        # Only stats kept by the bootstrap's inclusion list can be polled; SDS is implied by
        # readiness (clusters and listeners stay warming until their secrets arrive).
        return sub.kind in ("cds", "lds", "rds") or (
            sub.kind == "eds" and sub.name.startswith("outbound|")
        )

    def push(self, envoy: Envoy, snapshot: XdsSnapshot, timeout: float = 10.0) -> dict[str, str]:
        """Write the files that changed and wait for Envoy's verdict on each.

        Returns subscription → "accepted" or "rejected" (keyed "cds", "lds", "rds:<name>",
        "eds:<name>").
        """
        changed = []
        for sub, response in self._files(snapshot):
            if not self._polled(sub):
                self._write(sub.path, response)
                continue
            before = envoy.stats(re.escape(sub.stat_prefix))
            if self._write(sub.path, response):
                changed.append((sub, before))
        verdicts: dict[str, str] = {}
        for sub, before in changed:
            key = f"{sub.kind}:{sub.name}" if sub.name else sub.kind
            verdicts[key] = self._verdict(envoy, sub, before, timeout)
        return verdicts

    @staticmethod
    def _verdict(envoy: Envoy, sub: _Subscription, before: dict[str, str], timeout: float) -> str:
        def counter(stats: dict[str, str], name: str) -> int:
            return int(stats.get(f"{sub.stat_prefix}{name}", "0"))

        def decided() -> str | None:
            now = envoy.stats(re.escape(sub.stat_prefix))
            if counter(now, "update_rejected") > counter(before, "update_rejected"):
                return "rejected"
            if counter(now, "update_success") > counter(before, "update_success"):
                return "accepted"
            return None

        try:
            return wait_for(decided, f"Envoy to process {sub.path}", timeout)
        except LabError as error:
            raise LabError(f"{error}\n{envoy.log_tail()}") from None
