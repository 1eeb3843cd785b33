"""`vahti runs`, `show`, `sql` and `reparse` through the real Typer app on a real archive."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemas.errors import UsageError, VahtiError
from scraper.cli.app import app, load_commands
from snapshots.store import Archive
from tests.snapshots.helpers import DAY0, SITE, make_action, write_run

load_commands()
runner = CliRunner()


@pytest.fixture
def archive_db(db: Path) -> Path:
    """Day 0: status Ajallaan; day 1 (a partial run): nothing known; day 2: Myöhässä; day 3: action 2 gone."""
    with Archive(db) as archive:
        write_run(archive, [make_action("1"), make_action("2")], 0)
        write_run(archive, [make_action("1")], 1, outcome="partial")
        write_run(archive, [make_action("1", status="Myöhässä"), make_action("2")], 2)
        write_run(archive, [make_action("1", status="Myöhässä")], 3)
    return db


def _fail(*args: str) -> VahtiError:
    """The error main() would turn into one line and its exit code."""
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, VahtiError), result.output
    assert "\n" not in str(result.exception)
    return result.exception


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_runs_json_lists_every_run(archive_db: Path) -> None:
    runs = json.loads(_ok("runs", "--db", str(archive_db), "--format", "json"))
    assert [(r["id"], r["outcome"]) for r in runs] == [(1, "complete"), (2, "partial"), (3, "complete"),
                                                       (4, "complete")]
    assert runs[0]["started_at"] == DAY0.isoformat()
    assert runs[3]["gone"] == 1 and runs[1]["not_reached"] == 1


def test_runs_text_and_csv(archive_db: Path) -> None:
    text = _ok("runs", "--db", str(archive_db))
    assert "partial" in text and text.strip().endswith("(4 rows)")
    rows = list(csv.DictReader(io.StringIO(_ok("runs", "--db", str(archive_db), "--format", "csv"))))
    assert [r["outcome"] for r in rows] == ["complete", "partial", "complete", "complete"]


def _status(*args: str) -> str:
    shown = json.loads(_ok("show", "1", "--db", *args, "--format", "json"))
    return str(shown["record"]["status"]["label"])


def test_show_at_returns_the_version_valid_then(archive_db: Path) -> None:
    db = str(archive_db)
    assert _status(db) == "Myöhässä"
    assert _status(db, "--at", "1") == "Ajallaan"
    assert _status(db, "--at", "3") == "Myöhässä"
    # Day 2's run started 2024-01-03 05:00 Helsinki: on Jan 2 the action was last seen by day 1's partial run.
    assert _status(db, "--at", "2024-01-02") == "Ajallaan"
    assert _status(db, "--at", "2024-01-03") == "Myöhässä"
    assert _status(db, "--at", "2024-01-03T04:59") == "Ajallaan"
    assert _status(db, "--at", "2024-01-03T05:00+02:00") == "Myöhässä"
    text = _ok("show", "1", "--db", db, "--at", "1")
    assert "status:" in text and "Ajallaan" in text and "as of run 1" in text
    # read as a person reads it: tasks as lines, not JSON; empty and missing fields said in words
    assert "  - [done no date] Selvitys tehty" in text and "  - [to do no date] Toteutus" in text
    assert '{"' not in text
    assert "lead: (not shown)" in text


def test_a_date_is_a_helsinki_day(db: Path) -> None:
    late = dt.datetime(2024, 3, 1, 22, 30, tzinfo=dt.UTC)  # 2 March 00:30 in Helsinki
    with Archive(db) as archive:
        run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=late)
        action = make_action("9")
        archive.store_observation(run, None, "parsed", url=action.url, record=action)
        archive.end_run(run, "complete")
    assert _fail("show", "9", "--db", str(db), "--at", "2024-03-01").exit_code == 2
    assert _ok("show", "9", "--db", str(db), "--at", "2024-03-02", "--format", "json")


def test_show_gone_action_and_bad_input(archive_db: Path) -> None:
    gone = json.loads(_ok("show", "2", "--db", str(archive_db), "--format", "json"))
    assert gone["valid_to"] is not None and gone["gone_reason"] == "removed from the chain and the list"
    for args, message in (
        (["show", "1", "--at", "yesterday"], "bad WHEN"),
        (["show", "1", "--at", "2023-12-31"], "nothing was observed by then"),
        (["show", "1", "--at", "99"], "no run 99"),
        (["show", "404"], "no action '404'"),
        (["show", "2", "--at", "4"], "did not exist"),
    ):
        error = _fail(*args, "--db", str(archive_db))
        assert isinstance(error, UsageError) and error.exit_code == 2
        assert message in str(error), (args, error)


def test_sql_formats_and_read_only(archive_db: Path) -> None:
    db = str(archive_db)
    query = "SELECT identifier, field, run_id FROM action_changes ORDER BY id"
    assert json.loads(_ok("sql", query, "--db", db, "--format", "json")) == [
        {"identifier": "1", "field": "status", "run_id": 3}
    ]
    assert _ok("sql", query, "--db", db, "--format", "csv") == "identifier,field,run_id\n1,status,3\n"
    assert "status" in _ok("sql", query, "--db", db)
    for statement in ("DELETE FROM runs", "CREATE TABLE t (x INT)", "SELEC 1"):
        assert _fail("sql", statement, "--db", db).exit_code == 2
    assert "read-only" in str(_fail("sql", "DELETE FROM runs", "--db", db))


def test_reparse_command_reports_per_field(archive_db: Path) -> None:
    """The stored bodies are record JSON, not HTML: the real parser fails on every one, and says so."""
    result = runner.invoke(app, ["reparse", "--db", str(archive_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["examined"] == 1 and report["failed"] == 1 and report["changed"] == 0


def test_errors_reach_the_shell_as_one_line_and_exit_code(archive_db: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from scraper.cli import main; main()", "show", "1", "--at", "soon", "--db",
         str(archive_db)],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: bad WHEN 'soon'") and result.stderr.count("\n") == 1
