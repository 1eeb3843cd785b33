"""One judge of a response (`scraper.judge`): the rules a live fetch, an import and a backfill share, on the real
parser and hand-built pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scraper.judge import judge_response
from scraper.parse import parse_page
from snapshots.db import connect_read
from snapshots.store import open_writer
from tests.scraper.helpers import FakeClock, MemoryWriter, Reply, Site
from tests.scraper.parse.v3_page import ACTION, not_found_page, page

from .test_walk import crawl

URL = "https://ilmastovahti.hel.fi/actions/111"
HTML = {"Content-Type": "text/html; charset=utf-8"}
MERGED: dict[str, Any] = ACTION | {"mergedWith": {"id": "a110", "identifier": "110", "__typename": "Action"}}


@pytest.mark.parametrize(("status", "outcome", "why"), [
    (404, "gone", "HTTP 404"), (410, "gone", "HTTP 410"), (500, "fetch_failed", "HTTP 500"),
    (301, "fetch_failed", "HTTP 301"), (None, "fetch_failed", "no response"),
])
def test_status_alone(status: int | None, outcome: str, why: str) -> None:
    verdict = judge_response(URL, status, HTML, b"<html></html>")
    assert (verdict.outcome, verdict.identifier, verdict.record) == (outcome, "111", None)
    assert why in (verdict.reason or verdict.error or "")


def test_a_failed_fetch_says_why_whatever_the_status() -> None:
    verdict = judge_response(URL, 200, {"Content-Type": "application/pdf"}, b"%PDF",
                             error="unexpected content type 'application/pdf' (wanted html)")
    assert verdict.outcome == "fetch_failed" and "application/pdf" in (verdict.error or "")


def test_a_page_is_parsed_and_a_confirmed_304_is_unchanged() -> None:
    parsed = judge_response(URL, 200, HTML, page())
    assert parsed.outcome == "parsed" and parsed.record is not None and parsed.identifier == "111"
    confirmed = judge_response(URL, 304, HTML, page())
    assert confirmed.outcome == "unchanged" and confirmed.record == parsed.record
    lost = judge_response(URL, 304, {}, b"")
    assert lost.outcome == "fetch_failed" and "lost the body" in (lost.error or "")


def test_not_found_page_and_unparseable_page() -> None:
    gone = judge_response(URL, 200, HTML, not_found_page())
    assert gone.outcome == "gone" and (gone.reason or "").startswith("not-found page (HTTP 200)")
    junk = judge_response(URL, 200, HTML, b"<html><body>hello</body></html>")
    assert junk.outcome == "parse_failed" and junk.error


def test_a_crashing_parser_costs_the_page_only() -> None:
    def crash(body: bytes, url: str) -> Any:
        raise KeyError("boom")

    verdict = judge_response(URL, 200, HTML, page(), parse=crash)
    assert verdict.outcome == "parse_failed" and "parser crashed: KeyError" in (verdict.error or "")


def test_the_headers_charset_is_the_one_decode() -> None:
    latin = page().decode().replace("–", "-").encode("windows-1252")
    verdict = judge_response(URL, 200, {"content-type": "text/html; charset=windows-1252"}, latin)
    assert verdict.record is not None and verdict.record.name.startswith("Julkisten toimijoiden yhteistyö")
    # the page's own <meta charSet="utf-8"> is the lie here: the header wins, silently
    assert not [w for w in verdict.warnings if "charset" in w.message]
    mislabelled = judge_response(URL, 200, {"Content-Type": "text/html; charset=iso-8859-1"}, page())
    assert mislabelled.record is not None and mislabelled.record.name == verdict.record.name
    assert [w.field for w in mislabelled.warnings if "UTF-8" in w.message] == ["fetch"]


def test_a_merged_action_is_gone_into_its_target() -> None:
    """V3's embedded `mergedWith`: the page still stands, the action is gone, the reason names the target."""
    verdict = judge_response(URL, 200, HTML, page(MERGED))
    assert (verdict.outcome, verdict.identifier, verdict.reason) == ("gone", "111", "merged into 110")
    assert verdict.record is None


def test_the_crawl_keeps_a_merged_page_and_records_it_gone(
    site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock
) -> None:
    """The replica serves a merged action only as not found, so this page is built by hand: over real HTTP, with
    the real parser, the crawl stores the page and observes the action as gone, merged into 110."""
    site.routes["/actions"] = Reply(body=b'<html lang="fi"><body><a href="/actions/111">111</a></body></html>')
    site.routes["/actions/111"] = Reply(body=page(MERGED))
    summary = crawl(site, memory_writer, fake_clock, parse=parse_page).run()
    [seen] = memory_writer.run_observations(summary.run_id)
    assert (seen.outcome, seen.identifier, seen.reason, seen.record) == ("gone", "111", "merged into 110", None)
    assert seen.page_id is not None and memory_writer.pages[seen.page_id].body == page(MERGED)
    assert summary.outcome == "complete" and summary.outcomes["gone"] == 1


def test_a_merged_action_closes_its_version_with_the_reason(site: Site, fake_clock: FakeClock, tmp_path: Path) -> None:
    """What README and docs/archive.md promise: `gone_reason = 'merged into 110'` in a real archive."""
    db = tmp_path / "a.duckdb"
    site.routes["/actions"] = Reply(body=b'<html lang="fi"><body><a href="/actions/111">111</a></body></html>')
    for day, action in enumerate([ACTION, MERGED]):
        site.routes["/actions/111"] = Reply(body=page(action))
        with open_writer(db) as writer:
            summary = crawl(site, writer, fake_clock, parse=parse_page).run()  # type: ignore[arg-type]
        assert summary.outcome == "complete", (day, summary.reason)
    con = connect_read(db)
    try:
        rows = con.execute("SELECT identifier, valid_to IS NOT NULL, gone_reason FROM action_versions").fetchall()
    finally:
        con.close()
    assert rows == [("111", True, "merged into 110")]
