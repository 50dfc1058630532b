"""Answer "what is this input?" for a parsed document, before anything else reads it."""

from __future__ import annotations

from typing import Any

from dumpdiff.sources.reader import Document

CONFIG_DUMP = "config_dump"
CONFIG_SECTION = "config_dump_section"  # one admin *ConfigDump message, or a bare bootstrap
RESOURCE_LIST = "resource_list"  # istioctl proxy-config <section> -o json
CLUSTERS_JSON = "clusters_json"
CLUSTERS_TEXT = "clusters_text"
PROXY_STATUS = "proxy_status"
MANIFESTS = "manifests"
ZTUNNEL = "ztunnel_dump"
UNKNOWN = "unknown"

# What each non-dump kind is, and where dumpdiff does take it, for refusal messages.
DESCRIPTIONS = {
    CLUSTERS_JSON: "Envoy /clusters output (endpoint health), not a config dump; "
                   "pass it to `dumpdiff lint --clusters`",
    CLUSTERS_TEXT: "Envoy /clusters text output (endpoint health), not a config dump; "
                   "pass it to `dumpdiff lint --clusters`",
    PROXY_STATUS: "`istioctl proxy-status` output, not a config dump; "
                  "pass it to `dumpdiff lint --proxy-status`",
    MANIFESTS: "Kubernetes/Istio manifests, not a config dump; "
               "pass them to `dumpdiff lint --manifests`",
    ZTUNNEL: "a ztunnel config dump (workloads/services), which dumpdiff does not read; "
             "take the dump of an Envoy proxy (sidecar, gateway or waypoint)",
}

_CLUSTER_FIELDS = ("connect_timeout", "connectTimeout", "eds_cluster_config",
                   "edsClusterConfig", "lb_policy", "lbPolicy", "type", "load_assignment")
_LISTENER_FIELDS = ("filter_chains", "filterChains", "listener_filters", "listenerFilters")


def _has_any(d: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return any(k in d for k in keys)


def resource_list_section(items: list[Any]) -> str | None:
    """The section of an istioctl `proxy-config <section> -o json` array, if it is one."""
    dicts = [i for i in items[:20] if isinstance(i, dict)]
    if not dicts or len(dicts) != len(items[:20]):
        return None
    first = dicts[0]
    if _has_any(first, ("virtual_hosts", "virtualHosts")):
        return "routes"
    if _has_any(first, _LISTENER_FIELDS) or ("address" in first and "name" in first
                                             and not _has_any(first, _CLUSTER_FIELDS)):
        return "listeners"
    if _has_any(first, ("cluster_name", "clusterName")) and "name" not in first:
        return "endpoints"
    if "name" in first and _has_any(first, _CLUSTER_FIELDS):
        return "clusters"
    return None


def detect(doc: Document) -> str:
    """Classify a parsed input."""
    if doc.syntax == "text":
        text = doc.text or ""
        first = text.lstrip().split("\n", 1)[0]
        if first.startswith("NAME") and ("CLUSTER" in first or "ISTIOD" in first):
            return PROXY_STATUS
        if "::" in text[:4096]:
            return CLUSTERS_TEXT
        return UNKNOWN
    data = doc.data
    items = data if isinstance(data, list) else [data]
    if isinstance(data, dict):
        if isinstance(data.get("configs"), list):
            return CONFIG_DUMP
        if str(data.get("@type", "")).endswith("ConfigDump"):
            return CONFIG_SECTION
        if isinstance(data.get("bootstrap"), dict) and len(data) <= 3:
            return CONFIG_SECTION
        if "cluster_statuses" in data or "clusterStatuses" in data:
            return CLUSTERS_JSON
        if "workloads" in data and ("services" in data or "policies" in data):
            return ZTUNNEL
        if data.get("kind") == "List" or ("apiVersion" in data and "kind" in data):
            return MANIFESTS
    if isinstance(data, list) and data:
        dicts = [i for i in items if isinstance(i, dict)]
        if dicts and all("apiVersion" in d and "kind" in d for d in dicts):
            return MANIFESTS
        if dicts and _has_any(dicts[0], ("host_statuses", "hostStatuses")):
            return CLUSTERS_JSON
        if dicts and all(str(d.get("typeUrl", d.get("type_url", ""))).endswith("ClientConfig")
                         or ("resources" in d and "controlPlane" in d) for d in dicts):
            return PROXY_STATUS
        if resource_list_section(data):
            return RESOURCE_LIST
    if isinstance(data, dict) and str(data.get("typeUrl", "")).endswith("ClientConfig"):
        return PROXY_STATUS
    return UNKNOWN


def describe_unknown(doc: Document) -> str:
    """A short description of an unrecognized document for the error line."""
    data = doc.data
    if doc.syntax == "text":
        return "text that is neither a config dump nor a known Envoy/istioctl output"
    if isinstance(data, dict):
        keys = ", ".join(list(data)[:5])
        return f"{doc.syntax.upper()} but not a config dump (top-level keys: {keys or 'none'})"
    if isinstance(data, list):
        return f"a {doc.syntax.upper()} list of {len(data)} items, not a config dump"
    return f"a {doc.syntax.upper()} {type(data).__name__}, not a config dump"
