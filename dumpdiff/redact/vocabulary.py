"""The names a dump reveals about a mesh, collected so that they can be pseudonymized
consistently wherever they occur: pods, namespaces, services and workloads, hosts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dumpdiff.model.names import parse_cluster_name, parse_config_ref, parse_virtual_host_name
from dumpdiff.model.snapshot import Snapshot

# Names that are Istio/Kubernetes/Envoy vocabulary, not the user's: never pseudonymized
# (replacing `default` would rename the `default` route, secret and namespace alike).
STOP = frozenset({
    "default", "kube-system", "kube-public", "kube-node-lease", "istio-system", "istio-ingress",
    "istio-gateways", "svc", "cluster", "local", "cluster.local", "http", "https", "http2",
    "grpc", "tcp", "tls", "udp", "mesh", "istio", "envoy", "inbound", "outbound", "kubernetes",
    "istio-proxy", "istiod", "allow_any", "block_all", "mgmtCluster", "unknown",
})
_VERSION = re.compile(r"v\d+(?:\.\d+)*")  # subset/version labels carry no identity
_SPIFFE = re.compile(r"spiffe://[^/\s\"]+/ns/([A-Za-z0-9-]+)/sa/([A-Za-z0-9-]+)")
_FQDN = re.compile(r"\b([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9-]*)\.svc\.")


@dataclass(slots=True)
class Vocabulary:
    """What to pseudonymize, by kind."""

    pods: set[str] = field(default_factory=set)
    namespaces: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # services, workloads, apps, accounts, configs
    hosts: set[str] = field(default_factory=set)  # non-cluster hosts (ServiceEntries, gateways)
    nodes: set[str] = field(default_factory=set)

    def add(self, kind: str, value: Any) -> None:
        """Add a value of a kind, unless it is Istio's own vocabulary or too short."""
        if not isinstance(value, str):
            return
        v = value.strip()
        if len(v) < 3 or v in STOP or _VERSION.fullmatch(v):
            return
        getattr(self, kind).add(v)

    def external_hosts(self) -> set[str]:
        """Hosts that are not just Kubernetes short names (`svc.ns`) of known services."""
        known = self.names | self.namespaces | STOP
        return {h for h in self.hosts
                if not all(label in known for label in h.split("."))}


def collect(snap: Snapshot, vocab: Vocabulary) -> None:
    """Add what one snapshot reveals."""
    ident = snap.identity
    vocab.add("pods", ident.pod)
    vocab.add("namespaces", ident.namespace)
    vocab.add("nodes", ident.node_name)
    for v in (ident.workload, ident.app, ident.service_account,
              ident.owner.rstrip("/").rsplit("/", 1)[-1] if ident.owner else ""):
        vocab.add("names", v)
    if ident.node_cluster:
        vocab.add("names", ident.node_cluster.split(".", 1)[0])
    for key, value in ident.labels.items():
        if key in ("app", "service.istio.io/canonical-name", "app.kubernetes.io/name"):
            vocab.add("names", value)
    for section in ("clusters", "endpoints", "routes", "listeners", "secrets"):
        for res in snap.section(section).values():
            _from_resource(res.name or "", res.body, vocab)


def _from_resource(name: str, body: Any, vocab: Vocabulary) -> None:
    cl = parse_cluster_name(name)
    if cl.host:
        _host(cl.host, vocab)
    _walk(body, vocab)


def _host(host: str, vocab: Vocabulary) -> None:
    m = _FQDN.search(host + ".")
    if m:
        vocab.add("names", m.group(1))
        vocab.add("namespaces", m.group(2))
    elif "." in host and not host.startswith("*") and not host[0].isdigit():
        vocab.add("hosts", host)


def _walk(obj: Any, vocab: Vocabulary) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "config" and isinstance(v, str) and v.startswith("/apis/"):
                ref = parse_config_ref(v)
                if ref:
                    vocab.add("namespaces", ref.namespace)
                    vocab.add("names", ref.name)
            elif k == "services" and isinstance(v, list):
                for s in v:
                    if isinstance(s, dict):
                        vocab.add("names", s.get("name"))
                        vocab.add("namespaces", s.get("namespace"))
            elif k == "workload" and isinstance(v, str) and ";" in v:
                parts = v.split(";")  # name;namespace;canonical service;revision;cluster
                vocab.add("names", parts[0])
                if len(parts) > 2:
                    vocab.add("namespaces", parts[1])
                    vocab.add("names", parts[2])
            elif k == "domains" and isinstance(v, list):
                for d in v:
                    if isinstance(d, str):
                        vh = parse_virtual_host_name(d)
                        _host(vh.host if vh.form == "host-port" else d, vocab)
            _walk(v, vocab)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, vocab)
    elif isinstance(obj, str) and "spiffe://" in obj:
        for ns, sa in _SPIFFE.findall(obj):
            vocab.add("namespaces", ns)
            vocab.add("names", sa)


def collect_manifest(doc: Any, vocab: Vocabulary) -> None:
    """Add the names and hosts an Istio/Kubernetes manifest reveals."""
    if isinstance(doc, list):
        for d in doc:
            collect_manifest(d, vocab)
        return
    if not isinstance(doc, dict):
        return
    if doc.get("kind") == "List":
        collect_manifest(doc.get("items") or [], vocab)
        return
    meta = doc.get("metadata") or {}
    if isinstance(meta, dict):
        vocab.add("names", meta.get("name"))
        vocab.add("namespaces", meta.get("namespace"))
    spec = doc.get("spec") or {}
    if isinstance(spec, dict):
        for h in spec.get("hosts") or []:
            if isinstance(h, str):
                _host(h, vocab) if "." in h else vocab.add("names", h)
        host = spec.get("host")
        if isinstance(host, str):
            _host(host, vocab) if "." in host else vocab.add("names", host)
        for g in spec.get("gateways") or []:
            if isinstance(g, str):
                ns, _, name = g.rpartition("/")
                vocab.add("names", name)
                vocab.add("namespaces", ns)


def collect_proxy_status(text: str, vocab: Vocabulary) -> None:
    """Add the `pod.namespace` names of a proxy-status table."""
    for line in text.splitlines()[1:]:
        cells = line.split()
        if cells and "." in cells[0]:
            pod, _, ns = cells[0].rpartition(".")
            vocab.add("pods", pod)
            vocab.add("namespaces", ns)
        for cell in cells[1:]:
            if cell.startswith("istiod-"):
                vocab.add("pods", cell)  # the istiod pod serving this proxy
