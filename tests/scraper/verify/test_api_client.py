"""The API client: robots.txt of the API's host obeyed, one query per action where `planActions` is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import scraper.replica.graphql_api
import scraper.replica.graphql_schema
from scraper.fetch import FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from scraper.verify.api_client import ApiClient, ApiUnavailable
from tests.scraper.helpers import crawl_complete, verify


def test_robots_txt_of_the_api_is_obeyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scraper.replica.graphql_api, "ROBOTS", "User-agent: *\nDisallow: /v1/\n")
    with ReplicaServer(ReplicaConfig(plan="espoo", api_port=0)) as srv:
        with ApiClient(srv.api_url, FetchPolicy(delay=0)) as api, pytest.raises(ApiUnavailable) as caught:
            api.plan_actions("x", "fi")
        assert "robots.txt disallows" in str(caught.value)
        assert [path for _, path, _ in srv.api.log] == ["/robots.txt"] if srv.api else False


def test_one_query_per_action_without_plan_actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: Any, info: Any, plan: str, first: int | None = None) -> list[Any]:
        raise ValueError("Cannot query field 'planActions' on type 'Query'.")

    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(plan="espoo", era="v2", lang="sv", api_port=0)) as srv:
        crawl_complete(srv, db)
        monkeypatch.setattr(scraper.replica.graphql_schema._Root, "_plan_actions", refused)
        result = verify(srv, db)
        queries = [path for _, path, _ in srv.api.log if path.startswith("/v1/")] if srv.api else []
    assert all(f.share == 100.0 for f in result.fields if f.share is not None)
    assert len(result.actions) == 12 and {a.verdict for a in result.actions} == {"agrees"}
    assert len(queries) == 2 + 12  # planActions refused, the plan, then one action at a time
