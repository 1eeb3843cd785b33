"""Crawling the replica over real HTTP into a real DuckDB file: every era and plan, the archive against the
replica's ground truth, in chain order."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scraper.crawl import CrawlOptions
from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import action_paths, chain_of, crawl_replica, observations, query, record_mismatches

ERAS = ["v1early", "v1", "v2", "v3"]
PLANS = ["helsinki", "tampere", "espoo"]


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("era", ERAS)
def test_every_era_and_plan(tmp_path: Path, era: str, plan: str) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era=era, plan=plan)) as srv:
        summary = crawl_replica(srv, db)
        chain = srv.chain()
        requested = action_paths(srv)
        total_requests = len(srv.request_log)
    assert summary.outcome == "complete", summary.reason
    obs = observations(db, summary.run_id)
    assert chain_of(obs) == chain
    assert [o.position for o in obs] == list(range(1, len(chain) + 1))
    assert {o.outcome for o in obs} == {"parsed"}
    assert record_mismatches(obs, srv) == {}
    # each action page once, and nothing but robots.txt, the list and the sitemap besides
    assert len(requested) == len(set(requested)) == len(chain)
    assert total_requests == len(chain) + 3
    assert query(db, "SELECT outcome, resumed_from FROM runs WHERE id = ?", summary.run_id) == [("complete", None)]


def test_start_in_the_middle_reaches_first_and_last(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        chain = srv.chain()
        middle = srv.action_url(chain[len(chain) // 2])
        summary = crawl_replica(srv, db, start=middle)
        first_requests = [r.path for r in srv.request_log][:4]
    assert summary.outcome == "complete"
    assert chain_of(observations(db, summary.run_id)) == chain
    assert first_requests[3].endswith(chain[len(chain) // 2])  # robots, list, sitemap, then the start page


def test_start_from_the_middle_without_the_list(tmp_path: Path) -> None:
    """The chain alone (list page gone) still reaches both ends from the middle."""
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v1", plan="espoo", faults="/actions=404;/sitemap.xml=404")) as srv:
        chain = srv.chain()
        summary = crawl_replica(srv, db, start=srv.action_url(chain[5]))
    assert summary.outcome == "complete"
    assert chain_of(observations(db, summary.run_id)) == chain


def test_second_crawl_is_conditional_and_a_new_day_is_picked_up(tmp_path: Path) -> None:
    """V2 sends validators (V3 does not: see the next test)."""
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v2", plan="tampere")) as srv:
        first = crawl_replica(srv, db)
        first_ok = {r.path for r in srv.request_log if r.status == 200}
        srv.request_log.clear()
        second = crawl_replica(srv, db)
        conditional = {r.path for r in srv.request_log if "if-none-match" in {k.lower() for k in r.headers}}
        not_modified = {r.path for r in srv.request_log if r.status == 304}
        srv.advance(3)
        third = crawl_replica(srv, db)
        chain = srv.chain()
        truth = record_mismatches(observations(db, third.run_id), srv)
    assert first.outcome == second.outcome == third.outcome == "complete"
    assert conditional == not_modified == first_ok  # every URL that had a 200 was asked conditionally
    assert first.records["new"] == len(chain_of(observations(db, first.run_id))) and not first.records["changed"]
    second_obs = observations(db, second.run_id)
    assert second.records == {"same": len(second_obs)}
    assert third.records["changed"] + third.records["new"] > 0
    assert {o.outcome for o in second_obs} == {"unchanged"} and all(o.record for o in second_obs)
    assert chain_of(second_obs) == chain_of(observations(db, first.run_id))
    third_obs = observations(db, third.run_id)
    assert chain_of(third_obs) == chain
    assert {o.outcome for o in third_obs} <= {"parsed", "unchanged", "gone"}
    assert truth == {}


def test_v3_second_crawl_has_no_validators_and_compares_what_pages_say(tmp_path: Path) -> None:
    """V3 sends no ETag or Last-Modified and a new tracing id in every body (reference 12.5): nothing to ask
    conditionally, every byte differs, and the records are still the same."""
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        first = crawl_replica(srv, db)
        srv.request_log.clear()
        second = crawl_replica(srv, db)
        conditional = {r.path for r in srv.request_log
                       if {"if-none-match", "if-modified-since"} & {k.lower() for k in r.headers}}
        statuses = {r.status for r in srv.request_log}
    assert first.outcome == second.outcome == "complete"
    assert conditional == set() and 304 not in statuses
    second_obs = observations(db, second.run_id)
    assert second.records == {"same": len(second_obs)}
    assert chain_of(second_obs) == chain_of(observations(db, first.run_id))


def test_v3_theme_without_pager_links_walks_by_embedded_data(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="espoo", hide_pager=True)) as srv:
        summary = crawl_replica(srv, db)
        chain = srv.chain()
    assert summary.outcome == "complete" and summary.orphans == []
    assert chain_of(observations(db, summary.run_id)) == chain


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_other_languages(tmp_path: Path, lang: str) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="espoo", lang=lang)) as srv:
        summary = crawl_replica(srv, db)
        chain = srv.chain()
    assert summary.outcome == "complete"
    obs = observations(db, summary.run_id)
    assert chain_of(obs) == chain and record_mismatches(obs, srv) == {}
    assert query(db, "SELECT DISTINCT language FROM observations") == [(lang,)]


def test_singular_action_prefix_of_the_2019_test_instance(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v1early", plan="espoo", prefix="/action")) as srv:
        summary = crawl_replica(srv, db)
        chain = srv.chain()
    assert summary.outcome == "complete"
    assert chain_of(observations(db, summary.run_id)) == chain


def test_max_pages_leaves_the_rest_not_reached(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v2", plan="espoo")) as srv:
        summary = crawl_replica(srv, db, options=CrawlOptions(max_pages=4))
        requested = action_paths(srv)
        chain = srv.chain()
    assert summary.outcome == "partial" and summary.exit_code == 3
    assert len(requested) == 4
    outcomes = Counter(o.outcome for o in observations(db, summary.run_id))
    assert outcomes == {"parsed": 4, "not_reached": len(chain) - 4}


def test_a_broken_chain_without_a_list_is_partial_and_closes_nothing(tmp_path: Path) -> None:
    """Without the list nothing can bridge a break: the actions beyond it are unknown, never 'removed'."""
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v2", plan="tampere")) as srv:
        chain = srv.chain()
        assert crawl_replica(srv, db).outcome == "complete"
        gap = chain[-4]
        srv.set_faults(f"/lumo/actions=500;/sitemap.xml=500;{urlsplit(srv.action_url(gap)).path}=404")
        summary = crawl_replica(srv, db, start=srv.action_url(chain[3]))
    assert summary.outcome == "partial", summary.reason
    assert "unknown" in (summary.reason or "")
    closed = query(db, "SELECT identifier, gone_reason FROM action_versions WHERE gone_reason IS NOT NULL")
    assert closed == [(gap, "HTTP 404")]  # the one the site said is gone; those beyond it are not closed
    assert query(db, "SELECT count(*) FROM actions_current")[0][0] == len(chain) - 1


def test_summary_counts_actions_closed_because_they_left_chain_and_list(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        assert crawl_replica(srv, db).outcome == "complete"
        before = set(srv.chain())
        day = next(d for d in range(1, 30) if srv.set_day(d) is None and before - set(srv.chain()))
        srv.set_day(day)
        left = before - set(srv.chain())
        summary = crawl_replica(srv, db)
    assert summary.outcome == "complete"
    runs_gone = query(db, "SELECT gone FROM runs WHERE id = ?", summary.run_id)[0][0]
    assert summary.outcomes["gone"] == runs_gone >= len(left) > 0
    assert any("closed as gone" in note for note in summary.notes)
