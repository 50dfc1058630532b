"""Read a proxy's identity from its bootstrap node (Istio agent metadata)."""

from __future__ import annotations

from typing import Any

from dumpdiff.model.names import parse_node_id
from dumpdiff.model.snapshot import Identity


def identity_from_bootstrap(bootstrap: dict[str, Any] | None) -> Identity:
    """Build an Identity from `bootstrap.node`; tolerate any missing piece."""
    ident = Identity()
    if not isinstance(bootstrap, dict):
        return ident
    node = bootstrap.get("node") or {}
    meta = node.get("metadata") or {}
    ident.node_id = str(node.get("id", ""))
    ident.node_cluster = str(node.get("cluster", ""))
    parsed = parse_node_id(ident.node_id) if ident.node_id else None
    if parsed:
        ident.proxy_type = parsed.proxy_type
        ident.pod, ident.namespace = parsed.pod, parsed.namespace
    ident.pod = str(meta.get("NAME") or meta.get("POD_NAME") or ident.pod)
    ident.namespace = str(meta.get("NAMESPACE") or meta.get("CONFIG_NAMESPACE") or ident.namespace)
    ident.workload = str(meta.get("WORKLOAD_NAME", ""))
    ident.owner = str(meta.get("OWNER", ""))
    labels = meta.get("LABELS")
    if not isinstance(labels, dict):
        # Istio ≤1.4 put pod labels at the top level of the metadata.
        labels = {k: v for k, v in meta.items() if k in ("app", "version") and isinstance(v, str)}
    ident.labels = {str(k): str(v) for k, v in labels.items()}
    ident.app = ident.labels.get("app") or ident.labels.get("service.istio.io/canonical-name", "")
    ident.version = (ident.labels.get("version")
                     or ident.labels.get("service.istio.io/canonical-revision", ""))
    ips = meta.get("INSTANCE_IPS") or ""
    ident.pod_ips = [ip.strip() for ip in str(ips).split(",") if ip.strip()]
    if not ident.pod_ips and parsed and parsed.ip:
        ident.pod_ips = [parsed.ip]
    ident.service_account = str(meta.get("SERVICE_ACCOUNT", ""))
    ident.cluster_id = str(meta.get("CLUSTER_ID", ""))
    ident.istio_version = str(meta.get("ISTIO_VERSION", ""))
    ident.node_name = str(meta.get("NODE_NAME", ""))
    ident.envoy_version = envoy_version(node)
    return ident


def envoy_version(node: dict[str, Any]) -> str:
    """`1.40.0` from `user_agent_build_version`, or the old `build_version` string."""
    ubv = node.get("user_agent_build_version") or {}
    ver = ubv.get("version") or {}
    if ver:
        return (f"{ver.get('major_number', 0)}.{ver.get('minor_number', 0)}"
                f".{ver.get('patch', 0)}")
    build = str(node.get("build_version", ""))
    # `<sha>/<version>/<status>/<type>/<ssl>` in older Envoys.
    parts = build.split("/")
    return parts[1] if len(parts) > 1 else build
