"""`vahti compact`: the archive rewritten into a new file without free blocks, old whole bodies turned into
deltas, checked, then swapped in atomically.

DuckDB never gives a file's free blocks back to the disk: every checkpoint of a crawl (one per page, so readers
get in) leaves some behind, and an upgrade that rebuilds a table frees the old one's. Compaction is the only way
the file shrinks. It also applies the storage rule of `snapshots.bodies` to bodies stored before it existed: a
whole body that has a reference of its URL with room becomes a delta against it (bodies already stored as deltas,
and the whole bodies they depend on, are copied byte for byte). And it puts each action's versions next to each
other (`schema.VERSION_ORDER`): the ZSTD compression of the version tables then stores a version's unchanged
text for a few bytes, where versions appended day by day sit among other actions' versions.

Safety: it holds the write lock, only reads the archive (after a checkpoint), writes `<archive>.compacting` next
to it, and replaces the archive with `os.replace` only after every table other than the bodies compares equal row
for row, every body hash and size is still there, every body it did not re-encode is byte for byte the same,
every delta's reference is stored whole, and every body it re-encoded comes back to its SHA-256. A compact killed or failed at any point before the replace leaves the
archive as it was (and a `.compacting` file the next compact removes). It needs free disk space of about the
archive's size for the new file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.errors import ArchiveError
from snapshots.bodies import CHAIN_LIMIT, DELTA_MAX, BodyReader, PageUnreadable, pack_delta, restore
from snapshots.db import WriteLock, connect_read, connect_write, fsync_dir
from snapshots.schema import VERSION_ORDER, ZSTD_COLUMNS, migrate

SUFFIX = ".compacting"
SRC = "vahti_compact_source"  # the archive, attached read-only to the new file's connection


@dataclass(frozen=True)
class Compacted:
    before: int  # bytes of the file before
    after: int  # and after
    converted: int  # whole bodies now stored as deltas
    damaged: int  # bodies that could not be restored, copied as they were


def free_share(db: Path) -> float:
    """The share of the archive file taken by free blocks, 0..1: what a compaction would give back.

    From DuckDB's `pragma_database_size()`, counted against the file as it is on disk: DuckDB truncates free
    blocks at the end of the file, yet still lists them, so the free blocks inside the file are its whole blocks
    less the used ones."""
    con = connect_read(db)
    try:
        row = con.execute(
            "SELECT block_size, used_blocks FROM pragma_database_size() WHERE database_name = current_database()"
        ).fetchone()
    finally:
        con.close()
    size = db.stat().st_size
    if row is None or not size:
        return 0.0
    block, used = int(row[0]), int(row[1])
    return max(0, size // block - used) * block / size


def work_file(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


def _remove(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def compact(db: Path, *, locked: bool = False, say: Callable[[str], None] | None = None) -> Compacted:
    """Compact `db` in place (see the module). `locked`: the caller already holds the archive's write lock
    (the scheduled job does, for its whole length)."""
    if not db.exists() or db.is_dir():
        raise ArchiveError(f"no archive at {db}")
    lock = None if locked else WriteLock(db)
    if lock is not None:
        lock.acquire()
    try:
        return _compact(db, say or (lambda _line: None))
    finally:
        if lock is not None:
            lock.release()


def _compact(db: Path, say: Callable[[str], None]) -> Compacted:
    out_path = work_file(db)
    _remove(out_path)  # left by a compact that was killed: never part of the archive
    con = connect_write(db)
    try:
        migrate(con, db)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if db.with_name(db.name + ".wal").exists():
        raise ArchiveError(f"{db} still has a write-ahead log after a checkpoint; not compacting it")
    before = db.stat().st_size
    free = shutil.disk_usage(db.parent).free
    if free < before:
        raise ArchiveError(
            f"vahti compact needs about {_mb(before)} of free disk space next to {db} (the archive's size) for the "
            f"new file; only {_mb(free)} is free"
        )
    try:
        out = duckdb.connect(str(out_path))
        try:
            out.execute(f"ATTACH '{_sql_path(db)}' AS {SRC} (READ_ONLY)")
            dst = _name(out)
            converted, damaged = _copy(out, dst)
            _verify(out, dst, converted)
            out.execute(f"DETACH {SRC}")
            out.execute("CHECKPOINT")
        finally:
            out.close()
        if out_path.with_name(out_path.name + ".wal").exists():
            raise ArchiveError(f"{out_path} was not checkpointed; the archive is left as it was")
        with open(out_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(out_path, db)
        fsync_dir(db.parent)
    except duckdb.Error as exc:
        _remove(out_path)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ArchiveError(f"vahti compact failed, the archive is left as it was: {first}") from None
    except BaseException:
        _remove(out_path)
        raise
    after = db.stat().st_size
    say(f"compacted {db}: {_mb(before)} -> {_mb(after)}; {converted} whole bodies now deltas"
        + (f"; {damaged} damaged bodies copied as they were" if damaged else ""))
    return Compacted(before, after, converted, damaged)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _name(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT current_database()").fetchone()
    return f'"{row[0]}"' if row else "main"


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' ORDER BY 1",
        [database.strip('"')],
    ).fetchall()
    return [r[0] for r in rows]


@dataclass
class _Ref:
    sha256: str
    packed_size: int
    deltas: int
    packed: bytes
    body: bytes | None = None


_BODY_TABLES = ("body_wholes", "body_deltas")


def _copy(out: duckdb.DuckDBPyConnection, dst: str) -> tuple[int, int]:
    """Schema, every table as it is, then the bodies: deltas as they are, whole bodies re-encoded where the
    storage rule now makes them deltas. Returns (converted, damaged). Tables are always named with their
    database: the views of one file are never read through the other's connection."""
    out.execute(f"COPY FROM DATABASE {SRC} TO {dst} (SCHEMA)")
    out.execute("BEGIN TRANSACTION")
    for table in _tables(out, SRC):
        if table not in _BODY_TABLES:
            order = f" ORDER BY {VERSION_ORDER}" if table in ZSTD_COLUMNS else ""
            out.execute(f"INSERT INTO {dst}.{table} SELECT * FROM {SRC}.{table}{order}")
    out.execute(f"INSERT INTO {dst}.body_deltas SELECT * FROM {SRC}.body_deltas")
    in_use = dict(out.execute(f"SELECT base, count(*) FROM {SRC}.body_deltas GROUP BY base").fetchall())
    cursor = out.cursor()
    cursor.execute(
        f"SELECT b.sha256, b.size, b.zstd, f.url FROM {SRC}.body_wholes b LEFT JOIN ("
        f" SELECT sha256, min(id) AS first, arg_min(url, id) AS url FROM {SRC}.pages WHERE sha256 IS NOT NULL"
        " GROUP BY sha256) f ON f.sha256 = b.sha256 ORDER BY f.first NULLS LAST, b.sha256"
    )
    wholes, deltas = out.appender("body_wholes"), out.appender("body_deltas")
    refs: OrderedDict[str, _Ref] = OrderedDict()
    converted = damaged = 0
    while batch := cursor.fetchmany(256):
        for sha, size, packed, url in batch:
            ref = refs.get(url) if url is not None else None
            if sha not in in_use and ref is not None and ref.deltas < CHAIN_LIMIT:
                try:
                    body = restore(sha, packed)
                    if ref.body is None:
                        ref.body = restore(ref.sha256, ref.packed)
                except PageUnreadable:
                    damaged += 1
                    wholes.append_row(sha, size, packed)
                    continue
                delta = pack_delta(body, ref.body)
                if len(delta) <= DELTA_MAX * ref.packed_size:
                    deltas.append_row(sha, size, ref.sha256, delta)
                    ref.deltas += 1
                    converted += 1
                    continue
            wholes.append_row(sha, size, packed)
            if url is not None:
                refs[url] = _Ref(sha, len(packed), int(in_use.get(sha, 0)), packed)
                refs.move_to_end(url)
                while len(refs) > 512:
                    refs.popitem(last=False)
    wholes.flush()
    deltas.flush()
    out.execute("COMMIT")
    return converted, damaged


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _verify(out: duckdb.DuckDBPyConnection, dst: str, converted: int) -> None:
    """Every table but the bodies row for row; every body by hash and size, every whole body and every delta
    copied byte for byte, every delta's reference stored whole, every re-encoded body back to its hash.
    ArchiveError (and no swap) on the first difference."""
    tables = _tables(out, SRC)
    if _tables(out, dst) != tables:
        raise ArchiveError("vahti compact: the new file's tables differ; the archive is left as it was")
    views = "SELECT view_name, sql FROM duckdb_views() WHERE database_name = '{}' AND NOT internal ORDER BY 1"
    if out.execute(views.format(SRC)).fetchall() != out.execute(views.format(dst.strip('"'))).fetchall():
        raise ArchiveError("vahti compact: the new file's views differ; the archive is left as it was")
    every_body = "SELECT sha256, size FROM {0}.body_wholes UNION ALL SELECT sha256, size FROM {0}.body_deltas"
    for table in [t for t in tables if t not in _BODY_TABLES] + ["bodies"]:
        for a, b in ((SRC, dst), (dst, SRC)):
            rows = (every_body.format(a), every_body.format(b)) if table == "bodies" else \
                (f"SELECT * FROM {a}.{table}", f"SELECT * FROM {b}.{table}")
            lost = _count(out, f"SELECT count(*) FROM (({rows[0]}) EXCEPT ALL ({rows[1]}))")
            if lost:
                raise ArchiveError(
                    f"vahti compact: {lost} rows of {table} differ in the new file; the archive is left as it was"
                )
    checks = {
        "whole bodies were altered": f"SELECT count(*) FROM {dst}.body_wholes w ANTI JOIN {SRC}.body_wholes s"
                                     " ON s.sha256 = w.sha256 AND s.zstd = w.zstd",
        "deltas were altered": f"SELECT count(*) FROM {dst}.body_deltas d JOIN {SRC}.body_deltas s"
                               " ON s.sha256 = d.sha256 WHERE s.zstd <> d.zstd OR s.base <> d.base",
        "deltas would lose their reference": f"SELECT count(*) FROM {dst}.body_deltas d ANTI JOIN"
                                             f" {dst}.body_wholes w ON w.sha256 = d.base",
    }
    for what, sql in checks.items():
        if _count(out, sql):
            raise ArchiveError(f"vahti compact: {what}; the archive is left as it was")
    changed = [r[0] for r in out.execute(
        f"SELECT sha256 FROM {dst}.body_deltas ANTI JOIN {SRC}.body_deltas USING (sha256)"
    ).fetchall()]
    if len(changed) != converted:
        raise ArchiveError("vahti compact: unexpected re-encoded bodies; the archive is left as it was")
    reader = BodyReader.on(out)
    for sha in changed:
        try:
            reader.body(sha)
        except PageUnreadable as exc:
            raise ArchiveError(f"vahti compact: a re-encoded body does not come back ({exc}); the archive is left"
                               " as it was") from None
