"""Where vahti's crawl time goes: one in-process crawl under cProfile, its time split into network (the fetcher),
parse (the parser) and store (the archive writer), by the cumulative time of the three entry points the crawler
calls. They do not call each other, so the three shares add up; the rest is the walk's own bookkeeping."""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome, RunOutcome, VersionCause
from scraper.crawl import Crawl
from scraper.fetch import Fetcher, FetchPolicy
from snapshots.interface import Repeat, StoredPage, Validators
from snapshots.store import open_writer

PARTS = {
    "network (scraper/fetch.py Fetcher.fetch)": [("scraper/fetch.py", "fetch")],
    "parse (scraper/parse.py parse_page)": [("scraper/parse.py", "parse_page")],
    "store (snapshots/store.py writer calls)": [("snapshots/store.py", name) for name in
                                                ("begin_run", "store_page", "store_observation", "end_run",
                                                 "__init__", "close", "release", "stored_pages", "validators")],
}


def profile_crawl(start_url: str, db: Path, top: int = 12) -> tuple[float, dict[str, float], str]:
    """(wall seconds, seconds per part incl. 'other', the top functions by own time as text)."""
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    with open_writer(db) as writer, Fetcher(start_url, FetchPolicy(delay=0.0)) as fetcher:
        Crawl(fetcher, writer, start_url).run()
    prof.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(prof)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    parts: dict[str, float] = {}
    for label, keys in PARTS.items():
        parts[label] = sum(ct for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items()
                           if any(file.endswith(f) and func == fn for f, fn in keys))
    total = sum(ct for (file, _l, func), (_c, _n, _t, ct, _cl) in raw.items() if file.endswith("scraper/crawl.py")
                and func == "run")
    parts["other (the walk, progress, bookkeeping)"] = max(0.0, total - sum(parts.values()))
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    header = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    return wall, parts, "\n".join(lines[header:])


class NullWriter:
    """Accepts every archive call and keeps nothing: the crawl with the archive taken out, to show what the
    fetching and parsing alone cost. A complete `ArchiveWriter` (tests/crawl checks it against the protocol)."""

    def __init__(self) -> None:
        self.pages = 0
        self.parsed = 0

    def begin_run(self, site: str, start_url: str, plan_path: str = "", language: str = "fi",
                  resumed_from: int | None = None, started_at: dt.datetime | None = None,
                  cause: VersionCause = "crawl") -> int:
        return 1

    def store_page(self, run_id: int, url: str, status: int | None, headers: Mapping[str, str], body: bytes | None,
                   fetched_at: dt.datetime | None = None, error: str | None = None) -> int:
        self.pages += 1
        return self.pages

    def store_observation(self, run_id: int, page_id: int | None, outcome: ObservationOutcome, *, url: str,
                          identifier: str | None = None, record: Action | None = None, error: str | None = None,
                          reason: str | None = None, warnings: Sequence[ParseWarning] = (),
                          position: int | None = None) -> None:
        self.parsed += outcome == "parsed"

    def end_run(self, run_id: int, outcome: RunOutcome, reason: str | None = None,
                counts: Mapping[str, int] | None = None, finished_at: dt.datetime | None = None) -> None:
        return None

    def last_interrupted_run(self, site: str, start_url: str) -> int | None:
        return None

    def stored_pages(self, run_id: int) -> dict[str, StoredPage]:
        return {}

    def validators(self, site: str) -> dict[str, Validators]:
        return {}

    def page(self, page_id: int) -> StoredPage:
        raise KeyError(page_id)

    def repeat_of(self, page_id: int, parser_version: str) -> Repeat | None:
        return None

    def current_hashes(self, scope: tuple[str, str, str]) -> dict[str, str]:
        return {}

    def together(self) -> AbstractContextManager[None]:
        return nullcontext()

    def idle(self) -> AbstractContextManager[None]:
        return nullcontext()


def crawl_without_archive(start_url: str) -> tuple[int, float]:
    """(action pages parsed, seconds of Crawl.run) with NullWriter, in this process."""
    writer = NullWriter()
    with Fetcher(start_url, FetchPolicy(delay=0.0)) as fetcher:
        start = time.perf_counter()
        Crawl(fetcher, writer, start_url).run()
        seconds = time.perf_counter() - start
    return writer.parsed, seconds
