"""The replica's web archive: a local stand-in for the Wayback Machine, on a port of its own (reference 13).

It holds six years of captures of the replica's own plan (`archive_timeline.py`), each rendered by the
era's front end from the plan state of its day, and answers the two interfaces a backfill uses: the CDX index
(`/cdx/search/cdx`, `cdx.py`) and raw captures (`/web/<timestamp>id_/<original>`), with the real service's
habits: 429 to a client that asks too often (`archive_throttle`), 403 "Blocked Site Error" for an excluded site
(`archive_refuse`), a redirect to the nearest capture when the timestamp is not one.

Nothing is stored: a capture's body is rendered when it is asked for (its digest and length once, then
remembered), so a six-year archive costs the memory of its index only.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from schemas.action import Action
from scraper.replica.archive_timeline import ArchivedCapture, Timeline
from scraper.replica.cdx import CdxError, CdxQuery, Row, host_key, surt
from scraper.replica.config import ReplicaConfig
from scraper.replica.days import DayBook
from scraper.replica.plan_gen import build_plan
from scraper.replica.site import ReplicaSite
from scraper.replica.truth import expected_record
from scraper.replica.v3_http import cookies, trace_tags
from scraper.replica.view import ERAS, build_view

ROBOTS = "User-agent: *\nDisallow: /save/\n"
HTML = "text/html; charset=utf-8"
BLOCKED = "AdministrativeAccessControlException: Blocked Site Error"
#: the CDX server's answer for an excluded site, as the real one words it
BLOCKED_CDX = f"org.archive.util.io.RuntimeIOException: org.archive.wayback.exception.{BLOCKED}\n"
_WEB = re.compile(r"(\d{1,14})([a-z]{2}_)?/(.+)", re.S)
_TEMPLATE = "00000101000000"  # what a timestamp prefix is padded with: the first instant it names

_BOOKS: OrderedDict[tuple[str, int], DayBook] = OrderedDict()
_BOOKS_LOCK = threading.Lock()


def shared_book(plan: str, seed: int) -> DayBook:
    """Six years of days cost about a second to compute; states are never modified once made, so every archive
    of the same plan and seed in a process (a test session starts many) shares them."""
    with _BOOKS_LOCK:
        book = _BOOKS.get((plan, seed))
        if book is None:
            book = _BOOKS[(plan, seed)] = DayBook(build_plan(plan, seed), seed)
            while len(_BOOKS) > 4:
                _BOOKS.popitem(last=False)
        _BOOKS.move_to_end((plan, seed))
        return book


@dataclass(frozen=True)
class Rendered:
    """A capture as the site served it: status, body, content type and the original response's headers."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]


class WebArchive:
    """The archive of one replica's plan and its HTTP server (`url`). `captures()`, `truth(capture)` and
    `request_log` are for tests; everything else is reached over HTTP."""

    def __init__(self, cfg: ReplicaConfig, base_url: str, host: str, port: int) -> None:
        self.cfg = cfg
        self.base_url = base_url
        self.book = shared_book(cfg.plan, cfg.seed)
        era_cfg = dataclasses.replace(cfg, day=0, faults="", api_port=None, archive_port=None)
        self._sites = {era: ReplicaSite(dataclasses.replace(era_cfg, era=era), base_url, self.book) for era in ERAS}
        self._locks = {era: threading.Lock() for era in ERAS}
        self._truths: dict[tuple[str, str, int, str], Action | None] = {}
        timeline = Timeline(self.book, cfg.plan, cfg.seed, cfg.archive_rate, base_url, cfg.prefix, self._truth_of)
        self._captures = timeline.captures
        #: identifier → "often", "rarely" or "never" (captured not at all)
        self.classes = dict(timeline.classes)
        #: which action carries which guaranteed case ("stable:v2", "change:v1", "switch:v3", "root-redirect")
        self.highlights = dict(timeline.highlights)
        self._site_host = host_key(surt(base_url))
        self._by_key: dict[str, list[ArchivedCapture]] = {}
        for capture in self._captures:
            self._by_key.setdefault(surt(capture.original), []).append(capture)
        self._rows = sorted((Row(surt(c.original), c.timestamp, c.original, "text/html", str(c.status),
                                 self._body_meta(c)) for c in self._captures),
                            key=lambda r: (r.urlkey, r.timestamp))
        self._meta: dict[tuple[str, str], tuple[str, int]] = {}
        self._meta_lock = threading.Lock()
        self._recent: OrderedDict[tuple[str, str], Rendered] = OrderedDict()
        self._recent_lock = threading.Lock()
        #: (time.monotonic() at arrival, path with query) of every request, robots.txt included
        self.request_log: list[tuple[float, str]] = []
        self._counted = 0
        self._busy = 0  # CDX queries being answered: the background digests wait for them
        self._count_lock = threading.Lock()
        self.closed = False
        handler = type("ArchiveHandler", (_Handler,), {"archive": self})
        self._httpd = _Server((host, port), handler)
        self.port = int(self._httpd.server_address[1])
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="replica-archive", daemon=True)
        self._thread.start()
        threading.Thread(target=self._prewarm, name="replica-archive-prewarm", daemon=True).start()

    def stop(self) -> None:
        self.closed = True
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- the archive's content -------------------------------------------------------------------------------
    def captures(self) -> list[ArchivedCapture]:
        """Every capture, in time order."""
        return list(self._captures)

    def truth(self, capture: ArchivedCapture) -> Action | None:
        """The record the captured page shows (None for list pages, redirects and removed actions), from the
        plan state of the capture's day in its era, never by parsing."""
        if capture.kind != "action" or capture.identifier is None:
            return None
        return self._truth_of(capture.identifier, capture.era, capture.day, capture.lang)

    def _truth_of(self, ident: str, era: str, day: int, lang: str) -> Action | None:
        key = (ident, era, day, lang)
        if key in self._truths:
            return self._truths[key]
        site = self._sites[era]
        with self._locks[era]:
            site.day = day
            plan = site.plan
            action = plan.find(ident)
            record = None
            if action is not None and action.merged_with is None:
                view = build_view(plan, action, site.site_for(lang), era, self.cfg.test_banner, self.cfg.redesign,
                                  site._category_block(lang))
                record = expected_record(view, self.base_url.split("://", 1)[1], plan.base_path,
                                         embedded=not self.cfg.redesign)
        self._truths[key] = record
        return record

    def render(self, capture: ArchivedCapture) -> Rendered:
        """The response the site gave at the capture, byte for byte the same every time it is asked for."""
        key = (capture.original, capture.timestamp)
        with self._recent_lock:
            hit = self._recent.get(key)
        if hit is not None:
            return hit
        rendered = self._render(capture)
        with self._recent_lock:
            self._recent[key] = rendered
            while len(self._recent) > 16:
                self._recent.popitem(last=False)
        return rendered

    def _render(self, c: ArchivedCapture) -> Rendered:
        date = format_datetime(c.at, usegmt=True)
        if c.kind == "redirect":
            assert c.location is not None
            return Rendered(c.status, b"", HTML, (("content-type", HTML), ("date", date), ("location", c.location),
                                                  ("content-length", "0")))
        site = self._sites[c.era]
        with self._locks[c.era]:
            site.day = c.day
            page = site._render(c.path, None, None)
        body = page.body
        headers = [("content-type", page.content_type), ("date", date)]
        seed = f"{c.timestamp}:{c.original}"
        if page.v3:
            if page.trace_at is not None:  # this capture's own tracing id, as every live V3 response has one
                body = b"".join((body[:page.trace_at], trace_tags(*site.trace_keys, seed=seed), body[page.trace_at:]))
            headers += [(name.lower(), value) for name, value in page.headers]
            headers += [("set-cookie", value) for value in cookies(page.lang, seed=seed)]
        elif page.etag is not None and page.last_modified is not None:
            modified = min(parsedate_to_datetime(page.last_modified), c.at)  # never after the capture itself
            headers += [("etag", page.etag), ("last-modified", format_datetime(modified, usegmt=True)),
                        ("cache-control", "public, max-age=0, must-revalidate")]
        headers.append(("content-length", str(len(body))))
        return Rendered(page.status, body, page.content_type, tuple(headers))

    def _body_meta(self, capture: ArchivedCapture) -> Callable[[], tuple[str, int]]:
        return lambda: self.meta(capture)

    def meta(self, capture: ArchivedCapture) -> tuple[str, int]:
        """(digest, length) of the capture's body: base-32 SHA-1, as the CDX index lists it."""
        key = (capture.original, capture.timestamp)
        known = self._meta.get(key)
        if known is None:
            with self._meta_lock:  # the prewarm and a query walk the same rows: render each once, not twice
                known = self._meta.get(key)
                if known is None:
                    body = self.render(capture).body
                    known = self._meta[key] = (base64.b32encode(hashlib.sha1(body).digest()).decode(), len(body))
        return known

    def _prewarm(self) -> None:
        """Digest every capture in index order in the background, so that the first full CDX query finds most
        of them known. It steps aside while a query is being answered: the query's own rows come first."""
        for row in self._rows:
            while self._busy and not self.closed:
                time.sleep(0.005)
            if self.closed:
                return
            row.body()

    # --- what the HTTP side asks ---------------------------------------------------------------------------
    def throttled(self) -> bool:
        """Every N-th request (robots.txt not counted) is refused with 429: deterministic, so tests can count."""
        limit = self.cfg.archive_throttle
        if limit is None:
            return False
        with self._count_lock:
            self._counted += 1
            return self._counted % limit == 0

    def refused(self, url: str) -> bool:
        return self.cfg.archive_refuse and host_key(surt(url)) == self._site_host

    def cdx(self, query: CdxQuery) -> tuple[bytes, str]:
        with self._count_lock:
            self._busy += 1
        try:
            page, key = query.run(self._rows, self.cfg.archive_page_size)
            return query.render(page, key)
        finally:
            with self._count_lock:
                self._busy -= 1

    def lookup(self, timestamp: str, url: str) -> tuple[ArchivedCapture | None, bool]:
        """(capture, exact): the capture of `url` at exactly `timestamp`, else the nearest in time (exact False);
        (None, False) when the URL was never captured."""
        captures = self._by_key.get(surt(url))
        if not captures:
            return None, False
        if len(timestamp) == 14:
            for capture in captures:
                if capture.timestamp == timestamp:
                    return capture, True
        wanted = _instant(timestamp)
        return min(captures, key=lambda c: (abs((c.at - wanted).total_seconds()), c.at)), False


def _instant(timestamp: str) -> dt.datetime:
    """The first instant a 1-14 digit timestamp prefix names (`2021` → 2021-01-01 00:00:00 UTC), out-of-range
    fields clamped."""
    digits = timestamp + _TEMPLATE[len(timestamp):]
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    hour, minute, second = int(digits[8:10]), int(digits[10:12]), int(digits[12:14])
    year, month = max(1, year), min(max(month, 1), 12)
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day if year < 9999 else 31
    return dt.datetime(year, month, min(max(day, 1), last), min(hour, 23), min(minute, 59), min(second, 59),
                       tzinfo=dt.UTC)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up is not an error of the archive."""


class _Handler(BaseHTTPRequestHandler):
    archive: WebArchive
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "KausalReplicaArchive/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        arc = self.archive
        arc.request_log.append((time.monotonic(), self.path))
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            self._send(200, ROBOTS.encode(), "text/plain; charset=utf-8")
        elif arc.throttled():
            self._send(429, b"429 Too Many Requests\n", "text/plain; charset=utf-8", [("Retry-After", "1")])
        elif parts.path.rstrip("/") == "/cdx/search/cdx":
            self._cdx(parts.query)
        elif self.path.startswith("/web/"):
            self._web(self.path[len("/web/"):])
        else:
            self._send(404, b"404 Not Found\n", "text/plain; charset=utf-8")

    def _cdx(self, query: str) -> None:
        try:
            parsed = CdxQuery.parse(query)
        except CdxError as exc:
            self._send(400, f"{exc}\n".encode(), "text/plain; charset=utf-8")
            return
        if self.archive.refused(parsed.url):
            self._send(403, BLOCKED_CDX.encode(), "text/plain; charset=utf-8")
            return
        body, ctype = self.archive.cdx(parsed)
        self._send(200, body, ctype)

    def _web(self, rest: str) -> None:
        arc = self.archive
        match = _WEB.fullmatch(rest)
        if match is None or match.group(2) != "id_":
            self._send(404, b"404 Not Found: only /web/<timestamp>id_/<url> is served\n", "text/plain; charset=utf-8")
            return
        timestamp, url = match.group(1), match.group(3)
        if "://" not in url and url.lower().startswith("http%3a"):
            url = unquote(url)  # a client that encoded the original as one path segment
        url = re.sub(r"^(https?):/+", r"\1://", url)  # a client that squeezed the slashes
        if arc.refused(url):
            self._send(403, b"<html><body><p>Blocked Site Error</p><p>This URL has been excluded from the Wayback "
                       b"Machine.</p></body></html>", HTML, [("X-Archive-Wayback-Runtime-Error", BLOCKED)])
            return
        capture, exact = arc.lookup(timestamp, url)
        if capture is None:
            self._send(404, f"Not in archive: {url}\n".encode(), "text/plain; charset=utf-8",
                       [("X-Archive-Wayback-Runtime-Error", f"ResourceNotInArchiveException: {url} was not found")])
        elif not exact:
            self._send(302, b"", HTML, [("Location", f"{arc.url}/web/{capture.timestamp}id_/{capture.original}")])
        else:
            self._memento(capture)

    def _memento(self, capture: ArchivedCapture) -> None:
        arc = self.archive
        rendered = arc.render(capture)
        extra = [("Memento-Datetime", format_datetime(capture.at, usegmt=True)),
                 ("Link", f'<{capture.original}>; rel="original"')]
        extra += [(f"x-archive-orig-{name}", value) for name, value in rendered.headers]
        if capture.location is not None:
            extra.append(("Location", f"{arc.url}/web/{capture.timestamp}id_/{capture.location}"))
        self._send(rendered.status, rendered.body, rendered.content_type, extra)

    def _send(self, status: int, body: bytes, ctype: str, headers: list[tuple[str, str]] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers or []:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
