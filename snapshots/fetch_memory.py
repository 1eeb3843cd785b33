"""What the writer needs to know about a site's earlier fetches, read in a few queries instead of several per page.

Storing a fetch compares it with the previous fetch of its URL (`snapshots.noise`) and packs it against the URL's
reference body (`snapshots.bodies`); a page that repeats the previous fetch is read as that fetch's record. Asked
one URL at a time, that is four queries and two body reads per page, which made a re-crawl of an unchanged site
cost as much as the first. Here they are read once per origin (`https://host`), in chunks, when the writer first
stores a page of it; the writer keeps them current from then on, so a URL of a known origin that is not here has
no earlier fetch at all and costs no query.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from snapshots.bodies import PageUnreadable, restore
from snapshots.records import RecordReader, RecordUnreadable

CHUNK = 256

_LAST = (
    "SELECT url, id, status, sha256, headers FROM pages WHERE starts_with(url, ?) AND sha256 IS NOT NULL"
    " AND size IS NOT NULL QUALIFY row_number() OVER (PARTITION BY url ORDER BY id DESC) = 1"
)
_REFS = (
    "SELECT p.url, b.sha256, octet_length(b.zstd) FROM pages p JOIN body_wholes b ON b.sha256 = p.sha256"
    " WHERE starts_with(p.url, ?) QUALIFY row_number() OVER (PARTITION BY p.url ORDER BY p.id DESC) = 1"
)
# list_contains rather than `IN (SELECT unnest(?))`, which costs ~10 ms of planning on any table
_PACKED = "SELECT sha256, zstd, base FROM bodies WHERE list_contains(?::VARCHAR[], sha256)"
_DELTAS = "SELECT base, count(*) FROM body_deltas WHERE list_contains(?::VARCHAR[], base) GROUP BY base"
_OBSERVED = (
    "SELECT o.page_id, o.outcome, o.warnings, v.id, v.record_zstd, v.record_base, v.parser_version, o.front_end"
    " FROM observations o LEFT JOIN action_versions v ON v.id = o.version_id"
    " WHERE list_contains(?::BIGINT[], o.page_id)"
    " QUALIFY row_number() OVER (PARTITION BY o.page_id ORDER BY o.id DESC) = 1"
)


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL with a path; None for anything else (it is then asked about on its own)."""
    parts = url.split("/", 3)
    if len(parts) < 4 or not parts[0].endswith(":") or parts[1] != "":
        return None
    return "/".join(parts[:3])


@dataclass(frozen=True)
class Earlier:
    """One URL of the origin: its last fetch with a body (None: it has none), and its reference body."""

    url: str
    page_id: int | None = None
    status: int | None = None
    sha256: str | None = None
    headers: str | None = None
    body: bytes | None = None  # the last fetch's body (None when it cannot be restored)
    ref_sha256: str | None = None
    ref_packed_size: int = 0
    ref_deltas: int = 0
    ref_body: bytes | None = None


@dataclass(frozen=True)
class Observed:
    """What the last observation of a page said: what `repeat_of` hands back for a page repeating it."""

    outcome: str
    warnings: str | None
    record: bytes | None  # the record's JSON
    parser_version: str | None
    front_end: str | None  # the era sniffed from the page's body


def earlier_fetches(con: duckdb.DuckDBPyConnection, origin: str) -> Iterator[Earlier]:
    """Every URL of `origin` with an earlier fetch or a reference, bodies restored (damaged ones left out: the
    next fetch then counts as new and is stored whole, as it would be asked one at a time)."""
    prefix = origin + "/"
    last = {r[0]: r for r in con.execute(_LAST, [prefix]).fetchall()}
    refs = {r[0]: r for r in con.execute(_REFS, [prefix]).fetchall()}
    urls = sorted(set(last) | set(refs))
    for start in range(0, len(urls), CHUNK):
        chunk = urls[start:start + CHUNK]
        ref_shas = [refs[u][1] for u in chunk if u in refs]
        wanted = ref_shas + [last[u][3] for u in chunk if u in last]
        packed = {r[0]: (r[1], r[2]) for r in con.execute(_PACKED, [sorted(set(wanted))]).fetchall()}
        deltas = dict(con.execute(_DELTAS, [ref_shas]).fetchall()) if ref_shas else {}
        for url in chunk:
            yield _restored(url, last.get(url), refs.get(url), packed, deltas)


def _restored(url: str, last: tuple[Any, ...] | None, ref: tuple[Any, ...] | None,
              packed: dict[str, tuple[bytes, str | None]], deltas: dict[str, int]) -> Earlier:
    ref_sha: str | None = None
    ref_body: bytes | None = None
    ref_size = ref_count = 0
    if ref is not None:
        ref_body = _body(ref[1], packed, None)
        if ref_body is not None:  # a damaged reference serves no more deltas: the next body is stored whole
            ref_sha, ref_size, ref_count = ref[1], int(ref[2]), int(deltas.get(ref[1], 0))
    if last is None:
        return Earlier(url, ref_sha256=ref_sha, ref_packed_size=ref_size, ref_deltas=ref_count, ref_body=ref_body)
    sha = last[3]
    body = ref_body if sha == ref_sha else _body(sha, packed, (ref_sha, ref_body))
    return Earlier(url, int(last[1]), last[2], sha, last[4], body, ref_sha, ref_size, ref_count, ref_body)


def _body(sha: str, packed: dict[str, tuple[bytes, str | None]],
          reference: tuple[str | None, bytes | None] | None) -> bytes | None:
    """A body from its packed bytes: whole, or a delta against the URL's reference. None when it cannot be
    restored here (damaged, or a delta against another URL's body: the caller then reads it the usual way)."""
    row = packed.get(sha)
    if row is None:
        return None
    data, base = row
    try:
        if base is None:
            return restore(sha, data)
        if reference is not None and reference[0] == base and reference[1] is not None:
            return restore(sha, data, reference[1])
    except PageUnreadable:
        return None
    return None


def observed(con: duckdb.DuckDBPyConnection, page_ids: list[int]) -> dict[int, Observed]:
    """The last observation of each page (pages never observed are left out), with its version's record."""
    out: dict[int, Observed] = {}
    reader = RecordReader(con)
    for start in range(0, len(page_ids), CHUNK):
        rows = con.execute(_OBSERVED, [page_ids[start:start + CHUNK]]).fetchall()
        records = _records(reader, [(r[3], r[4], r[5]) for r in rows if r[3] is not None and r[4] is not None])
        for page_id, outcome, warnings, version_id, _packed, _base, parser_version, front_end in rows:
            out[int(page_id)] = Observed(outcome, warnings, records.get(version_id), parser_version, front_end)
    return out


def _records(reader: RecordReader, rows: list[tuple[int, bytes, int | None]]) -> dict[int, bytes]:
    """The records' JSON; a damaged one is left out (its page is then parsed again), never the crawl's end."""
    try:
        return reader.texts(rows)
    except RecordUnreadable:
        out: dict[int, bytes] = {}
        for row in rows:
            with contextlib.suppress(RecordUnreadable):
                out.update(reader.texts([row]))
        return out
