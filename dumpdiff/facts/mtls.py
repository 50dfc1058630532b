"""`mtls_pairs` fleet facts: what a client proxy sends to a server proxy, and what it accepts.

When both ends of a connection are in the fleet — a client's outbound cluster has an
endpoint whose IP is another linted proxy's pod IP — the pair is decidable from the dumps:
the client's cluster says whether it sends Istio mTLS (ISTIO_MUTUAL, or auto mTLS to an
endpoint labelled tlsMode=istio), other TLS, or plaintext; the server's inbound chains for the
endpoint's port say whether it accepts mTLS, plaintext or both (its effective
PeerAuthentication). Kiali's KIA0205–KIA0208 reason about the same pair from manifests.
"""

from __future__ import annotations

from dumpdiff.facts.common import Row
from dumpdiff.facts.summary import ProxySummary


def client_sends(tls_mode: str, tls_label: str | None) -> str:
    """`istio-mtls`, `tls` (TLS that is not Istio's) or `plaintext`."""
    if tls_mode == "istio-mutual" or (tls_mode == "auto" and tls_label == "istio"):
        return "istio-mtls"
    if tls_mode in ("simple", "mutual"):
        return "tls"
    return "plaintext"


def _ip(address: str) -> tuple[str, int | None]:
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port) if port.isdigit() else None


def mtls_pair_facts(clients: list[ProxySummary], everyone: list[ProxySummary]) -> list[Row]:
    """One row per (client workload, cluster, server workload, server port).

    `clients` are the proxies that kept their tables (one per workload), `everyone` all
    proxies (a server is found by pod IP among them).
    """
    servers: dict[str, ProxySummary] = {}
    for p in everyone:
        if p.proxy_type in ("sidecar", ""):
            for ip in p.pod_ips:
                servers.setdefault(ip, p)
    # Only the first proxy of each workload keeps its tables; replicas share them.
    detail = {p.workload: p for p in clients}
    rows: dict[tuple[str, str, str, int], Row] = {}
    for client in clients:
        clusters = {c["name"]: c for c in client.clusters}
        for ep in client.endpoints:
            ip, port = _ip(str(ep["address"]))
            server = servers.get(ip)
            cluster = clusters.get(ep["cluster"])
            if server is None or port is None or cluster is None or server is client:
                continue
            ports = (detail.get(server.workload) or server).inbound_ports
            inbound = next((p for p in ports if p["port"] == port), None)
            if inbound is None:
                continue  # the server does not declare the port: nothing to compare
            key = (client.workload, cluster["name"], server.workload, port)
            if key in rows:
                continue
            rows[key] = {
                "client": client.display,
                "client_workload": client.workload,
                "cluster": cluster["name"],
                "host": cluster["host"],
                "endpoint": ep["address"],
                "server": server.display,
                "server_workload": server.workload,
                "server_port": port,
                "client_tls_mode": cluster["tls_mode"],
                "client_sends": client_sends(cluster["tls_mode"], ep["tls_mode_label"]),
                "endpoint_tls_label": ep["tls_mode_label"],
                "server_mode": inbound["mtls_mode"],
                "server_accepts_mtls": inbound["accepts_mtls"],
                "server_accepts_plaintext": inbound["accepts_plaintext"],
                "server_listener": inbound["listener"],
                "group": client.workload,
                "proxy": client.display,
                "source": cluster["source"],
                "origin": cluster["origin"],
                "line": None,
            }
    return [rows[k] for k in sorted(rows)]
