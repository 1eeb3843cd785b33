"""Where vahti's crawl time goes: one in-process crawl split into network (the fetcher), parse (the parser),
store (every call into the archive writer, its transactions' begin and commit included) and the rest (the walk's
own bookkeeping, judging, progress), each timed at the crawler's own calls so the parts cannot overlap; then
the same crawl again under cProfile for the functions that take the most time of their own.

cProfile's per-caller figures cannot split these parts: context managers and generators are entered through
`next`, a builtin, so a writer call made inside another's `with` block looks like an entry from outside."""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome, RunOutcome, VersionCause
from scraper.crawl import Crawl
from scraper.fetch import Conditional, Expect, Fetcher, FetchPolicy, FetchResult
from scraper.parse import ParseResult, parse_page
from snapshots.interface import ArchiveWriter, Repeat, StoredPage, Validators
from snapshots.store import open_writer

NETWORK, PARSE, STORE, OTHER = ("network (scraper/fetch.py, httpx)", "parse (scraper/parse.py parse_page)",
                                "store (the archive writer: snapshots/, DuckDB)",
                                "other (the walk, judging, progress, bookkeeping)")


class Clock:
    def __init__(self) -> None:
        self.spent = {NETWORK: 0.0, PARSE: 0.0, STORE: 0.0}

    @contextmanager
    def on(self, part: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.spent[part] += time.perf_counter() - start


class TimedFetcher(Fetcher):
    clock: Clock

    def fetch(self, url: str, conditional: Conditional | None = None, expect: Expect = "html", *,
              retry_connect: bool = True) -> FetchResult:
        with self.clock.on(NETWORK):
            return super().fetch(url, conditional, expect, retry_connect=retry_connect)


class TimedWriter:
    """The archive writer with every call timed as store; a `with` block of `together()` or `idle()` counts only
    its entry and exit (BEGIN, COMMIT, the reader handoff), not what the crawler does inside."""

    def __init__(self, writer: ArchiveWriter, clock: Clock) -> None:
        self._writer = writer
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._writer, name)
        if name in ("together", "idle"):
            return lambda: self._timed_block(method())

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self._clock.on(STORE):
                return method(*args, **kwargs)
        return timed

    @contextmanager
    def _timed_block(self, block: AbstractContextManager[None]) -> Iterator[None]:
        with self._clock.on(STORE):
            block.__enter__()
        try:
            yield
        except BaseException as exc:
            with self._clock.on(STORE):
                if not block.__exit__(type(exc), exc, exc.__traceback__):
                    raise
            return
        with self._clock.on(STORE):
            block.__exit__(None, None, None)


def time_crawl(start_url: str, db: Path) -> tuple[float, dict[str, float]]:
    """(wall seconds, seconds per part incl. 'other'), opening and closing the archive counted as store."""
    clock = Clock()

    def parse(body: bytes, url: str) -> ParseResult:
        with clock.on(PARSE):
            return parse_page(body, url)

    start = time.perf_counter()
    with clock.on(STORE):
        archive = open_writer(db)
    try:
        with TimedFetcher(start_url, FetchPolicy(delay=0.0)) as fetcher:
            fetcher.clock = clock
            Crawl(fetcher, TimedWriter(archive, clock), start_url, parse=parse).run()  # type: ignore[arg-type]
    finally:
        with clock.on(STORE):
            archive.close()
    wall = time.perf_counter() - start
    parts = dict(clock.spent)
    parts[OTHER] = max(0.0, wall - sum(parts.values()))
    return wall, parts


def profile_crawl(start_url: str, db: Path, top: int = 14) -> tuple[float, dict[str, float], str]:
    """A crawl into `db` timed by part (`time_crawl`), then the same crawl into a copy of `db` as it was, under
    cProfile: (wall seconds, seconds per part, the top functions by own time as text). Run it twice on one
    `db` for a re-crawl."""
    copy = db.with_name(db.name + ".profiled")
    copy.unlink(missing_ok=True)
    if db.exists():
        copy.write_bytes(db.read_bytes())
    wall, parts = time_crawl(start_url, db)
    prof = cProfile.Profile()
    prof.enable()
    with open_writer(copy) as writer, Fetcher(start_url, FetchPolicy(delay=0.0)) as fetcher:
        Crawl(fetcher, writer, start_url).run()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    header = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    return wall, parts, "\n".join(lines[header:])


class NullWriter:
    """Accepts every archive call and keeps nothing: the crawl with the archive taken out, to show what the
    fetching and parsing alone cost. A complete `ArchiveWriter` (tests/scraper/crawl checks it against the protocol)."""

    def __init__(self) -> None:
        self.pages = 0
        self.parsed = 0

    def begin_run(self, site: str, start_url: str, plan_path: str = "", language: str = "fi",
                  resumed_from: int | None = None, started_at: dt.datetime | None = None,
                  cause: VersionCause = "crawl") -> int:
        return 1

    def store_page(self, run_id: int, url: str, status: int | None, headers: Mapping[str, str], body: bytes | None,
                   fetched_at: dt.datetime | None = None, error: str | None = None,
                   capture_url: str | None = None) -> int:
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
