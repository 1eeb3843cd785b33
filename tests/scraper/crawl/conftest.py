"""A scriptable HTTP site on 127.0.0.1 for the fetcher's edge cases the replica need not model (lying
Content-Length, HTTP-date Retry-After, odd charsets), plus an in-memory archive writer for walk unit tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from schemas.action import Action, ParseWarning
from snapshots.interface import StoredPage, Validators


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    send_length: int | None = None  # a Content-Length that lies (truncated body)
    chunked: bool = False


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up on a truncated body is the point of some tests


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Reply | list[Reply] | Callable[[str], Reply]] = {}
        self.log: list[Seen] = []
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [s.path for s in self.log]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply_for(self, path: str) -> Reply:
        route = self.routes.get(path)
        if route is None:
            return Reply(404, b"<html><body>not found</body></html>")
        if isinstance(route, list):
            return route.pop(0) if len(route) > 1 else route[0]
        if callable(route):
            return route(path)
        return route

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.log.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                reply = site.reply_for(self.path)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(reply.body), 65536):
                        chunk = reply.body[start:start + 65536]
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    return
                length = reply.send_length if reply.send_length is not None else len(reply.body)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)
                if reply.send_length is not None and reply.send_length != len(reply.body):
                    self.close_connection = True

        return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    try:
        yield server
    finally:
        server.close()


class FakeClock:
    """Time that moves only when the code under test sleeps: pacing is asserted from what it asked for."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@dataclass
class Observation:
    run_id: int
    page_id: int | None
    outcome: str
    url: str
    identifier: str | None
    record: Action | None
    error: str | None
    reason: str | None
    position: int | None
    warnings: list[ParseWarning]


class MemoryWriter:
    """The archive interface in memory: enough to check what the walk hands over, and in which order."""

    def __init__(self) -> None:
        self.runs: dict[int, dict[str, Any]] = {}
        self.pages: dict[int, StoredPage] = {}
        self.page_runs: dict[int, int] = {}
        self.observations: list[Observation] = []
        self.transactions = 0  # `together()` blocks entered
        self.idle_stretches = 0  # `idle()` blocks entered

    def begin_run(self, site: str, start_url: str, plan_path: str = "", language: str = "fi",
                  resumed_from: int | None = None, started_at: Any = None, cause: str = "crawl") -> int:
        for run in self.runs.values():
            if run["site"] == site and run["outcome"] == "running":
                run["outcome"] = "interrupted"
        run_id = len(self.runs) + 1
        self.runs[run_id] = {"site": site, "start_url": start_url, "outcome": "running", "reason": None,
                             "resumed_from": resumed_from, "language": language, "plan_path": plan_path}
        return run_id

    def store_page(self, run_id: int, url: str, status: int | None, headers: Mapping[str, str],
                   body: bytes | None, fetched_at: Any = None, error: str | None = None) -> int:
        page_id = len(self.pages) + 1
        self.pages[page_id] = StoredPage(page_id, url, status, dict(headers), body)
        self.page_runs[page_id] = run_id
        return page_id

    def store_observation(self, run_id: int, page_id: int | None, outcome: str, *, url: str,
                          identifier: str | None = None, record: Action | None = None, error: str | None = None,
                          reason: str | None = None, warnings: Sequence[ParseWarning] = (),
                          position: int | None = None) -> None:
        self.observations.append(Observation(run_id, page_id, outcome, url, identifier, record, error, reason,
                                             position, list(warnings)))

    def end_run(self, run_id: int, outcome: str, reason: str | None = None,
                counts: Mapping[str, int] | None = None, finished_at: Any = None) -> None:
        self.runs[run_id].update(outcome=outcome, reason=reason, counts=dict(counts or {}))

    def last_interrupted_run(self, site: str, start_url: str) -> int | None:
        for run_id in sorted(self.runs, reverse=True):
            run = self.runs[run_id]
            if run["site"] == site and run["outcome"] in ("running", "interrupted"):
                return run_id
        return None

    def stored_pages(self, run_id: int) -> dict[str, StoredPage]:
        return {p.url: p for pid, p in sorted(self.pages.items()) if self.page_runs[pid] == run_id}

    def validators(self, site: str) -> dict[str, Validators]:
        out: dict[str, Validators] = {}
        for page in self.pages.values():
            if page.status == 200 and page.body is not None:
                out[page.url] = Validators(page.headers.get("etag"), page.headers.get("last-modified"),
                                           page.page_id)
        return out

    def page(self, page_id: int) -> StoredPage:
        return self.pages[page_id]

    def repeat_of(self, page_id: int, parser_version: str) -> None:
        return None  # every fetch is new to this writer: pages are judged as fetched

    def current_hashes(self, scope: tuple[str, str, str]) -> dict[str, str]:
        """The records of the latest run of the plan that saw any (this writer keeps no versions)."""
        latest: dict[str, str] = {}
        for o in self.observations:
            if o.record is not None and (o.record.site, o.record.plan_path, o.record.language) == scope:
                latest[o.record.identifier] = o.record.record_hash()
        return latest

    @contextmanager
    def together(self) -> Iterator[None]:
        """Pages and observations stored inside are kept only if the block ends normally, as in one transaction."""
        pages, runs, observations = dict(self.pages), dict(self.page_runs), list(self.observations)
        self.transactions += 1
        try:
            yield
        except BaseException:
            self.pages, self.page_runs, self.observations = pages, runs, observations
            raise

    @contextmanager
    def idle(self) -> Iterator[None]:
        self.idle_stretches += 1
        yield

    def run_observations(self, run_id: int) -> list[Observation]:
        return [o for o in self.observations if o.run_id == run_id]


@pytest.fixture
def memory_writer() -> MemoryWriter:
    return MemoryWriter()
