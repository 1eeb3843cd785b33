"""`vahti demo` end to end: replica, several simulated days, history, diff, report and exports."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from scraper.cli.app import app, load_commands

load_commands()


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    db, out = tmp_path / "demo.duckdb", tmp_path / "out"
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--days", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "day 2" in text and "What changed between day 0 and day 2" in text
    assert "The history of action" in text and "between run" in text
    for name in ("report.html", "diff.md", "plan.jsonl", "plan.csv", "last-run.warc.gz"):
        assert (out / name).stat().st_size > 0, name
        assert str(out / name) in text
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Latest changes" in html
    first = json.loads((out / "plan.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["identifier"] and first["site"].startswith("127.0.0.1:")
    con = duckdb.connect()
    versions = con.execute(
        f"SELECT count(*) FROM read_parquet('{out}/history-parquet/**/*.parquet', hive_partitioning = true)"
    ).fetchone()
    assert versions is not None and versions[0] >= 14
