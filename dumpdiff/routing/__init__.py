"""Replay Envoy's HTTP route selection on a dump: which route config, virtual host, route,
cluster and endpoints a request would take."""
