"""Faults over the whole pipeline: the replica (or a tiny site for what it cannot do) over real HTTP, a real DuckDB
archive, then what the archive and the commands built on it say. Transient faults must leave the archive equal to
the ground truth; permanent ones must be recorded as what they are, bounded, and never read as "unchanged"."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from scraper.cli.app import app, load_commands
from scraper.crawl import Crawl, CrawlOptions, CrawlSummary, NotKausalWatch
from scraper.fetch import Fetcher, FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.store import open_writer
from tests.reliability.helpers import (
    ROOT,
    VAHTI,
    Reply,
    TinySite,
    chain_route,
    query,
    truth_mismatches,
    wait_with_peak,
)

load_commands()
runner = CliRunner()
FAST: dict[str, Any] = {"delay": 0.0, "backoff_initial": 0.01, "backoff_max": 0.05, "timeout": 1.0}


def crawl(url: str, db: Path, options: CrawlOptions | None = None, **policy: Any) -> CrawlSummary:
    with open_writer(db) as writer, Fetcher(url, FetchPolicy(**{**FAST, **policy})) as fetcher:
        return Crawl(fetcher, writer, url, options or CrawlOptions()).run()


def path_of(srv: ReplicaServer, ident: str) -> str:
    return urlsplit(srv.action_url(ident)).path


def outcomes(db: Path, run_id: int) -> dict[str, str]:
    return {i: o for i, o in query(db, "SELECT identifier, outcome FROM observations WHERE run_id = ?", run_id) if i}


def test_every_transient_fault_in_one_crawl_is_recovered_and_the_archive_equals_the_truth(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        chain = srv.chain()
        kinds = ["500x2", "502x3", "503x1:retry-after=1", "429x1:retry-after=1", "resetx2", "truncatex2",
                 "redirect:3", "slow:2:times=1", "charset:latin1"]
        spec = ";".join(f"{path_of(srv, ident)}={kind}" for ident, kind in zip(chain, kinds, strict=False))
        spec += f";{path_of(srv, chain[-1])}=charset:utf8-as-latin1"
        srv.set_faults(spec + ";/lumo/actions=503x2;/robots.txt=500x1")
        summary = crawl(srv.start_url, db)
        assert summary.outcome == "complete", summary.reason
        assert truth_mismatches(db, srv, latin1=frozenset({chain[len(kinds) - 1]})) == []
        per_path = Counter(r.path.split("?")[0] for r in srv.request_log)
        assert max(per_path.values()) <= 4 * 4  # attempts x (one page + three redirect hops)
        assert summary.retries >= 2 + 3 + 1 + 1 + 2 + 2 + 1 + 2 + 1


def test_a_5xx_storm_reads_as_unknown_never_as_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v2", plan="espoo")) as srv:
        assert crawl(srv.start_url, db).outcome == "complete"
        day0 = srv.expected_records()
        srv.set_day(2)
        srv.set_faults("*/actions/*=503")
        storm = crawl(srv.start_url, db)
        assert storm.outcome == "partial" and "failed pages in a row" in (storm.reason or "")
        seen = outcomes(db, storm.run_id)
        assert set(seen.values()) <= {"fetch_failed", "not_reached"}, seen
        assert set(srv.chain()) <= set(seen)
        # no version was closed or opened from the storm: the archive still says what day 0 said
        current = dict(query(db, "SELECT identifier, record_hash FROM actions_current"))
        assert current == {i: a.record_hash() for i, a in day0.items()}

        as_markdown = runner.invoke(app, ["diff", "--db", str(db), "--to", str(storm.run_id), "--format", "markdown"])
        assert as_markdown.exit_code == 0, as_markdown.output
        assert "Incomplete" in as_markdown.stdout and "unknown" in as_markdown.stdout
        assert "No changes." not in as_markdown.stdout
        as_json = runner.invoke(app, ["diff", "--db", str(db), "--to", str(storm.run_id), "--format", "json"])
        assert json.loads(as_json.stdout)["changes"] == []  # nothing claimed either way …
        runs = json.loads(runner.invoke(app, ["runs", "--db", str(db), "--format", "json"]).stdout)
        assert [r["outcome"] for r in runs] == ["complete", "partial"]  # … and the run says why

        srv.set_faults("")
        after = crawl(srv.start_url, db)
        assert after.outcome == "complete"
        assert truth_mismatches(db, srv) == []


def test_a_429_storm_over_the_cap_stops_at_once_instead_of_hammering(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="espoo", faults="*/actions/*=429:retry-after=3600")) as srv:
        summary = crawl(srv.start_url, db)
        action_requests = [r for r in srv.request_log if "/actions/" in r.path]
    assert summary.outcome == "partial" and "Retry-After" in (summary.reason or "")
    assert len(action_requests) == 1
    assert set(outcomes(db, summary.run_id).values()) == {"not_reached", "fetch_failed"} or \
        set(outcomes(db, summary.run_id).values()) == {"not_reached"}


def test_a_429_storm_within_the_cap_is_waited_out(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v1", plan="espoo", faults="*/actions/*=429x6:retry-after=0")) as srv:
        summary = crawl(srv.start_url, db)
        assert summary.outcome in ("complete", "partial")
        seen = outcomes(db, summary.run_id)
        if summary.outcome == "complete":
            assert truth_mismatches(db, srv) == []
        else:  # a page that met four 429s in a row is fetch_failed, never unchanged, and the list carried on
            assert "unchanged" not in seen.values() and list(seen.values()).count("parsed") >= len(srv.chain()) - 2


def test_permanent_faults_are_recorded_for_what_they_are_and_bounded(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        chain = srv.chain()
        faults = {
            chain[1]: "huge",
            chain[3]: "type:application/pdf",
            chain[5]: "loop",
            chain[7]: "404",
            chain[9]: f"next:{chain[2]}",
            chain[11]: "next-host:http://127.0.0.1:9",
        }
        srv.set_faults(";".join(f"{path_of(srv, i)}={f}" for i, f in faults.items()))
        summary = crawl(srv.start_url, db)
        seen = outcomes(db, summary.run_id)
        per_path = Counter(r.path.split("?")[0] for r in srv.request_log)
    assert summary.outcome == "partial"  # three pages could not be fetched
    assert seen[chain[1]] == seen[chain[3]] == seen[chain[5]] == "fetch_failed"
    assert seen[chain[7]] == "gone"
    assert seen[chain[9]] == seen[chain[11]] == "parsed"  # the page is fine; its bad link is not followed
    assert all(seen[i] == "parsed" for i in chain if i not in faults)
    assert any("cycle" in n for n in summary.notes) and any("outside the plan" in n for n in summary.notes)
    assert max(per_path.values()) <= 4 * 6
    errors = dict(query(db, "SELECT identifier, error FROM observations WHERE run_id = ? AND error IS NOT NULL",
                        summary.run_id))
    assert "cap" in errors[chain[1]] and "content type" in errors[chain[3]] and "loop" in errors[chain[5]]


def test_a_body_dripping_one_byte_at_a_time_times_out(tmp_path: Path) -> None:
    slow = Reply(200, b"<html><body>" + b"x" * 400 + b"</body></html>", drip=0.02)
    with TinySite(chain_route(4, override=lambda p: slow if p == "/actions/2" else None)) as site:
        summary = crawl(site.base + "/actions", tmp_path / "a.duckdb", max_body_seconds=0.3, timeout=2.0)
    seen = outcomes(tmp_path / "a.duckdb", summary.run_id)
    assert seen == {"1": "parsed", "2": "fetch_failed", "3": "parsed", "4": "parsed"}
    error = query(tmp_path / "a.duckdb", "SELECT error FROM observations WHERE identifier = '2'")[0][0]
    assert "body still arriving" in error


def test_an_endless_body_is_cut_at_the_cap_and_memory_stays_bounded(tmp_path: Path) -> None:
    """A real `vahti crawl` process against a page that never ends: the crawl ends, and its peak memory stays
    well under what holding the stream would take."""
    endless = Reply(200, endless=True)
    db = tmp_path / "a.duckdb"
    with TinySite(chain_route(3, override=lambda p: endless if p == "/actions/2" else None)) as site:
        proc = subprocess.Popen([*VAHTI, "crawl", site.base + "/actions", "--delay", "0", "--db", str(db)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        peak_mb = wait_with_peak(proc)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
    print(f"peak RSS with an endless page: {peak_mb:.0f} MB")
    assert proc.returncode == 3, stderr  # partial: one page over the cap
    assert "Traceback" not in stderr
    # ~115 MB (zstd and the 10 MB cut body); an endless stream held in memory would pass any bound within seconds
    assert peak_mb < 400
    error = query(db, "SELECT error FROM observations WHERE identifier = '2'")[0][0]
    assert "over the 10 MB cap" in error


def test_an_endless_chain_and_endless_redirects_end(tmp_path: Path) -> None:
    def forever(path: str) -> Reply | None:
        tail = path.rsplit("/", 1)[-1]
        if path.startswith("/actions/") and tail.isdigit():
            n = int(tail)
            return Reply(200, (f'<html lang="fi"><body><a href="/actions/{n - 1}">Edellinen</a>'
                               f'<a href="/actions/{n + 1}">Seuraava</a><h1>Toimenpide {n}</h1></body></html>').encode())
        if path.startswith("/actions/r"):
            return Reply(302, b"", {"Location": f"/actions/r{int(path.split('?hop=')[-1] if '?' in path else 0) + 1}"
                                    f"?hop={int(path.split('?hop=')[-1] if '?' in path else 0) + 1}"})
        return Reply(404, b"") if path != "/robots.txt" else Reply(200, b"", {"Content-Type": "text/plain"})

    with TinySite(forever) as site:
        summary = crawl(site.base + "/actions/1000", tmp_path / "a.duckdb", max_requests=120)
        chain_requests = len(site.log)
        with pytest.raises(NotKausalWatch, match="too many redirects"):
            crawl(site.base + "/actions/r", tmp_path / "b.duckdb")
    assert summary.outcome == "partial" and "request budget" in (summary.reason or "")
    assert chain_requests <= 120
    assert query(tmp_path / "b.duckdb", "SELECT outcome FROM runs") == [("failed",)]
    assert sum(1 for p in site.log if p.startswith("/actions/r")) <= 4 * 6
