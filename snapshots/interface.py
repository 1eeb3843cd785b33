"""The one narrow interface through which the crawler (and benchmarks, and imports) write into the archive.

The crawler never writes SQL; it calls these methods. Each call that stores a page or an observation is its
own transaction, unless it is made inside `together()`: the crawler stores an action page and its observation as
one transaction, so a killed crawl loses at most the page in flight and never keeps a page without what it was
read as. Pages nobody observes (robots.txt, the list, sitemaps) are stored on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome, RunOutcome, VersionCause


@dataclass(frozen=True)
class StoredPage:
    """A raw response as the archive holds it: body is None for a failed fetch; for a 304 it is the body that
    response confirmed (the last 200 of the same URL), so a resumed crawl can re-parse it."""

    page_id: int
    url: str
    status: int | None
    headers: Mapping[str, str]
    body: bytes | None


@dataclass(frozen=True)
class Validators:
    """What a conditional GET needs from the last successful fetch of a URL, plus that fetch's page."""

    etag: str | None
    last_modified: str | None
    page_id: int


@dataclass(frozen=True)
class Repeat:
    """A fetch whose body is the previous fetch of its URL again, but for declared per-request noise
    (`snapshots.noise`): the crawler observes it as `unchanged`. `record` and `warnings` are what that previous
    fetch was read as, when it was read by the parser version asked about (None: parse the page again)."""

    previous_page_id: int
    record: Action | None = None
    warnings: tuple[ParseWarning, ...] = ()


class ArchiveWriter(Protocol):
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
        """Open a run; marks any earlier run of the same site still 'running' as 'interrupted'.
        `cause` labels the versions this run opens ('import' for a WARC, 'backfill' for web-archive captures)."""
        ...

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
        """Store one fetch (raw bytes deduplicated by sha256) and return its page id. A page from a web archive
        has `url` = the original URL, `fetched_at` = the capture time and `capture_url` = the capture it came from."""
        ...

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
        """Record what one action looked like in this run; a record whose hash differs from the current
        version closes that version and opens a new one (cause 'crawl')."""
        ...

    def end_run(
        self,
        run_id: int,
        outcome: RunOutcome,
        reason: str | None = None,
        counts: Mapping[str, int] | None = None,
        finished_at: dt.datetime | None = None,
    ) -> list[str] | None:
        """Close the run. A complete run closes, as gone, every current action it did not observe; a partial
        run records the ones it did not reach as 'not_reached' and closes nothing. Returns the identifiers closed as gone
        (None from writers that do not say)."""
        ...

    def last_interrupted_run(self, site: str, start_url: str) -> int | None:
        """The most recent run of this site that never ended (to resume from)."""
        ...

    def stored_pages(self, run_id: int) -> dict[str, StoredPage]:
        """The pages a run already stored, by URL (the last one per URL), so a resume never refetches them."""
        ...

    def validators(self, site: str) -> dict[str, Validators]:
        """ETag / Last-Modified of the last 200 response per URL of a site, for conditional GET."""
        ...

    def page(self, page_id: int) -> StoredPage:
        """One stored page with its body (for a 304: the body it confirmed; None when the stored body cannot be
        restored, so the crawler fetches it again)."""
        ...

    def repeat_of(self, page_id: int, parser_version: str) -> Repeat | None:
        """Whether the page just stored repeats the previous fetch of its URL but for per-request noise, or is a
        304 confirming it (None: it does not, or there was none), with that fetch's record when `parser_version`
        read it."""
        ...

    def current_hashes(self, scope: tuple[str, str, str]) -> dict[str, str]:
        """identifier -> record hash of every current action of a plan (site, plan_path, language): what the
        crawl's summary counts its records against (new, same, changed)."""
        ...

    def together(self) -> AbstractContextManager[None]:
        """Everything stored inside commits as one transaction, or none of it does (the crawler: an action page
        and its observation). Nothing inside may wait on the network: the file stays held."""
        ...

    def idle(self) -> AbstractContextManager[None]:
        """The caller does not touch the archive inside (the fetcher runs every request and pause in it): the
        writer lets go of the file there when a reader waits for it, or when it stays idle for long, so readers
        get in during a crawl that otherwise keeps the file open."""
        ...
