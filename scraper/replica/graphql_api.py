"""The replica's GraphQL API over HTTP, on a port of its own: a separate host, as `api.watch.kausal.tech` is for
the real sites (reference 4.3), so that `vahti verify` has to be configured to reach it and obeys its robots.txt
like any host it is allowed to reach.

`GET /v1/graphql/?query=…&variables=…` and `POST /v1/graphql/` (JSON body) answer from the replica's plan state of
the day being served; `/robots.txt` allows the API and nothing else is served. Requests are logged
(`ReplicaServer.api_log`) so tests can count queries.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scraper.replica.graphql_schema import execute
from scraper.replica.model import PlanData

API_PATH = "/v1/graphql/"
ROBOTS = "User-agent: *\nDisallow: /admin/\nAllow: /v1/graphql/\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up is not an error of the API."""


class ApiServer:
    """One background thread serving the API for the plan `state()` returns at each request."""

    def __init__(self, host: str, port: int, state: Callable[[], PlanData], site_url: Callable[[], str]) -> None:
        self.state = state
        self.site_url = site_url
        self.log: list[tuple[str, str, float]] = []  # (method, path with query, time)
        #: answer every API request with this HTTP status instead (a refusing or failing API), None = serve
        self.fail_status: int | None = None
        handler = type("ApiHandler", (_Handler,), {"api": self})
        self._httpd = _Server((host, port), handler)
        self.port = int(self._httpd.server_address[1])
        self.base_url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="replica-api", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.base_url + API_PATH

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    api: ApiServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "KausalReplicaAPI/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            self.api.log.append((self.command, self.path, time.monotonic()))
            self._send(200, ROBOTS.encode(), "text/plain; charset=utf-8")
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self._graphql(parts.path, query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send(400, b'{"errors": [{"message": "body is not JSON"}]}', "application/json")
            return
        self._graphql(urlsplit(self.path).path, body if isinstance(body, dict) else {})

    def _graphql(self, path: str, request: dict[str, Any]) -> None:
        api = self.api
        api.log.append((self.command, self.path, time.monotonic()))
        if path.rstrip("/") != API_PATH.rstrip("/"):
            self._send(404, b"not found\n", "text/plain; charset=utf-8")
            return
        if api.fail_status is not None:
            self._send(api.fail_status, b"unavailable\n", "text/plain; charset=utf-8")
            return
        query = request.get("query")
        if not isinstance(query, str) or not query.strip():
            self._send(400, b'{"errors": [{"message": "Must provide query string."}]}', "application/json")
            return
        variables = request.get("variables")
        if isinstance(variables, str):
            try:
                variables = json.loads(variables) if variables else None
            except ValueError:
                self._send(400, b'{"errors": [{"message": "Variables are invalid JSON."}]}', "application/json")
                return
        result = execute(api.state(), api.site_url(), query, variables if isinstance(variables, dict) else None,
                         request.get("operationName") or None)
        self._send(200, json.dumps(result, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
