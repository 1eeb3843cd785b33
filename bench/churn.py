"""A year of a climate plan's life as a daily crawl sees it, written day by day through the archive's write
interface: the pages the replica serves for its V3 front end (what the real sites send today), not pages made to
change only when the record does.

Each day is the replica's own simulated day (`scraper.replica.days`: statuses move, tasks get done, dates slip,
names and contacts change, actions are added, removed, merged and reordered), and each action page is the V3 page
of that day with a fresh tracing id spliced in, as every real response has (reference 12.5): about 130 KB a page,
never byte-identical to the day before. The crawl is the crawler's own rule: a page that repeats its previous
fetch but for the tracing id is observed `unchanged` with the previous record (`ArchiveWriter.repeat_of`);
any other page is parsed by vahti's parser. The generator is shared by the storage and query benchmarks.

    .venv/bin/python bench/churn.py --db /tmp/churn.duckdb [--plan helsinki] [--days 365] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas.action import PARSER_VERSION  # noqa: E402
from scraper.parse import ParseError, parse_page  # noqa: E402
from scraper.replica.config import ReplicaConfig  # noqa: E402
from scraper.replica.site import ReplicaSite  # noqa: E402
from scraper.replica.v3_http import cookies, trace_tags  # noqa: E402
from snapshots.interface import ArchiveWriter  # noqa: E402

#: the replica answers as this origin (no socket is opened: pages are rendered in-process)
BASE_URL = "https://ilmastovahti.churn.example"
SITE = "ilmastovahti.churn.example"
FIRST_DAY = dt.datetime(2024, 1, 1, 4, 0, tzinfo=dt.UTC)  # 06:00 in Helsinki: a nightly crawl


@dataclass
class Fetch:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Day:
    index: int
    started_at: dt.datetime
    start_url: str
    fetches: list[Fetch]  # the action pages of the day, in chain order
    edits: int  # the replica's edits of this day (its ground truth)


def generate(plan: str = "helsinki", days: int = 365, seed: int = 7, actions: int | None = None) -> Iterator[Day]:
    """Each day's action pages in chain order (`actions`: only the first N of the chain, for quick runs)."""
    site = ReplicaSite(ReplicaConfig(plan=plan, era="v3", seed=seed), BASE_URL)
    keys = site.trace_keys
    for index in range(days):
        site.day = index
        site.book.state(index)
        paths = site.site_for("fi")
        chain = site.chain()[:actions] if actions else site.chain()
        started = FIRST_DAY + dt.timedelta(days=index)
        fetches = []
        for position, identifier in enumerate(chain):
            page = site.page(paths.action_path(identifier))
            body = page.body
            if page.trace_at is not None:
                body = b"".join((body[:page.trace_at], trace_tags(*keys), body[page.trace_at:]))
            fetched = started + dt.timedelta(seconds=position)
            headers = {"content-type": page.content_type, **dict(page.headers),
                       "date": fetched.strftime("%a, %d %b %Y %H:%M:%S GMT"),
                       "set-cookie": ", ".join(cookies("fi"))}
            fetches.append(Fetch(BASE_URL + paths.action_path(identifier), body, headers))
        edits = len(site.changes(index - 1, index)) if index else 0
        yield Day(index, started, BASE_URL + paths.list_path(), fetches, edits)


def write_day(writer: ArchiveWriter, day: Day) -> int:
    """One complete run, as the crawler stores it: the page, then `unchanged` with the previous record when the
    page repeats its last fetch but for declared noise, else what the parser reads."""
    run = writer.begin_run(SITE, day.start_url, started_at=day.started_at)
    for position, fetch in enumerate(day.fetches):
        fetched = day.started_at + dt.timedelta(seconds=position)
        page = writer.store_page(run, fetch.url, 200, fetch.headers, fetch.body, fetched_at=fetched)
        repeat = writer.repeat_of(page, PARSER_VERSION)
        if repeat is not None and repeat.record is not None:
            writer.store_observation(run, page, "unchanged", url=fetch.url, record=repeat.record,
                                     warnings=repeat.warnings, position=position)
            continue
        try:
            result = parse_page(fetch.body, fetch.url)
        except ParseError as exc:
            writer.store_observation(run, page, "parse_failed", url=fetch.url, error=str(exc), position=position)
            continue
        writer.store_observation(run, page, "parsed", url=fetch.url, record=result.action,
                                 warnings=result.warnings, position=position)
    writer.end_run(run, "complete", finished_at=day.started_at + dt.timedelta(seconds=len(day.fetches)))
    return run


def write_churn(writer: ArchiveWriter, days: Iterator[Day]) -> int:
    """Write every day; returns the number of pages."""
    total = 0
    for day in days:
        write_day(writer, day)
        total += len(day.fetches)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--plan", default="helsinki")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from snapshots.store import Archive

    start = time.perf_counter()
    with Archive(args.db) as archive, archive.bulk():
        total = write_churn(archive, generate(args.plan, args.days, args.seed))
    print(f"wrote {total} pages in {time.perf_counter() - start:.1f} s to {args.db}")


if __name__ == "__main__":
    main()
