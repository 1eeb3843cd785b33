"""Crawl the replica into a real archive and verify it against the replica's API over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import Fetcher, FetchPolicy
from scraper.parse import ParseResult
from scraper.replica import ReplicaServer
from scraper.verify.runner import VerifyOptions, verify_archive
from snapshots.agreement import Verification
from snapshots.store import open_writer

FAST = FetchPolicy(delay=0.0, backoff_initial=0.01, backoff_max=0.05)


def crawl(srv: ReplicaServer, db: Path, parse: Callable[[bytes, str], ParseResult] | None = None) -> int:
    extra = {"parse": parse} if parse is not None else {}
    with open_writer(db) as writer, Fetcher(srv.start_url, FAST) as fetcher:
        summary = Crawl(fetcher, writer, srv.start_url, CrawlOptions(), **extra).run()  # type: ignore[arg-type]
    assert summary.outcome == "complete", summary.reason
    return summary.run_id


def verify(srv: ReplicaServer, db: Path, **options: object) -> Verification:
    results = verify_archive(db, VerifyOptions(api_url=srv.api_url, policy=FAST, **options))  # type: ignore[arg-type]
    assert len(results) == 1
    return results[0]


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()
