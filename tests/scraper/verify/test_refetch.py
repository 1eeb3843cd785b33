"""The page verify reads again is judged by the crawl's own judge (`scraper.judge`): a response means the same to
verify as it meant to the crawl, down to a merged action being gone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scraper.fetch import FetchPolicy, FetchResult
from scraper.judge import judge_response
from scraper.parse import ParseError, ParseResult, parse_page
from scraper.verify.api_client import ApiClient
from scraper.verify.engine import Verifier
from snapshots.agreement import RunSnapshot
from tests.scraper.parse.v3_page import ACTION, not_found_page, page

URL = "https://ilmastovahti.hel.fi/actions/111"
HTML = {"content-type": "text/html; charset=utf-8"}
MERGED: dict[str, Any] = ACTION | {"mergedWith": {"id": "a110", "identifier": "110", "__typename": "Action"}}


class _OneReply:
    """A fetcher that answers every URL with one result."""

    def __init__(self, result: FetchResult) -> None:
        self.result = result

    def fetch(self, url: str, expect: str = "html") -> FetchResult:
        return self.result


def _verifier(result: FetchResult, parse: Any = None) -> Verifier:
    snap = RunSnapshot(1, "ilmastovahti.hel.fi", "", "fi", URL, dt.datetime.now(dt.UTC), "complete", {}, None, [])
    verifier = Verifier(snap, ApiClient("http://127.0.0.1:9/graphql"), FetchPolicy(), body_of=lambda _: None,
                        parse=parse)
    verifier._site = _OneReply(result)  # type: ignore[assignment]
    return verifier


def _ok(body: bytes, headers: dict[str, str] = HTML) -> FetchResult:
    return FetchResult(URL, "ok", URL, status=200, headers=headers, body=body)


@pytest.mark.parametrize(("result", "gone", "error"), [
    (FetchResult(URL, "missing", URL, status=404, headers=HTML, body=b"no"), True, None),
    (FetchResult(URL, "missing", URL, status=410, headers=HTML, body=b""), True, None),
    (_ok(not_found_page()), True, None),
    (_ok(page(MERGED)), True, None),
    (FetchResult(URL, "failed", URL, status=500, headers=HTML, body=b"oops", error="HTTP 500"), False, "HTTP 500"),
    (FetchResult(URL, "failed", URL, error="connection refused"), False, "connection refused"),
    (FetchResult(URL, "refused", URL, error="robots.txt disallows " + URL), False, "robots.txt disallows"),
    (_ok(b"<html><body>hello</body></html>"), False, "parse failed: "),
])
def test_what_a_page_read_again_says(result: FetchResult, gone: bool, error: str | None) -> None:
    fresh = _verifier(result)._refetch(URL)
    assert (fresh.record, fresh.gone) == (None, gone)
    assert (fresh.error or "").startswith(error or "") and (fresh.error is None) == (error is None)


def test_a_page_read_again_gives_the_crawls_record_and_era() -> None:
    verifier = _verifier(_ok(page()))
    fresh = verifier._refetch(URL)
    assert fresh.record == judge_response(URL, 200, HTML, page()).record
    assert fresh.record is not None and fresh.record.identifier == "111"
    assert fresh.era == "v3" and verifier.refetched == 1


def test_the_bytes_are_decoded_by_the_response_headers_like_the_crawls() -> None:
    """The judge reads the raw body with the response's charset; the fetcher's own decoding is not needed."""
    latin = page().replace(b'<meta charSet="utf-8"/>', b"").decode("utf-8").encode("latin-1", errors="replace")
    result = _ok(latin, {"content-type": "text/html; charset=iso-8859-1"})
    fresh = _verifier(result)._refetch(URL)
    assert fresh.record == judge_response(URL, 200, result.headers, latin).record
    assert fresh.record is not None and "toimijoiden yhteistyö" in fresh.record.name


def test_the_parser_handed_in_reads_the_page_and_a_crash_costs_that_page() -> None:
    seen: list[str] = []

    def spy(body: bytes, url: str) -> ParseResult:
        seen.append(url)
        return parse_page(body, url)

    redirected = FetchResult(URL, "ok", URL + "?x=1", status=200, headers=HTML, body=page())
    assert _verifier(redirected, spy)._refetch(URL).record is not None
    assert seen == [URL]  # the page's own URL, spelled as the crawl spells it

    def broken(body: bytes, url: str) -> ParseResult:
        raise ParseError("no heading")

    assert _verifier(_ok(page()), broken)._refetch(URL).error == "parse failed: no heading"

    def crashing(body: bytes, url: str) -> ParseResult:
        raise KeyError("boom")

    assert "parser crashed: KeyError" in (_verifier(_ok(page()), crashing)._refetch(URL).error or "")
