"""One writer at a time, readers during a crawl: with real second processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from archive_builders import make_action, write_run

from snapshots.store import Archive

ROOT = Path(__file__).resolve().parents[2]
VAHTI = [sys.executable, "-c", "from scraper.cli import main; main()"]


def _vahti(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VAHTI, *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_a_second_writer_gets_the_clear_message(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1")], 0)
        result = _vahti("reparse", "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: the archive is being written by another process (pid {os.getpid()})"
    assert "Traceback" not in result.stderr


def test_readers_work_between_writes_and_wait_out_a_held_connection(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1")], 0)  # write_run releases after each page
        archive.release()
        free = _vahti("runs", "--db", str(db), "--format", "csv")
        assert free.returncode == 0, free.stderr
        assert free.stdout.count("\n") == 2, free.stdout + free.stderr
        archive.con()  # held, as in the middle of a write
        code = (
            "import sys; from pathlib import Path; from snapshots.db import connect_read\n"
            "from schemas.errors import ArchiveBusy\n"
            f"try:\n    connect_read(Path({str(db)!r}), retry_seconds=0.3)\n"
            "except ArchiveBusy as e:\n    print(e); sys.exit(1)\n"
        )
        busy = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert busy.returncode == 1, busy.stdout + busy.stderr
    assert busy.stdout.strip() == f"archive busy, being written by pid {os.getpid()}"


def test_the_lock_is_released_when_the_writer_closes(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1")], 0)
    with Archive(db) as again:
        assert again.last_interrupted_run("x", "y") is None
