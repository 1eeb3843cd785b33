"""A real `vahti crawl` process killed with SIGKILL part-way, then `vahti crawl --resume`; and readers
(`vahti runs`, `vahti sql`) getting in while a polite crawl holds the archive."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import action_paths, chain_of, observations, query

ROOT = Path(__file__).resolve().parents[3]
VAHTI = [sys.executable, "-c", "from scraper.cli import main; main()"]


def vahti(*args: str) -> list[str]:
    return [*VAHTI, *args]


def wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_sigkill_then_resume(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    delay = 0.4
    with ReplicaServer(ReplicaConfig(era="v3", plan="helsinki")) as srv:  # 150 actions: a minute at this pace
        chain = srv.chain()
        crawl = subprocess.Popen(vahti("crawl", srv.start_url, "--delay", str(delay), "--db", str(db)), cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: len(action_paths(srv)) >= 5)
            # readers get in while the crawler pauses between polite requests
            readers = [
                subprocess.run(vahti("runs", "--db", str(db)), cwd=ROOT, capture_output=True, text=True, timeout=60),
                subprocess.run(vahti("sql", "SELECT count(*) AS n FROM pages", "--db", str(db)), cwd=ROOT,
                               capture_output=True, text=True, timeout=60),
            ]
            assert crawl.poll() is None
            seen = len(action_paths(srv))
            wait_for(lambda: len(action_paths(srv)) > seen)
            time.sleep(delay / 2)  # the crawler has stored that page and sleeps before the next
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
        finally:
            if crawl.poll() is None:
                crawl.kill()
        before = action_paths(srv)
        assert crawl.returncode == -signal.SIGKILL
        assert len(before) < len(chain)

        resumed = subprocess.run(vahti("crawl", srv.start_url, "--resume", "--delay", "0", "--db", str(db)),
                                 cwd=ROOT, capture_output=True, text=True, timeout=120)
        after = action_paths(srv)[len(before):]
        port_less = {urlsplit(u).path for (u,) in query(db, "SELECT url FROM pages WHERE run_id = 1")}

    for reader in readers:
        ok = reader.returncode == 0
        busy = reader.returncode == 1 and "being written by" in reader.stderr
        assert ok or busy, reader.stderr
        assert "Traceback" not in reader.stderr
    if readers[0].returncode == 0:
        assert "running" in readers[0].stdout
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr

    runs = query(db, "SELECT id, outcome, resumed_from FROM runs ORDER BY id")
    assert runs == [(1, "interrupted", None), (2, "complete", 1)]
    for run_id in (1, 2):
        idents = [o.identifier for o in observations(db, run_id)]
        assert len(idents) == len(set(idents))  # each action observed at most once per run
    second = observations(db, 2)
    assert chain_of(second) == chain and {o.outcome for o in second} == {"parsed"}

    # no page the killed run stored was fetched again; at most the one in flight at the kill is fetched twice
    assert not (set(after) & port_less)
    twice = [p for p, n in Counter(before + after).items() if n > 1]
    assert len(twice) <= 1 and not (set(twice) & port_less)
    assert sorted(set(before + after)) == sorted(urlsplit(srv.action_url(i)).path for i in chain)
    # the resumed run reused the stored pages: its observations point at run 1's pages for those
    reused = query(db, "SELECT count(*) FROM observations o JOIN pages p ON p.id = o.page_id"
                       " WHERE o.run_id = 2 AND p.run_id = 1 AND o.identifier IS NOT NULL")[0][0]
    assert reused >= len(before) - 1
