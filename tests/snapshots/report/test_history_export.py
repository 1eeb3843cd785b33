"""History windows and exports (JSON Lines, CSV, Parquet) against the replica's ground truth."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb
from typer.testing import CliRunner

from schemas.action import Action
from schemas.errors import UsageError
from scraper.cli.app import app, load_commands
from snapshots.diff import normalised

load_commands()
runner = CliRunner()
VISIBLE = {"status", "task_completed", "date_moved", "task_added", "name", "contact", "organization"}


def run_cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_history_windows_match_the_days_of_each_change(crawled: Any) -> None:
    by_action: dict[str, set[int]] = {}
    for day, changes in crawled.changes.items():
        for c in changes:
            if c.kind in VISIBLE:
                by_action.setdefault(c.identifier, set()).add(day)
    assert len(by_action) >= 5
    for ident, days in by_action.items():
        hist = json.loads(run_cli("history", ident, "--db", str(crawled.db), "--format", "json"))
        windows = {
            (v["window"]["last_seen_old"]["id"], v["window"]["first_seen_new"]["id"])
            for v in hist["versions"]
            if v["kind"] == "modified"
        }
        expected = {(crawled.run_of_day[d - 1], crawled.run_of_day[d]) for d in days}
        assert expected <= windows, ident
        assert hist["versions"][0]["kind"] == "first"
        assert all(v["updated_at"] for v in hist["versions"] if v["kind"] != "removed")


def test_history_text_and_markdown(crawled: Any) -> None:
    ident = next(c.identifier for d in range(1, crawled.days) for c in crawled.changes[d] if c.kind == "status")
    text = run_cli("history", ident, "--db", str(crawled.db))
    assert "Status:" in text and "between run" in text and "Tietoja päivitetty" in text
    md = run_cli("history", ident, "--db", str(crawled.db), "--format", "markdown")
    assert md.startswith("## ") and "**Status**" in md


def test_unknown_action_is_a_usage_error(crawled: Any) -> None:
    result = runner.invoke(app, ["history", "no-such-action", "--db", str(crawled.db)])
    assert isinstance(result.exception, UsageError) and result.exception.exit_code == 2


def _truth(crawled: Any, day: int) -> dict[str, dict[str, Any]]:
    return {k: v.content_dict() for k, v in crawled.records[day].items()}


def test_export_at_each_day_equals_the_replica_records(crawled: Any, tmp_path: Path) -> None:
    for day in (0, crawled.days // 2, crawled.days - 1):
        out = tmp_path / f"day{day}.jsonl"
        run_cli(
            "export",
            "--db",
            str(crawled.db),
            "--format",
            "jsonl",
            "--out",
            str(out),
            "--at",
            str(crawled.run_of_day[day]),
        )
        got = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            action = Action.model_validate_json(line)
            got[action.identifier] = action.content_dict()
        # compared normalised: the replica's truth for a merged-actions section keeps an NBSP the page folds
        assert normalised(got) == normalised(_truth(crawled, day))


def test_parquet_and_csv_read_back(crawled: Any, tmp_path: Path) -> None:
    pq, table, jl = tmp_path / "plan.parquet", tmp_path / "plan.csv", tmp_path / "plan.jsonl"
    for fmt, path in (("parquet", pq), ("csv", table), ("jsonl", jl)):
        run_cli("export", "--db", str(crawled.db), "--format", fmt, "--out", str(path))
    records = [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines()]
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT identifier, status.label, len(tasks), tasks[1].title, extra_sections FROM '{pq}' ORDER BY identifier"
    ).fetchall()
    expected = sorted(
        (
            r["identifier"],
            (r["status"] or {}).get("label"),
            len(r["tasks"]),
            r["tasks"][0]["title"] if r["tasks"] else None,
            r["extra_sections"],
        )
        for r in records
    )
    assert rows == expected
    # the nested columns are typed, so Parquet keeps the structure a researcher queries
    round_trip = con.execute(f"SELECT to_json(tasks) FROM '{pq}' WHERE identifier = ?", [records[0]["identifier"]])
    assert json.loads(round_trip.fetchone()[0]) == records[0]["tasks"]  # type: ignore[index]
    with table.open(encoding="utf-8", newline="") as fh:
        flat = list(csv.DictReader(fh))
    assert sorted(r["identifier"] for r in flat) == sorted(r["identifier"] for r in records)
    by_id = {r["identifier"]: r for r in flat}
    for r in records:
        assert by_id[r["identifier"]]["status_label"] == ((r["status"] or {}).get("label") or "")
        assert int(by_id[r["identifier"]]["tasks_total"]) == len(r["tasks"])


def test_history_parquet_is_hive_partitioned(crawled: Any, tmp_path: Path) -> None:
    out = tmp_path / "history"
    run_cli("export", "--db", str(crawled.db), "--format", "parquet", "--history", "--out", str(out))
    dirs = {p.name for p in out.iterdir()}
    assert len(dirs) == 1 and next(iter(dirs)).startswith("site=")
    con = duckdb.connect()
    glob = f"{out}/**/*.parquet"
    n, days, current = con.execute(
        f"SELECT count(*), count(DISTINCT date), count(*) FILTER (WHERE valid_to IS NULL)"
        f" FROM read_parquet('{glob}', hive_partitioning = true)"
    ).fetchone()  # type: ignore[misc]
    archive = duckdb.connect(str(crawled.db), read_only=True)
    try:
        versions, open_ = archive.execute(
            "SELECT count(*), count(*) FILTER (WHERE valid_to IS NULL) FROM action_versions"
        ).fetchone()  # type: ignore[misc]
    finally:
        archive.close()
    assert (n, current) == (versions, open_)
    assert days > 1
