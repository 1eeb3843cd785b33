"""One archive, several crawls at once: the crawls take turns at the one writer.

DuckDB allows one read-write connection per file, and the archive's writer (`snapshots.store.Archive`) keeps
per-run state that is not safe to touch from two threads at once. The crawls of `vahti crawl --sites` and
`vahti ci` run side by side in threads (their time goes to network waits and politeness pauses) and each calls the
same `ArchiveWriter` interface through this proxy: every call takes the writer's turn, a `together()` block keeps it
to the end of the block, so a page and its observation stay one transaction that no other site's write can enter.

The readers' rule needs the file let go between writes. With one crawl the crawler marks its idle stretches
(`ArchiveWriter.idle`, around every request and pause); with several, the file is idle exactly when no crawl holds
the turn, so the proxy leaves the writer idle whenever the turn is free and takes it out of idle only for a call.
A reader that raised its hand (`snapshots.handoff`) is let in before the next turn starts, so a stream of writes
from six crawls cannot starve it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome, RunOutcome, VersionCause
from snapshots.handoff import SERVE_SECONDS, WATCH_STEP
from snapshots.interface import Repeat, StoredPage, Validators
from snapshots.store import Archive


class SharedWriter:
    """The `ArchiveWriter` interface over one `Archive`, safe to call from several crawl threads."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._idle: AbstractContextManager[None] | None = None
        self._closed = False
        self._go_idle()

    # --- the turn ------------------------------------------------------------------------------------------
    def _go_idle(self) -> None:
        self._idle = self.archive.idle()
        self._idle.__enter__()

    def _leave_idle(self) -> None:
        if self._idle is not None:
            idle, self._idle = self._idle, None
            idle.__exit__(None, None, None)  # waits while the watcher has let a reader in

    def _make_way(self) -> None:
        """Before taking the file back: a reader waiting for it goes first (the watcher lets go while we are idle)."""
        deadline = time.monotonic() + SERVE_SECONDS
        while self.archive.readers_waiting() and time.monotonic() < deadline:
            time.sleep(WATCH_STEP)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        if self._owner == threading.get_ident():  # nested: a call inside this thread's together()
            yield
            return
        with self._mutex:
            if self._closed:
                raise RuntimeError("the shared archive writer is closed")
            self._make_way()
            self._leave_idle()
            self._owner = threading.get_ident()
            try:
                yield
            finally:
                self._owner = None
                self._go_idle()

    def close(self) -> None:
        """Close the archive (every crawl has ended): the last checkpoint happens here."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            self._leave_idle()
            self.archive.close()

    def __enter__(self) -> SharedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the ArchiveWriter interface -----------------------------------------------------------------------
    @contextmanager
    def together(self) -> Iterator[None]:
        with self._turn(), self.archive.together():
            yield

    @contextmanager
    def idle(self) -> Iterator[None]:
        """Nothing to do: outside a turn the writer is idle already."""
        yield

    def begin_run(
        self,
        site: str,
        start_url: str,
        plan_path: str = "",
        language: str = "fi",
        resumed_from: int | None = None,
        started_at: dt.datetime | None = None,
        cause: VersionCause = "crawl",
    ) -> int:
        with self._turn():
            return self.archive.begin_run(site, start_url, plan_path, language, resumed_from, started_at, cause)

    def store_page(
        self,
        run_id: int,
        url: str,
        status: int | None,
        headers: Mapping[str, str],
        body: bytes | None,
        fetched_at: dt.datetime | None = None,
        error: str | None = None,
        capture_url: str | None = None,
    ) -> int:
        with self._turn():
            return self.archive.store_page(run_id, url, status, headers, body, fetched_at, error, capture_url)

    def store_observation(
        self,
        run_id: int,
        page_id: int | None,
        outcome: ObservationOutcome,
        *,
        url: str,
        identifier: str | None = None,
        record: Action | None = None,
        error: str | None = None,
        reason: str | None = None,
        warnings: Sequence[ParseWarning] = (),
        position: int | None = None,
    ) -> None:
        with self._turn():
            self.archive.store_observation(run_id, page_id, outcome, url=url, identifier=identifier, record=record,
                                           error=error, reason=reason, warnings=warnings, position=position)

    def end_run(
        self,
        run_id: int,
        outcome: RunOutcome,
        reason: str | None = None,
        counts: Mapping[str, int] | None = None,
        finished_at: dt.datetime | None = None,
    ) -> list[str]:
        with self._turn():
            return self.archive.end_run(run_id, outcome, reason, counts, finished_at)

    def last_interrupted_run(self, site: str, start_url: str) -> int | None:
        with self._turn():
            return self.archive.last_interrupted_run(site, start_url)

    def stored_pages(self, run_id: int) -> dict[str, StoredPage]:
        with self._turn():
            return self.archive.stored_pages(run_id)

    def validators(self, site: str) -> dict[str, Validators]:
        with self._turn():
            return self.archive.validators(site)

    def page(self, page_id: int) -> StoredPage:
        with self._turn():
            return self.archive.page(page_id)

    def repeat_of(self, page_id: int, parser_version: str) -> Repeat | None:
        with self._turn():
            return self.archive.repeat_of(page_id, parser_version)

    def current_hashes(self, scope: tuple[str, str, str]) -> dict[str, str]:
        with self._turn():
            return self.archive.current_hashes(scope)
