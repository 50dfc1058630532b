"""Send real HTTP requests through an Envoy listener and read back its access log."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any

from dumpdiff.lab.envoy import Envoy, wait_for


@dataclass(frozen=True)
class Request:
    """One request as a client in the pod would send it."""

    path: str = "/pay"
    authority: str = "payment:8080"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Answer:
    """What the client got back."""

    status: int
    pod: str | None  # the upstream that answered (x-lab-pod), None for Envoy's own replies


@dataclass
class Traffic:
    """Requests sent through one listener of one Envoy, in order."""

    envoy: Envoy
    listener: str
    sent: int = 0
    answers: list[Answer] = field(default_factory=list)

    def send(self, request: Request) -> Answer:
        """Send `request` on a fresh connection and return the answer."""
        port = self.envoy.listener_port(self.listener)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            headers = {"Host": request.authority, "User-Agent": "dumpdiff-lab/1"}
            headers.update(dict(request.headers))
            connection.request("GET", request.path, headers=headers)
            response = connection.getresponse()
            response.read()
            answer = Answer(response.status, response.getheader("x-lab-pod"))
        finally:
            connection.close()
        self.sent += 1
        self.answers.append(answer)
        return answer

    def log_entries(self) -> list[dict[str, Any]]:
        """Wait until Envoy has flushed one access-log line per request sent; parse them."""

        def flushed() -> list[str] | None:
            lines = self.envoy.access_log_lines()
            return lines if len(lines) >= self.sent else None

        lines = wait_for(flushed, f"{self.sent} access-log lines", timeout=10.0)
        return [json.loads(line) for line in lines]


def request_summary(entry: dict[str, Any]) -> dict[str, Any]:
    """The scenario.yaml view of one access-log entry (values copied, not interpreted)."""
    summary: dict[str, Any] = {}
    if entry.get("x_subset"):
        summary["headers"] = {"x-subset": entry["x_subset"]}
    for key in (
        "authority",
        "path",
        "response_code",
        "response_flags",
        "response_code_details",
        "route_name",
        "upstream_cluster",
        "upstream_host",
        "upstream_request_attempt_count",
    ):
        summary[key] = entry.get(key)
    return summary
