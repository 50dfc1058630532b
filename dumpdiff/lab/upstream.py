"""Tiny HTTP upstreams on 127.0.0.1 that stand in for application pods.

Each server answers every request with the status it was told (200 for a healthy pod, 503
for a failing one) and names itself in an `x-lab-pod` response header, so the traffic
driver can tell which pod served a request without parsing Envoy's log.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dumpdiff.lab.lifecycle import Stoppable


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 with Content-Length lets Envoy reuse upstream connections, as with real pods.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY each keep-alive response
    # waits ~40 ms on Nagle and delayed ACK.
    disable_nagle_algorithm = True
    server: _UpstreamServer

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self) -> None:
        body = f'{{"pod": "{self.server.pod}"}}\n'.encode()
        self.send_response(self.server.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.send_header("x-lab-pod", self.server.pod)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the generator's output quiet; Envoy's access log is the record."""


class _UpstreamServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pod: str, status: int):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pod = pod
        self.status = status

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when Envoy resets a kept-alive connection (it does so on shutdown)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Upstreams(Stoppable):
    """A set of upstream servers, all stopped when the context exits."""

    def __init__(self) -> None:
        self._servers: list[tuple[_UpstreamServer, threading.Thread]] = []

    def start(self, pod: str, status: int = 200) -> tuple[str, int]:
        """Start a server for `pod` answering `status`; return its (ip, port)."""
        server = _UpstreamServer(pod, status)
        thread = threading.Thread(target=server.serve_forever, name=f"upstream-{pod}")
        thread.daemon = True
        thread.start()
        self._servers.append((server, thread))
        host, port = server.server_address[:2]
        return str(host), int(port)

    def stop(self) -> None:
        """Shut every server down and wait for its thread."""
        servers, self._servers = self._servers, []
        for server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
