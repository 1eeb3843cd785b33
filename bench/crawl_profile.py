"""Where vahti's crawl time goes: one in-process crawl under cProfile, its time split into network (the fetcher),
parse (the parser), store (the archive writer) and the rest (the walk's own bookkeeping, progress, judging).

Each part is the time spent in its code when entered from outside it: for every function of the part, the
cumulative time of the calls made to it from functions that are not, read from the profiler's per-caller figures.
The parts do not call each other (the writer never parses, the parser never fetches), so they add up."""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome, RunOutcome, VersionCause
from scraper.crawl import Crawl
from scraper.fetch import Fetcher, FetchPolicy
from snapshots.interface import Repeat, StoredPage, Validators
from snapshots.store import open_writer

Where = Callable[[str], bool]  # is this file part of it?

PARTS: dict[str, Where] = {
    "network (scraper/fetch.py, httpx)": lambda f: f.endswith("scraper/fetch.py"),
    "parse (scraper/parse.py parse_page and below)": lambda f: f.endswith("scraper/parse.py"),
    "store (snapshots/, the archive writer and DuckDB)": lambda f: "/snapshots/" in f,
}


def _entered(raw: dict[tuple[str, int, str], Any], inside: Where) -> float:
    total = 0.0
    for (file, _line, _func), (_cc, _nc, _tt, _ct, callers) in raw.items():
        if not inside(file):
            continue
        for (caller_file, _l, _f), figures in callers.items():
            if not inside(caller_file):
                total += figures[3]
    return total


def profile_crawl(start_url: str, db: Path, top: int = 14) -> tuple[float, dict[str, float], str]:
    """(wall seconds, seconds per part incl. 'other', the top functions by own time as text). Opening and
    closing the archive count as store; the crawl writes into `db` (run it twice for a re-crawl)."""
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    with open_writer(db) as writer, Fetcher(start_url, FetchPolicy(delay=0.0)) as fetcher:
        Crawl(fetcher, writer, start_url).run()
    prof.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(prof)
    raw: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    parts = {label: _entered(raw, inside) for label, inside in PARTS.items()}
    parts["other (the walk, judging, progress, bookkeeping)"] = max(0.0, wall - sum(parts.values()))
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
