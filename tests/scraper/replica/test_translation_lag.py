"""The scripted translation lags (`--translation-lag`): English pages that show a Finnish edit late or never.

The ground truth the languages-left-behind story is held to (tests/snapshots/stories/test_languages_left_behind.py
crawls it); here, the script itself: off, nothing changes; on, the English plan keeps the neutral fields of the day
before each edit until its follow day, the other languages show the edit at once, and nothing else edits a lagged
action after its lag.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scraper.parse import parse_action
from scraper.replica.days import DayBook
from scraper.replica.plan_gen import build_plan
from scraper.replica.translation import KINDS, SCRIPT

LAST = 60


def _book(lag: bool, plan: str = "tampere") -> DayBook:
    return DayBook(build_plan(plan, 0), 0, translation_lag=lag)


def test_off_it_changes_nothing() -> None:
    book = _book(False)
    assert book.translation_lags() == []
    assert book.state_for(30, "en") is book.state(30)
    assert not {c.kind for c in book.changes(0, LAST)} & set(KINDS)


def test_on_the_days_before_the_first_lag_are_the_same() -> None:
    first = min(s.edit_day for s in SCRIPT)
    assert _book(True).state(first - 1).actions == _book(False).state(first - 1).actions


@pytest.mark.parametrize("plan", ["tampere", "espoo", "helsinki"])
def test_english_shows_the_old_state_until_the_follow_day(plan: str) -> None:
    book = _book(True, plan)
    lags = book.translation_lags()
    assert [lag.kind for lag in lags] == list(KINDS)
    assert len({lag.identifier for lag in lags}) == 3
    for lag in lags:
        before = book.state(lag.edit_day - 1).find(lag.identifier)
        assert before is not None
        for day in range(lag.edit_day - 1, LAST + 1):
            fi, en, sv = (book.state_for(day, lang).find(lag.identifier) for lang in ("fi", "en", "sv"))
            assert fi is not None and en is not None and sv is not None
            assert sv == fi
            if lag.lagging_on(day):
                assert (en.status_id, en.updated_at, en.tasks) == (before.status_id, before.updated_at, before.tasks)
                assert en.status_id != fi.status_id and en.updated_at < fi.updated_at
                assert (en.name, en.order) == (fi.name, fi.order)  # only the neutral fields lag
            else:
                assert en == fi, day


def test_nothing_else_edits_a_lagged_action_after_its_lag() -> None:
    book = _book(True)
    for lag in book.translation_lags():
        later = [c for c in book.changes(lag.edit_day - 1, LAST) if c.identifier == lag.identifier]
        assert [(c.day, c.kind) for c in later] == [(lag.edit_day, lag.kind)]


def test_the_served_english_page_says_what_the_truth_says(serve: Any, client: httpx.Client) -> None:
    srv = serve(plan="tampere", translation_lag=True)
    never = next(lag for lag in srv.translation_lags() if lag.follow_day is None)
    srv.set_day(never.edit_day + 1)
    english, finnish = srv.expected_records("en")[never.identifier], srv.expected_records("fi")[never.identifier]
    assert english.status is not None and finnish.status is not None
    assert (english.status.label, finnish.status.label) == (never.old, never.new)
    url = srv.start_url_for("en") + f"/{never.identifier}"
    parsed = parse_action(client.get(url).content, url)
    assert parsed.content_dict() == english.content_dict()
