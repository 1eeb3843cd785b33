"""Simulated days: every kind of daily change happens, shows on the served pages, and `changes()` says so."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from scraper.replica.days import KINDS, Change
from tests.scraper.helpers import without_tracing

DAYS = 40


@pytest.fixture
def v3(serve: Any) -> Any:
    return serve(era="v3")


def _first(srv: Any, kind: str) -> Change:
    return next(c for c in srv.changes(0, DAYS) if c.kind == kind)


def test_every_kind_of_change_happens(v3: Any) -> None:
    kinds = {c.kind for c in v3.changes(0, DAYS)}
    assert kinds == set(KINDS)


def test_days_are_deterministic(serve: Any) -> None:
    a, b = serve(era="v1", seed=3), serve(era="v1", seed=3)
    assert a.changes(0, 12) == b.changes(0, 12)
    a.set_day(12)
    b.set_day(12)
    assert a.chain() == b.chain()

    def portless(srv: Any) -> str:
        text = json.dumps({k: v.content_dict() for k, v in srv.expected_records().items()}, sort_keys=True)
        return text.replace(srv.base_url.split("://")[1], "HOST")

    assert portless(a) == portless(b)


def _records_around(srv: Any, change: Change) -> tuple[Any, Any]:
    srv.set_day(change.day - 1)
    before = srv.expected_records()
    srv.set_day(change.day)
    return before, srv.expected_records()


def _fetched(srv: Any, client: httpx.Client, ident: str) -> str:
    return client.get(srv.action_url(ident)).text


def test_status_change(v3: Any, client: httpx.Client) -> None:
    c = _first(v3, "status")
    before, after = _records_around(v3, c)
    assert after[c.identifier].status.label == c.new != before[c.identifier].status.label
    assert after[c.identifier].updated_at > before[c.identifier].updated_at
    assert c.new in _fetched(v3, client, c.identifier)


def test_task_completed_and_date_moved_and_added(v3: Any, client: httpx.Client) -> None:
    done = _first(v3, "task_completed")
    _, after = _records_around(v3, done)
    task = next(t for t in after[done.identifier].tasks if t.title == done.old)
    assert task.state == "done" and task.date == done.new
    moved = _first(v3, "date_moved")
    before, after = _records_around(v3, moved)
    assert before[moved.identifier].tasks != after[moved.identifier].tasks
    added = _first(v3, "task_added")
    before, after = _records_around(v3, added)
    assert added.new in {t.title for t in after[added.identifier].tasks} - {t.title for t in
                                                                            before[added.identifier].tasks}
    assert added.new in _fetched(v3, client, added.identifier)


@pytest.mark.parametrize(("kind", "field"), [("name", "name"), ("contact", "contact_persons"),
                                             ("organization", "responsible_organizations")])
def test_field_edits(v3: Any, client: httpx.Client, kind: str, field: str) -> None:
    c = _first(v3, kind)
    before, after = _records_around(v3, c)
    assert getattr(before[c.identifier], field) != getattr(after[c.identifier], field)
    assert c.new in _fetched(v3, client, c.identifier)


def test_added_action_joins_the_chain(v3: Any, client: httpx.Client) -> None:
    c = _first(v3, "added")
    v3.set_day(c.day - 1)
    assert c.identifier not in v3.chain()
    v3.set_day(c.day)
    assert c.identifier in v3.chain()
    assert 'data-testid="action-page"' in _fetched(v3, client, c.identifier)


@pytest.mark.parametrize("era", ["v1", "v3"])
def test_removed_action_is_gone(serve: Any, client: httpx.Client, era: str) -> None:
    srv = serve(era=era)
    c = _first(srv, "removed")
    srv.set_day(c.day)
    assert c.identifier not in srv.chain()
    resp = client.get(srv.action_url(c.identifier))
    if era == "v3":
        assert resp.status_code == 200 and "NEXT_HTTP_ERROR_FALLBACK;404" in resp.text
    else:
        assert resp.status_code == 404


def test_merged_action_disappears_into_its_target(v3: Any, client: httpx.Client) -> None:
    c = _first(v3, "merged")
    before, after = _records_around(v3, c)
    assert c.identifier in before and c.identifier not in after
    assert "Yhdistetyt toimenpiteet" in after[c.new].extra_sections
    assert "Yhdistetyt toimenpiteet" in _fetched(v3, client, c.new)


def test_reorder_changes_the_chain(v3: Any) -> None:
    c = _first(v3, "reordered")
    v3.set_day(c.day - 1)
    old = v3.chain()
    v3.set_day(c.day)
    assert v3.chain() != old and sorted(v3.chain()) == sorted(old)


def test_whitespace_only_edit_changes_bytes_not_the_record(v3: Any, client: httpx.Client) -> None:
    c = _first(v3, "whitespace_only")
    v3.set_day(c.day - 1)
    page_before = without_tracing(client.get(v3.action_url(c.identifier)).content)
    record_before = v3.expected_records()[c.identifier]
    v3.set_day(c.day)
    page_after = without_tracing(client.get(v3.action_url(c.identifier)).content)
    # other edits of the same day may touch the same action; only a day whose sole edit is this one is clean
    same_day = [x for x in v3.changes(c.day - 1, c.day) if x.identifier == c.identifier]
    assert page_before != page_after
    if len(same_day) == 1:
        assert v3.expected_records()[c.identifier] == record_before


def test_changes_between_days_concatenate(v3: Any) -> None:
    assert v3.changes(0, 5) == v3.changes(0, 2) + v3.changes(2, 5)
    assert v3.changes(3, 3) == []
    with pytest.raises(ValueError):
        v3.changes(5, 1)
