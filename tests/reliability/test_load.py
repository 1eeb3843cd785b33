"""Load: a real `vahti crawl --delay 0` of a 5,000-action plan ends complete with bounded memory and a steady number
of open files; an in-process crawl leaves no file descriptor behind. `VAHTI_LOAD_ACTIONS=20000` scales the plan."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from scraper.crawl import Crawl
from scraper.fetch import Fetcher, FetchPolicy
from snapshots.store import open_writer
from tests.reliability.helpers import ROOT, VAHTI, TinySite, chain_route, query, wait_with_peak

ACTIONS = int(os.environ.get("VAHTI_LOAD_ACTIONS", "5000"))


def open_fds(pid: int | str) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except FileNotFoundError:
        return -1


@pytest.mark.slow  # about two minutes on two cores; `pytest -m "not slow"` leaves it out of a quick run
def test_a_5000_action_crawl_has_bounded_memory_and_no_fd_leak(tmp_path: Path) -> None:
    db = tmp_path / "load.duckdb"
    with TinySite(chain_route(ACTIONS)) as site:
        proc = subprocess.Popen([*VAHTI, "crawl", site.base + "/actions", "--delay", "0", "--db", str(db)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples: list[tuple[int, int]] = []  # (action pages requested so far, open fds of the crawler)
        last = [0.0]

        def sample() -> None:
            now = time.monotonic()
            if now - last[0] >= 0.25 and any(p.startswith("/actions/") for p in site.log[-5:]):
                last[0] = now
                samples.append((len(site.log), open_fds(proc.pid)))

        peak_mb = wait_with_peak(proc, sample=sample)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == 0, stderr[-2000:]
    fds = [n for _, n in samples if n > 0]
    print(f"{ACTIONS} actions: peak RSS {peak_mb:.0f} MB; open fds early {fds[:3]}, late {fds[-3:]}")
    assert query(db, "SELECT outcome FROM runs") == [("complete",)]
    assert query(db, "SELECT count(*) FROM actions_current")[0][0] == ACTIONS
    assert peak_mb < 400  # a 5,000-page archive held in memory would not fit; the crawler streams it
    assert len(fds) >= 4 and max(fds) - min(fds) <= 8, fds  # no descriptor per page


def test_an_in_process_crawl_leaves_no_descriptor_open(tmp_path: Path) -> None:
    with TinySite(chain_route(200)) as site:
        url = site.base + "/actions"
        before = open_fds("self")
        for round_ in range(2):
            with open_writer(tmp_path / "a.duckdb") as writer, Fetcher(url, FetchPolicy(delay=0)) as fetcher:
                assert Crawl(fetcher, writer, url).run().outcome == "complete", round_
        after = open_fds("self")
    assert after <= before, (before, after)
