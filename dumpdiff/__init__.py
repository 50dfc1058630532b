"""dumpdiff: offline diff and lint for Istio/Envoy config dumps."""

__version__ = "0.1.0"
