"""The replica's GraphQL API: a real GraphQL server on its own port, answering from the day's plan state."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from scraper.replica import ReplicaConfig, ReplicaServer
from scraper.verify.api_client import PLAN_ACTIONS_QUERY


@pytest.fixture(scope="module")
def srv() -> Iterator[ReplicaServer]:
    with ReplicaServer(ReplicaConfig(plan="tampere", api_port=0)) as server:
        yield server


def _ask(srv: ReplicaServer, query: str, **variables: object) -> dict[str, object]:
    response = httpx.post(srv.api_url, json={"query": query, "variables": variables})
    assert response.status_code == 200
    return dict(response.json())


def test_own_port_and_robots(srv: ReplicaServer) -> None:
    assert srv.api_url.startswith("http://127.0.0.1:") and not srv.api_url.startswith(srv.base_url)
    robots = httpx.get(srv.api_url.split("/v1/")[0] + "/robots.txt")
    assert robots.status_code == 200 and "User-agent: *" in robots.text
    state = httpx.get(srv.base_url + "/__replica__/state").json()
    assert state["api_url"] == srv.api_url


def test_plan_actions_answer_the_chain_in_the_api_shapes(srv: ReplicaServer) -> None:
    plan = srv.site.plan.identifier if srv.site else ""
    data = _ask(srv, PLAN_ACTIONS_QUERY, plan=plan, lang="fi")["data"]
    assert isinstance(data, dict)
    assert data["plan"]["identifier"] == plan
    actions = data["planActions"]
    assert [a["identifier"] for a in actions] == srv.chain()
    first = actions[0]
    assert first["updatedAt"].endswith("+03:00") or first["updatedAt"].endswith("+02:00")
    assert {"responsibleParties", "tasks", "categories", "statusSummary"} <= set(first)
    assert all(t["state"] in ("NOT_STARTED", "IN_PROGRESS", "COMPLETED", "CANCELLED") for a in actions
               for t in a["tasks"])


def test_get_with_variables_and_one_action(srv: ReplicaServer) -> None:
    ident = srv.chain()[1]
    query = "query A($p: ID!, $i: ID!) { action(plan: $p, identifier: $i) { identifier name } }"
    plan = srv.site.plan.identifier if srv.site else ""
    response = httpx.get(srv.api_url, params={"query": query, "variables": f'{{"p": "{plan}", "i": "{ident}"}}'})
    assert response.json()["data"]["action"]["identifier"] == ident
    missing = _ask(srv, query, p=plan, i="no-such-action")
    assert missing["data"] == {"action": None}


def test_locale_directive_picks_the_language(srv: ReplicaServer) -> None:
    plan = srv.site.plan.identifier if srv.site else ""
    query = ("query Q($p: ID!, $l: String!) @locale(lang: $l) { planActions(plan: $p) "
             "{ identifier status { name } statusSummary { identifier label } } }")
    labels = {}
    for lang in ("fi", "sv", "en"):
        actions = _ask(srv, query, p=plan, l=lang)["data"]["planActions"]  # type: ignore[index]
        labels[lang] = {a["statusSummary"]["label"] for a in actions if a["status"] is None}
    assert labels == {"fi": {"Tuntematon"}, "sv": {"Okänd"}, "en": {"Unknown"}}


def test_graphql_errors_are_graphql_errors(srv: ReplicaServer) -> None:
    unknown = _ask(srv, "{ planActions(plan: \"lumo\") { nope } }")
    assert unknown["data"] is None and "nope" in unknown["errors"][0]["message"]  # type: ignore[index]
    wrong_plan = _ask(srv, "{ planActions(plan: \"helsinki-nope\") { identifier } }")
    assert "not found" in wrong_plan["errors"][0]["message"]  # type: ignore[index]
    assert httpx.get(srv.api_url).status_code == 400


def test_answers_follow_the_day(srv: ReplicaServer) -> None:
    plan = srv.site.plan.identifier if srv.site else ""
    query = "query Q($p: ID!) { planActions(plan: $p) { identifier name updatedAt } }"
    before = _ask(srv, query, p=plan)["data"]["planActions"]  # type: ignore[index]
    srv.set_day(4)
    try:
        after = _ask(srv, query, p=plan)["data"]["planActions"]  # type: ignore[index]
        assert [a["identifier"] for a in after] == srv.chain()
        assert before != after
    finally:
        srv.set_day(0)
