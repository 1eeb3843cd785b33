"""`vahti compact`: a smaller file with everything in it, swapped in only after it checked out; otherwise the
archive is left exactly as it was."""

from __future__ import annotations

import hashlib
import os
import random
from collections import namedtuple
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from typer.testing import CliRunner

from schemas.errors import ArchiveBusy, ArchiveError
from scraper.cli.app import app, load_commands
from snapshots import compact as compact_module
from snapshots.bodies import BodyReader, pack_whole
from snapshots.compact import compact, free_share, work_file
from snapshots.records import RecordReader
from snapshots.store import Archive
from tests.snapshots.helpers import make_action, query, write_run

load_commands()
TABLES = ("runs", "pages", "observations", "action_versions", "action_changes", "schema_version")


def _page(i: int, day: int) -> bytes:
    """A page of some size (its text does not compress away) whose days differ in a tracing-like id only, but
    for a real rewrite of the text on day 6."""
    text = random.Random(i * 100 + (day >= 6)).randbytes(3000).hex()
    return f"<html><head><meta name='x' content='{day:032x}'/></head><body>{text}</body></html>".encode()


def _as_old(db: Path) -> None:
    """Store every body whole again, as an archive of schema 3 had them (the upgrade keeps them so)."""
    con = duckdb.connect(str(db))
    reader = BodyReader.on(con)
    rows = [(sha, size, pack_whole(reader.body(sha)))
            for sha, size in con.execute("SELECT sha256, size FROM body_deltas").fetchall()]
    con.execute("DELETE FROM body_deltas")
    con.executemany("INSERT INTO body_wholes VALUES (?, ?, ?)", rows)
    con.close()


def _content(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out: dict[str, Any] = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
        reader = BodyReader.on(con)
        out["bodies"] = {sha: reader.body(sha) for (sha,) in con.execute("SELECT sha256 FROM bodies").fetchall()}
        return out
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def old(db: Path) -> Path:
    with Archive(db) as archive:
        for day in range(12):
            run = write_run(archive, [make_action(str(i)) for i in range(4)], day)
            for i in range(4):
                archive.store_page(run, f"https://x.example/p/{i}", 200, {}, _page(i, day))
            archive.release()
    _as_old(db)
    return db


def test_compact_keeps_everything_shrinks_the_file_and_turns_old_bodies_into_deltas(old: Path) -> None:
    before = _content(old)
    assert free_share(old) > 0.1  # page-by-page checkpoints and the rewrite above left free blocks
    size = old.stat().st_size
    result = compact(old)
    assert result.converted == 4 * 10  # per URL: day 0 and the rewrite of day 6 stay whole, 10 days are deltas
    assert result.after < size and result.damaged == 0
    assert _content(old) == before
    assert free_share(old) == 0.0
    assert not work_file(old).exists()
    con = duckdb.connect(str(old), read_only=True)
    assert con.execute("SELECT count(*) FROM bodies d JOIN bodies w ON w.sha256 = d.base"
                       " WHERE w.base IS NOT NULL").fetchone() == (0,)
    con.close()
    again = compact(old)  # nothing left to do, and still nothing lost
    assert again.converted == 0 and _content(old) == before


def test_the_cli_says_what_it_did(old: Path) -> None:
    result = CliRunner().invoke(app, ["compact", "--db", str(old)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"compacted {old}: ") and "whole bodies now deltas" in result.output


def test_compact_waits_for_no_crawl(old: Path) -> None:
    with Archive(old), pytest.raises(ArchiveBusy, match="being written by another process"):
        compact(old)


def test_not_enough_disk_space_is_one_line_and_touches_nothing(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compact(old)  # checkpointed, upgraded: from here the file must stay byte for byte
    before = _sha(old)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(compact_module.shutil, "disk_usage", lambda _p: usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(ArchiveError, match=r"needs about .* MB of free disk space next to .* only 0\.0 MB is free"):
        compact(old)
    assert _sha(old) == before and not work_file(old).exists()


def test_a_new_file_that_does_not_check_out_is_never_swapped_in(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compact(old)
    before = _sha(old)
    real_copy = compact_module._copy

    def lossy(out: duckdb.DuckDBPyConnection, dst: str) -> tuple[int, int]:
        done = real_copy(out, dst)
        out.execute(f"DELETE FROM {dst}.observations WHERE id = 3")
        return done

    monkeypatch.setattr(compact_module, "_copy", lossy)
    with pytest.raises(ArchiveError, match="rows of observations differ in the new file; the archive is left"):
        compact(old)
    assert _sha(old) == before and not work_file(old).exists()


def test_a_file_left_by_a_killed_compact_is_ignored_then_removed(old: Path) -> None:
    stale = work_file(old)
    stale.write_bytes(b"half a file")
    before = _content(old)
    with Archive(old):  # the archive itself is unaffected by it
        pass
    compact(old)
    assert not stale.exists() and _content(old) == before


def test_free_share_counts_the_free_blocks_inside_the_file(old: Path) -> None:
    share = free_share(old)
    con = duckdb.connect(str(old), read_only=True)
    block, used = con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchone()  # type: ignore[misc]
    con.close()
    size = os.path.getsize(old)
    assert share == pytest.approx((size // block - used) * block / size)
    compact(old)
    assert free_share(old) == 0.0


def test_compact_puts_each_actions_versions_together_in_zstd_columns(tmp_path: Path) -> None:
    """Days that edit different actions append their versions interleaved; after compact each action's versions are
    next to each other (what lets ZSTD store a repeated record for a few bytes), in columns that use ZSTD, with every
    row and every packed record the same."""
    db = tmp_path / "a.duckdb"
    with Archive(db) as archive:
        for day in range(4):
            write_run(archive, [make_action(i, description=f"Kuvaus {i}, päivä {day}.") for i in ("1", "2", "3")], day)
    before = query(db, "SELECT * FROM action_versions ORDER BY id")
    assert [r[0] for r in query(db, "SELECT identifier FROM action_versions")] != sorted(
        r[0] for r in query(db, "SELECT identifier FROM action_versions"))  # appended day by day: interleaved
    compact(db)
    stored = [r[0] for r in query(db, "SELECT identifier FROM action_versions")]  # physical order, no ORDER BY
    assert stored == sorted(stored)
    assert query(db, "SELECT * FROM action_versions ORDER BY id") == before
    used = {r[0]: r[1] for r in query(db, "SELECT column_name, compression FROM pragma_storage_info('action_versions')"
                                          " WHERE segment_type <> 'VALIDITY' AND compression <> 'Constant'")}
    assert used.get("record") == "ZSTD" and used.get("description") == "ZSTD"
    rows = query(db, "SELECT id, record, record_zstd, record_base FROM action_versions")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert RecordReader(con).decode((r[0], r[2], r[3]) for r in rows) == {r[0]: orjson.loads(r[1]) for r in rows}
    finally:
        con.close()
