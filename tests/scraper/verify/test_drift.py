"""Verify catches a broken parser (organisations dropped, a date misread) and names the field and the actions;
a plan that changed after the crawl is a change since the crawl, never drift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scraper.parse import ParseResult, parse_page
from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import crawl_complete, query, verify

BROKEN_ORGS = {"a1147", "a1150"}


def broken_parse(html: bytes, url: str) -> ParseResult:
    """A parser bug on purpose: two actions lose their organisations, every first done task's date moves a day."""
    result = parse_page(html, url)
    action = result.action
    update: dict[str, object] = {}
    if action.identifier in BROKEN_ORGS:
        update["responsible_organizations"] = []
    done = [t for t in action.tasks if t.state == "done" and t.date is not None]
    if done:
        tasks = [t.model_copy() for t in action.tasks]
        first = tasks[action.tasks.index(done[0])]
        first.date = (first.date or dt.date.min) + dt.timedelta(days=1)
        update["tasks"] = tasks
    return ParseResult(action.model_copy(update=update), result.warnings)


def test_a_broken_parser_is_caught_field_by_field(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(plan="espoo", era="v3", api_port=0)) as srv:
        crawl_complete(srv, db, parse=broken_parse)
        result = verify(srv, db, parse=broken_parse)  # the page read again by the same broken parser
        dated = {i for i, r in srv.expected_records().items() if any(t.state == "done" and t.date for t in r.tasks)}
    assert dated and set(srv.chain()) >= BROKEN_ORGS
    by_field = {f.field: f for f in result.fields}
    orgs, tasks = by_field["responsible_organizations"], by_field["tasks"]
    assert (orgs.compared, orgs.agreed) == (12, 10)
    assert tasks.agreed == 12 - len(dated)
    assert all(f.share == 100.0 for f in result.fields if f.field not in ("responsible_organizations", "tasks"))
    lowest = result.lowest
    assert lowest is not None and lowest.field == "tasks"
    wrong = {a.identifier: a.fields for a in result.actions if a.verdict == "disagrees"}
    assert {i for i, fields in wrong.items() if "responsible_organizations" in fields} == BROKEN_ORGS
    assert {i for i, fields in wrong.items() if "tasks" in fields} == dated
    sample = next(a for a in result.actions if a.identifier in BROKEN_ORGS)
    facts = sample.detail["responsible_organizations"]
    assert facts["responsible_organizations/shown"]["page"] == []
    assert facts["responsible_organizations/shown"]["api"]
    stored = query(db, "SELECT identifier, fields FROM agreement_actions WHERE verdict = 'disagrees' ORDER BY 1")
    assert {i for i, fields in stored if "responsible_organizations" in fields} == BROKEN_ORGS  # type: ignore[operator]
    assert query(db, "SELECT agreed FROM agreement WHERE field = 'responsible_organizations'") == [(10,)]


def test_a_change_after_the_crawl_is_not_drift(tmp_path: Path) -> None:
    """The replica's edits of the next days (statuses, names, tasks, organisations, actions added and removed)
    reach the API and the pages; the stored run disagrees with both, and the page read again says so."""
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(plan="tampere", era="v2", api_port=0)) as srv:
        before = set(srv.chain())
        crawl_complete(srv, db)
        srv.set_day(6)
        changes = srv.changes(0, 6)
        result = verify(srv, db)
        after = set(srv.chain())
    edited = {c.identifier for c in changes if c.kind not in ("whitespace_only", "reordered")}
    changed = {a.identifier for a in result.actions if a.verdict == "changed_since_crawl"}
    assert changed and changed <= edited | (before ^ after) | {c.identifier for c in changes}
    assert before ^ after <= changed  # added and removed since: looked up on the site again
    assert all(f.share == 100.0 for f in result.fields if f.share is not None)
    assert not [a for a in result.actions if a.verdict in ("disagrees", "only_in_api", "only_in_crawl")]


def test_updated_after_the_run_began_is_not_compared(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    with ReplicaServer(ReplicaConfig(plan="tampere", era="v3", api_port=0)) as srv:
        crawl_complete(srv, db)
        started = query(db, "SELECT started_at FROM runs")[0][0]
        assert isinstance(started, dt.datetime)
        target = srv.site.plan.live_actions()[0] if srv.site else None
        assert target is not None
        target.updated_at = started + dt.timedelta(minutes=5)  # the API says: edited after the crawl began
        result = verify(srv, db)
    verdicts = {a.identifier: a for a in result.actions}
    assert verdicts[target.identifier].verdict == "changed_since_crawl"
    assert "after the crawl began" in (verdicts[target.identifier].note or "")
    assert result.fields[0].compared == len(verdicts) - 1
