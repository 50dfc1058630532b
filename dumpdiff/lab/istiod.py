"""What istiod would push to one proxy: a full xDS snapshot built from a MeshState."""

from __future__ import annotations

from dumpdiff.lab import xds
from dumpdiff.lab.feed import XdsSnapshot
from dumpdiff.lab.mesh import Gateway, MeshState, Service

CERT_DIR = "./etc/certs"  # relative to Envoy's working directory, like Istio's /etc/certs


def sidecar_push(state: MeshState, own_service: Service, version: str) -> XdsSnapshot:
    """The snapshot for a sidecar of a pod behind `own_service`."""
    clusters = xds.sidecar_clusters(state, own_service)
    return XdsSnapshot(
        version=version,
        clusters=clusters,
        listeners=xds.sidecar_listeners(own_service),
        routes=[xds.sidecar_route_config(state)],
        endpoints=xds.load_assignments(clusters, state),
        secrets=xds.workload_secrets(CERT_DIR),
    )


def gateway_push(state: MeshState, gateway: Gateway, version: str) -> XdsSnapshot:
    """The snapshot for an ingress gateway pod serving `gateway`."""
    clusters = xds.gateway_clusters(state)
    return XdsSnapshot(
        version=version,
        clusters=clusters,
        listeners=[
            xds.http_listener(gateway.target_port, f"http.{gateway.target_port}", gateway=True)
        ],
        routes=[xds.gateway_route_config(state, gateway)],
        endpoints=xds.load_assignments(clusters, state),
        secrets=xds.workload_secrets(CERT_DIR),
    )
