"""The replica's web archive over real HTTP: the CDX index with the real server's semantics, raw captures
byte for byte as the site served them then, redirects (captured and to the nearest capture), removed pages in
every era, throttling, an excluded site, and a timeline whose guaranteed cases a backfill relies on."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import itertools
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from schemas.meaning import fold, sniff_front_end
from scraper.parse import parse_page
from scraper.replica import ReplicaConfig, ReplicaServer
from scraper.replica.archive_timeline import ERA_STARTS, LAST_DAY, START, ArchivedCapture, day_of
from scraper.replica.cdx import FIELDS, surt
from scraper.replica.site import ReplicaSite
from tests.scraper.helpers import record_differences, without_tracing

PAGE = 120  # the server's own cap on a CDX answer: tampere's ~350 captures take three pages


@pytest.fixture(scope="module")
def srv() -> Iterator[ReplicaServer]:
    with ReplicaServer(ReplicaConfig(plan="tampere", archive_port=0, archive_page_size=PAGE)) as server:
        yield server


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30.0) as c:
        yield c


def cdx(srv: ReplicaServer, http: httpx.Client, url: str, **params: Any) -> list[list[str]]:
    resp = http.get(srv.archive_url + "/cdx/search/cdx", params={"url": url, "output": "json", **params})
    assert resp.status_code == 200, resp.text
    return list(resp.json())


def host(srv: ReplicaServer) -> str:
    return srv.base_url.split("://", 1)[1]


def everything(srv: ReplicaServer) -> str:
    return host(srv) + "/*"


def digest(body: bytes) -> str:
    return base64.b32encode(hashlib.sha1(body).digest()).decode()


def action_captures(srv: ReplicaServer, era: str | None = None) -> list[ArchivedCapture]:
    return [c for c in srv.archive.captures() if c.kind == "action" and c.lang == "fi"
            and (era is None or c.era == era)]


def memento(srv: ReplicaServer, http: httpx.Client, capture: ArchivedCapture) -> httpx.Response:
    return http.get(f"{srv.archive_url}/web/{capture.timestamp}id_/{capture.original}")


# --- the CDX index --------------------------------------------------------------------------------------------

def test_cdx_json_has_a_field_row_and_is_sorted_by_urlkey_then_timestamp(srv: ReplicaServer,
                                                                            http: httpx.Client) -> None:
    rows = cdx(srv, http, everything(srv), limit=10000)
    assert rows[0] == list(FIELDS)
    body = rows[1:]
    assert len(body) == PAGE  # the server's cap: a limit above it does not lift it
    keys = [(r[0], r[1]) for r in body]
    assert keys == sorted(keys)
    first = body[0]
    port = srv.base_url.rsplit(":", 1)[1]
    assert first[0].startswith(f"1,0,0,127:{port})/")  # an IPv4 host is reversed like a name, the port kept
    assert first[0] == surt(first[2]) and first[2].startswith(srv.base_url)
    assert all(len(r[1]) == 14 and r[1].isdigit() for r in body)
    assert {r[3] for r in body} == {"text/html"}


def test_text_output_is_space_separated_lines(srv: ReplicaServer, http: httpx.Client) -> None:
    capture = action_captures(srv)[0]
    text = http.get(srv.archive_url + "/cdx/search/cdx", params={"url": capture.original}).text
    lines = text.splitlines()
    assert lines and all(len(line.split(" ")) == len(FIELDS) for line in lines)
    assert capture.timestamp in {line.split(" ")[1] for line in lines}


def test_exact_ignores_the_scheme_and_prefix_takes_the_rest(srv: ReplicaServer, http: httpx.Client) -> None:
    capture = action_captures(srv)[0]
    want = sorted(c.timestamp for c in srv.archive.captures() if c.original == capture.original)
    for url in (capture.original, capture.original.replace("http://", "https://"), capture.original[7:],
                capture.original + "/"):
        assert [r[1] for r in cdx(srv, http, url)[1:]] == want, url
    stem = capture.original.rsplit(".", 1)[0]  # ".../lumo/actions/2.1" matches 2.1.1, 2.1.10 …
    prefixed = {r[0] for r in cdx(srv, http, stem + "*", fl="original", collapse="urlkey")[1:]}
    assert capture.original in prefixed and all(o.startswith(stem) for o in prefixed)
    assert prefixed == {r[0] for r in cdx(srv, http, stem, matchType="prefix", fl="original",
                                          collapse="urlkey")[1:]}
    actions = {r[0] for r in cdx(srv, http, host(srv) + "/lumo/actions/*", fl="original", collapse="original",
                                 limit=10000)[1:]}
    assert srv.base_url + "/lumo/actions" not in actions  # `actions/*` keeps its slash: the list is not in it
    hosted = cdx(srv, http, host(srv), matchType="host", fl="urlkey")[1:]
    assert len(hosted) == PAGE


def test_filters_match_the_whole_field_and_negate(srv: ReplicaServer, http: httpx.Client) -> None:
    url = everything(srv)
    gone = cdx(srv, http, url, filter="statuscode:404", fl="statuscode,original")
    assert gone[0] == ["statuscode", "original"] and {r[0] for r in gone[1:]} == {"404"}
    assert len(gone) - 1 == sum(c.status == 404 for c in srv.archive.captures())
    assert cdx(srv, http, url, filter="statuscode:4") == []  # "4" does not match "404" as a whole: no rows, `[]`
    others = cdx(srv, http, url, filter=["!statuscode:200", "!statuscode:404"], fl="statuscode", limit=10000)
    assert {r[0] for r in others[1:]} == {"301", "302"}
    assert cdx(srv, http, url, filter="~original:/lumo/actions/2.1.", fl="original", limit=3)[1][0].count("2.1.")


def test_collapse_digest_and_day(srv: ReplicaServer, http: httpx.Client) -> None:
    counts: dict[str, int] = {}
    for c in action_captures(srv):
        counts[c.original] = counts.get(c.original, 0) + 1
    url = max(counts, key=lambda u: counts[u])
    full = cdx(srv, http, url, fl="timestamp,digest")[1:]
    by_digest = cdx(srv, http, url, fl="timestamp,digest", collapse="digest")[1:]
    expected = [r for n, r in enumerate(full) if n == 0 or r[1] != full[n - 1][1]]
    assert by_digest == expected
    eras = {c.timestamp: c.era for c in srv.archive.captures() if c.original == url}
    v3 = [r for r in full if eras[r[0]] == "v3"]
    assert len({r[1] for r in v3}) == len(v3)  # every V3 capture has its own tracing id: no two alike
    by_day = cdx(srv, http, url, fl="timestamp", collapse="timestamp:8")[1:]
    days = [r[0][:8] for r in by_day]
    assert len(days) == len(set(days)) and set(days) == {r[0][:8] for r in full}


def test_from_and_to_are_inclusive_prefixes(srv: ReplicaServer, http: httpx.Client) -> None:
    rows = cdx(srv, http, everything(srv), fl="timestamp", **{"from": "2020", "to": "2020"})[1:]
    in_2020 = [c for c in srv.archive.captures() if c.timestamp.startswith("2020")]
    assert rows and all(r[0].startswith("2020") for r in rows) and len(rows) == min(PAGE, len(in_2020))
    url = srv.base_url + "/lumo/actions"
    listed = [r[0] for r in cdx(srv, http, url, fl="timestamp", **{"from": "201912", "to": "2020"})[1:]]
    assert listed == sorted(c.timestamp for c in srv.archive.captures()
                            if c.original == url and "20191201000000" <= c.timestamp <= "20201231235959")
    assert any(s.startswith("202012") or s.startswith("202011") for s in listed) or listed[-1] < "20201101"


def test_negative_limit_gives_the_last_rows(srv: ReplicaServer, http: httpx.Client) -> None:
    url = srv.base_url + "/lumo/actions"
    full = cdx(srv, http, url, fl="timestamp")[1:]
    assert cdx(srv, http, url, fl="timestamp", limit=-3)[1:] == full[-3:]
    assert cdx(srv, http, url, fl="timestamp", limit=2)[1:] == full[:2]


def test_resume_keys_page_through_everything_exactly_once(srv: ReplicaServer, http: httpx.Client) -> None:
    seen: list[tuple[str, str]] = []
    key: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"fl": "urlkey,timestamp", "showResumeKey": "true", "limit": 50}
        if key is not None:
            params["resumeKey"] = key
        rows = cdx(srv, http, everything(srv), **params)
        pages += 1
        if len(rows) >= 3 and rows[-2] == []:
            key = rows[-1][0]
            body = rows[1:-2]
        else:
            key, body = None, rows[1:]
        seen += [(r[0], r[1]) for r in body]
        if key is None:
            break
    every = sorted((surt(c.original), c.timestamp) for c in srv.archive.captures())
    assert seen == every and pages == -(-len(every) // 50)
    # without a limit the server's own cap cuts the page; the key continues after it
    first = cdx(srv, http, everything(srv), fl="urlkey,timestamp", showResumeKey="true")
    assert len(first) == PAGE + 3 and first[-2] == [] and [tuple(r) for r in first[1:-2]] == every[:PAGE]
    second = cdx(srv, http, everything(srv), fl="urlkey,timestamp", showResumeKey="true", resumeKey=first[-1][0])
    assert [tuple(r) for r in second[1:-2]] == every[PAGE:2 * PAGE]
    text = http.get(srv.archive_url + "/cdx/search/cdx",
                    params={"url": everything(srv), "limit": 5, "showResumeKey": "true"}).text
    assert text.endswith("\n") and text.splitlines()[-2] == "" and len(text.splitlines()) == 7


def test_bad_queries_are_400(srv: ReplicaServer, http: httpx.Client) -> None:
    for params in ({}, {"url": host(srv), "filter": "nosuchfield:x"}, {"url": host(srv), "from": "20x"},
                   {"url": host(srv), "resumeKey": "!!"}, {"url": host(srv), "matchType": "nearby"}):
        assert http.get(srv.archive_url + "/cdx/search/cdx", params=params).status_code == 400, params


# --- raw captures -----------------------------------------------------------------------------------------------

def _fresh_render(srv: ReplicaServer, capture: ArchivedCapture) -> bytes:
    """The same page rendered by a new site of the capture's era and day: what the live replica serves."""
    cfg = dataclasses.replace(srv.cfg, era=capture.era, day=capture.day, archive_port=None)
    site = ReplicaSite(cfg, srv.base_url, srv.archive.book)  # the same days, already computed
    return site.page(capture.path).body


def test_captures_are_the_sites_pages_of_their_era_and_day(srv: ReplicaServer, http: httpx.Client) -> None:
    for era, _ in ERA_STARTS:
        for capture in action_captures(srv, era)[:2] + [c for c in srv.archive.captures()
                                                       if c.kind == "list" and c.era == era][:1]:
            resp = memento(srv, http, capture)
            assert resp.status_code == 200
            assert resp.headers["Memento-Datetime"] == format_datetime(capture.at, usegmt=True)
            assert resp.headers["x-archive-orig-content-length"] == str(len(resp.content))
            assert sniff_front_end(resp.content) == (era if capture.kind == "action" or era != "v1early" else "v1")
            row = cdx(srv, http, capture.original, fl="timestamp,digest,length", **{"from": capture.timestamp,
                                                                                   "to": capture.timestamp})
            assert row[1] == [capture.timestamp, digest(resp.content), str(len(resp.content))]
            assert memento(srv, http, capture).content == resp.content  # the same bytes every time
            if era == "v3":
                assert resp.content != without_tracing(resp.content)
                assert without_tracing(resp.content) == _fresh_render(srv, capture)
                assert "x-archive-orig-x-plan-identifier" in resp.headers
                assert "authjs.csrf-token" in resp.headers["x-archive-orig-set-cookie"]
                assert "etag" not in {k.lower() for k in resp.headers}
            else:
                assert resp.content == _fresh_render(srv, capture)
                assert resp.headers["x-archive-orig-etag"].startswith('"')
                modified = dt.datetime.strptime(resp.headers["x-archive-orig-last-modified"],
                                                "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC)
                assert modified <= capture.at


def test_every_capture_answers_its_indexed_status(srv: ReplicaServer) -> None:
    for capture in srv.archive.captures():
        rendered = srv.archive.render(capture)
        assert rendered.status == capture.status, capture


def test_parsed_captures_give_the_truth(srv: ReplicaServer, http: httpx.Client) -> None:
    """`truth(capture)` is what a correct parser reads from the captured page."""
    sample = [c for era, _ in ERA_STARTS for c in action_captures(srv, era)[::25]]
    sample += [c for c in srv.archive.captures() if c.lang == "en"][:2]
    assert len(sample) >= 8
    for capture in sample:
        want = srv.archive.truth(capture)
        assert want is not None and want.identifier == capture.identifier and want.language == capture.lang
        got = parse_page(memento(srv, http, capture).content, capture.original).action
        assert not record_differences(got, want), (capture, record_differences(got, want))


def test_truth_is_the_replicas_expected_record_of_that_era_and_day(srv: ReplicaServer) -> None:
    for capture in action_captures(srv)[::40]:
        cfg = dataclasses.replace(srv.cfg, era=capture.era, day=capture.day, archive_port=None)
        expected = ReplicaSite(cfg, srv.base_url, srv.archive.book).expected_records("fi")
        assert capture.identifier is not None
        assert srv.archive.truth(capture) == expected[capture.identifier]
    assert all(srv.archive.truth(c) is None for c in srv.archive.captures() if c.kind != "action")


def test_a_timestamp_that_is_no_capture_redirects_to_the_nearest(srv: ReplicaServer, http: httpx.Client) -> None:
    capture = action_captures(srv, "v2")[3]
    later = (capture.at + dt.timedelta(seconds=1)).strftime("%Y%m%d%H%M%S")
    for stamp in (later, capture.timestamp[:12]):
        resp = http.get(f"{srv.archive_url}/web/{stamp}id_/{capture.original}")
        assert resp.status_code == 302 and "Memento-Datetime" not in resp.headers
        assert resp.headers["Location"] == f"{srv.archive_url}/web/{capture.timestamp}id_/{capture.original}"
    year = http.get(f"{srv.archive_url}/web/2022id_/{capture.original}")
    stamps = [c for c in srv.archive.captures() if c.original == capture.original]
    nearest = min(stamps, key=lambda c: abs(c.at - dt.datetime(2022, 1, 1, tzinfo=dt.UTC)))
    assert year.headers["Location"].endswith(f"/web/{nearest.timestamp}id_/{capture.original}")
    never = srv.base_url + "/lumo/actions/9.9.9"
    missing = http.get(f"{srv.archive_url}/web/2021id_/{never}")
    assert missing.status_code == 404 and "ResourceNotInArchiveException" in missing.headers[
        "X-Archive-Wayback-Runtime-Error"]
    assert http.get(f"{srv.archive_url}/web/{capture.timestamp}/{capture.original}").status_code == 404
    assert http.get(f"{srv.archive_url}/save/{capture.original}").status_code == 404


def test_captured_redirects_point_into_the_archive(srv: ReplicaServer, http: httpx.Client) -> None:
    redirects = [c for c in srv.archive.captures() if c.kind == "redirect"]
    base = srv.base_url
    merged = [c for c in redirects if c.status == 301 and "/lumo/actions/" in c.original]
    old = [c for c in redirects if "/lumo/action/" in c.original]
    root = [c for c in redirects if c.location == base + "/lumo/"]
    assert merged and old and root and root[0].status == 302 and root[0].era == "v3"
    for capture in (merged[0], old[0], root[0]):
        assert capture.location is not None
        resp = memento(srv, http, capture)
        assert resp.status_code == capture.status and resp.content == b""
        assert resp.headers["Location"] == f"{srv.archive_url}/web/{capture.timestamp}id_/{capture.location}"
        assert resp.headers["x-archive-orig-location"] == capture.location
        assert "Memento-Datetime" in resp.headers
    assert old[0].location == old[0].original.replace("/lumo/action/", "/lumo/actions/")
    assert srv.archive.truth(merged[0]) is None
    # the crawler followed the redirect: the target was captured seconds later, the nearest capture of it
    followed = http.get(memento(srv, http, old[0]).headers["Location"], follow_redirects=True)
    assert followed.status_code == 200
    stamp = dt.datetime.strptime(followed.headers["Memento-Datetime"], "%a, %d %b %Y %H:%M:%S GMT")
    assert 0 < (stamp.replace(tzinfo=dt.UTC) - old[0].at).total_seconds() <= 5


def test_removed_actions_are_captured_gone_in_every_era(srv: ReplicaServer, http: httpx.Client) -> None:
    for era, _ in ERA_STARTS:
        gone = [c for c in srv.archive.captures() if c.kind == "gone" and c.era == era]
        assert gone, era
        resp = memento(srv, http, gone[0])
        row = cdx(srv, http, gone[0].original, fl="timestamp,statuscode", **{"from": gone[0].timestamp,
                                                                            "to": gone[0].timestamp})
        if era == "v3":  # the App Router answers 200 with a not-found marker, and the index lists 200
            assert resp.status_code == 200 and b"NEXT_HTTP_ERROR_FALLBACK;404" in resp.content
            assert row[1][1] == "200"
        else:
            assert resp.status_code == 404 and row[1][1] == "404"
            assert resp.content == _fresh_render(srv, gone[0])
        assert srv.archive.truth(gone[0]) is None


# --- the timeline ---------------------------------------------------------------------------------------------------

def test_eras_and_days_follow_the_calendar(srv: ReplicaServer) -> None:
    captures = srv.archive.captures()
    assert captures == sorted(captures, key=lambda c: c.at)
    assert captures[0].at.year == 2019 and captures[-1].at.year == 2025
    starts = [(name, dt.datetime.combine(day, dt.time(), dt.UTC)) for name, day in ERA_STARTS]
    for c in captures:
        assert c.era == [name for name, since in starts if c.at >= since][-1]
        assert c.day == (c.at.date() - START).days // 7 == day_of(c.at)
        assert c.timestamp == c.at.strftime("%Y%m%d%H%M%S") and c.at.tzinfo is not None
        assert c.original == srv.base_url + c.path
    assert {c.era for c in captures} == {name for name, _ in ERA_STARTS}


def test_some_actions_are_never_captured_and_new_ones_only_once_they_exist(srv: ReplicaServer) -> None:
    arc = srv.archive
    captured = {c.identifier for c in arc.captures() if c.identifier is not None}
    never = {i for i, cls in arc.classes.items() if cls == "never"}
    assert never and not never & captured
    assert never & set(srv.chain())  # one of them is on the site today
    book = arc.book
    for c in arc.captures():
        if c.kind == "action":
            action = book.state(c.day).find(c.identifier or "")
            assert action is not None and action.merged_with is None
    added: dict[str, int] = {}
    for change in book.changes(0, LAST_DAY):
        if change.kind == "added":
            added.setdefault(change.identifier, change.day)
    assert added
    for c in arc.captures():
        if c.identifier in added and c.kind == "action":
            assert c.day >= added[c.identifier]


def _consecutive(srv: ReplicaServer, ident: str) -> list[tuple[ArchivedCapture, ArchivedCapture]]:
    own = [c for c in srv.archive.captures() if c.identifier == ident and c.lang == "fi"
           and "/lumo/actions/" in c.original]
    return [(a, b) for a, b in itertools.pairwise(own) if a.kind == b.kind == "action"]


def _meaning_changed(srv: ReplicaServer, a: ArchivedCapture, b: ArchivedCapture) -> bool:
    first, second = srv.archive.truth(a), srv.archive.truth(b)
    assert first is not None and second is not None
    return bool(fold([(first, a.era), (second, b.era)])[0][1])


def test_real_changes_inside_every_era_and_across_every_switch(srv: ReplicaServer) -> None:
    names = [name for name, _ in ERA_STARTS]
    for era in names:
        ident = srv.archive.highlights[f"change:{era}"]
        assert any(a.era == b.era == era and _meaning_changed(srv, a, b) for a, b in _consecutive(srv, ident))
    for before, after in itertools.pairwise(names):
        ident = srv.archive.highlights[f"switch:{after}"]
        assert any(a.era == before and b.era == after and _meaning_changed(srv, a, b)
                   for a, b in _consecutive(srv, ident))


def test_one_action_is_unchanged_across_the_v2_redesign(srv: ReplicaServer) -> None:
    ident = srv.archive.highlights["stable:v2"]
    own = [c for c in srv.archive.captures() if c.identifier == ident and c.kind == "action" and c.lang == "fi"]
    switch = dt.datetime(2020, 8, 1, tzinfo=dt.UTC)
    near = [c for c in own if c.at < switch][-2:] + [c for c in own if c.at >= switch][:2]
    assert [c.era for c in near] == ["v1", "v1", "v2", "v2"]
    assert max(c.at for c in near) - min(c.at for c in near) < dt.timedelta(days=42)
    records = [(srv.archive.truth(c), c.era) for c in near]
    steps, _ = fold([(r, e) for r, e in records if r is not None])
    assert len(steps) == 4 and not any(steps)
    assert records[0][0] == records[1][0] and records[2][0] == records[3][0]
    assert records[1][0] != records[2][0]  # the records differ: in markup only


def test_rate_scales_the_captures(srv: ReplicaServer) -> None:
    with ReplicaServer(ReplicaConfig(plan="tampere", archive_port=0, archive_rate=0.25)) as small:
        fewer = small.archive.captures()
        assert {c.era for c in fewer if c.kind == "gone"} == {name for name, _ in ERA_STARTS}
        assert "stable:v2" in small.archive.highlights
    assert len(fewer) < len(srv.archive.captures()) / 2
    with ReplicaServer(ReplicaConfig(plan="tampere", archive_port=0, archive_page_size=PAGE)) as again:
        same = again.archive.captures()
    assert [(c.timestamp, c.path, c.status, c.kind, c.day) for c in same] == [
        (c.timestamp, c.path, c.status, c.kind, c.day) for c in srv.archive.captures()]


# --- the service's habits ---------------------------------------------------------------------------------------------

def test_every_nth_request_is_throttled_and_requests_are_logged() -> None:
    with ReplicaServer(ReplicaConfig(plan="espoo", archive_port=0, archive_throttle=3, archive_rate=0.2)) as s, \
            httpx.Client(timeout=30.0) as c:
        query = s.archive_url + "/cdx/search/cdx?url=" + host(s) + "/actions&fl=timestamp"
        statuses = []
        for n in range(7):
            if n == 2:
                assert c.get(s.archive_url + "/robots.txt").status_code == 200  # never counted nor throttled
            statuses.append(c.get(query))
        assert [r.status_code for r in statuses] == [200, 200, 429, 200, 200, 429, 200]
        assert statuses[2].headers["Retry-After"] == "1"
        log = s.archive.request_log
        assert len(log) == 8 and log[2][1] == "/robots.txt" and log[0][1].startswith("/cdx/search/cdx?url=")
        assert all(b[0] >= a[0] for a, b in itertools.pairwise(log))
        robots = c.get(s.archive_url + "/robots.txt").text
        assert "User-agent: *" in robots and "Disallow: /save/" in robots


def test_a_refused_site_is_a_blocked_site_error() -> None:
    with ReplicaServer(ReplicaConfig(plan="espoo", archive_port=0, archive_refuse=True, archive_rate=0.2)) as s, \
            httpx.Client(timeout=30.0) as c:
        resp = c.get(s.archive_url + "/cdx/search/cdx", params={"url": host(s) + "/actions/*", "output": "json"})
        assert resp.status_code == 403
        assert "AdministrativeAccessControlException: Blocked Site Error" in resp.text
        capture = s.archive.captures()[0]
        raw = c.get(f"{s.archive_url}/web/{capture.timestamp}id_/{capture.original}")
        assert raw.status_code == 403 and "Blocked Site Error" in raw.text
        assert "AdministrativeAccessControlException" in raw.headers["X-Archive-Wayback-Runtime-Error"]
        assert c.get(s.archive_url + "/cdx/search/cdx", params={"url": "example.org/*"}).status_code == 200


def test_configuration_is_validated() -> None:
    for bad in ({"archive_port": 70000}, {"archive_rate": 0.0}, {"archive_throttle": 1},
                {"archive_page_size": 0}):
        with pytest.raises(ValueError):
            ReplicaConfig(**bad).validate()
    with ReplicaServer(ReplicaConfig(plan="espoo")) as plain, pytest.raises(RuntimeError):
        plain.archive_url  # noqa: B018


def test_helsinki_index_answers_quickly() -> None:
    """150 actions over six years: several thousand captures, and the index still answers in well under a
    second (a digest is computed once per capture, when first asked for)."""
    with ReplicaServer(ReplicaConfig(plan="helsinki", archive_port=0)) as s, httpx.Client(timeout=30.0) as c:
        assert len(s.archive.captures()) > 2000
        cdx_url = s.archive_url + "/cdx/search/cdx"
        started = time.monotonic()
        one = c.get(cdx_url, params={"url": s.action_url("111"), "output": "json"})
        listing = c.get(cdx_url, params={"url": host(s) + "/actions/*", "output": "json",
                                         "fl": "urlkey,timestamp,original,statuscode", "limit": 5000})
        elapsed = time.monotonic() - started
        assert one.status_code == listing.status_code == 200 and len(one.json()) > 2
        assert len(listing.json()) == 501
        assert elapsed < 1.0, elapsed


def test_vahti_replica_prints_the_archive_url() -> None:
    root = Path(__file__).resolve().parents[3]
    cmd = [sys.executable, "-c", "from scraper.cli import main; main()", "replica", "--plan", "espoo", "--port", "0",
           "--archive-port", "0"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        start = proc.stdout.readline().strip()
        line = ""
        for _ in range(20):
            line = proc.stderr.readline()
            if line.startswith("web archive at "):
                break
        archive = line.split()[3].rstrip(",")
        assert archive.startswith("http://127.0.0.1:") and f"--archive-url {archive}" in line and start in line
        answer = httpx.get(archive + "/cdx/search/cdx", params={"url": start, "output": "json"}, timeout=30)
        assert answer.status_code == 200 and answer.json()[0] == list(FIELDS)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
