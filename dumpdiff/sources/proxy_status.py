"""Read a saved `istioctl proxy-status` output (text table, JSON or YAML) into per-proxy rows.

Formats (istio-formats.md §5): the verbose and the 1.22–1.26 tables carry one status column
per xDS type; the ≥1.27 default table only lists subscribed types (no status, so nothing to
check); `-o json|yaml` print each istiod's raw DiscoveryResponse of ClientConfigs (several
JSON documents may be concatenated); istioctl <1.22 read istiod's `/debug/syncz` array of
SyncStatus with `*_sent`/`*_acked` nonces.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from dumpdiff.errors import InputError
from dumpdiff.sources.reader import parse_bytes, read_bytes

TYPES = ("CDS", "LDS", "EDS", "RDS", "ECDS")
_TYPE_OF_URL = {
    "envoy.config.cluster.v3.Cluster": "CDS",
    "envoy.config.listener.v3.Listener": "LDS",
    "envoy.config.route.v3.RouteConfiguration": "RDS",
    "envoy.config.endpoint.v3.ClusterLoadAssignment": "EDS",
    "envoy.config.core.v3.TypedExtensionConfig": "ECDS",
}
_STATUS_NAMES = {"NOT_SENT": "NOT SENT", "UNKNOWN": "IGNORED"}
_SYNCZ_FIELDS = {"CDS": "cluster", "LDS": "listener", "EDS": "endpoint", "RDS": "route",
                 "ECDS": "extensionconfig"}
_COLUMN = re.compile(r"\S+(?: \S+)*")


@dataclass(slots=True)
class ProxySync:
    """One proxy's sync state as istiod saw it."""

    proxy: str  # `pod.namespace` as istioctl prints it
    cluster: str = ""
    istiod: str = ""
    version: str = ""
    status: dict[str, str] = field(default_factory=dict)  # CDS/LDS/EDS/RDS/ECDS → status
    origin: str = ""


@dataclass(slots=True)
class ProxyStatus:
    """A parsed proxy-status file."""

    source: str
    proxies: list[ProxySync]
    has_status: bool  # false for the ≥1.27 default table (subscribed types only)


def _status(value: str) -> str:
    value = value.strip().split(" (", 1)[0].strip()
    return _STATUS_NAMES.get(value, value)


def parse_table(source: str, text: str) -> ProxyStatus:
    """Parse the aligned text table, one column per header word."""
    lines = [ln.rstrip("\n") for ln in text.splitlines() if ln.strip()]
    header = lines[0]
    cols = [(m.start(), m.group()) for m in _COLUMN.finditer(header)]
    if not cols or cols[0][1] != "NAME":
        raise InputError(source, "line 1: proxy-status table must start with a NAME column")
    proxies = []
    for n, line in enumerate(lines[1:], 2):
        cells: dict[str, str] = {}
        for i, (start, name) in enumerate(cols):
            end = cols[i + 1][0] if i + 1 < len(cols) else None
            cells[name] = line[start:end].strip()
        if not cells.get("NAME"):
            raise InputError(source, f"line {n}: row does not line up with the header")
        status = {t: _status(cells[t]) for t in TYPES if cells.get(t)}
        proxies.append(ProxySync(cells["NAME"], cells.get("CLUSTER", ""),
                                 cells.get("ISTIOD", ""), cells.get("VERSION", ""), status,
                                 f"line {n}"))
    names = {c[1] for c in cols}
    return ProxyStatus(source, proxies, any(t in names for t in TYPES))


def _client_configs(source: str, doc: Any, d: int) -> list[ProxySync]:
    out = []
    resources = doc.get("resources") if isinstance(doc, dict) else None
    if not isinstance(resources, list):
        raise InputError(source, f"document {d + 1} is not istioctl proxy-status output "
                                 "(no `resources` list of ClientConfigs)")
    istiod = ""
    ident = (doc.get("controlPlane") or doc.get("control_plane") or {}).get("identifier")
    if isinstance(ident, str):
        try:
            istiod = str(json.loads(ident).get("ID", ""))
        except (ValueError, AttributeError):
            istiod = ""
    for i, res in enumerate(resources):
        if not isinstance(res, dict):
            continue
        node = res.get("node") or {}
        meta = node.get("metadata") or {}
        status = {}
        for cfg in res.get("genericXdsConfigs") or res.get("generic_xds_configs") or []:
            url = str(cfg.get("typeUrl") or cfg.get("type_url") or "").rsplit("/", 1)[-1]
            kind = _TYPE_OF_URL.get(url)
            if kind:
                raw = str(cfg.get("configStatus") or cfg.get("config_status") or "UNKNOWN")
                status[kind] = _status(raw)
        out.append(ProxySync(str(node.get("id", "")), str(meta.get("CLUSTER_ID", "")), istiod,
                             str(meta.get("ISTIO_VERSION", "")), status,
                             f"documents[{d}].resources[{i}]"))
    return out


def _syncz(source: str, items: list[Any]) -> list[ProxySync]:
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "proxy" not in item:
            raise InputError(source, f"[{i}]: not a /debug/syncz SyncStatus entry")
        status = {}
        for kind, prefix in _SYNCZ_FIELDS.items():
            sent, acked = item.get(f"{prefix}_sent", ""), item.get(f"{prefix}_acked", "")
            if not sent:
                status[kind] = "NOT SENT"
            else:
                status[kind] = "SYNCED" if sent == acked else "STALE"
        out.append(ProxySync(str(item["proxy"]), str(item.get("cluster_id", "")), "",
                             str(item.get("istio_version", "")), status, f"[{i}]"))
    return out


def _json_documents(source: str, raw: bytes) -> list[Any]:
    try:
        return [orjson.loads(raw)]
    except orjson.JSONDecodeError:
        pass
    text, pos, decoder = raw.decode("utf-8", "replace"), 0, json.JSONDecoder()
    docs: list[Any] = []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return docs
        try:
            doc, pos = decoder.raw_decode(text, pos)
        except ValueError as exc:
            raise InputError(source, f"invalid JSON: {exc}") from None
        docs.append(doc)


def parse_proxy_status(source: str, raw: bytes) -> ProxyStatus:
    """Parse any proxy-status form from raw bytes."""
    head = raw.lstrip()[:1]
    if head in (b"{", b"["):
        docs = _json_documents(source, raw)
    else:
        parsed = parse_bytes(source, raw)
        if parsed.syntax == "text":
            return parse_table(source, parsed.text or "")
        docs = parsed.data if isinstance(parsed.data, list) else [parsed.data]
    if len(docs) == 1 and isinstance(docs[0], list):
        return ProxyStatus(source, _syncz(source, docs[0]), True)
    proxies: list[ProxySync] = []
    for d, doc in enumerate(docs):
        proxies.extend(_client_configs(source, doc, d))
    return ProxyStatus(source, proxies, True)


def load_proxy_status(source: str) -> ProxyStatus:
    """Read a saved `istioctl proxy-status` output (any format) from a path."""
    raw = read_bytes(source)
    if not raw.strip():
        raise InputError(source, "is empty")
    return parse_proxy_status(source, raw)
