"""Helpers of the scraper tests: crawling the replica into a real DuckDB file and reading back what the archive
holds, verifying that archive against the replica's API, readable record comparison for the round trip, and the
replica's per-request tracing tags."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from schemas.action import Action
from scraper.crawl import Crawl, CrawlOptions, CrawlSummary
from scraper.fetch import Fetcher, FetchPolicy
from scraper.parse import ParseResult
from scraper.replica import ReplicaServer
from scraper.replica.view import ERAS, LANGS
from scraper.verify.runner import VerifyOptions, verify_archive
from snapshots.agreement import Verification
from snapshots.store import open_writer

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
    for field in b:
        if a.get(field) == b[field]:
            continue
        if isinstance(b[field], list) and isinstance(a.get(field), list):
            ga, wb = a[field], b[field]
            if len(ga) != len(wb):
                out.append(f"{field}: {len(ga)} items, want {len(wb)}: got {_short(ga)} want {_short(wb)}")
                continue
            for n, (x, y) in enumerate(zip(ga, wb, strict=True)):
                if x != y:
                    out.append(f"{field}[{n}]: got {_short(x)} want {_short(y)}")
        else:
            out.append(f"{field}: got {_short(a.get(field))} want {_short(b[field])}")
    return out


#: V3's per-request tracing tags (reference 12.5)
TRACE_TAGS = re.compile(rb'<meta name="sentry-trace" content="([0-9a-f]{32})-[0-9a-f]{16}-1"/>'
                        rb'<meta name="baggage" content="[^"]*sentry-trace_id=([0-9a-f]{32})[^"]*"/>')


def without_tracing(body: bytes) -> bytes:
    """A V3 body with its per-request tracing tags removed: what stays the same from one fetch to the next."""
    return TRACE_TAGS.sub(b"", body)
