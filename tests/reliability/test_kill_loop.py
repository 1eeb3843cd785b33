"""Nothing is lost on kill: a real `vahti crawl` process SIGKILLed at a random point (seeded), then resumed; the
archive must then hold exactly the replica's ground truth.

`VAHTI_KILL_ROUNDS=200 .venv/bin/pytest -n 2 tests/reliability/test_kill_loop.py` runs a longer loop of the same code.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import Fetcher, FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.store import open_writer
from tests.reliability.helpers import ROOT, VAHTI, query, truth_mismatches

ROUNDS = int(os.environ.get("VAHTI_KILL_ROUNDS", "20"))
PLANS = [("tampere", "v3"), ("espoo", "v2"), ("tampere", "v1"), ("espoo", "v3")]


def _action_requests(srv: ReplicaServer) -> int:
    return sum(1 for r in srv.request_log if "/actions/" in r.path)


@pytest.mark.parametrize("seed", range(ROUNDS))
def test_sigkill_at_a_random_point_then_resume(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    plan, era = PLANS[seed % len(PLANS)]
    db = tmp_path / "a.duckdb"
    # every action page answers after 20 ms, so a kill lands while waiting, parsing or writing alike
    with ReplicaServer(ReplicaConfig(era=era, plan=plan, day=seed % 3, faults="*/actions/*=slow:0.02")) as srv:
        chain = srv.chain()
        kill_after = rng.randint(1, len(chain) - 1)
        crawl = subprocess.Popen([*VAHTI, "crawl", srv.start_url, "--delay", "0", "--db", str(db)], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while _action_requests(srv) < kill_after and crawl.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.06))
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
        finally:
            if crawl.poll() is None:
                crawl.kill()
        assert crawl.returncode == -signal.SIGKILL, crawl.stderr.read() if crawl.stderr else ""
        fetched_before = _action_requests(srv)

        # the killed archive opens as it is: the run reads as running, never as complete
        assert query(db, "SELECT outcome FROM runs") == [("running",)]

        # the resume runs in this process (the kill is the part that needs a real process): same code as the CLI
        with open_writer(db) as writer, Fetcher(srv.start_url, FetchPolicy(delay=0)) as fetcher:
            summary = Crawl(fetcher, writer, srv.start_url, CrawlOptions(resume=True)).run()
        assert (summary.outcome, summary.resumed_from) == ("complete", 1), summary.reason
        assert truth_mismatches(db, srv) == []

    assert query(db, "SELECT id, outcome, resumed_from FROM runs ORDER BY id") == [
        (1, "interrupted", None),
        (2, "complete", 1),
    ]
    for run_id in (1, 2):
        seen = Counter(i for (i,) in query(db, "SELECT identifier FROM observations WHERE run_id = ?"
                                                " AND identifier IS NOT NULL", run_id))
        assert all(n == 1 for n in seen.values()), seen
    resumed_obs = query(db, "SELECT identifier, outcome FROM observations WHERE run_id = 2 AND position IS NOT NULL"
                            " ORDER BY position")
    assert [i for i, _ in resumed_obs] == chain
    assert {o for _, o in resumed_obs} <= {"parsed", "unchanged"}
    # pages the killed run stored were reused, not fetched again (at most the one in flight is fetched twice)
    refetched = _reused_or_refetched(db)
    assert refetched <= 1, (refetched, fetched_before)


def _reused_or_refetched(db: Path) -> int:
    """Action pages both runs fetched from the site: only the page in flight at the kill may be among them."""
    rows = query(db, "SELECT p.url FROM pages p WHERE p.run_id = 2 AND p.url IN"
                     " (SELECT url FROM pages WHERE run_id = 1 AND status = 200) AND p.url LIKE '%/actions/%'")
    return len(rows)
