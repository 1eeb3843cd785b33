"""Unchanged means unchanged on V3: the replica sends a fresh tracing id in every body and no validators
(reference 12.5), and a second crawl of an unchanged plan still observes every action as `unchanged`, reuses the
records, and stores almost nothing: a delta of the tracing id per page. A real edit is seen the next day."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper import crawl_visit
from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import crawl_replica, observations, query


def _stored(db: Path, run_id: int) -> tuple[int, int, int]:
    """(bodies stored by the run, how many of them whole, their compressed bytes)."""
    rows = query(db, "SELECT count(*), count(*) FILTER (b.base IS NULL), coalesce(sum(octet_length(b.zstd)), 0)"
                     " FROM bodies b WHERE b.sha256 IN (SELECT sha256 FROM pages WHERE run_id = ?)"
                     " AND b.sha256 NOT IN (SELECT sha256 FROM pages WHERE run_id < ? AND sha256 IS NOT NULL)",
                 run_id, run_id)
    count, whole, size = rows[0]
    return int(count), int(whole), int(size)


def test_two_crawls_of_an_unchanged_v3_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.duckdb"
    parsed: list[str] = []
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        first = crawl_replica(srv, db)
        real = crawl_visit.judge_response

        def counting(url: str, *args: object, **kwargs: object) -> object:
            parsed.append(url)
            return real(url, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(crawl_visit, "judge_response", counting)
        second = crawl_replica(srv, db)
        chain = srv.chain()
    assert first.outcome == second.outcome == "complete"
    obs = observations(db, second.run_id)
    assert [o.identifier for o in obs if o.position is not None] == chain
    assert {o.outcome for o in obs} == {"unchanged"}
    assert parsed == []  # every record was the previous fetch's: the parser never ran
    assert query(db, "SELECT parsed, unchanged, versions_added FROM runs WHERE id = ?", second.run_id) == [
        (0, len(chain), 0)
    ]
    # every action still has its one version, seen by both runs
    assert query(db, "SELECT count(*), min(first_run), min(last_run) FROM action_versions") == [
        (len(chain), first.run_id, second.run_id)
    ]
    # the second day's pages (the list and the not-found sitemap too) are deltas of about a hundred bytes
    count, whole, size = _stored(db, second.run_id)
    first_count, first_whole, first_size = _stored(db, first.run_id)
    assert count >= len(chain) and whole == 0
    assert size / count < 200 and size < first_size / 100
    assert first_whole == first_count


def test_a_new_parser_reads_the_page_again_and_it_is_still_unchanged(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="espoo")) as srv:
        crawl_replica(srv, db)
        monkeypatch.setattr(crawl_visit, "PARSER_VERSION", "99.0.0")
        second = crawl_replica(srv, db)
    obs = observations(db, second.run_id)
    assert {o.outcome for o in obs} == {"unchanged"}
    assert query(db, "SELECT versions_added FROM runs WHERE id = ?", second.run_id) == [(0,)]


def test_a_real_edit_the_next_day_is_seen(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv:
        crawl_replica(srv, db)
        srv.set_day(3)
        edited = {c.identifier for c in srv.changes(0, 3)}
        third = crawl_replica(srv, db)
    obs = observations(db, third.run_id)
    changed = {o.identifier for o in obs if o.outcome == "parsed"}
    assert edited and edited <= changed | {o.identifier for o in obs if o.outcome == "gone"}
    assert {o.outcome for o in obs if o.identifier not in edited} <= {"unchanged", "parsed"}
    # an edited page is stored as a delta too when the edit is small, or whole when it is not: either reads back
    assert query(db, "SELECT count(*) FROM bodies d JOIN bodies w ON w.sha256 = d.base WHERE w.base IS NOT NULL") \
        == [(0,)]
