"""A diff asked for backwards is refused: reversed, it would read as a plausible but false story."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from schemas.action import Action
from snapshots.store import Archive


def _archive(path: Path) -> None:
    with Archive(path) as archive:
        for day, status in ((1, "Ajallaan"), (2, "Myöhässä")):
            started = dt.datetime(2026, 11, day, 4, tzinfo=dt.UTC)
            run = archive.begin_run("example.org", "https://example.org/actions", started_at=started)
            url = "https://example.org/actions/1"
            page = archive.store_page(run, url, 200, {"content-type": "text/html"}, f"<p>{status}</p>".encode())
            record = Action(site="example.org", url=url, identifier="1", name="Pyöräily",
                            status={"label": status, "identifier": None})
            archive.store_observation(run, page, "parsed", url=url, identifier="1", record=record)
            archive.end_run(run, "complete")


def _vahti(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from scraper.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=60)


def test_reversed_runs_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _archive(db)
    forward = _vahti("diff", "--db", str(db), "--from", "1", "--to", "2", "--format", "json")
    assert forward.returncode == 0, forward.stderr
    assert '"Myöhässä"' in forward.stdout
    backward = _vahti("diff", "--db", str(db), "--from", "2", "--to", "1")
    assert backward.returncode == 2
    assert backward.stderr.strip().splitlines() == ["error: --from (run 2) is later than --to (run 1); swap them"]
