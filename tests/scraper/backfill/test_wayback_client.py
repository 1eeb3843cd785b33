"""The web archive's answers as vahti reads them: index rows, resume keys, capture times, the plan's pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from scraper.backfill import PlanScope
from scraper.wayback import ArchiveRefused, parse_cdx_json, parse_timestamp

FIELDS = ["timestamp", "original", "statuscode", "mimetype", "digest", "length"]


def test_index_rows_and_resume_key() -> None:
    body = json.dumps([FIELDS, ["20200315120000", "https://h.fi/actions/1", "200", "text/html", "AB", "1234"],
                       ["20200316120000", "https://h.fi/actions/2", "-", "warc/revisit", "AB", "-"],
                       [], ["h.fi)/actions/2 20200316120000"]])
    rows, key = parse_cdx_json(body, "archive")
    assert [r.original for r in rows] == ["https://h.fi/actions/1", "https://h.fi/actions/2"]
    assert rows[0].status == 200 and rows[0].length == 1234
    assert rows[1].status is None and rows[1].length is None
    assert key == "h.fi)/actions/2 20200316120000"
    assert rows[0].captured_at == dt.datetime(2020, 3, 15, 12, tzinfo=dt.UTC)


def test_last_page_has_no_resume_key_and_empty_answer_is_no_rows() -> None:
    body = json.dumps([FIELDS, ["20200315120000", "https://h.fi/actions/1", "404", "text/html", "AB", "12"]])
    rows, key = parse_cdx_json(body, "archive")
    assert len(rows) == 1 and rows[0].status == 404 and key is None
    assert parse_cdx_json("", "archive") == ([], None)
    assert parse_cdx_json("[]", "archive") == ([], None)


def test_an_index_that_is_not_json_is_one_clear_error() -> None:
    with pytest.raises(ArchiveRefused, match="did not answer JSON: <html>"):
        parse_cdx_json("<html>\n<body>busy</body>", "web.archive.org")


def test_timestamps_are_utc_and_short_ones_pad() -> None:
    assert parse_timestamp("20211231235959") == dt.datetime(2021, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert parse_timestamp("2021") == dt.datetime(2021, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("url", "lang", "owned", "foreign"),
    [
        ("https://h.fi/actions", None, "https://h.fi/actions/111", "https://h.fi/en/actions/111"),
        ("https://h.fi/en/actions", None, "https://h.fi/en/actions/111", "https://h.fi/actions/111"),
        ("https://h.fi/actions", "sv", "https://h.fi/sv/actions/1", "https://h.fi/actions/1"),
        ("https://t.fi/lumo/actions", None, "https://t.fi/lumo/actions/2.1.10", "https://t.fi/actions/2.1.10"),
        ("https://h.fi/actions", None, "https://h.fi/action/111", "https://other.fi/actions/111"),
    ],
)
def test_a_plan_owns_its_own_pages_in_its_own_language(url: str, lang: str | None, owned: str, foreign: str) -> None:
    scope = PlanScope.of(url, lang)
    assert scope.owns(owned)
    assert not scope.owns(foreign)


def test_the_index_is_asked_for_both_url_shapes_of_the_plan() -> None:
    scope = PlanScope.of("https://t.fi/en/lumo/actions")
    assert scope.prefixes() == ["t.fi/en/lumo/actions", "t.fi/en/lumo/action/"]
    assert scope.original("http://T.fi/en/lumo/actions/1") == "https://t.fi/en/lumo/actions/1"
