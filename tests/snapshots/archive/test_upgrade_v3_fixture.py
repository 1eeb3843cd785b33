"""An archive written by the vahti of schema 3 (every body whole, bodies keyed by a primary key) upgrades in place
and loses nothing: every page comes back byte for byte, every run, observation and version is as it was; new
bodies become deltas at once, old ones on `vahti compact`.

The fixture (`fixtures/v3_archive.duckdb.gz`, made by `fixtures/make_v3_archive.py` at commit ab707ed) holds V3
pages that differ only in their tracing tags, V2 pages confirmed by 304s, and real edits.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from scraper.cli.app import app, load_commands
from snapshots.bodies import BodyReader
from snapshots.compact import compact
from snapshots.queries import open_reader
from snapshots.records import RecordReader
from snapshots.schema import SCHEMA_VERSION
from snapshots.store import Archive
from tests.snapshots.helpers import query

FIXTURE = Path(__file__).parent / "fixtures" / "v3_archive.duckdb.gz"
TABLES = ("runs", "observations", "action_versions", "action_changes")
load_commands()


@pytest.fixture
def old(tmp_path: Path) -> Path:
    db = tmp_path / "old.duckdb"
    with gzip.open(FIXTURE, "rb") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return db




#: what the upgrade itself rewrites: the known meaning moves to each action's newest version (schema 6), and the
#: packed copy of each record is new (schema 7, checked against `record` by `_records_intact`)
REWRITTEN = ("meaning", "record_zstd", "record_base")


def _columns(db: Path, table: str) -> str:
    names = [r[0] for r in query(db, f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}'"
                                     " ORDER BY column_index")]
    return ", ".join(f'"{n}"' for n in names if n not in REWRITTEN)


def _records_intact(db: Path) -> int:
    """Every version's packed record is its `record`, and the known meaning is where the writer reads it."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT id, record, record_zstd, record_base FROM action_versions").fetchall()
        packed = RecordReader(con).decode((r[0], r[2], r[3]) for r in rows)
        assert {r[0]: json.loads(r[1]) for r in rows} == packed
        stray = con.execute(
            "SELECT count(*) FROM action_versions v WHERE meaning IS NOT NULL AND id < (SELECT max(id) FROM"
            " action_versions w WHERE (w.site, w.plan_path, w.language, w.identifier) = (v.site, v.plan_path,"
            " v.language, v.identifier))"
        ).fetchone()
        assert stray == (0,)
        return len(rows)
    finally:
        con.close()


def _snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything but the bodies, row for row (pages without the body, which is checked by hash)."""
    out = {t: query(db, f"SELECT {_columns(db, t)} FROM {t} ORDER BY id") for t in TABLES}
    out["pages"] = query(db, "SELECT id, run_id, url, fetched_at, status, headers, sha256, size, error FROM pages"
                             " ORDER BY id")
    return out


def _all_pages_intact(db: Path) -> int:
    """Every page with a body comes back through the one reader, its bytes matching its SHA-256."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        reader = BodyReader.on(con)
        rows = con.execute("SELECT id, sha256, size FROM pages WHERE sha256 IS NOT NULL ORDER BY id").fetchall()
        for page_id, sha, size in rows:
            body = reader.page(page_id).body
            assert body is not None and hashlib.sha256(body).hexdigest() == sha, page_id
            assert size is None or len(body) == size
        return len(rows)
    finally:
        con.close()


def test_the_fixture_is_a_schema_3_archive(old: Path) -> None:
    assert query(old, "SELECT max(version) FROM schema_version") == [(3,)]
    assert "PRIMARY KEY" in query(old, "SELECT sql FROM duckdb_tables() WHERE table_name = 'bodies'")[0][0]
    assert FIXTURE.stat().st_size < 300_000


def test_a_reader_upgrades_it_and_nothing_is_lost(old: Path) -> None:
    before = _snapshot(old)
    hashes = {sha for (sha,) in query(old, "SELECT sha256 FROM bodies")}
    with open_reader(old) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
    assert _snapshot(old) == before
    assert _records_intact(old) == len(before["action_versions"])
    assert {sha for (sha,) in query(old, "SELECT sha256 FROM bodies")} == hashes
    assert query(old, "SELECT count(*) FROM bodies WHERE base IS NOT NULL") == [(0,)]  # old bodies stay whole
    assert _all_pages_intact(old) == len(before["pages"])  # every fetch of the fixture has a body (304s: confirmed)


def test_new_bodies_are_deltas_at_once_and_compact_converts_the_old(old: Path) -> None:
    before = _snapshot(old)
    url, sha, headers = query(old, "SELECT p.url, p.sha256, p.headers FROM pages p WHERE p.url LIKE '%/actions/a%'"
                                   " ORDER BY p.id DESC LIMIT 1")[0]
    with Archive(old) as archive:  # the writer upgrades it first
        body = archive.bodies.body(sha)
        # a third fetch of the V3 page, as the front end would send it: only the tracing id differs
        start = body.index(b'<meta name="sentry-trace" content="') + len(b'<meta name="sentry-trace" content="')
        again = body[:start] + b"0" * 32 + body[start + 32:]
        run = archive.begin_run("127.0.0.1", url.rsplit("/actions", 1)[0] + "/actions")
        page = archive.store_page(run, url, 200, json.loads(headers), again)
        repeat = archive.repeat_of(page, "any")
        assert repeat is not None
        archive.end_run(run, "partial")
    base = query(old, f"SELECT base FROM bodies WHERE sha256 = '{hashlib.sha256(again).hexdigest()}'")
    assert base == [(_latest_whole(old, url),)]
    written = _snapshot(old)
    assert written["pages"][: len(before["pages"])] == before["pages"]
    assert written["action_versions"] == before["action_versions"]

    old_wholes = query(old, "SELECT count(*) FROM bodies WHERE base IS NULL")[0][0]
    result = compact(old)
    assert result.converted > 0 and result.damaged == 0
    assert query(old, "SELECT count(*) FROM bodies WHERE base IS NULL")[0][0] == old_wholes - result.converted
    assert _snapshot(old) == written
    assert _all_pages_intact(old) == len(written["pages"])
    # reading any page touches at most two bodies: every delta is against a body stored whole
    assert query(old, "SELECT count(*) FROM bodies d JOIN bodies w ON w.sha256 = d.base WHERE w.base IS NOT NULL") \
        == [(0,)]


def _latest_whole(db: Path, url: str) -> str:
    rows = query(db, f"SELECT b.sha256 FROM pages p JOIN bodies b ON b.sha256 = p.sha256 WHERE p.url = '{url}'"
                     " AND b.base IS NULL ORDER BY p.id DESC LIMIT 1")
    return str(rows[0][0])


def test_vahti_page_reads_the_upgraded_fixture(old: Path, tmp_path: Path) -> None:
    url, sha = query(old, "SELECT url, sha256 FROM pages WHERE status = 304 ORDER BY id LIMIT 1")[0]
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["page", url, "--out", str(out), "--db", str(old)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha  # a 304: the body it confirmed
