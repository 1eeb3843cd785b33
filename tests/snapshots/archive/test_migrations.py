"""Schema versions: older archives upgrade in place, newer and foreign files are refused untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from schemas.errors import ArchiveError
from scraper.cli.app import app, load_commands
from snapshots.queries import open_reader
from snapshots.schema import SCHEMA_VERSION, migrate
from snapshots.store import Archive
from tests.snapshots.helpers import make_action, write_run

load_commands()
runner = CliRunner()


def _v1_archive(db: Path) -> None:
    """An archive as the first schema left it, holding one version written by that schema's columns."""
    con = duckdb.connect(str(db))
    assert migrate(con, db, upto=1) == 1
    record = make_action("5", tasks=[("done", "a"), ("done", "b"), ("in_progress", "c")]).model_dump(mode="json")
    con.execute(
        "INSERT INTO runs (id, site, plan_path, language, start_url, started_at, outcome) VALUES"
        " (1, ?, '', 'fi', 'https://x/actions', ?, 'complete')",
        [record["site"], dt.datetime(2023, 5, 1, tzinfo=dt.UTC)],
    )
    con.execute(
        "INSERT INTO action_versions (id, site, plan_path, language, identifier, valid_from, first_run, last_run,"
        " record_hash, parser_version, cause, record, name) VALUES (1, ?, '', 'fi', '5', ?, 1, 1, ?, '0.9', 'crawl',"
        " ?, ?)",
        [record["site"], dt.datetime(2023, 5, 1, tzinfo=dt.UTC), make_action("5").record_hash(),
         json.dumps(record), record["name"]],
    )
    con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_v1_archive_is_migrated_by_the_writer(db: Path) -> None:
    _v1_archive(db)
    with Archive(db) as archive:
        write_run(archive, [make_action("6")], 0)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT max(version), count(*) FROM schema_version").fetchone() == (SCHEMA_VERSION, SCHEMA_VERSION)
    counts = con.execute("SELECT tasks_total, tasks_done, tasks_in_progress, tasks_todo FROM action_versions"
                         " WHERE identifier = '5'").fetchone()
    con.close()
    assert counts == (3, 2, 1, 0)


def test_a_v1_archive_is_migrated_by_a_reader(db: Path) -> None:
    _v1_archive(db)
    with open_reader(db) as con:
        assert con.execute("SELECT identifier, tasks_done FROM actions_current").fetchall() == [("5", 2)]
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)


def test_a_newer_archive_is_refused_and_left_untouched(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1")], 0)
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_version VALUES (?, now(), 'from the future')", [SCHEMA_VERSION + 1])
    con.close()
    before = _sha(db)
    with pytest.raises(ArchiveError, match=f"schema v{SCHEMA_VERSION + 1}, newer than this vahti"):
        Archive(db)
    for args in (["runs"], ["reparse"], ["sql", "SELECT 1"]):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 1
        assert isinstance(result.exception, ArchiveError)
    assert _sha(db) == before


@pytest.mark.parametrize("content", [os.urandom(4096), b"", b"DUCK" * 10_000])
def test_a_file_that_is_no_archive_is_one_line_error(db: Path, content: bytes) -> None:
    db.write_bytes(content)
    before = _sha(db)
    with pytest.raises(ArchiveError) as caught, open_reader(db):
        pass
    assert "\n" not in str(caught.value)
    if content:
        with pytest.raises(ArchiveError):
            Archive(db)
        assert _sha(db) == before


def test_a_duckdb_file_of_someone_else_is_refused(db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE stuff (x INTEGER)")
    con.close()
    with pytest.raises(ArchiveError, match="not a vahti archive"):
        Archive(db)
