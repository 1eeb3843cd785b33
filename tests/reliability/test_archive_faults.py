"""An archive file that is read-only, corrupted, from a future schema, on a full disk, or wanted by two writers:
every command answers with one line and an exit code, and nothing committed before is lost or touched."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.cli import main
from scraper.crawl import Crawl
from scraper.fetch import Fetcher, FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.store import open_writer
from tests.reliability.helpers import ROOT, VAHTI, assert_one_line_error, query, truth_mismatches, vahti

READERS = [["runs"], ["sql", "SELECT count(*) FROM pages"], ["report", "--out", "{tmp}/r.html"],
           ["export", "--format", "jsonl", "--out", "{tmp}/e.jsonl"], ["diff", "--format", "markdown"]]


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(ReplicaConfig(era="v3", plan="espoo")) as srv:
        yield srv


@pytest.fixture(scope="module")
def good_archive(replica: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two complete days of the replica, crawled and closed cleanly."""
    db = tmp_path_factory.mktemp("good") / "vahti.duckdb"
    for day in (0, 1):
        replica.set_day(day)
        assert crawl_in_process(replica.start_url, db) == "complete"
    replica.set_day(0)
    return db


def crawl_in_process(url: str, db: Path) -> str:
    with open_writer(db) as writer, Fetcher(url, FetchPolicy(delay=0)) as fetcher:
        return Crawl(fetcher, writer, url).run().outcome


def copy_of(db: Path, tmp: Path) -> Path:
    target = tmp / "vahti.duckdb"
    shutil.copy(db, target)
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> subprocess.CompletedProcess[str]:
    """`vahti ARGS` in this process, through the same error boundary as the console script; an exception that
    escapes it is a traceback a user would see, so it fails the test."""
    capsys.readouterr()
    argv = sys.argv
    sys.argv = ["vahti", *args]
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, int(code or 0), out, err)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """A file this process cannot write. For root, permission bits are no obstacle, so the file is made immutable
    (what a read-only mount does to root too)."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        yield
        path.chmod(0o644)
        return
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("running as root and the file system has no immutable flag: cannot make a read-only file")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_read_only_archive_is_read_and_never_written(good_archive: Path, replica: ReplicaServer, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_of(good_archive, tmp_path)
    before = digest(db)
    with read_only(db):
        for args in READERS:
            result = run_main([a.format(tmp=tmp_path) for a in args] + ["--db", str(db)], capsys)
            assert result.returncode == 0, (args, result.stderr)
        for args in (["crawl", replica.start_url, "--delay", "0"], ["reparse"]):
            error = assert_one_line_error(run_main([*args, "--db", str(db)], capsys), (1,))
            assert "read-only" in error
    assert digest(db) == before


@pytest.mark.parametrize("seed", range(3))
def test_a_corrupted_archive_is_one_line_never_a_traceback(good_archive: Path, tmp_path: Path, seed: int,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_of(good_archive, tmp_path)
    rng = random.Random(seed)
    size = db.stat().st_size
    with db.open("r+b") as f:  # garbage over a few blocks past the file header, where the data lives
        for _ in range(3):
            f.seek(rng.randrange(4096, size - 4096))
            f.write(rng.randbytes(4096))
    for args in [*READERS, ["reparse"], ["history", "a1101"]]:
        result = run_main([a.format(tmp=tmp_path) for a in args] + ["--db", str(db)], capsys)
        if result.returncode != 0:
            assert_one_line_error(result)


def test_an_archive_from_a_future_schema_is_refused_untouched(good_archive: Path, replica: ReplicaServer,
                                                              tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_of(good_archive, tmp_path)
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_version VALUES (999, now(), 'from a vahti of the future')")
    con.close()
    before = digest(db)
    for args in [*READERS, ["reparse"], ["crawl", replica.start_url, "--delay", "0"]]:
        result = run_main([a.format(tmp=tmp_path) for a in args] + ["--db", str(db)], capsys)
        error = assert_one_line_error(result, (1,))
        assert "newer than this vahti" in error, error
    assert digest(db) == before


@pytest.mark.parametrize("limit_kb", [6, 16])
def test_a_full_disk_is_one_line_and_keeps_what_was_committed(good_archive: Path, replica: ReplicaServer,
                                                              tmp_path: Path, limit_kb: int,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The writer runs as its own process under RLIMIT_FSIZE: no file it writes may grow past the limit, so the
    write fails for real (EFBIG) without privileges or a real full disk."""
    db = copy_of(good_archive, tmp_path)
    committed = query(db, "SELECT id, outcome FROM runs ORDER BY id")
    versions = query(db, "SELECT id, record_hash, valid_to, identifier FROM action_versions ORDER BY id")
    limit = limit_kb * 1024

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write returns EFBIG instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    replica.set_day(3)
    try:
        result = subprocess.run([*VAHTI, "crawl", replica.start_url, "--delay", "0", "--db", str(db)], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, preexec_fn=limited)
    finally:
        replica.set_day(0)
    assert result.returncode == 1, result.stdout[-1500:] + result.stderr[-1500:]
    error = assert_one_line_error(result, (1,))
    assert "cannot write" in error and "File too large" in error

    # the archive opens; everything committed before is there, unchanged
    runs = run_main(["runs", "--format", "csv", "--db", str(db)], capsys)
    assert runs.returncode == 0, runs.stderr
    after = query(db, "SELECT id, outcome FROM runs ORDER BY id")
    assert after[: len(committed)] == committed
    assert all(outcome in ("failed", "running") for _, outcome in after[len(committed):])
    # every version stored before is still there; a version is closed only by a newer one the failed run stored
    now = {v[0]: v for v in query(db, "SELECT id, record_hash, valid_to, identifier FROM action_versions")}
    assert all(now[i][1] == digest_ for i, digest_, _, _ in versions)
    current = [v[3] for v in now.values() if v[2] is None]
    assert sorted(current) == sorted({v[3] for v in now.values()})  # each action still has one current version
    # and, the disk freed, the next crawl completes and the archive is right again
    replica.set_day(3)
    try:
        assert crawl_in_process(replica.start_url, db) == "complete"
        assert truth_mismatches(db, replica) == []
    finally:
        replica.set_day(0)


def test_one_writer_at_a_time(good_archive: Path, replica: ReplicaServer, tmp_path: Path) -> None:
    """Two `vahti crawl` processes on one archive: the second is told who holds it; the archive is right."""
    db = copy_of(good_archive, tmp_path)
    replica.set_faults("*/actions/*=slow:0.6")  # long enough that the second starts while the first crawls
    try:
        first = subprocess.Popen([*VAHTI, "crawl", replica.start_url, "--delay", "0", "--db", str(db)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert first.stdout is not None
        line = first.stdout.readline()  # "crawl URL: run N …": the first holds the archive from here on
        assert line.startswith("crawl "), line
        second = vahti("crawl", replica.start_url, "--delay", "0", "--db", str(db))
        still_running = first.poll() is None
        _, first_err = first.communicate(timeout=120)
    finally:
        replica.set_faults("")
    assert still_running and first.returncode == 0, first_err
    error = assert_one_line_error(second, (1,))
    assert f"being written by another process (pid {first.pid})" in error
    assert truth_mismatches(db, replica) == []
