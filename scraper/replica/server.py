"""The replica over real HTTP: a ThreadingHTTPServer on 127.0.0.1 in a background thread, HTTP/1.1 keep-alive,
conditional requests, injected faults, a request log and a control API under /__replica__/.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from schemas.action import Action
from scraper.replica.config import ReplicaConfig
from scraper.replica.days import Change
from scraper.replica.faults import Fault, FaultSet
from scraper.replica.graphql_api import ApiServer
from scraper.replica.site import Page, ReplicaSite
from scraper.replica.v3_http import cookies, trace_tags
from scraper.replica.wayback import WebArchive

CONTROL = "/__replica__/"


@dataclass
class LoggedRequest:
    path: str  # with the query string
    method: str
    headers: dict[str, str]
    status: int
    time: float  # time.monotonic() when the request arrived
    extra: dict[str, Any] = field(default_factory=dict)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-response (a crawler giving up, `head -c`) is not an error of the replica."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class ReplicaServer:
    """`with ReplicaServer(cfg) as srv:` serves the replica until the block ends."""

    def __init__(self, cfg: ReplicaConfig | None = None) -> None:
        self.cfg = cfg or ReplicaConfig()
        self.cfg.validate()
        self.faults = FaultSet(self.cfg.faults)
        self.request_log: list[LoggedRequest] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.site: ReplicaSite | None = None
        self.api: ApiServer | None = None
        self._archive: WebArchive | None = None

    # --- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> ReplicaServer:
        handler = type("ReplicaHandler", (_Handler,), {"replica": self})
        self._httpd = _QuietServer((self.cfg.host, self.cfg.port), handler)
        port = self._httpd.server_address[1]
        self.site = ReplicaSite(self.cfg, f"http://{self.cfg.host}:{port}")
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="replica", daemon=True)
        self._thread.start()
        if self.cfg.api_port is not None:
            self.api = ApiServer(self.cfg.host, self.cfg.api_port, lambda: self._site.plan, lambda: self.base_url)
        if self.cfg.archive_port is not None:
            self._archive = WebArchive(self.cfg, self.base_url, self.cfg.host, self.cfg.archive_port)
        self.site.prewarm()
        return self

    def stop(self) -> None:
        if self.site is not None:
            self.site.closed = True
        if self.api is not None:
            self.api.stop()
            self.api = None
        if self._archive is not None:
            self._archive.stop()
            self._archive = None
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- public API ----------------------------------------------------------------------------------------
    @property
    def _site(self) -> ReplicaSite:
        if self.site is None:
            raise RuntimeError("replica not started")
        return self.site

    @property
    def base_url(self) -> str:
        return self._site.base_url

    @property
    def start_url(self) -> str:
        return self.base_url + self._site.site_for(self.cfg.lang).list_path()

    @property
    def api_url(self) -> str:
        """The GraphQL endpoint on the API's own port (`ReplicaConfig.api_port` must be set)."""
        if self.api is None:
            raise RuntimeError("the replica serves no API: set ReplicaConfig.api_port")
        return self.api.url

    @property
    def archive(self) -> WebArchive:
        """The web archive of the plan's years (`ReplicaConfig.archive_port` must be set)."""
        if self._archive is None:
            raise RuntimeError("the replica serves no web archive: set ReplicaConfig.archive_port")
        return self._archive

    @property
    def archive_url(self) -> str:
        """The web archive's root, "http://127.0.0.1:PORT" (CDX at /cdx/search/cdx, captures under /web/)."""
        return self.archive.url

    def action_url(self, identifier: str) -> str:
        return self._site.site_for(self.cfg.lang).action_url(identifier)

    def chain(self) -> list[str]:
        return self._site.chain()

    def expected_records(self, lang: str | None = None) -> dict[str, Action]:
        """The ground truth of the plan's pages in `lang` (default: the configured language)."""
        return self._site.expected_records(lang)

    @property
    def day(self) -> int:
        return self._site.day

    def set_day(self, day: int) -> None:
        self._site.set_day(day)

    def set_era(self, era: str) -> None:
        self._site.set_era(era)

    def advance(self, days: int = 1) -> int:
        self.set_day(self.day + days)
        return self.day

    def changes(self, day_a: int, day_b: int) -> list[Change]:
        return self._site.changes(day_a, day_b)

    def set_faults(self, spec: str) -> None:
        self.faults = FaultSet(spec)
        self.cfg.faults = spec

    def truth_json(self) -> dict[str, Any]:
        return {"day": self.day, "era": self.cfg.era, "lang": self.cfg.lang, "chain": self.chain(),
                "start_url": self.start_url,
                "records": {k: v.model_dump(mode="json") for k, v in self.expected_records().items()}}


class _Handler(BaseHTTPRequestHandler):
    replica: ReplicaServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "KausalReplica/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        if path.startswith(CONTROL):
            self._control(path, body)
        else:
            self._send_simple(405, "method not allowed\n", "text/plain; charset=utf-8")

    # --- control -------------------------------------------------------------------------------------------
    def _control(self, path: str, body: bytes) -> None:
        rep = self.replica
        cmd = path[len(CONTROL):].strip("/")
        query = parse_qs(urlsplit(self.path).query)
        try:
            if self.command == "POST" and cmd.startswith("day/"):
                rep.set_day(int(cmd.split("/", 1)[1]))
                data: Any = {"day": rep.day}
            elif self.command == "POST" and cmd.startswith("era/"):
                rep.set_era(cmd.split("/", 1)[1])
                data = {"era": rep.cfg.era}
            elif self.command == "POST" and cmd == "advance":
                data = {"day": rep.advance(int(query.get("days", ["1"])[0]))}
            elif self.command == "POST" and cmd == "faults":
                rep.set_faults(body.decode("utf-8"))
                data = {"faults": rep.cfg.faults}
            elif cmd == "truth":
                data = rep.truth_json()
            elif cmd == "changes":
                a = int(query.get("from", ["0"])[0])
                b = int(query.get("to", [str(rep.day)])[0])
                data = {"from": a, "to": b, "changes": [c.as_dict() for c in rep.changes(a, b)]}
            elif cmd == "state":
                data = {"day": rep.day, "era": rep.cfg.era, "plan": rep.cfg.plan, "lang": rep.cfg.lang,
                        "faults": rep.cfg.faults, "start_url": rep.start_url,
                        "api_url": rep.api.url if rep.api is not None else None,
                        "archive_url": rep._archive.url if rep._archive is not None else None}
            else:
                self._send_simple(404, "unknown control call\n", "text/plain; charset=utf-8")
                return
        except ValueError as exc:
            self._send_simple(400, f"{exc}\n", "text/plain; charset=utf-8")
            return
        self._send_simple(200, json.dumps(data, ensure_ascii=False), "application/json; charset=utf-8")

    # --- pages ---------------------------------------------------------------------------------------------
    def _serve(self, head: bool) -> None:
        rep = self.replica
        site = rep._site
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith(CONTROL):
            self._control(path, b"")
            return
        entry = LoggedRequest(self.path, self.command, dict(self.headers.items()), 0, time.monotonic())
        rep.request_log.append(entry)
        faults = rep.faults
        is_action = site.action_identifier(path) is not None
        if faults.count_action_request(is_action):
            entry.status = 503
            self._send_simple(503, "Service Unavailable\n", "text/plain; charset=utf-8", head)
            return
        fired = faults.for_path(path)
        kinds = {f.kind: f for f in fired}
        if "slow" in kinds:
            time.sleep(float(kinds["slow"].arg or "1"))
        if "reset" in kinds:
            entry.status = 0
            self._reset()
            return
        for code in ("404", "410", "500", "502", "503", "429"):
            if code in kinds:
                entry.status = int(code)
                self._error(int(code), kinds[code], head)
                return
        query = parse_qs(parts.query)
        if "loop" in kinds:  # A -> A?loop=1 -> A -> ...
            entry.status = 302
            self._redirect(302, path if "loop" in query else f"{path}?loop=1", head)
            return
        redirect = faults.peek(path, "redirect")
        if redirect is not None:
            hops = int(float(redirect.arg or "1"))
            hop = int(query.get("hop", ["0"])[0])
            if hop < hops:
                entry.status = (301, 302, 307, 308)[hop % 4]
                self._redirect(entry.status, f"{path}?hop={hop + 1}", head)
                return
        next_href = next_ident = None
        if (cyc := faults.peek(path, "next")) is not None:
            next_ident = cyc.arg
            next_href = site.site_for(site.split(path)[0]).action_path(cyc.arg)
        if (off := faults.peek(path, "next-host")) is not None:
            ident = site.action_identifier(path)
            chain = site.chain()
            if ident in chain and chain.index(ident) + 1 < len(chain):
                nxt = chain[chain.index(ident) + 1]
            else:
                nxt = ident or "1"
            next_href = off.arg.rstrip("/") + site.site_for(site.split(path)[0]).action_path(nxt)
        page = site.page(path, next_href, next_ident)
        entry.status = self._send_page(page, kinds, head)

    def _send_page(self, page: Page, kinds: dict[str, Fault], head: bool) -> int:
        body, ctype = page.body, page.content_type
        if page.trace_at is not None:  # V3: this response's own tracing id, spliced into the cached body
            at = page.trace_at
            body = b"".join((body[:at], trace_tags(*self.replica._site.trace_keys), body[at:]))
        if "huge" in kinds:
            mb = float(kinds["huge"].arg or "11")
            pad = b"<!-- " + b"x" * int(mb * 1024 * 1024) + b" -->"
            body = body.replace(b"</body>", pad + b"</body>", 1) if b"</body>" in body else body + pad
        if "charset" in kinds:
            if kinds["charset"].arg == "latin1":
                body = body.decode("utf-8").encode("latin-1", errors="replace")
            else:
                ctype = ctype.split(";")[0] + "; charset=iso-8859-1"
        if "type" in kinds:
            ctype = kinds["type"].arg or "application/octet-stream"
        etag, modified = page.etag, page.last_modified
        if (etag is not None and modified is not None and page.status == 200 and not kinds
                and self._not_modified(etag, modified)):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return 304
        self.send_response(page.status)
        self.send_header("Content-Type", ctype)
        if etag is not None and modified is not None:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Cache-Control", "public, max-age=0, must-revalidate")
        for name, value in page.headers:
            self.send_header(name, value)
        if page.v3:
            for cookie in cookies(page.lang):
                self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(body)))
        if "truncate" in kinds:
            self.send_header("Connection", "close")
            self.end_headers()
            if not head:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return page.status
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return page.status

    def _not_modified(self, etag: str, modified: str) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return parsedate_to_datetime(ims) >= parsedate_to_datetime(modified)
            except (TypeError, ValueError):
                return False
        return False

    def _error(self, code: int, fault: Fault, head: bool) -> None:
        self.send_response(code)
        if code == 429:
            ra = fault.options.get("retry-after", "1")
            if ra.startswith("date"):
                secs = float(ra[4:].lstrip("+") or "2")
                from datetime import UTC, datetime, timedelta

                ra = format_datetime(datetime.now(UTC) + timedelta(seconds=secs), usegmt=True)
            self.send_header("Retry-After", ra)
        elif code == 503 and "retry-after" in fault.options:
            self.send_header("Retry-After", fault.options["retry-after"])
        body = f"{code} {self.responses.get(code, ('',))[0]}\n".encode()
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, code: int, location: str, head: bool) -> None:
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _reset(self) -> None:
        """Close with RST: SO_LINGER 0, no response at all."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _send_simple(self, code: int, text: str, ctype: str, head: bool = False) -> None:
        body = text.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)
