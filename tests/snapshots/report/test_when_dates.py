"""A date in WHEN is the plan as last seen on or before it, from every kind of run.

The archive holds only partial runs of imported captures (as a backfill from a web archive makes: a capture never
proves another action missing), so no complete run exists to land a date on. Each action must be given as its
latest observation by the date that showed it or removed it: a fetch or parse failure later changes nothing, a
404 removes it until it comes back, an action first captured later is absent. `show --at`, `export --at` (JSON
Lines, CSV, Parquet) and `diff --from/--to` read dates that way; a run id still means that run.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from schemas.action import Action
from schemas.errors import UsageError, VahtiError
from scraper.cli.app import app, load_commands
from snapshots.store import Archive
from tests.snapshots.helpers import DAY0, SITE, body_of, make_action

load_commands()
runner = CliRunner()

#: DAY0 is 2024-01-01 05:00 in Helsinki; run n of the fixture began on DAY0 + 2 × (n - 1) days.
DAYS = {1: "2024-01-01", 2: "2024-01-03", 3: "2024-01-05", 4: "2024-01-07"}


def _capture(archive: Archive, run: int, action: Action, position: int) -> None:
    page = archive.store_page(run, action.url, 200, {}, body_of(action))
    archive.store_observation(run, page, "parsed", url=action.url, record=action, position=position)


def _run(archive: Archive, day: int, language: str = "fi", cause: Any = "import") -> int:
    return archive.begin_run(SITE, f"https://{SITE}/actions", language=language,
                             started_at=DAY0 + dt.timedelta(days=day), cause=cause)


@pytest.fixture
def captures(tmp_path: Path) -> Path:
    """Run 1 (1 Jan): actions 1 (Ajallaan) and 2. Run 2 (3 Jan): 1 is late, 3 appears. Run 3 (5 Jan): 2 is a 404,
    1 fails to fetch. Run 4 (7 Jan): 2 is back renamed, 1's page fails to parse. All partial imports."""
    db = tmp_path / "vahti.duckdb"
    with Archive(db) as archive:
        run = _run(archive, 0)
        _capture(archive, run, make_action("1"), 0)
        _capture(archive, run, make_action("2"), 1)
        archive.end_run(run, "partial")
        run = _run(archive, 2)
        _capture(archive, run, make_action("1", status="Myöhässä"), 0)
        _capture(archive, run, make_action("3"), 1)
        archive.end_run(run, "partial")
        run = _run(archive, 4)
        url = f"https://{SITE}/actions/2"
        page = archive.store_page(run, url, 404, {}, b"not found")
        archive.store_observation(run, page, "gone", url=url, identifier="2", reason="404")
        archive.store_observation(run, None, "fetch_failed", url=f"https://{SITE}/actions/1", identifier="1",
                                  error="timeout")
        archive.end_run(run, "partial")
        run = _run(archive, 6)
        _capture(archive, run, make_action("2", name="Toimenpide 2 uudelleen"), 0)
        page = archive.store_page(run, f"https://{SITE}/actions/1", 200, {}, b"<html>broken</html>")
        archive.store_observation(run, page, "parse_failed", url=f"https://{SITE}/actions/1", identifier="1",
                                  error="no heading")
        archive.end_run(run, "partial")
    return db


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _fail(*args: str) -> VahtiError:
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, VahtiError), result.output
    assert "\n" not in str(result.exception)
    return result.exception


def _show(db: Path, ident: str, at: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_ok("show", ident, "--at", at, "--format", "json", "--db", str(db)))
    return data


def _export(db: Path, at: str, tmp: Path) -> dict[str, dict[str, Any]]:
    out = tmp / "plan.jsonl"
    _ok("export", "--format", "jsonl", "--out", str(out), "--at", at, "--db", str(db))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r["identifier"]: r for r in rows}


def _diff(db: Path, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_ok("diff", "--format", "json", "--db", str(db), *args))
    return data


def _changes(diff: dict[str, Any]) -> dict[str, str]:
    return {c["identifier"]: c["change"] for c in diff["changes"]}


def _run_start(run: int) -> str:
    return (DAY0 + dt.timedelta(days=2 * (run - 1))).isoformat()


def test_show_gives_each_action_as_last_seen_by_the_date(captures: Path) -> None:
    one = _show(captures, "1", DAYS[1])
    assert one["record"]["status"]["label"] == "Ajallaan"
    assert (one["at_run"], one["last_seen"]) == (1, _run_start(1))
    assert _show(captures, "1", "2024-01-02")["record"]["status"]["label"] == "Ajallaan"  # nothing seen on the 2nd
    assert _show(captures, "1", DAYS[2])["record"]["status"]["label"] == "Myöhässä"
    # a date-time is that instant: run 2 began 05:00 Helsinki on the 3rd
    assert _show(captures, "1", "2024-01-03T04:59")["record"]["status"]["label"] == "Ajallaan"
    assert _show(captures, "1", "2024-01-03T05:00")["record"]["status"]["label"] == "Myöhässä"
    # a fetch failure (run 3) and a parse failure (run 4) know nothing: run 2's version stands, seen by run 2
    for day in (DAYS[3], DAYS[4], "2030-01-01"):
        late = _show(captures, "1", day)
        assert late["record"]["status"]["label"] == "Myöhässä"
        assert (late["at_run"], late["last_seen"]) == (2, _run_start(2))
    text = _ok("show", "1", "--at", DAYS[3], "--db", str(captures))
    assert f"as of {DAYS[3]}: last seen by run 2 (2024-01-03 05:00 Helsinki time)" in text


def test_show_gone_then_back_and_not_yet_seen(captures: Path) -> None:
    assert _show(captures, "2", DAYS[2])["record"]["name"] == "Toimenpide 2"
    gone = _fail("show", "2", "--at", DAYS[3], "--db", str(captures))
    assert isinstance(gone, UsageError) and gone.exit_code == 2
    assert "did not exist on 2024-01-05" in str(gone) and "run 3 found it gone (404)" in str(gone)
    assert _show(captures, "2", DAYS[4])["record"]["name"] == "Toimenpide 2 uudelleen"
    unseen = _fail("show", "3", "--at", DAYS[1], "--db", str(captures))
    assert "did not exist on 2024-01-01" in str(unseen) and "no run had seen it" in str(unseen)
    assert _show(captures, "3", DAYS[2])["at_run"] == 2


def test_a_run_id_still_means_that_run(captures: Path) -> None:
    shown = _show(captures, "1", "1")
    assert shown["record"]["status"]["label"] == "Ajallaan" and shown["at_run"] == 1 and shown["last_seen"] is None
    assert _show(captures, "1", "3")["record"]["status"]["label"] == "Myöhässä"  # in force when run 3 began
    assert "did not exist" in str(_fail("show", "2", "--at", "3", "--db", str(captures)))


def test_a_date_before_anything_was_seen_is_one_line(captures: Path) -> None:
    for args in (("show", "1", "--at", "2023-12-31"), ("export", "--format", "jsonl", "--out", "x.jsonl", "--at",
                                                         "2023-12-31"), ("diff", "--from", "2023-12-31", "--to", DAYS[1])):
        error = _fail(*args, "--db", str(captures))
        assert isinstance(error, UsageError) and error.exit_code == 2
        assert "on or before 2023-12-31" in str(error) and "first began 2024-01-01 05:00" in str(error)


def test_export_at_a_date(captures: Path, tmp_path: Path) -> None:
    assert set(_export(captures, DAYS[1], tmp_path)) == {"1", "2"}
    day3 = _export(captures, DAYS[3], tmp_path)
    assert set(day3) == {"1", "3"}  # 2 is gone, 1 kept through its fetch failure
    assert day3["1"]["status"]["label"] == "Myöhässä" and day3["1"]["last_seen"] == _run_start(2)
    assert day3["3"]["last_seen"] == _run_start(2)
    day4 = _export(captures, DAYS[4], tmp_path)
    assert set(day4) == {"1", "2", "3"} and day4["2"]["name"] == "Toimenpide 2 uudelleen"
    assert day4["2"]["last_seen"] == _run_start(4)
    # the record itself is unchanged beside last_seen
    Action.model_validate({k: v for k, v in day4["2"].items() if k != "last_seen"})
    # a run id keeps its export: the record only, as that run saw the plan (and what was in force for the rest)
    by_run = _export(captures, "3", tmp_path)
    assert set(by_run) == {"1", "3"} and "last_seen" not in by_run["1"]


def test_csv_and_parquet_carry_last_seen(captures: Path, tmp_path: Path) -> None:
    table, pq = tmp_path / "plan.csv", tmp_path / "plan.parquet"
    _ok("export", "--format", "csv", "--out", str(table), "--at", DAYS[3], "--db", str(captures))
    _ok("export", "--format", "parquet", "--out", str(pq), "--at", DAYS[3], "--db", str(captures))
    rows = {r["identifier"]: r for r in csv.DictReader(table.open(encoding="utf-8"))}
    assert set(rows) == {"1", "3"} and rows["1"]["status_label"] == "Myöhässä"
    assert rows["1"]["last_seen"] == _run_start(2)
    con = duckdb.connect()
    got = con.execute(f"SELECT identifier, status.label, last_seen FROM '{pq}' ORDER BY identifier").fetchall()
    assert [(i, label, seen.astimezone(dt.UTC)) for i, label, seen in got] == [
        ("1", "Myöhässä", DAY0 + dt.timedelta(days=2)), ("3", "Ajallaan", DAY0 + dt.timedelta(days=2))]


def test_diff_between_dates(captures: Path) -> None:
    data = _diff(captures, "--from", DAYS[1], "--to", DAYS[3])
    assert _changes(data) == {"1": "modified", "2": "removed", "3": "added"}
    removed = next(c for c in data["changes"] if c["identifier"] == "2")
    assert removed["reason"] == "404"
    assert data["from"]["id"] == 1 and data["to"]["id"] == 3  # the latest run at or before each date
    assert data["from"]["outcome"] == "partial" and data["from"]["started_at"] == _run_start(1)
    assert data["from"]["asked"] == DAYS[1] and data["from"]["at"] == "2024-01-01T23:59:59.999999+02:00"
    assert data["to"]["asked"] == DAYS[3] and data["unknown"] == []
    back = _diff(captures, "--from", DAYS[3], "--to", DAYS[4])
    assert _changes(back) == {"2": "added"}  # 1's failed fetch and parse are no change
    assert _changes(_diff(captures, "--from", DAYS[2], "--to", "2024-01-04")) == {}
    # a run id on one side still means that run (run 2 reached only 1 and 3: 2 is unknown there)
    mixed = _diff(captures, "--from", "2", "--to", DAYS[4])
    assert "asked" not in mixed["from"] and mixed["to"]["asked"] == DAYS[4]
    assert _changes(mixed) == {} and mixed["unknown"] == ["2"] and not mixed["complete"]


def test_diff_headers_name_the_date_and_the_latest_run(captures: Path) -> None:
    args = ("diff", "--from", DAYS[1], "--to", DAYS[3], "--db", str(captures))
    text = _ok(*args)
    assert "Changes from the plan as of 2024-01-01 (latest run 1, 2024-01-01 05:00, partial) to the plan as of" \
           " 2024-01-05 (latest run 3, 2024-01-05 05:00, partial)" in text
    assert "As of a date: each action as last seen" in text and "Incomplete" not in text
    markdown = _ok(*args, "--format", "markdown")
    assert "the plan as of 2024-01-05 (latest run 3," in markdown and "Incomplete" not in markdown
    quiet = _ok("diff", "--from", DAYS[2], "--to", "2024-01-04", "--db", str(captures))
    assert "No changes." in quiet


def test_reversed_dates_are_refused(captures: Path) -> None:
    error = _fail("diff", "--from", DAYS[3], "--to", DAYS[1], "--db", str(captures))
    assert str(error) == "--from (2024-01-05) is later than --to (2024-01-01); swap them"


def test_a_date_keeps_to_the_plan_and_language(captures: Path, tmp_path: Path) -> None:
    """An English crawl (complete, the only complete run) after the Finnish captures: a Finnish diff by date never
    lands on it, and an English action never appears in the Finnish plan."""
    with Archive(captures) as archive:
        run = _run(archive, 5, language="en", cause="crawl")
        _capture(archive, run, make_action("1", language="en", status="On time"), 0)
        archive.end_run(run, "complete")
    data = _diff(captures, "--language", "fi", "--from", DAYS[1], "--to", "2024-01-06")
    assert data["to"]["id"] == 3 and _changes(data) == {"1": "modified", "2": "removed", "3": "added"}
    assert "--language" in str(_fail("show", "1", "--at", "2024-01-06", "--db", str(captures)))
    english = json.loads(_ok("show", "1", "--language", "en", "--at", "2024-01-06", "--format", "json",
                             "--db", str(captures)))
    assert english["record"]["status"]["label"] == "On time" and english["at_run"] == 5
    # before the English crawl, the English plan had not been seen: the Finnish captures do not answer for it
    error = _fail("show", "1", "--language", "en", "--at", DAYS[3], "--db", str(captures))
    assert "no run of ilmastovahti.example in / in language en on or before 2024-01-05" in str(error)
    # the site's export holds both languages, each as last seen
    both = tmp_path / "both.jsonl"
    _ok("export", "--format", "jsonl", "--out", str(both), "--at", "2024-01-06", "--db", str(captures))
    keys = sorted((r["language"], r["identifier"]) for r in map(json.loads, both.read_text().splitlines()))
    assert keys == [("en", "1"), ("fi", "1"), ("fi", "3")]
