"""The HTTP surface: robots, sitemap, list pages, conditional requests, Content-Length, the control API."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.scraper.helpers import TRACE_TAGS, without_tracing


def test_robots_disallows_admin_and_hides_control_paths(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1", crawl_delay=2)
    text = client.get(srv.base_url + "/robots.txt").text
    assert "Disallow: /admin" in text and "Crawl-delay: 2" in text
    assert "__replica__" not in text
    assert "Crawl-delay" not in client.get(serve(era="v3").base_url + "/robots.txt").text


@pytest.mark.parametrize("era", ["v1", "v2"])
def test_sitemap_lists_every_action_in_pages_router_eras(serve: Any, client: httpx.Client, era: str) -> None:
    srv = serve(era=era)
    locs = re.findall(r"<loc>([^<]+)</loc>", client.get(srv.base_url + "/sitemap.xml").text)
    assert {srv.action_url(i) for i in srv.chain()} <= set(locs)


def test_no_sitemap_in_v3(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    assert client.get(srv.base_url + "/sitemap.xml").status_code == 404


@pytest.mark.parametrize("era", ["v1early", "v1", "v2", "v3"])
def test_list_page_links_every_action(serve: Any, client: httpx.Client, era: str) -> None:
    srv = serve(era=era, plan="tampere")
    html = client.get(srv.start_url).text
    hrefs = set(re.findall(r'href="([^"]+/actions/[^"?]+)"', html))
    assert {srv.action_url(i)[len(srv.base_url):] for i in srv.chain()} <= hrefs
    if era == "v3":
        transport = re.search(r'ApolloSSRDataTransport"\)\] \?\?= \[\]\)\.push\((.*?)\)</script>', html)
        assert transport and "undefined" in transport.group(1)
        data = json.loads(re.sub(r"\bundefined\b", "null", transport.group(1)))
        actions = data["events"][1]["value"]["data"]["planActions"]
        assert [a["identifier"] for a in actions] == srv.chain()
    else:
        assert "planActions" in html and "__NEXT_DATA__" in html


@pytest.mark.parametrize("era", ["v1early", "v1", "v2"])
def test_conditional_requests_get_304_in_pages_router_eras(serve: Any, client: httpx.Client, era: str) -> None:
    srv = serve(era=era)
    url = srv.action_url("111")
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert int(first.headers["Content-Length"]) == len(first.content)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    logged = [r for r in srv.request_log if r.headers.get("If-None-Match") == etag]
    assert logged and logged[0].status == 304


@pytest.mark.parametrize("what", ["action", "list", "missing"])
def test_v3_responses_differ_every_time_and_carry_no_validators(serve: Any, client: httpx.Client,
                                                                what: str) -> None:
    srv = serve(era="v3", lang="sv", plan="tampere")
    url = {"action": srv.action_url(srv.chain()[3]), "list": srv.start_url, "missing": srv.action_url("9.9.9")}[what]
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content != second.content  # byte for byte, even from the render cache
    assert without_tracing(first.content) == without_tracing(second.content)
    ids = [TRACE_TAGS.search(r.content) for r in (first, second)]
    assert all(m and m.group(1) == m.group(2) for m in ids)  # the baggage repeats the trace id
    assert ids[0].group(1) != ids[1].group(1)  # type: ignore[union-attr]
    for resp in (first, second):
        assert int(resp.headers["Content-Length"]) == len(resp.content)
        assert "ETag" not in resp.headers and "Last-Modified" not in resp.headers
        assert resp.headers["Cache-Control"] == "private, no-cache, no-store, max-age=0, must-revalidate"
        assert resp.headers["x-plan-identifier"] == "lumo" and resp.headers["x-plan-domain"] == "127.0.0.1"
        assert 'hreflang="fi"' in resp.headers["link"] and 'hreflang="x-default"' in resp.headers["link"]
        cookies = resp.headers.get_list("Set-Cookie")
        assert any(re.fullmatch(r"authjs\.csrf-token=[0-9a-f]{64}%7C[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax", c)
                   for c in cookies)
        assert "NEXT_LOCALE=sv; Path=/; SameSite=lax" in cookies
    assert first.headers["Set-Cookie"] != second.headers["Set-Cookie"]
    # nothing to validate against: a conditional GET is a full answer
    again = client.get(url, headers={"If-None-Match": "*", "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert again.status_code == 200 and again.content
    head = client.head(url)
    assert int(head.headers["Content-Length"]) == len(first.content) and head.content == b""


def test_a_real_edit_changes_the_etag(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1")
    change = next(c for c in srv.changes(0, 10) if c.kind == "status")
    srv.set_day(change.day - 1)
    before = client.get(srv.action_url(change.identifier))
    srv.set_day(change.day)
    after = client.get(srv.action_url(change.identifier), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]


def test_control_api(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", plan="espoo")
    base = srv.base_url + "/__replica__"
    assert client.post(base + "/day/3").json() == {"day": 3}
    assert srv.day == 3
    assert client.post(base + "/advance").json() == {"day": 4}
    truth = client.get(base + "/truth").json()
    assert truth["day"] == 4 and truth["chain"] == srv.chain()
    assert set(truth["records"]) == set(srv.chain())
    changes = client.get(base + "/changes", params={"from": 0, "to": 4}).json()["changes"]
    assert changes == [c.as_dict() for c in srv.changes(0, 4)]
    assert client.post(base + "/faults", content=b"/x=500").json() == {"faults": "/x=500"}
    assert client.get(srv.base_url + "/x").status_code == 500
    assert client.post(base + "/day/-1").status_code in (400, 404)
    assert all("__replica__" not in r.path for r in srv.request_log)


def test_keep_alive_and_user_agent_logged(serve: Any) -> None:
    srv = serve(era="v1")
    with httpx.Client(headers={"User-Agent": "vahti-test/1"}) as c:
        for ident in srv.chain()[:5]:
            assert c.get(srv.action_url(ident)).http_version == "HTTP/1.1"
    assert [r.headers.get("User-Agent") for r in srv.request_log] == ["vahti-test/1"] * 5


def test_head_has_length_without_body(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v2")
    resp = client.head(srv.action_url("111"))
    assert resp.status_code == 200 and int(resp.headers["Content-Length"]) > 1000 and resp.content == b""


def test_control_api_switches_the_era_on_the_same_host_and_day(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1", plan="tampere", day=2)
    base = srv.base_url + "/__replica__"
    url = srv.action_url(srv.chain()[0])
    assert "__NEXT_DATA__" in client.get(url).text
    assert client.post(base + "/era/v3").json() == {"era": "v3"}
    after = client.get(url)
    assert after.status_code == 200 and 'data-testid="action-page"' in after.text
    assert "__NEXT_DATA__" not in after.text
    state = client.get(base + "/state").json()
    assert state["era"] == "v3" and state["day"] == 2 and srv.base_url in state["start_url"]
    assert client.get(base + "/truth").json()["era"] == "v3"
    assert client.post(base + "/era/v2").json() == {"era": "v2"}
    assert '<nav aria-label="Actions Pager">' in client.get(url).text
    assert client.post(base + "/era/v4").status_code == 400
    assert srv.cfg.era == "v2"
