"""Raw page bodies: stored once per SHA-256, and most of them as a small delta against an earlier body of the
same URL; every one comes back byte for byte.

Kausal Watch's current front end makes every response unique (a tracing id in the head, reference 12.5), so a
page nobody edited is a new body every day. Stored whole (zstd) it costs ~19 KB; compressed with the previous
whole body of its URL as a zstd raw-content dictionary it costs ~90 bytes, the tracing id itself.

The rules (tables `body_wholes` and `body_deltas`, and the view over both that researchers query, `bodies`:
`sha256`, `size`, `zstd`, `base`):

- A body whose hash is already stored is not stored again.
- Otherwise it is compressed against its URL's *reference*: the latest body of that URL stored whole. `base` is
  the reference's hash. It is stored whole instead (`base` NULL; it then becomes the URL's reference) when the
  URL has no reference yet, when the reference already serves `CHAIN_LIMIT` deltas, or when the delta is larger
  than `DELTA_MAX` of the reference's compressed size (the page really changed).
- A delta is always against a whole body, never against another delta: reading any page touches at most two
  stored bodies, and a damaged delta loses only its own page, a damaged whole body at most itself and its
  `CHAIN_LIMIT` deltas (128 fetches of one URL: four months of a daily crawl).
- Whole bodies go to `body_wholes`, deltas to `body_deltas`: a crawl appends a delta a page, and DuckDB rewrites
  the last row group of a table it appended to at every checkpoint, which must not be the table of the big blobs.
- Every read is checked against the hash: a damaged body (or reference) is `PageUnreadable` for that page, never
  a wrong page and never a crash of the command that asked.

`restore` is the one decoder and `BodyReader` the one way every reader (crawler resume, reparse, WARC export,
`vahti page`, compaction) gets a stored body back.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import zstandard

from schemas.errors import ArchiveError
from snapshots.interface import StoredPage

#: zstd level of whole bodies written in bulk (imports, benchmarks: what the archive has always used), of whole
#: bodies stored while crawling (a tenth of the time for ~10 % more bytes: 1.3 ms instead of 12 ms for a 135 KB V3
#: page, and only the first fetch of a URL and real changes are stored whole), and of deltas (the delta is mostly
#: the tracing id, incompressible; level 3 is within 5 bytes of level 19 at a twentieth of the time).
WHOLE_LEVEL = 12
CRAWL_LEVEL = 3
DELTA_LEVEL = 3
#: deltas one whole body may serve; whole + deltas = 128 pages at most lost with one damaged whole body
CHAIN_LIMIT = 127
#: a delta above this share of its reference's compressed size is not worth it: store the body whole
DELTA_MAX = 0.10

Con = Callable[[], duckdb.DuckDBPyConnection]


class PageUnreadable(ArchiveError):
    """One stored body cannot be restored (damaged, or its reference is): that page only, with why."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _as_dict(reference: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(reference, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def pack_whole(body: bytes, level: int = WHOLE_LEVEL) -> bytes:
    return zstandard.ZstdCompressor(level=level).compress(body)


def pack_delta(body: bytes, reference: bytes | zstandard.ZstdCompressionDict) -> bytes:
    data = reference if isinstance(reference, zstandard.ZstdCompressionDict) else _as_dict(reference)
    return zstandard.ZstdCompressor(level=DELTA_LEVEL, dict_data=data).compress(body)


def restore(sha256: str, packed: bytes | None, reference: bytes | None = None) -> bytes:
    """The body stored under `sha256`: `packed` decompressed (against `reference`, the whole body named by its
    `base`, when it is a delta), checked against the hash. PageUnreadable when it does not come back intact."""
    if packed is None:
        raise PageUnreadable(f"body {sha256[:12]} is missing from the archive")
    try:
        if reference is None:
            body = zstandard.ZstdDecompressor().decompress(packed)
        else:
            body = zstandard.ZstdDecompressor(dict_data=_as_dict(reference)).decompress(packed)
    except zstandard.ZstdError as exc:
        raise PageUnreadable(f"body {sha256[:12]} is damaged ({exc})") from None
    if sha256_hex(body) != sha256:
        raise PageUnreadable(f"body {sha256[:12]} is damaged (its bytes no longer match its SHA-256)")
    return body


class BodyReader:
    """Reads stored bodies by hash or page id, keeping a few decoded references (reading every page of a run
    decodes each URL's reference once per reader, not once per page)."""

    def __init__(self, con: Con, keep: int = 16) -> None:
        self._con = con
        self._keep = keep
        self._refs: OrderedDict[str, bytes] = OrderedDict()

    @classmethod
    def on(cls, con: duckdb.DuckDBPyConnection) -> BodyReader:
        return cls(lambda: con)

    def body(self, sha256: str) -> bytes:
        """The bytes stored under `sha256` (PageUnreadable when they cannot be restored)."""
        row = self._con().execute("SELECT zstd, base FROM bodies WHERE sha256 = ? LIMIT 1", [sha256]).fetchone()
        if row is None:
            raise PageUnreadable(f"body {sha256[:12]} is missing from the archive")
        packed, base = row
        if base is None:
            return restore(sha256, packed)
        return restore(sha256, packed, self._reference(base, sha256))

    def _reference(self, base: str, of: str) -> bytes:
        if base in self._refs:
            self._refs.move_to_end(base)
            return self._refs[base]
        row = self._con().execute("SELECT zstd FROM body_wholes WHERE sha256 = ?", [base]).fetchone()
        if row is None:
            raise PageUnreadable(f"body {of[:12]} cannot be restored: its reference {base[:12]} is missing")
        try:
            data = restore(base, row[0])
        except PageUnreadable as exc:
            raise PageUnreadable(f"body {of[:12]} cannot be restored: its reference is lost ({exc})") from None
        self._refs[base] = data
        while len(self._refs) > self._keep:
            self._refs.popitem(last=False)
        return data

    def page(self, page_id: int) -> StoredPage:
        """One page row with its body (None when the fetch had none); KeyError when there is no such page."""
        row = self._con().execute(
            "SELECT url, status, headers, sha256 FROM pages WHERE id = ?", [page_id]
        ).fetchone()
        if row is None:
            raise KeyError(f"no page {page_id} in the archive")
        body = self.body(row[3]) if row[3] is not None else None
        return StoredPage(page_id, row[0], row[1], json.loads(row[2] or "{}"), body)


@dataclass
class Reference:
    """A URL's current reference: the whole body its next deltas are compressed against."""

    sha256: str
    packed_size: int
    deltas: int
    body: bytes
    _dict: zstandard.ZstdCompressionDict | None = None

    def as_dict(self) -> zstandard.ZstdCompressionDict:
        if self._dict is None:
            self._dict = _as_dict(self.body)
        return self._dict


@dataclass(frozen=True)
class Packed:
    """How one new body is stored: its compressed bytes, and the reference it is a delta against (None: whole)."""

    packed: bytes
    base: str | None


def choose(body: bytes, reference: Reference | None, level: int = WHOLE_LEVEL) -> Packed:
    """The storage rule: a delta against the reference when it has room and the delta is small; whole otherwise
    (at zstd `level`)."""
    if reference is not None and reference.deltas < CHAIN_LIMIT:
        delta = pack_delta(body, reference.as_dict())
        if len(delta) <= DELTA_MAX * reference.packed_size:
            return Packed(delta, reference.sha256)
    return Packed(pack_whole(body, level), None)


class References:
    """The writer's view of each URL's reference, looked up once per URL and kept current as bodies are stored
    (the writer holds the archive's lock, so nobody else changes them). Call `stored` only after the body's
    transaction committed, and `forget` after a rollback: a reference that never reached the file must never
    be used, or its deltas could not be read."""

    def __init__(self, con: Con, reader: BodyReader, keep: int = 512) -> None:
        self._con = con
        self._reader = reader
        self._keep = keep
        self._by_url: OrderedDict[str, Reference | None] = OrderedDict()
        self._origins: set[str] = set()  # origins whose every reference was learned (`learn`)
        self._with_reference: set[str] = set()  # URLs of those origins that have one (kept or evicted)

    def learn(self, origin: str, references: dict[str, Reference | None]) -> None:
        """The references of every URL of `origin` (read in one go): any other URL of it has none yet."""
        for url, reference in references.items():
            self._remember(url, reference)
        self._with_reference.update(url for url, reference in references.items() if reference is not None)
        self._origins.add(origin)

    def of(self, url: str) -> Reference | None:
        if url in self._by_url:
            self._by_url.move_to_end(url)
            return self._by_url[url]
        if url not in self._with_reference and _origin(url) in self._origins:
            return None
        row = self._con().execute(
            "SELECT b.sha256, octet_length(b.zstd) FROM pages p JOIN body_wholes b ON b.sha256 = p.sha256"
            " WHERE p.url = ? ORDER BY p.id DESC LIMIT 1",
            [url],
        ).fetchone()
        reference: Reference | None = None
        if row is not None:
            try:
                body = self._reader.body(row[0])
            except PageUnreadable:
                body = None  # a damaged reference serves no more deltas: the next body is stored whole
            if body is not None:
                count = self._con().execute("SELECT count(*) FROM body_deltas WHERE base = ?", [row[0]]).fetchone()
                reference = Reference(row[0], int(row[1]), int(count[0]) if count else 0, body)
        self._remember(url, reference)
        return reference

    def stored(self, url: str, sha256: str, body: bytes, packed: Packed) -> None:
        """A body of `url` was committed: a whole one becomes the reference, a delta counts against its base."""
        if packed.base is None:
            self._remember(url, Reference(sha256, len(packed.packed), 0, body))
            self._with_reference.add(url)
            return
        reference = self._by_url.get(url)
        if reference is not None and reference.sha256 == packed.base:
            reference.deltas += 1

    def forget(self) -> None:
        self._by_url.clear()
        self._origins.clear()
        self._with_reference.clear()

    def _remember(self, url: str, reference: Reference | None) -> None:
        self._by_url[url] = reference
        self._by_url.move_to_end(url)
        while len(self._by_url) > self._keep:
            self._by_url.popitem(last=False)


def _origin(url: str) -> str:
    return "/".join(url.split("/", 3)[:3])
