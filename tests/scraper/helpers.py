"""Helpers of the scraper tests: crawling the replica into a real DuckDB file and reading back what the archive
holds, verifying that archive against the replica's API, readable record comparison for the round trip, the
replica's per-request tracing tags, a scriptable HTTP site and an in-memory archive writer for the crawl's unit
tests, and one deployment of the scheduled job."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from schemas.action import Action, ParseWarning
from scraper.ci.job import CiOptions
from scraper.ci.run import CiResult, run_ci
from scraper.ci.sites import SiteSpec
from scraper.crawl import Crawl, CrawlOptions, CrawlSummary
from scraper.fetch import Fetcher, FetchPolicy
from scraper.parse import ParseResult
from scraper.replica import ReplicaServer
from scraper.replica.view import ERAS, LANGS
from scraper.verify.runner import VerifyOptions, verify_archive
from snapshots.agreement import Verification
from snapshots.alarms import Thresholds
from snapshots.interface import StoredPage, Validators
from snapshots.promote import LocalDirBackend
from snapshots.store import open_writer

ROOT = Path(__file__).resolve().parents[2]

# --- crawling the replica into a real archive --------------------------------------------------------------------

#: Tests want retries, not waiting: backoff in hundredths of a second (Retry-After is still honoured in full).
FAST: dict[str, Any] = {"delay": 0.0, "backoff_initial": 0.01, "backoff_max": 0.05}


def crawl_replica(srv: ReplicaServer, db: Path, start: str | None = None, *, options: CrawlOptions | None = None,
                  parse: Callable[[bytes, str], ParseResult] | None = None, **policy: Any) -> CrawlSummary:
    url = start or srv.start_url
    extra = {"parse": parse} if parse is not None else {}
    with open_writer(db) as writer, Fetcher(url, FetchPolicy(**{**FAST, **policy})) as fetcher:
        return Crawl(fetcher, writer, url, options or CrawlOptions(), **extra).run()  # type: ignore[arg-type]


def crawl_complete(srv: ReplicaServer, db: Path, parse: Callable[[bytes, str], ParseResult] | None = None) -> int:
    """Crawl the replica from its start URL; the run must be complete. Returns its run id."""
    summary = crawl_replica(srv, db, parse=parse)
    assert summary.outcome == "complete", summary.reason
    return summary.run_id


@dataclass
class Observed:
    identifier: str | None
    outcome: str
    position: int | None
    url: str
    error: str | None
    reason: str | None
    record: dict[str, Any] | None
    page_id: int | None


def observations(db: Path, run_id: int) -> list[Observed]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT o.identifier, o.outcome, o.position, o.url, o.error, o.reason, v.record, o.page_id"
            " FROM observations o LEFT JOIN action_versions v ON v.id = o.version_id"
            " WHERE o.run_id = ? ORDER BY o.position NULLS LAST, o.id",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    return [Observed(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]) if r[6] else None, r[7]) for r in rows]


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def chain_of(obs: list[Observed]) -> list[str]:
    return [o.identifier or "" for o in obs if o.position is not None]


def record_mismatches(obs: list[Observed], srv: ReplicaServer) -> dict[str, list[str]]:
    """Per action, the fields where the archived record differs from the replica's ground truth."""
    got = {o.identifier: o.record for o in obs if o.record is not None}
    out: dict[str, list[str]] = {}
    for ident, truth in srv.expected_records().items():
        record = got.get(ident)
        if record is None:
            out[ident] = ["<no record>"]
            continue
        want = truth.content_dict()
        fields = [k for k in want if want[k] != record.get(k)]
        if fields:
            out[ident] = fields
    return out


def action_paths(srv: ReplicaServer) -> list[str]:
    """Paths of action pages requested, in order (list, robots.txt and sitemap left out)."""
    prefix = urlsplit(srv.start_url).path.rsplit("/actions", 1)[0]
    return [r.path for r in srv.request_log if r.path.split("?")[0].startswith(f"{prefix}/action")
            and r.path.split("?")[0].rstrip("/") != f"{prefix}/actions"]


# --- verifying the archive against the replica's API over real HTTP ----------------------------------------------

def verify(srv: ReplicaServer, db: Path, **options: object) -> Verification:
    policy = FetchPolicy(**FAST)
    results = verify_archive(db, VerifyOptions(api_url=srv.api_url, policy=policy, **options))  # type: ignore[arg-type]
    assert len(results) == 1
    return results[0]


# --- the round trip: replica truth against what the parser read --------------------------------------------------

PLANS = ("helsinki", "tampere", "espoo")
#: every era × language × bundled plan, as the round-trip tests serve them
ROUNDTRIP_CASES = [(era, lang, plan) for plan in PLANS for era in ERAS for lang in LANGS]


def roundtrip_variation(era: str, lang: str, plan: str) -> int | None:
    """Plain markup for Finnish Helsinki pages, a different variation seed for every other case."""
    if plan == "helsinki" and lang == "fi" and era == "v1early":
        return None
    return zlib.crc32(f"{era}:{lang}:{plan}".encode()) % 1000


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) < 400 else text[:400] + "…"


def record_differences(got: Action, want: Action) -> list[str]:
    """One line per differing field, list fields item by item, so a failure says what the parser got wrong."""
    a, b = got.content_dict(), want.content_dict()
    out = []
    for name in b:
        if a.get(name) == b[name]:
            continue
        if isinstance(b[name], list) and isinstance(a.get(name), list):
            ga, wb = a[name], b[name]
            if len(ga) != len(wb):
                out.append(f"{name}: {len(ga)} items, want {len(wb)}: got {_short(ga)} want {_short(wb)}")
                continue
            for n, (x, y) in enumerate(zip(ga, wb, strict=True)):
                if x != y:
                    out.append(f"{name}[{n}]: got {_short(x)} want {_short(y)}")
        else:
            out.append(f"{name}: got {_short(a.get(name))} want {_short(b[name])}")
    return out


#: V3's per-request tracing tags (reference 12.5)
TRACE_TAGS = re.compile(rb'<meta name="sentry-trace" content="([0-9a-f]{32})-[0-9a-f]{16}-1"/>'
                        rb'<meta name="baggage" content="[^"]*sentry-trace_id=([0-9a-f]{32})[^"]*"/>')


def without_tracing(body: bytes) -> bytes:
    """A V3 body with its per-request tracing tags removed: what stays the same from one fetch to the next."""
    return TRACE_TAGS.sub(b"", body)


# --- a scriptable HTTP site on 127.0.0.1 and a fake clock ---------------------------------------------------------
# For the fetcher's edge cases the replica need not model: lying Content-Length, HTTP-date Retry-After, odd charsets.

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


# --- an in-memory archive writer for walk unit tests -------------------------------------------------------------

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
                   body: bytes | None, fetched_at: Any = None, error: str | None = None,
                   capture_url: str | None = None) -> int:
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


# --- the scheduled job run locally: the replica over real HTTP, real DuckDB files, the local backend --------------

VAHTI = [sys.executable, "-c", "from scraper.cli.app import main; main()"]
FIRST_DAY = dt.date(2024, 3, 1)


def site_of(srv: ReplicaServer, name: str = "tampere") -> SiteSpec:
    """Fast and strict: no pause, one attempt per page, stop after two failures in a row."""
    return SiteSpec(name, srv.start_url, delay=0.0, max_failures=2, attempts=1)


@dataclass
class Job:
    """One deployment: a work dir the job runs in and a store dir the local backend keeps the archive in."""

    root: Path
    thresholds: Thresholds = field(default_factory=Thresholds)
    days: int = 0

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def archive(self) -> Path:
        return self.store / "vahti.duckdb"

    @property
    def changes(self) -> Path:
        return self.root / "repo" / "changes"

    def options(self, **overrides: Any) -> CiOptions:
        day = FIRST_DAY + dt.timedelta(days=self.days)
        base = dict(
            db=self.root / "work" / "vahti.duckdb",
            publish_dir=self.root / "publish" / day.isoformat(),
            backend=LocalDirBackend(self.store),
            changes_dir=self.changes,
            thresholds=self.thresholds,
            policy=FetchPolicy(delay=0.0, attempts=1),
            day=day,
            step_summary=self.root / "step_summary.md",
            say=lambda line: None,
        )
        base.update(overrides)
        return CiOptions(**base)  # type: ignore[arg-type]

    def run(self, sites: list[SiteSpec], **overrides: Any) -> CiResult:
        """A fresh work dir each day, as on a fresh GitHub runner: all state comes from the backend."""
        work = self.root / "work"
        if work.exists():
            for path in work.iterdir():
                path.unlink()
        result = run_ci(sites, self.options(**overrides))
        self.days += 1
        return result

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.archive), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def versions(self) -> list[tuple[Any, ...]]:
        return self.query("SELECT id, identifier, record_hash, valid_from, valid_to FROM action_versions ORDER BY id")


def vahti(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "VAHTI_DB")}
    full = {**inherited, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run([*VAHTI, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=full)


def sites_toml(path: Path, *urls: str, extra: str = "") -> Path:
    body = ["[defaults]", "delay = 0", "attempts = 1", "max_failures = 2", extra]
    for n, url in enumerate(urls):
        body += ["[[site]]", f"name = {json.dumps(f'site{n}')}", f"start_url = {json.dumps(url)}"]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path
