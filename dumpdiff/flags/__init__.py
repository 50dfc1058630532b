"""Envoy response flags: the table, access-log summaries and Prometheus rules."""
