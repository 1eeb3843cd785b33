"""Storing one fetch: its page row, its body (once per hash, most often as a delta: `snapshots.bodies`), and
whether it repeats the previous fetch of its URL but for per-request noise (`snapshots.noise`).

A mixin of the writer (`snapshots.store.Archive`), kept apart so each file holds one idea. What the writer knows
of a site's earlier fetches is read once per origin (`snapshots.fetch_memory`) and kept current as pages are
stored; after a rollback it is forgotten and read again (`_forget_pages`): a reference that never reached the
file must never be used for a delta.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import duckdb

from schemas import clock
from schemas.action import Action, ParseWarning
from snapshots.bodies import (
    CRAWL_LEVEL,
    WHOLE_LEVEL,
    BodyReader,
    Packed,
    PageUnreadable,
    Reference,
    References,
    choose,
    sha256_hex,
)
from snapshots.fetch_memory import Observed, earlier_fetches, observed, origin_of
from snapshots.interface import Repeat
from snapshots.ledger import RunStamp
from snapshots.noise import kept_headers, strip_noise


def utc(value: dt.datetime | None) -> dt.datetime:
    """Aware timestamps everywhere; a naive one is taken as UTC (what the crawler's clock means)."""
    if value is None:
        return clock.now()
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Fetch:
    """The last fetch of a URL with a body: what the next fetch of it is compared with."""

    page_id: int
    status: int | None
    sha256: str
    quiet: str  # SHA-256 of the body without its noise, and of the content type it is read with


def _quiet(body: bytes, headers: Mapping[str, str]) -> str:
    """What must be equal for a fetch to repeat another: the body but for its noise, and the declared content
    type (the same bytes under another charset read as another text)."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return sha256_hex(content_type.encode() + b"\n" + strip_noise(body))


def _key(sha: str) -> bytes:
    """A hash as 32 bytes (half the memory of its hex); anything else as it is."""
    try:
        return bytes.fromhex(sha)
    except ValueError:
        return sha.encode()


class PageWriting:
    """`store_page` and `repeat_of` of the writer."""

    _bulk: bool  # provided by the writer: bulk writes (imports, benchmarks) compress whole bodies harder
    _era_by_sha: dict[str, str | None]  # provided by the writer (`FrontEnds`): the era of each body sniffed

    # provided by the writer
    def con(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def _txn(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        raise NotImplementedError

    def _flush(self) -> None:
        raise NotImplementedError

    def run_stamp(self, run_id: int) -> RunStamp:
        raise NotImplementedError

    def _next_id(self, table: str) -> int:
        raise NotImplementedError

    def _insert(self, table: str, row: list[Any]) -> None:
        raise NotImplementedError

    def _note_page(self, page_id: int, sha: str | None, body: bytes | None) -> None:
        raise NotImplementedError

    def _init_pages(self) -> None:
        self.bodies = BodyReader(self.con)
        self._references = References(self.con, self.bodies)
        self._known_bodies: set[bytes] | None = None  # every stored body's hash, loaded on first need
        self._last_fetch: dict[str, _Fetch] = {}
        self._repeats: dict[int, int] = {}
        self._last_sha: dict[tuple[str, str], str] = {}
        self._origins: set[str] = set()  # origins whose earlier fetches are all in `_last_fetch`
        self._observations: dict[int, Observed] = {}  # the last observation of those earlier fetches

    def _forget_pages(self) -> None:
        """After a rollback: nothing remembered may point at rows that are gone."""
        self._references.forget()
        self._known_bodies = None
        self._last_fetch.clear()
        self._last_sha.clear()
        self._origins.clear()
        self._observations.clear()

    def _page_observed(self, page_id: int | None) -> None:
        """A page got a newer observation than the one remembered: `repeat_of` must read it."""
        if page_id is not None:
            self._observations.pop(page_id, None)

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
        run = self.run_stamp(run_id)
        sha: str | None = None
        size: int | None = None
        packed: Packed | None = None
        previous: _Fetch | None = None
        with self._txn() as con:
            if body is not None:
                sha, size = sha256_hex(body), len(body)
                previous = self._previous_fetch(url)
                if not self._stored(sha):
                    packed = choose(body, self._references.of(url), WHOLE_LEVEL if self._bulk else CRAWL_LEVEL)
                    if packed.base is None:
                        con.execute("INSERT INTO body_wholes VALUES (?, ?, ?)", [sha, size, packed.packed])
                    else:
                        con.execute("INSERT INTO body_deltas VALUES (?, ?, ?, ?)", [sha, size, packed.base, packed.packed])
            elif status == 304:
                previous = self._previous_fetch(url)
                sha = self._confirmed_sha(run.site, url, previous)
            page_id = self._next_id("pages")
            self._insert(
                "pages",
                [page_id, run_id, url, utc(fetched_at), status, json.dumps(kept_headers(headers)), sha, size, error,
                 capture_url],
            )
        # committed (in bulk mode: a rollback of the run forgets all of this, see `_forget_pages`)
        if sha is not None and body is not None:
            if self._known_bodies is not None:
                self._known_bodies.add(_key(sha))
            if packed is not None:
                self._references.stored(url, sha, body, packed)
            quiet = _quiet(body, headers)
            if previous is not None and previous.status == status and quiet == previous.quiet:
                self._repeats[page_id] = previous.page_id
            self._last_fetch[url] = _Fetch(page_id, status, sha, quiet)
        if status == 200 and sha is not None:
            self._last_sha[(run.site, url)] = sha
        if status == 304 and previous is not None and sha == previous.sha256:
            # a 304 repeats the fetch whose body it confirmed: its record, and the era sniffed from that body
            self._repeats[page_id] = previous.page_id
            seen = self._observations.get(previous.page_id)
            if seen is not None and sha not in self._era_by_sha:
                self._era_by_sha[sha] = seen.front_end
        self._note_page(page_id, sha, body)
        return page_id

    def _stored(self, sha: str) -> bool:
        """Whether a body is stored: `bodies` has no index (it cost more than a day's delta), so its hashes are read
        once per writer (32 bytes each, ~2 MB a year of a daily 150-action crawl) and kept current."""
        if self._known_bodies is None:
            rows = self.con().execute("SELECT sha256 FROM bodies").fetchall()
            self._known_bodies = {_key(r[0]) for r in rows}
        return _key(sha) in self._known_bodies

    def _previous_fetch(self, url: str) -> _Fetch | None:
        """The last fetch of `url` that received a body (a 304 since then confirmed that same body)."""
        origin = origin_of(url)
        if origin is not None and origin not in self._origins:
            self._learn_origin(origin)
        if url in self._last_fetch:
            return self._last_fetch[url]
        if origin is not None:
            return None  # the origin's earlier fetches are all known: this URL has none
        self._flush()
        row = self.con().execute(
            "SELECT id, status, sha256, headers FROM pages WHERE url = ? AND sha256 IS NOT NULL AND size IS NOT NULL"
            " ORDER BY id DESC LIMIT 1",
            [url],
        ).fetchone()
        if row is None:
            return None
        try:
            quiet = _quiet(self.bodies.body(row[2]), json.loads(row[3] or "{}"))
        except PageUnreadable:
            return None  # nothing to compare with: the fetch counts as new
        fetch = _Fetch(int(row[0]), row[1], row[2], quiet)
        self._last_fetch[url] = fetch
        return fetch

    def _learn_origin(self, origin: str) -> None:
        """Every earlier fetch and reference of the origin's URLs, and what their pages were observed as."""
        self._flush()
        references: dict[str, Reference | None] = {}
        for earlier in earlier_fetches(self.con(), origin):
            if earlier.ref_sha256 is not None and earlier.ref_body is not None:
                references[earlier.url] = Reference(earlier.ref_sha256, earlier.ref_packed_size, earlier.ref_deltas,
                                                    earlier.ref_body)
            if earlier.page_id is None or earlier.sha256 is None or earlier.url in self._last_fetch:
                continue
            body = earlier.body
            if body is None:
                try:
                    body = self.bodies.body(earlier.sha256)  # a delta against another URL's body
                except PageUnreadable:
                    continue  # nothing to compare with: the next fetch counts as new
            quiet = _quiet(body, json.loads(earlier.headers or "{}"))
            self._last_fetch[earlier.url] = _Fetch(earlier.page_id, earlier.status, earlier.sha256, quiet)
        self._references.learn(origin, references)
        self._observations.update(observed(self.con(), [f.page_id for f in self._last_fetch.values()]))
        self._origins.add(origin)

    def _confirmed_sha(self, site: str, url: str, previous: _Fetch | None) -> str | None:
        """A 304 confirms the body of the last 200 for the URL; point at it so the page keeps its body. The last
        fetch with a body, when it was a 200, is that one (no query)."""
        if (site, url) in self._last_sha:
            return self._last_sha[(site, url)]
        if previous is not None and previous.status == 200:
            return previous.sha256
        row = self.con().execute(
            "SELECT p.sha256 FROM pages p JOIN runs r ON r.id = p.run_id WHERE r.site = ? AND p.url = ?"
            " AND p.status = 200 AND p.sha256 IS NOT NULL ORDER BY p.id DESC LIMIT 1",
            [site, url],
        ).fetchone()
        return row[0] if row else None

    def repeat_of(self, page_id: int, parser_version: str) -> Repeat | None:
        """See `snapshots.interface.ArchiveWriter.repeat_of`: the previous fetch's latest observation gives the
        record (its version's) and warnings, when that version was read by `parser_version`."""
        previous = self._repeats.get(page_id)
        if previous is None:
            return None
        seen = self._observations.get(previous)
        if seen is None:
            self._flush()
            seen = observed(self.con(), [previous]).get(previous)
        if seen is None or seen.outcome not in ("parsed", "unchanged") or seen.record is None \
                or seen.parser_version != parser_version:
            return Repeat(previous)
        warnings = tuple(ParseWarning.model_validate(w) for w in json.loads(seen.warnings or "[]"))
        return Repeat(previous, Action.model_validate_json(seen.record), warnings)
