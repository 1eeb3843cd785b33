"""WARC export → import into a fresh archive, and captures older than the archive spliced into its history."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemas.errors import UsageError
from scraper.cli.app import app, load_commands

load_commands()
runner = CliRunner()


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.stdout


def warc_of(crawled: Any, day: int, tmp: Path) -> Path:
    out = tmp / f"day{day}.warc.gz"
    cli("export", "--db", str(crawled.db), "--format", "warc", "--at", str(crawled.run_of_day[day]), "--out", str(out))
    return out


def records(db: Path, tmp: Path, at: str | None = None) -> dict[str, Any]:
    out = tmp / "check.jsonl"
    cli("export", "--db", str(db), "--format", "jsonl", "--out", str(out), *(["--at", at] if at else []))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row.pop("parser_version")
    return {r["identifier"]: r for r in rows}


def test_warc_export_reimports_to_the_same_records(crawled: Any, tmp_path: Path) -> None:
    warc = warc_of(crawled, crawled.days - 1, tmp_path)
    fresh = tmp_path / "fresh.duckdb"
    output = cli("import", str(warc), "--db", str(fresh))
    assert "complete" in output
    assert records(fresh, tmp_path) == records(crawled.db, tmp_path, str(crawled.run_of_day[crawled.days - 1]))
    runs = json.loads(cli("runs", "--db", str(fresh), "--format", "json"))
    assert len(runs) == 1 and runs[0]["started_at"].startswith(f"2024-05-{crawled.days:02d}")


def test_older_captures_are_spliced_into_the_history(crawled: Any, tmp_path: Path) -> None:
    early, late, later = 2, 6, 9
    fresh = tmp_path / "spliced.duckdb"
    for day in (late, later, early):  # the early day arrives last, as a backfill would
        cli("import", str(warc_of(crawled, day, tmp_path)), "--db", str(fresh))
    runs = json.loads(cli("runs", "--db", str(fresh), "--format", "json"))
    by_day = {r["started_at"][:10]: r["id"] for r in runs}
    first = by_day[f"2024-05-{1 + early:02d}"]
    mid = by_day[f"2024-05-{1 + late:02d}"]
    last = by_day[f"2024-05-{1 + later:02d}"]
    # the plan as of each imported day is what the original archive saw on that day
    for day, run in ((early, first), (late, mid), (later, last)):
        assert records(fresh, tmp_path, str(run)) == records(crawled.db, tmp_path, str(crawled.run_of_day[day]))
    # and the changes between them are the same as in the original archive
    for (a, b), (fa, fb) in (((early, late), (first, mid)), ((late, later), (mid, last))):
        original = json.loads(
            cli(
                "diff",
                "--db",
                str(crawled.db),
                "--from",
                str(crawled.run_of_day[a]),
                "--to",
                str(crawled.run_of_day[b]),
                "--format",
                "json",
            )
        )
        spliced = json.loads(cli("diff", "--db", str(fresh), "--from", str(fa), "--to", str(fb), "--format", "json"))
        assert [(c["identifier"], c["change"], sorted(c["fields"])) for c in spliced["changes"]] == [
            (c["identifier"], c["change"], sorted(c["fields"])) for c in original["changes"]
        ]
        assert {c["cause"] for c in spliced["changes"]} <= {"import"}
    # valid_from / valid_to chain without gaps or overlaps, oldest version from the early capture
    ident = next(c.identifier for d in range(early + 1, late + 1) for c in crawled.changes[d] if c.kind == "status")
    hist = json.loads(cli("history", ident, "--db", str(fresh), "--format", "json"))
    versions = [v for v in hist["versions"] if v["kind"] != "removed"]
    assert versions[0]["valid_from"].startswith(f"2024-05-{1 + early:02d}")
    for older, newer in itertools.pairwise(versions):
        assert older["valid_to"] == newer["valid_from"]
    assert versions[-1]["valid_to"] is None


def test_not_a_warc_is_a_usage_error(tmp_path: Path) -> None:
    bogus = tmp_path / "x.warc"
    bogus.write_bytes(b"this is not a warc file\r\n\r\n")
    with pytest.raises(UsageError):
        cli("import", str(bogus), "--db", str(tmp_path / "a.duckdb"))
