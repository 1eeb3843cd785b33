"""Readers' rule: a reader arriving at any moment of a crawl gets in, even at `--delay 0`, where the crawl has no
pause to let go of the file in and keeps it open between pages (`snapshots.handoff`).

A real `vahti crawl --delay 0` process walks the replica's 150-action plan (a day on which the city edited
actions, so pages are parsed and versions written) while reader processes (`runs`, `sql`, `show`, `history`,
`diff`) start at random moments of it. Every one of them must answer, none may say the archive is busy. The test
checks the behaviour (each reader got in), not how long anything took.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import crawl_replica, query

VAHTI = [sys.executable, "-c", "from scraper.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[3]
READERS = 12
SEED = 20261205


def _start(args: list[str], db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "VAHTI_DB": str(db)}
    return subprocess.Popen([*VAHTI, *args], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_readers_started_at_random_moments_of_a_crawl_all_get_in(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    rng = random.Random(SEED)
    with ReplicaServer(ReplicaConfig(era="v3", plan="helsinki")) as srv:
        ident = srv.chain()[0]
        for day in (0, 1):  # two complete runs: history and diff have something to show
            srv.set_day(day)
            assert crawl_replica(srv, db).outcome == "complete"
        srv.set_day(2)
        kinds = [["runs"], ["sql", "SELECT count(*) FROM observations"], ["show", ident], ["history", ident],
                 ["diff"]]
        crawl = _start(["crawl", srv.start_url, "--delay", "0"], db)
        readers: list[tuple[list[str], subprocess.Popen[str]]] = []
        during = 0
        try:
            while len(readers) < READERS:
                time.sleep(rng.uniform(0.0, 0.6))
                args = kinds[len(readers) % len(kinds)]
                if crawl.poll() is None:
                    during += 1
                readers.append((args, _start(args, db)))
            answers = [(args, *proc.communicate(timeout=120), proc.returncode) for args, proc in readers]
            _, crawl_err = crawl.communicate(timeout=300)
        finally:
            for _, proc in readers:
                if proc.poll() is None:
                    proc.kill()
            if crawl.poll() is None:
                crawl.kill()
    assert crawl.returncode == 0, crawl_err[-2000:]
    assert during >= READERS // 2, f"only {during} readers started while the crawl ran: the test proved little"
    for args, out, err, code in answers:
        assert code == 0 and "busy" not in err, f"vahti {' '.join(args)} (exit {code}): {err.strip()[-500:]}"
        assert out.strip(), f"vahti {' '.join(args)} printed nothing"
    assert query(db, "SELECT outcome FROM runs ORDER BY id") == [("complete",)] * 3
