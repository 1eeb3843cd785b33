"""Each fault the replica can inject: retried and recovered, or recorded and reported. The replica's request log
is the witness: Retry-After honoured, nothing requested off-host, no loop, a bounded number of requests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scraper.crawl import CrawlOptions
from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import Site, action_paths, chain_of, crawl_replica, observations, record_mismatches

PLAN = "espoo"  # 12 actions: small enough to crawl many times


def replica(faults: str, era: str = "v3") -> ReplicaServer:
    return ReplicaServer(ReplicaConfig(era=era, plan=PLAN, faults=faults))


def nth_action(srv: ReplicaServer, n: int) -> str:
    return urlsplit(srv.action_url(srv.chain()[n])).path


def bounded(srv: ReplicaServer, attempts: int = 4) -> None:
    """No loop: at most `attempts` tries per chain page plus robots.txt, the list and the sitemap."""
    assert len(srv.request_log) <= (len(srv.chain()) + 3) * attempts
    counts = Counter(r.path.split("?")[0] for r in srv.request_log)
    assert max(counts.values()) <= attempts * 6  # a redirect chain of 5 hops at most, per attempt


@pytest.mark.parametrize("fault", ["500x2", "502x3", "503x1", "resetx2", "truncatex2"])
def test_transient_faults_are_retried_and_recovered(tmp_path: Path, fault: str) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan=PLAN)) as srv:
        target = nth_action(srv, 3)
        srv.set_faults(f"{target}={fault}")
        summary = crawl_replica(srv, db)
        tries = [r for r in srv.request_log if r.path == target]
        bounded(srv)
    assert summary.outcome == "complete", summary.reason
    assert summary.retries >= 1 and len(tries) >= 2
    obs = observations(db, summary.run_id)
    assert chain_of(obs) == srv.chain() and record_mismatches(obs, srv) == {}


def test_slow_page_times_out_then_recovers(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan=PLAN)) as srv:
        target = nth_action(srv, 2)
        srv.set_faults(f"{target}=slow:1:times=1")
        summary = crawl_replica(srv, db, timeout=0.3)
        tries = [r for r in srv.request_log if r.path == target]
    assert summary.outcome == "complete" and len(tries) == 2


@pytest.mark.parametrize(("status", "retry_after"), [(429, "1"), (503, "1"), (429, "date+2")])
def test_retry_after_is_honoured(tmp_path: Path, status: int, retry_after: str) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan=PLAN)) as srv:
        target = nth_action(srv, 1)
        srv.set_faults(f"{target}={status}x1:retry-after={retry_after}")
        summary = crawl_replica(srv, db)
        tries = [r for r in srv.request_log if r.path == target]
    assert summary.outcome == "complete"
    assert [t.status for t in tries] == [status, 200]
    # an HTTP-date has one-second resolution: "now + 2 s" may mean a little over 1 s
    assert tries[1].time - tries[0].time >= (1.0 if retry_after != "date+2" else 0.9)


def test_retry_after_over_the_cap_stops_the_crawl_partial(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with replica("/actions/*=429:retry-after=3600") as srv:
        summary = crawl_replica(srv, db, max_retry_after=10)
        requested = action_paths(srv)
    assert summary.outcome == "partial" and "3600" in (summary.reason or "")
    assert len(requested) == 1  # asked once, told to wait an hour, stopped
    outcomes = Counter(o.outcome for o in observations(db, summary.run_id))
    assert outcomes["not_reached"] == len(srv.chain())


@pytest.mark.parametrize("status", ["404", "410"])
def test_missing_action_is_gone_and_the_list_continues(tmp_path: Path, status: str) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v2", plan=PLAN)) as srv:
        target = nth_action(srv, 4)
        srv.set_faults(f"{target}={status}")
        summary = crawl_replica(srv, db)
        chain = srv.chain()
    assert summary.outcome == "complete"
    obs = observations(db, summary.run_id)
    assert chain_of(obs) == chain
    gone = [o for o in obs if o.outcome == "gone"]
    assert [o.identifier for o in gone] == [chain[4]] and gone[0].reason == f"HTTP {status}"
    assert any("continued from the list" in n for n in summary.notes)


def test_redirects_on_host_are_followed(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v1", plan=PLAN)) as srv:
        target = nth_action(srv, 2)
        srv.set_faults(f"{target}=redirect:3")
        summary = crawl_replica(srv, db)
        hops = [r.path for r in srv.request_log if r.path.startswith(target)]
    assert summary.outcome == "complete"
    assert hops == [target, f"{target}?hop=1", f"{target}?hop=2", f"{target}?hop=3"]
    obs = observations(db, summary.run_id)
    assert chain_of(obs) == srv.chain() and record_mismatches(obs, srv) == {}


def test_redirect_loop_is_recorded_not_followed_forever(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan=PLAN)) as srv:
        target = nth_action(srv, 5)
        srv.set_faults(f"{target}=loop")
        summary = crawl_replica(srv, db)
        loop_requests = [r for r in srv.request_log if r.path.startswith(target)]
        bounded(srv)
    assert summary.outcome == "partial" and "could not be fetched" in (summary.reason or "")
    failed = [o for o in observations(db, summary.run_id) if o.outcome == "fetch_failed"]
    assert len(failed) == 1 and "redirect loop" in (failed[0].error or "")
    assert len(loop_requests) == 2  # A, A?loop=1, then A again is recognised without asking


def test_prev_next_cycle_is_detected(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan=PLAN)) as srv:
        chain = srv.chain()
        srv.set_faults(f"{nth_action(srv, 6)}=next:{chain[2]}")
        summary = crawl_replica(srv, db)
        requested = action_paths(srv)
    assert summary.outcome == "complete"
    assert any("cycle" in n for n in summary.notes)
    assert len(requested) == len(set(requested)) == len(chain)
    assert chain_of(observations(db, summary.run_id)) == chain


def test_off_site_next_link_is_never_requested(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v1", plan=PLAN)) as srv:
        srv.set_faults(f"{nth_action(srv, 3)}=next-host:{site.base}")
        summary = crawl_replica(srv, db)
        chain = srv.chain()
    assert site.log == []
    assert any(url.startswith(site.base) for url, _ in summary.refused)
    assert summary.outcome == "complete"
    assert chain_of(observations(db, summary.run_id)) == chain


def test_huge_page_is_refused_by_the_size_cap(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan=PLAN)) as srv:
        srv.set_faults(f"{nth_action(srv, 1)}=huge:11")
        summary = crawl_replica(srv, db)
    failed = [o for o in observations(db, summary.run_id) if o.outcome == "fetch_failed"]
    assert len(failed) == 1 and "10 MB cap" in (failed[0].error or "")
    assert summary.outcome == "partial"


@pytest.mark.parametrize("charset", ["latin1", "utf8-as-latin1"])
def test_wrong_charset_is_decoded_and_warned(tmp_path: Path, charset: str) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v1", plan=PLAN)) as srv:
        target = nth_action(srv, 2)
        srv.set_faults(f"{target}=charset:{charset}")
        summary = crawl_replica(srv, db)
        ident = srv.chain()[2]
        truth = srv.expected_records()[ident].content_dict()
    assert summary.outcome == "complete"
    obs = {o.identifier: o for o in observations(db, summary.run_id)}
    record = obs[ident].record
    assert obs[ident].outcome == "parsed" and record is not None
    assert record["name"] == truth["name"]
    from tests.scraper.helpers import query

    warnings = query(db, "SELECT warnings FROM observations WHERE identifier = ?", ident)[0][0]
    assert warnings and "charset" in warnings


def test_non_html_content_type_is_recorded(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan=PLAN)) as srv:
        srv.set_faults(f"{nth_action(srv, 0)}=type:application/json")
        summary = crawl_replica(srv, db)
        chain = srv.chain()
    failed = [o for o in observations(db, summary.run_id) if o.outcome == "fetch_failed"]
    assert len(failed) == 1 and "application/json" in (failed[0].error or "")
    assert chain_of(observations(db, summary.run_id)) == chain  # the list carried the walk past it


def test_site_going_down_half_way_stops_after_max_failures(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with replica("halfway=5") as srv:
        summary = crawl_replica(srv, db, options=CrawlOptions(max_failures=3), attempts=2)
        chain = srv.chain()
        requested = action_paths(srv)
    assert summary.outcome == "partial" and "3 failed pages in a row" in (summary.reason or "")
    outcomes = Counter(o.outcome for o in observations(db, summary.run_id))
    assert outcomes == {"parsed": 4, "fetch_failed": 3, "not_reached": len(chain) - 7}
    assert len(requested) == 4 + 3 * 2  # bounded: 2 attempts per failing page, then stop
