"""Crawling the replica into a real DuckDB file, and reading back what the archive holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from scraper.crawl import Crawl, CrawlOptions, CrawlSummary
from scraper.fetch import Fetcher, FetchPolicy
from scraper.replica import ReplicaServer
from snapshots.store import open_writer

#: Tests want retries, not waiting: backoff in hundredths of a second (Retry-After is still honoured in full).
FAST = {"delay": 0.0, "backoff_initial": 0.01, "backoff_max": 0.05}


def crawl_replica(srv: ReplicaServer, db: Path, start: str | None = None, *, options: CrawlOptions | None = None,
                  **policy: Any) -> CrawlSummary:
    url = start or srv.start_url
    with open_writer(db) as writer, Fetcher(url, FetchPolicy(**{**FAST, **policy})) as fetcher:
        return Crawl(fetcher, writer, url, options or CrawlOptions()).run()


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
