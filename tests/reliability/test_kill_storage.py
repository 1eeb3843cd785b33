"""Killed while storing deltas or while compacting: every page stored before comes back byte for byte and the
archive goes on working (the crawl resumes, the next compact succeeds); a killed compact leaves the archive file
exactly as it was.

The kill lands where it should because the child process (a real interpreter, killed with SIGKILL) runs vahti's
own code with one function wrapped to say "now" through a marker file and then wait: no test hook lives in vahti.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import Fetcher, FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.bodies import BodyReader
from snapshots.compact import compact, work_file
from snapshots.store import Archive, open_writer
from tests.reliability.helpers import ROOT, query, truth_mismatches

FIXTURE = ROOT / "tests" / "snapshots" / "archive" / "fixtures" / "v3_archive.duckdb.gz"

_CRAWL_CHILD = r"""
import pathlib, sys, time
from snapshots import store, store_pages
from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import Fetcher, FetchPolicy
db, url, point, nth, marker = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), pathlib.Path(sys.argv[5])
seen = {"deltas": 0, "armed": False}
real_choose, real_insert = store_pages.choose, store.Archive._insert

def stop_here():
    marker.touch()
    time.sleep(120)

def choose(body, reference, *level):
    packed = real_choose(body, reference, *level)
    if packed.base is not None:
        seen["deltas"] += 1
        if seen["deltas"] == nth:
            if point == "compressed":
                stop_here()  # the delta is made, nothing of the page is written yet
            seen["armed"] = True
    return packed

def insert(self, table, row):
    real_insert(self, table, row)
    if table == "pages" and seen["armed"]:
        stop_here()  # the delta's row and the page row are written, the transaction is not committed

store_pages.choose = choose
store.Archive._insert = insert
with store.open_writer(db) as writer, Fetcher(url, FetchPolicy(delay=0)) as fetcher:
    Crawl(fetcher, writer, url, CrawlOptions()).run()
"""

_COMPACT_CHILD = r"""
import pathlib, sys, time
from snapshots import compact as c
db, point, marker = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])

def stop_here():
    marker.touch()
    time.sleep(120)

if point == "encoding":
    real = c.pack_delta
    count = [0]
    def pack_delta(body, reference):
        count[0] += 1
        if count[0] == 3:
            stop_here()
        return real(body, reference)
    c.pack_delta = pack_delta
elif point == "verifying":
    real_verify = c._verify
    def verify(out, dst, converted):
        real_verify(out, dst, converted)
        stop_here()
    c._verify = verify
elif point == "replacing":
    real_replace = c.os.replace
    def replace(a, b):
        stop_here()
        real_replace(a, b)
    c.os.replace = replace
elif point == "slowly":
    real = c.pack_delta
    def pack_delta(body, reference):
        marker.touch()
        time.sleep(0.01)
        return real(body, reference)
    c.pack_delta = pack_delta
c.compact(db)
"""


def _run_child(code: str, args: list[str], marker: Path, delay: float | None = None) -> None:
    """Start the child, wait for its marker (then `delay` more when given), SIGKILL it."""
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, "the child never reached the kill point"
            time.sleep(0.005)
        if delay:
            time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL


def _pages_intact(db: Path) -> dict[int, str]:
    """Every stored page with a body, read back through the one reader and checked against its SHA-256."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        reader = BodyReader.on(con)
        out = {}
        for page_id, sha in con.execute("SELECT id, sha256 FROM pages WHERE sha256 IS NOT NULL").fetchall():
            body = reader.page(page_id).body
            assert body is not None and hashlib.sha256(body).hexdigest() == sha, page_id
            out[int(page_id)] = sha
        return out
    finally:
        con.close()


def _crawl(srv: ReplicaServer, db: Path, resume: bool = False) -> str:
    with open_writer(db) as writer, Fetcher(srv.start_url, FetchPolicy(delay=0)) as fetcher:
        return Crawl(fetcher, writer, srv.start_url, CrawlOptions(resume=resume)).run().outcome


@pytest.mark.parametrize("point", ["compressed", "inserted"])
def test_a_crawl_killed_while_writing_a_delta(tmp_path: Path, point: str) -> None:
    db, marker = tmp_path / "a.duckdb", tmp_path / "now"
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        assert _crawl(srv, db) == "complete"  # day one: every body whole
        before = _pages_intact(db)
        _run_child(_CRAWL_CHILD, [str(db), srv.start_url, point, "5", str(marker)], marker)

        # every page stored before the kill, and every page the killed run committed, comes back
        after = _pages_intact(db)
        assert set(before) < set(after)
        assert after.items() >= before.items()
        assert query(db, "SELECT outcome FROM runs ORDER BY id") == [("complete",), ("running",)]
        # the delta in flight left nothing behind: every delta's reference is stored whole
        assert query(db, "SELECT count(*) FROM bodies d LEFT JOIN bodies w ON w.sha256 = d.base AND w.base IS NULL"
                         " WHERE d.base IS NOT NULL AND w.sha256 IS NULL") == [(0,)]
        # usable: the crawl resumes and completes, the records are the truth, and it compacts
        assert _crawl(srv, db, resume=True) == "complete"
        assert truth_mismatches(db, srv) == []
    compact(db)
    assert _pages_intact(db).items() >= after.items()


def _old_archive(tmp_path: Path) -> Path:
    """The schema-3 fixture, upgraded and checkpointed: its whole bodies are what a compact re-encodes."""
    db = tmp_path / "old.duckdb"
    with gzip.open(FIXTURE, "rb") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    with Archive(db):
        pass
    return db


@pytest.mark.parametrize("point", ["encoding", "verifying", "replacing"])
def test_a_compact_killed_halfway_leaves_the_archive_as_it_was(tmp_path: Path, point: str) -> None:
    db, marker = _old_archive(tmp_path), tmp_path / "now"
    file_before = hashlib.sha256(db.read_bytes()).hexdigest()
    pages = _pages_intact(db)
    _run_child(_COMPACT_CHILD, [str(db), point, str(marker)], marker)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == file_before
    assert work_file(db).exists()  # what it was writing, never part of the archive
    assert _pages_intact(db) == pages
    with Archive(db) as archive:  # usable: a writer opens it
        archive.begin_run("x", "http://x/actions")
    result = compact(db)
    assert result.converted > 0 and not work_file(db).exists()
    assert _pages_intact(db) == pages


@pytest.mark.parametrize("seed", range(3))
def test_a_compact_killed_at_a_random_moment_is_all_or_nothing(tmp_path: Path, seed: int) -> None:
    db, marker = _old_archive(tmp_path), tmp_path / "now"
    file_before = hashlib.sha256(db.read_bytes()).hexdigest()
    pages = _pages_intact(db)
    runs = query(db, "SELECT * FROM runs ORDER BY id")
    _run_child(_COMPACT_CHILD, [str(db), "slowly", str(marker)], marker, delay=0.02 + 0.15 * seed)
    untouched = hashlib.sha256(db.read_bytes()).hexdigest() == file_before
    converted = query(db, "SELECT count(*) FROM bodies WHERE base IS NOT NULL")[0][0]
    assert untouched or converted > 0  # either the old file, or the whole new one
    assert _pages_intact(db) == pages
    assert query(db, "SELECT * FROM runs ORDER BY id") == runs
    compact(db)
    assert _pages_intact(db) == pages
