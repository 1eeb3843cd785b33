"""Sites side by side (`vahti crawl --sites`, `vahti ci`): six replica sites on six ports crawled at once store
exactly what the same sites crawled one by one store; a site that hangs ends partial at its time budget while the
others complete; two plans of one site never overlap; a reader gets into the archive during a parallel crawl; and
a partial site fails the job only on its second partial day in a row.

Everything runs against the replica over real HTTP into real DuckDB files; nothing asserts how long anything took
(the budget is checked by what the run says, the overlap by the order of the replica's own request log).
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from scraper.ci.side_by_side import SiteCrawl, by_site, crawl_side_by_side
from scraper.ci.sites import SiteSpec, parse_sites
from scraper.crawl import CrawlOptions
from scraper.fetch import FetchPolicy
from scraper.progress_sites import PlainBoard, SilentBoard
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.shared_writer import SharedWriter
from snapshots.store import open_writer
from tests.scraper.helpers import FAST, ROOT, Job, crawl_replica, query

#: six plans of 12–14 actions, two shapes, each seed its own content
SIX = [("tampere", 0), ("espoo", 1), ("tampere", 2), ("espoo", 3), ("tampere", 4), ("espoo", 5)]


@pytest.fixture
def six() -> Iterator[list[ReplicaServer]]:
    with ExitStack() as stack:
        yield [stack.enter_context(ReplicaServer(ReplicaConfig(plan=plan, seed=seed))) for plan, seed in SIX]


def specs_of(servers: list[ReplicaServer], first: int = 0, **settings: Any) -> list[SiteSpec]:
    return [SiteSpec(f"site{n}", srv.start_url, **settings) for n, srv in enumerate(servers, start=first)]


def side_by_side(specs: list[SiteSpec], db: Path, parallel: int = 6, **policy: Any) -> list[SiteCrawl]:
    with SharedWriter(open_writer(db)) as writer:
        return crawl_side_by_side(specs, writer, FetchPolicy(**{**FAST, **policy}), CrawlOptions(),
                                  parallel=parallel, board=SilentBoard(), say=lambda line: None)


def stored_versions(db: Path) -> dict[tuple[str, str, str, str], list[tuple[str, Any]]]:
    """Every action's versions in order: (record hash, record without its run-dependent dates)."""
    out: dict[tuple[str, str, str, str], list[tuple[str, Any]]] = {}
    for site, plan, lang, ident, digest, record in query(
        db, "SELECT site, plan_path, language, identifier, record_hash, record FROM action_versions ORDER BY id"
    ):
        out.setdefault((site, plan, lang, ident), []).append((digest, json.loads(record)))
    return out


def test_six_sites_side_by_side_store_what_one_by_one_stores(six: list[ReplicaServer], tmp_path: Path) -> None:
    parallel, alone = tmp_path / "parallel.duckdb", tmp_path / "alone.duckdb"
    for day in (0, 1):  # a first crawl, then a day of edits: new versions beside unchanged ones
        for srv in six:
            srv.set_day(day)
        results = side_by_side(specs_of(six), parallel)
        assert [r.outcome for r in results] == ["complete"] * 6, [r.reason for r in results]
        for srv in six:
            assert crawl_replica(srv, alone).outcome == "complete"
    got, want = stored_versions(parallel), stored_versions(alone)
    assert len(want) >= sum(len(srv.chain()) for srv in six)  # day 1 may also have removed an action
    assert got.keys() == want.keys()
    for action, versions in want.items():
        assert len(got[action]) == len(versions), action
        assert got[action] == versions, action  # same records, same record hashes, in the same order
    assert any(len(v) > 1 for v in want.values())  # day 1 changed something: versions were compared, not just added
    assert query(parallel, "SELECT outcome, count(*) FROM runs GROUP BY 1") == [("complete", 12)]


def test_a_site_that_hangs_ends_at_its_budget_and_the_other_five_complete(
    six: list[ReplicaServer], tmp_path: Path
) -> None:
    hanging = six[3]
    hanging.set_faults("*=slow:60")  # every request, robots.txt included, answers after a minute
    specs = specs_of(six)
    specs[3] = SiteSpec("hanging", hanging.start_url, max_minutes=0.05)  # 3 s
    db = tmp_path / "a.duckdb"
    results = side_by_side(specs, db)
    assert [r.outcome for r in results] == ["complete"] * 3 + ["partial"] + ["complete"] * 2
    assert "time budget of 0.05 min spent" in (results[3].reason or "")
    [(outcome, reason)] = query(db, "SELECT outcome, reason FROM runs WHERE id = ?", results[3].run_id)
    assert outcome == "partial" and "max_minutes" in reason
    assert query(db, "SELECT count(*) FROM action_versions WHERE site = ?", hanging.base_url.split("//")[1]) == [(0,)]


def test_two_plans_of_one_site_never_run_at_once(six: list[ReplicaServer], tmp_path: Path) -> None:
    shared = six[0]  # tampere: its plan in Finnish (/lumo/actions) and in English (/en/lumo/actions)
    specs = [SiteSpec("fi", shared.start_url), *specs_of(six[1:4], 1),
             SiteSpec("en", shared.base_url + "/en/lumo/actions"), *specs_of(six[4:], 4)]
    assert [len(group) for group in by_site(specs)] == [2, 1, 1, 1, 1, 1]
    results = side_by_side(specs, tmp_path / "a.duckdb", delay=0.02)
    assert [r.outcome for r in results] == ["complete"] * 7, [r.reason for r in results]
    paths = [r.path for r in shared.request_log]  # in arrival order
    english = [i for i, p in enumerate(paths) if p.startswith("/en/lumo/")]
    finnish = [i for i, p in enumerate(paths) if p.startswith("/lumo/")]
    assert english and finnish
    assert max(finnish) < min(english)  # the second plan began only after the first one's last request
    (fi_end,), (en_start,) = (query(tmp_path / "a.duckdb", f"SELECT {col} FROM runs WHERE id = ?", r.run_id)[0]
                              for col, r in (("finished_at", results[0]), ("started_at", results[4])))
    assert fi_end <= en_start


READER = ("import sys; from pathlib import Path; from snapshots.db import connect_read;"
          "con = connect_read(Path(sys.argv[1]), retry_seconds=2.0);"
          "print(con.execute('SELECT count(*) FROM pages').fetchone()[0])")


def test_a_reader_gets_in_within_2_s_during_a_parallel_crawl(six: list[ReplicaServer], tmp_path: Path) -> None:
    """Six crawls write in turns through one writer; a reader that waits at most 2 s (not the usual 5) must still
    get in whenever it arrives, because the writer lets it in before the next turn."""
    db = tmp_path / "a.duckdb"
    sites = tmp_path / "sites.toml"
    lines = ["[defaults]", "delay = 0", "attempts = 1"]
    for n, srv in enumerate(six):
        lines += ["[[site]]", f'name = "site{n}"', f'start_url = "{srv.start_url}"']
    sites.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    crawl = subprocess.Popen([sys.executable, "-c", "from scraper.cli.app import main; main()", "crawl", "--sites",
                              str(sites), "--parallel", "6", "--db", str(db)], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    rng = random.Random(16)
    readers: list[subprocess.Popen[str]] = []
    during = 0
    try:
        while not db.exists() and crawl.poll() is None:
            time.sleep(0.05)
        while crawl.poll() is None and len(readers) < 16:
            time.sleep(rng.uniform(0.0, 0.3))
            during += 1
            readers.append(subprocess.Popen([sys.executable, "-c", READER, str(db)], cwd=ROOT, env=env, text=True,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        answers = [(*proc.communicate(timeout=60), proc.returncode) for proc in readers]
        _, crawl_err = crawl.communicate(timeout=300)
    finally:
        for proc in [*readers, crawl]:
            if proc.poll() is None:
                proc.kill()
    assert crawl.returncode == 0, crawl_err[-2000:]
    assert during >= 3, f"only {during} readers started while the crawl ran: the test proved little"
    for out, err, code in answers:
        assert code == 0 and "busy" not in err, err.strip()[-500:]
        assert out.strip().isdigit()
    assert query(db, "SELECT outcome, count(*) FROM runs GROUP BY 1") == [("complete", 6)]


def test_a_partial_site_fails_the_job_on_its_second_partial_day_in_a_row(tmp_path: Path) -> None:
    """The rule of docs/ci.md, through `vahti ci`'s own code: a site that hangs is partial at its budget; the first
    such day is a notice (the job stays green, the good site's day is promoted), the second in a row fails."""
    job = Job(tmp_path)
    with ReplicaServer(ReplicaConfig(plan="tampere")) as good, ReplicaServer(ReplicaConfig(plan="espoo")) as bad:
        sites = [SiteSpec("good", good.start_url, delay=0.0, attempts=1),
                 SiteSpec("hanging", bad.start_url, delay=0.0, attempts=1)]
        assert job.run(sites).exit_code == 0  # both complete: the hanging site's good day
        bad.set_faults("*=slow:60")
        sites[1] = SiteSpec("hanging", bad.start_url, delay=0.0, attempts=1, max_minutes=0.05)

        first = job.run(sites)
        good_day, hung = first.sites
        assert good_day.accepted and hung.verdict == "partial" and hung.tolerated and not hung.accepted
        assert "time budget" in (hung.reason or "")
        assert first.exit_code == 0
        assert first.published is not None and first.published.failure_file is None
        assert "hanging: partial today" in first.published.digest.markdown

        second = job.run(sites)
        assert second.exit_code == 1
        assert not second.sites[1].tolerated and second.sites[0].accepted
        assert second.published is not None and second.published.failure_file is not None
        assert "hanging: partial: crawl partial" in second.published.failure_file.read_text(encoding="utf-8")

        bad.set_faults("")
        assert job.run(sites).exit_code == 0  # a good day again resets the count
    outcomes = job.query("SELECT site, outcome FROM runs ORDER BY id")
    assert [o for s, o in outcomes if s == bad.base_url.split("//")[1]] == ["complete", "partial", "partial",
                                                                            "complete"]


def test_a_rejected_site_beside_an_accepted_one_keeps_only_its_evidence(tmp_path: Path) -> None:
    """Both sites write versions into the one staging copy; the redesigned one alarms, and its versions are undone
    from the working archive while the other site's new day is kept."""
    job = Job(tmp_path)
    with ReplicaServer(ReplicaConfig(plan="tampere")) as moved, ReplicaServer(ReplicaConfig(plan="espoo")) as edited:
        sites = [SiteSpec("redesigned", moved.start_url, delay=0.0, attempts=1),
                 SiteSpec("edited", edited.start_url, delay=0.0, attempts=1)]
        assert job.run(sites).exit_code == 0

        def versions(srv: ReplicaServer) -> list[tuple[Any, ...]]:
            return job.query("SELECT id, record_hash, valid_to, last_run, meaning IS NOT NULL FROM action_versions"
                             " WHERE site = ? ORDER BY id", [srv.base_url.split("//")[1]])

        kept, grown = versions(moved), versions(edited)
        moved.set_day(1)
        moved.cfg.redesign = True  # headings renamed, embedded data dropped: the layout alarm
        edited.set_day(1)
        result = job.run(sites)
    rejected, accepted = result.sites
    assert rejected.verdict == "alarmed" and accepted.accepted and result.exit_code == 1
    assert result.promoted_to == str(job.archive)  # the candidate still holds everything the archive held
    assert versions(moved) == kept  # opened, closed and last-seen marks of the rejected run: all undone
    assert len(versions(edited)) > len(grown)  # the accepted site's day of edits is there
    assert job.query("SELECT count(*) FROM observations WHERE run_id = ? AND version_id IS NOT NULL",
                     [rejected.run_id]) == [(0,)]
    assert job.query("SELECT count(*) FROM pages WHERE run_id = ?", [rejected.run_id])[0][0] >= 14
    assert job.query("SELECT outcome, versions_added FROM runs WHERE id = ?", [rejected.run_id]) == [("failed", 0)]
    assert job.query("SELECT count(*) FROM action_changes WHERE run_id = ?", [rejected.run_id]) == [(0,)]


def test_plain_progress_gives_a_status_line_for_every_running_site() -> None:
    out = io.StringIO()
    board = PlainBoard(out, every=3600)
    board.begin([("a", "http://a/actions"), ("b", "http://b/actions"), ("c", "http://c/actions")])
    progress = board.site("a", 1800.0)
    progress.expected(14)
    progress.page("http://a/actions/1", "1", "parsed", None, 0)
    board.site("b", None)
    board.tick()
    board.close()
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["a", "b"]  # c is still waiting: no line
    assert "running, 1/14 pages" in lines[0] and "30m00s budget" in lines[0] and "at 1 parsed" in lines[0]


def test_max_minutes_is_read_per_site_and_from_defaults() -> None:
    text = ("[defaults]\nmax_minutes = 0.5\n[[site]]\nname = 'a'\nstart_url = 'https://a.example/actions'\n"
            "[[site]]\nname = 'b'\nstart_url = 'https://b.example/actions'\nmax_minutes = 45\n")
    assert [s.max_minutes for s in parse_sites(text).resolved()] == [0.5, 45.0]
    assert parse_sites(text.replace("max_minutes = 0.5\n", "")).resolved()[0].max_minutes is None  # 30 at crawl
    from schemas.errors import UsageError

    with pytest.raises(UsageError, match="max_minutes must be more than 0"):
        parse_sites(text.replace("0.5", "0"))
