"""Prometheus recording and alerting rules for response flags on `istio_requests_total`."""

from __future__ import annotations

from typing import Any

import yaml

from dumpdiff.flags.table import RUNG_NAMES, flag_table

# Flags worth alerting on: the proxy failing requests on its own, not the client leaving.
ALERT_FLAGS = ("UH", "UF", "UO", "NR", "NC", "URX", "UT", "UAEX", "RL", "DPE", "UPE")


def rules() -> str:
    """A Prometheus rule file (YAML), valid for `promtool check rules`."""
    table = flag_table()
    recording: list[dict[str, Any]] = [{
        "record": "dumpdiff:istio_requests_by_response_flags:rate5m",
        "expr": ('sum by (destination_service, source_workload, source_workload_namespace, '
                 'response_flags, response_code) (rate(istio_requests_total{reporter="source",'
                 'response_flags!="-"}[5m]))'),
    }, {
        "record": "dumpdiff:istio_requests:rate5m",
        "expr": ('sum by (destination_service, source_workload, source_workload_namespace) '
                 '(rate(istio_requests_total{reporter="source"}[5m]))'),
    }]
    alerts: list[dict[str, Any]] = []
    for short in ALERT_FLAGS:
        f = table[short]
        alerts.append({
            "alert": f"IstioResponseFlag{f.long}",
            "expr": (f'sum by (destination_service, source_workload, source_workload_namespace) '
                     f'(dumpdiff:istio_requests_by_response_flags:rate5m{{response_flags=~'
                     f'"(.*,)?{short}(,.*)?"}}) / on (destination_service, source_workload, '
                     f'source_workload_namespace) dumpdiff:istio_requests:rate5m > 0.05'),
            "for": "5m",
            "labels": {"severity": "warning", "response_flag": short},
            "annotations": {
                "summary": (f"More than 5% of requests from {{{{ $labels.source_workload }}}} "
                            f"to {{{{ $labels.destination_service }}}} fail with {short} "
                            f"({f.long})"),
                "description": f"{f.meaning} Usual Istio cause: {f.istio}",
                "runbook": (f"Debugging ladder rung {f.rung} ({RUNG_NAMES[f.rung]}): {f.next}. "
                            "Offline: dumpdiff triage on a bug-report of the source pods."),
            },
        })
    doc = {"groups": [
        {"name": "dumpdiff-istio-response-flags-recording", "rules": recording},
        {"name": "dumpdiff-istio-response-flags-alerts", "rules": alerts},
    ]}
    return yaml.safe_dump(doc, sort_keys=False, width=200)
