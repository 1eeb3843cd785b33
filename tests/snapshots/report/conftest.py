"""An archive built by crawling the replica (Tampere-like plan, 14 actions) over several simulated days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scraper.cli.demo_cmd import _crawl_day
from scraper.replica import ReplicaConfig, ReplicaServer

DAYS = 10


@dataclass
class CrawledArchive:
    db: Path
    days: int
    changes: dict[int, list[Any]]  # day -> the replica's edits made on that day
    records: dict[int, dict[str, Any]]  # day -> identifier -> expected Action
    run_of_day: dict[int, int]


def day_time(day: int) -> dt.datetime:
    return dt.datetime(2024, 5, 1, 6, 0, tzinfo=dt.UTC) + dt.timedelta(days=day)


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> CrawledArchive:
    db = tmp_path_factory.mktemp("report") / "vahti.duckdb"
    changes: dict[int, list[Any]] = {}
    records: dict[int, dict[str, Any]] = {}
    runs: dict[int, int] = {}
    with ReplicaServer(ReplicaConfig(plan="tampere")) as srv:
        for day in range(DAYS):
            srv.set_day(day)
            summary = _crawl_day(db, srv.start_url, day_time(day))
            assert summary.outcome == "complete"
            runs[day] = summary.run_id
            records[day] = srv.expected_records()
            changes[day] = srv.changes(day - 1, day) if day else []
    return CrawledArchive(db, DAYS, changes, records, runs)
