"""One writer at a time, readers during a crawl: with real second processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from snapshots.store import Archive
from tests.snapshots.helpers import make_action, write_run

ROOT = Path(__file__).resolve().parents[3]
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


def test_a_killed_writer_loses_only_the_page_in_flight(db: Path) -> None:
    code = (
        "import os\n"
        "from tests.snapshots.helpers import make_action\n"
        "from snapshots.store import Archive\n"
        f"archive = Archive({str(db)!r})\n"
        "run = archive.begin_run('ilmastovahti.example', 'https://ilmastovahti.example/actions')\n"
        "for i in range(5):\n"
        "    a = make_action(str(i))\n"
        "    page = archive.store_page(run, a.url, 200, {}, b'<html>%d</html>' % i)\n"
        "    archive.store_observation(run, page, 'parsed', url=a.url, record=a)\n"
        "    archive.release()\n"
        "archive.store_page(run, 'https://ilmastovahti.example/actions/9', 200, {}, b'x')\n"
        "os._exit(9)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert killed.returncode == 9, killed.stderr
    with Archive(db) as archive:
        assert archive.last_interrupted_run("ilmastovahti.example", "https://ilmastovahti.example/actions") == 1
        write_run(archive, [make_action(str(i)) for i in range(5)], 1)
    result = _vahti("sql", "SELECT outcome, parsed FROM runs ORDER BY id", "--db", str(db), "--format", "csv")
    assert result.stdout.splitlines() == ["outcome,parsed", "interrupted,", "complete,5"]
    counts = _vahti("sql", "SELECT count(*) FROM action_versions", "--db", str(db), "--format", "csv")
    assert counts.stdout.splitlines() == ["count_star()", "5"]
