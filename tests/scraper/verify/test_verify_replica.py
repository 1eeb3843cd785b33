"""Crawl the replica over real HTTP, verify the run against the replica's API: 100 % agreement on every
compared field, in every front-end era and language; and what the archive keeps of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.replica import ReplicaConfig, ReplicaServer
from scraper.verify.compare import COMPARED
from tests.scraper.helpers import crawl_complete, query, verify

NOT_SHOWN = {"v1early": {"lead", "implementation_phase", "indicators", "status_updates"},
             "v1": {"lead", "implementation_phase"}}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("era", ["v1early", "v1", "v2", "v3"])
def test_every_compared_field_agrees(tmp_path: Path, era: str, lang: str) -> None:
    plan = "tampere" if (era, lang) < ("v2", "sv") else "espoo"
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(plan=plan, era=era, lang=lang, api_port=0, day=2)) as srv:
        run_id = crawl_complete(srv, db)
        result = verify(srv, db)
        api_requests = [path for method, path, _ in srv.api.log] if srv.api else []
    assert result.run_id == run_id and result.language == lang
    shares = {f.field: f.share for f in result.fields}
    expected = {name: 100.0 for name in COMPARED if name not in NOT_SHOWN.get(era, set())}
    assert {k: v for k, v in shares.items() if v is not None} == expected
    assert all(a.verdict == "agrees" for a in result.actions)
    assert len(result.actions) == len(srv.chain())
    # one query for the whole plan (robots.txt first), in the language's own @locale
    assert api_requests[0] == "/robots.txt" and len(api_requests) == 2
    assert "%40locale%28lang%3A+%24lang%29" in api_requests[1] and f"%22lang%22%3A+%22{lang}%22" in api_requests[1]
    stored = query(db, "SELECT run_id, plan_identifier, lowest_agreement, actions_compared, actions_agreed"
                       " FROM verifications")
    assert stored == [(run_id, result.plan_identifier, 100.0, len(result.actions), len(result.actions))]
    rows = query(db, "SELECT field, compared, agreed, share FROM agreement ORDER BY field")
    assert {r[0] for r in rows} == set(COMPARED)
    assert query(db, "SELECT DISTINCT verdict FROM agreement_actions") == [("agrees",)]


def test_plan_identifier_from_embedded_data_when_no_header(tmp_path: Path) -> None:
    """V1/V2 pages send no x-plan-identifier header: the embedded data names the plan."""
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(plan="espoo", era="v2", api_port=0)) as srv:
        crawl_complete(srv, db)
        assert not query(db, "SELECT 1 FROM pages WHERE CAST(headers AS VARCHAR) ILIKE '%x-plan-identifier%'")
        result = verify(srv, db)
        assert result.plan_identifier == (srv.site.plan.identifier if srv.site else None)
