"""Shared tools of the adversarial suite: running `vahti` as a real process, a tiny scriptable site for what the
replica does not model (a byte-dripping server, an endless body, a chain of thousands of actions, hostile text),
and the check of an archive against the replica's ground truth."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scraper.replica import ReplicaServer

ROOT = Path(__file__).resolve().parents[2]
VAHTI = [sys.executable, "-c", "from scraper.cli import main; main()"]


def vahti(*args: str, timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VAHTI, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kwargs)


def assert_one_line_error(result: subprocess.CompletedProcess[str], codes: tuple[int, ...] = (1, 2)) -> str:
    """The promise for bad input: a known exit code, no traceback, and stderr is exactly one line saying what went
    wrong (option-parsing errors included: the CLI folds the framework's usage block into that line)."""
    assert result.returncode in codes, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def vm_hwm_mb(pid: int) -> float:
    """The process's own peak resident memory so far (VmHWM, MB; 0 once it has exited).

    Not `ru_maxrss` from wait4: a child started with vfork keeps, past its exec, the peak of the process that
    started it, so inside a long test worker it reports the worker's size (491 MB seen in the full suite for a
    crawl that peaks at 117 MB alone). VmHWM belongs to the memory the exec'd program itself has touched."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def wait_with_peak(proc: subprocess.Popen[bytes], every: float = 0.02,
                   sample: Callable[[], None] | None = None) -> float:
    """Wait for `proc`, polling its peak memory (and calling `sample`) until it exits; returns the peak in MB.
    VmHWM only grows, so the last reading before exit is the peak but for the last few milliseconds."""
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, vm_hwm_mb(proc.pid))
        if sample is not None:
            sample()
        time.sleep(every)
    return peak


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def truth_mismatches(db: Path, srv: ReplicaServer, latin1: frozenset[str] = frozenset()) -> list[str]:
    """Every action must have exactly one current version, equal to the replica's ground truth; returns what
    is wrong (empty = the archive is right). Actions in `latin1` were served in latin-1, which has no "€": their
    truth is what latin-1 can carry."""
    rows = query(db, "SELECT identifier, record FROM action_versions WHERE valid_to IS NULL")
    current: dict[str, list[dict[str, Any]]] = {}
    for ident, record in rows:
        current.setdefault(ident, []).append(json.loads(record))
    problems: list[str] = []
    truth = srv.expected_records()
    for ident, action in truth.items():
        versions = current.get(ident, [])
        if len(versions) != 1:
            problems.append(f"{ident}: {len(versions)} current versions")
            continue
        want = action.content_dict()
        if ident in latin1:
            want = json.loads(json.dumps(want, ensure_ascii=False).encode("latin-1", "replace").decode("latin-1"))
        got = versions[0]
        fields = [k for k in want if want[k] != got.get(k)]
        if fields:
            problems.append(f"{ident}: differs in {fields}")
    problems += [f"{ident}: not in the truth" for ident in current if ident not in truth]
    return problems


# -- a tiny scriptable site ------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    drip: float | None = None  # seconds between single bytes of the body (a slow-loris answer)
    endless: bool = False  # a chunked body that never ends


Route = Callable[[str], Reply | None]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on endless or dripping bodies are the point


class TinySite:
    """An HTTP/1.1 site on 127.0.0.1 answering from `route`; every request path is logged."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.log: list[str] = []
        self.stop = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> TinySite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.log.append(self.path)
                reply = site.route(self.path) or Reply(404, b"<html><body>ei l\xc3\xb6ydy</body></html>")
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.endless:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65530 + b"</p>"
                    while not site.stop.is_set():
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    return
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.drip is None:
                    self.wfile.write(reply.body)
                    return
                for byte in reply.body:
                    if site.stop.is_set():
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(reply.drip)

        return Handler


def action_page(ident: int | str, name: str, previous: str | None, following: str | None, extra: str = "") -> bytes:
    """The smallest page the parser takes for an action: a name, a description, prev/next links."""
    nav = "".join(
        f'<a href="{href}">{word}</a> ' for href, word in ((previous, "Edellinen"), (following, "Seuraava")) if href
    )
    return (
        f'<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>{ident}</title></head><body>'
        f"<nav>{nav}</nav><main><h1>{name}</h1><p>Toimenpiteen {ident} kuvaus.</p>{extra}</main></body></html>"
    ).encode()


def chain_route(count: int, *, listed: bool = True, override: Route | None = None) -> Route:
    """A plan of `count` actions 1..count linked by Edellinen/Seuraava, with a list page naming them all."""
    list_page = (
        '<!DOCTYPE html><html lang="fi"><body><h1>Toimenpiteet</h1>'
        + ("".join(f'<a href="/actions/{i}">Toimenpide {i}</a>' for i in range(1, count + 1)) if listed else "")
        + "</body></html>"
    ).encode()

    def route(path: str) -> Reply | None:
        if override is not None and (special := override(path)) is not None:
            return special
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /admin\n", {"Content-Type": "text/plain"})
        if path == "/actions":
            return Reply(200, list_page)
        if path.startswith("/actions/") and path[9:].isdigit() and 1 <= int(path[9:]) <= count:
            i = int(path[9:])
            prev = f"/actions/{i - 1}" if i > 1 else None
            nxt = f"/actions/{i + 1}" if i < count else None
            return Reply(200, action_page(i, f"Toimenpide {i}", prev, nxt))
        return None

    return route


@pytest.fixture
def free_port_listener() -> Iterator[tuple[socket.socket, list[bytes]]]:
    with listening() as witness:
        yield witness


@contextlib.contextmanager
def listening() -> Iterator[tuple[socket.socket, list[bytes]]]:
    """A listening socket on 127.0.0.1 that records whatever connects to it: the witness that nothing (a browser
    rendering a report, a crawler following a hostile link) ever reached it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(1)
            try:
                seen.append(conn.recv(4096) or b"<connected>")
            except OSError:
                seen.append(b"<connected>")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock, seen
    finally:
        stop.set()
        thread.join(timeout=2)
        sock.close()
