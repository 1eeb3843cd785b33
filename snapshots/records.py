"""Records packed for reading one at a time: `action_versions.record_zstd`, beside the `record` JSON that SQL reads.

Why twice. `record` is ZSTD-compressed by DuckDB (snapshots/schema.py, v6): about a hundred bytes a version once
compacted, and plain JSON to every SQL client, which scans it fast. But DuckDB compresses 2,048 values together,
and reading one record decompresses all of them (about 7 MB for a 150-action plan's year): a history, a plan as
of a date or the previous record of one action would each cost that much. `record_zstd` is the same JSON packed
on its own, so a reader decompresses only what it asks for (bench/RESULTS.md has both measured).

The rule mirrors the one of page bodies (`snapshots/bodies.py`): a version's record is compressed with zstd,
whole for an action's *keyframe*, otherwise as a delta against the action's latest keyframe (a raw-content
dictionary; `record_base` names the keyframe's version id). A new keyframe starts when a delta would be larger
than `DELTA_MAX` of the keyframe's packed size or the keyframe already serves `CHAIN_LIMIT` deltas. Reading any
record touches at most two packed records, and a damaged keyframe loses at most its own `CHAIN_LIMIT` deltas
(which `record` still holds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import orjson
import zstandard

from schemas.errors import ArchiveError

#: records are small (about 4 KB) and written once a change: the highest level costs ~2 ms a version
LEVEL = 19
DELTA_MAX = 0.5
CHAIN_LIMIT = 64


class RecordUnreadable(ArchiveError):
    """A packed record does not come back (damaged, or its keyframe is)."""


@dataclass
class Keyframe:
    """An action's latest whole packed record, as the writer needs it for the next delta."""

    version_id: int
    raw: bytes
    packed_size: int
    deltas: int


def _dictionary(raw: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def pack(raw: bytes, key: Keyframe | None) -> tuple[bytes, bool]:
    """(packed, whole): a delta against `key` when that is worth it, else the record whole."""
    if key is not None and key.deltas < CHAIN_LIMIT:
        delta = zstandard.ZstdCompressor(level=LEVEL, dict_data=_dictionary(key.raw), write_content_size=True,
                                         write_checksum=True).compress(raw)
        if len(delta) <= DELTA_MAX * key.packed_size:
            return delta, False
    return zstandard.ZstdCompressor(level=LEVEL, write_checksum=True).compress(raw), True


def unpack(packed: bytes, key_raw: bytes | None) -> bytes:
    try:
        if key_raw is None:
            return zstandard.ZstdDecompressor().decompress(packed)
        return zstandard.ZstdDecompressor(dict_data=_dictionary(key_raw)).decompress(packed)
    except zstandard.ZstdError as exc:
        raise RecordUnreadable(f"a stored record is damaged ({exc})") from None


class Packer:
    """The writer's side: each action's keyframe, loaded from the archive when first needed."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str, str, str], Keyframe | None] = {}

    def pack(
        self, con: duckdb.DuckDBPyConnection, action: tuple[str, str, str, str], version_id: int, raw: bytes,
        latest_id: int | None,
    ) -> tuple[bytes, int | None]:
        """(record_zstd, record_base) of a new version of `action`, whose newest stored version is `latest_id`."""
        if action not in self._keys:
            self._keys[action] = _load_key(con, latest_id) if latest_id is not None else None
        key = self._keys[action]
        packed, whole = pack(raw, key)
        if whole or key is None:
            self._keys[action] = Keyframe(version_id, raw, len(packed), 0)
            return packed, None
        key.deltas += 1
        return packed, key.version_id

    def forget(self) -> None:
        self._keys.clear()


def _load_key(con: duckdb.DuckDBPyConnection, version_id: int) -> Keyframe | None:
    """The keyframe the version `version_id` belongs to, with how many deltas it serves."""
    row = con.execute(
        "SELECT coalesce(record_base, id) FROM action_versions WHERE id = ?", [version_id]
    ).fetchone()
    if row is None:
        return None
    key_id = int(row[0])
    found = con.execute(
        "SELECT record_zstd, (SELECT count(*) FROM action_versions WHERE record_base = ?) FROM action_versions"
        " WHERE id = ?",
        [key_id, key_id],
    ).fetchone()
    if found is None or found[0] is None:
        return None
    try:
        raw = unpack(found[0], None)
    except RecordUnreadable:
        return None  # the next version starts a new keyframe
    return Keyframe(key_id, raw, len(found[0]), int(found[1]))


class RecordReader:
    """Reads records by version id, each keyframe decompressed once per reader."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._keys: dict[int, bytes] = {}
        self._records: dict[int, dict[str, Any]] = {}

    def decode(self, rows: Iterable[tuple[int, bytes | None, int | None]]) -> dict[int, dict[str, Any]]:
        """{version id: record} for rows of (id, record_zstd, record_base). Records already decoded by this
        reader are not decoded again (a diff reads most versions of both runs twice)."""
        rows = list(rows)
        fresh = self.texts(r for r in rows if r[0] not in self._records)
        # orjson: parsing the records was the largest part of a plan-as-of read with the stdlib parser
        self._records.update((vid, orjson.loads(raw)) for vid, raw in fresh.items())
        return {r[0]: self._records[r[0]] for r in rows}

    def texts(self, rows: Iterable[tuple[int, bytes | None, int | None]]) -> dict[int, bytes]:
        """{version id: the record's JSON text} for rows of (id, record_zstd, record_base)."""
        rows = list(rows)
        whole = {vid: packed for vid, packed, base in rows if base is None and packed is not None}
        for vid, packed in whole.items():
            if vid not in self._keys:
                self._keys[vid] = unpack(packed, None)
        missing = sorted({base for _, _, base in rows if base is not None and base not in self._keys})
        if missing:  # list_contains: `IN (SELECT unnest(?))` costs ~10 ms of planning on any table
            found = self._con.execute(
                "SELECT id, record_zstd FROM action_versions WHERE list_contains(?::BIGINT[], id)", [missing]
            ).fetchall()
            for vid, packed in found:
                if packed is None:
                    raise RecordUnreadable(f"the keyframe of version {vid} is missing")
                self._keys[int(vid)] = unpack(packed, None)
        out: dict[int, bytes] = {}
        for vid, data, base in rows:
            if data is None:
                raise RecordUnreadable(f"version {vid} has no packed record")
            if base is None:
                raw = self._keys[vid]
            elif base in self._keys:
                raw = unpack(data, self._keys[base])
            else:
                raise RecordUnreadable(f"version {vid} cannot be restored: its keyframe {base} is missing")
            out[vid] = raw
        return out

    def of_ids(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """{version id: record} for versions by id (those this reader decoded before are not read again)."""
        wanted = sorted({i for i in ids if i not in self._records})
        if wanted:
            rows = self._con.execute(
                "SELECT id, record_zstd, record_base FROM action_versions WHERE list_contains(?::BIGINT[], id)",
                [wanted],
            ).fetchall()
            self.decode((int(r[0]), r[1], r[2]) for r in rows)
        return self._records

    def one(self, version_id: int) -> dict[str, Any]:
        row = self._con.execute(
            "SELECT id, record_zstd, record_base FROM action_versions WHERE id = ?", [version_id]
        ).fetchone()
        if row is None:
            raise RecordUnreadable(f"no version {version_id} in the archive")
        return self.decode([(int(row[0]), row[1], row[2])])[version_id]


def repack(con: duckdb.DuckDBPyConnection, site: str | None = None) -> int:
    """Pack `record` into `record_zstd`/`record_base` for every version (of one site), each action's versions in
    id order: for archives written before the column existed and for versions rebuilt by an import. Returns how
    many versions were packed. The caller holds the transaction."""
    rows = con.execute(
        "SELECT id, site, plan_path, language, identifier, record FROM action_versions"
        + (" WHERE site = ?" if site else "") + " ORDER BY site, plan_path, language, identifier, id",
        [site] if site else [],
    ).fetchall()
    keys: dict[tuple[str, str, str, str], Keyframe] = {}
    ids: list[int] = []
    blobs: list[bytes] = []
    bases: list[int | None] = []
    for vid, s, p, lang, ident, record in rows:
        action = (s, p, lang, ident)
        raw = record.encode("utf-8")
        key = keys.get(action)
        packed, whole = pack(raw, key)
        if whole or key is None:
            keys[action] = Keyframe(int(vid), raw, len(packed), 0)
            bases.append(None)
        else:
            key.deltas += 1
            bases.append(key.version_id)
        ids.append(int(vid))
        blobs.append(packed)
    if ids:
        con.execute(
            "UPDATE action_versions SET record_zstd = u.z, record_base = u.b FROM (SELECT unnest(?::BIGINT[]) AS id,"
            " unnest(?::BLOB[]) AS z, unnest(?::BIGINT[]) AS b) u WHERE action_versions.id = u.id",
            [ids, blobs, bases],
        )
    return len(ids)
