"""Versions, observations and change detection through the writer, read back with plain SQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from schemas.action import Action
from snapshots.store import GONE_UNLISTED, Archive
from tests.snapshots.helpers import DAY0, SITE, make_action, query, write_run


def test_a_run_reads_back_as_the_records(db: Path) -> None:
    actions = [make_action(i) for i in ("1", "2.1.10", "a1147")]
    with Archive(db) as archive:
        write_run(archive, actions, 0)
    stored = {r[0]: Action.model_validate_json(str(r[1])) for r in query(db, "SELECT identifier, record FROM actions_current")}
    assert stored == {a.identifier: a for a in actions}
    typed = query(db, "SELECT name, status_label, tasks_total, tasks_done, tasks_todo FROM actions_current"
                      " WHERE identifier = '1'")
    assert typed == [("Toimenpide 1", "Ajallaan", 2, 1, 1)]


def test_an_identical_run_adds_only_observations(db: Path) -> None:
    actions = [make_action(i) for i in ("1", "2")]
    with Archive(db) as archive:
        write_run(archive, actions, 0)
        second = write_run(archive, actions, 1)
    assert query(db, "SELECT count(*) FROM action_versions") == [(2,)]
    assert query(db, "SELECT count(*) FROM observations") == [(4,)]
    assert query(db, "SELECT DISTINCT first_run, last_run FROM action_versions") == [(1, second)]
    assert query(db, "SELECT count(*) FROM action_changes") == [(0,)]


def test_a_changed_field_closes_the_old_version_and_opens_a_new_one(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1"), make_action("2")], 0)
        write_run(archive, [make_action("1", status="Myöhässä"), make_action("2")], 1)
        write_run(archive, [make_action("1", status="Myöhässä"), make_action("2")], 2)
    versions = query(
        db, "SELECT valid_from, valid_to, first_run, last_run, status_label, cause FROM action_versions"
            " WHERE identifier = '1' ORDER BY id",
    )
    day1 = DAY0 + dt.timedelta(days=1)
    assert [(v[0], v[1], v[2], v[3], v[4], v[5]) for v in versions] == [
        (DAY0, day1, 1, 1, "Ajallaan", "crawl"),
        (day1, None, 2, 3, "Myöhässä", "crawl"),
    ]
    changes = query(db, "SELECT identifier, field, old, new, run_id, changed_at, cause FROM action_changes")
    assert changes == [("1", "status", '{"identifier": null, "label": "Ajallaan"}',
                        '{"identifier": null, "label": "Myöhässä"}', 2, day1, "crawl")]


def test_whitespace_and_invisible_characters_add_nothing(db: Path) -> None:
    plain = make_action("1", name="Hiilineutraali Helsinki", description="Eka kappale.\n\nToka kappale.")
    noisy = make_action(
        "1",
        name="  Hiilineutraali\u00a0Helsinki \u200b",
        description="Eka   kappale.  \r\n\n\n  Toka\u00ad kappale.\n",
        status=" Ajallaan\n",
    )
    assert noisy.record_hash() == plain.record_hash()
    with Archive(db) as archive:
        write_run(archive, [plain], 0)
        write_run(archive, [noisy], 1)
    assert query(db, "SELECT count(*) FROM action_versions") == [(1,)]


def test_parser_version_alone_adds_nothing(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1")], 0)
        write_run(archive, [make_action("1", parser_version="9.9.9")], 1)
    assert query(db, "SELECT count(*), max(parser_version) FROM action_versions") == [(1, "1.0.0")]


def test_gone_and_not_reached_are_told_apart(db: Path) -> None:
    everyone = [make_action(i) for i in ("1", "2", "3", "4")]
    with Archive(db) as archive:
        write_run(archive, everyone, 0)
        partial = write_run(archive, everyone[:1], 1, outcome="partial")
        complete = write_run(archive, everyone[:2], 2, gone=[("3", "merged into 112")])
    outcomes = dict(
        ((r[0], r[1]), (r[2], r[3]))
        for r in query(db, "SELECT run_id, identifier, outcome, reason FROM observations WHERE run_id > 1")
    )
    assert outcomes[(partial, "2")] == ("not_reached", None)
    assert outcomes[(partial, "4")] == ("not_reached", None)
    assert outcomes[(complete, "3")] == ("gone", "merged into 112")
    assert outcomes[(complete, "4")] == ("gone", GONE_UNLISTED)
    closed = query(db, "SELECT identifier, gone_reason, closed_run FROM action_versions WHERE valid_to IS NOT NULL"
                       " ORDER BY identifier")
    assert closed == [("3", "merged into 112", complete), ("4", GONE_UNLISTED, complete)]
    assert [r[0] for r in query(db, "SELECT identifier FROM actions_current ORDER BY 1")] == ["1", "2"]
    runs = dict((r[0], r[1:]) for r in query(db, "SELECT id, outcome, parsed, gone, not_reached FROM runs"))
    assert runs[partial] == ("partial", 1, 0, 3)
    assert runs[complete] == ("complete", 2, 2, 0)


def test_an_action_that_returns_gets_a_new_version_and_its_changes(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1"), make_action("2")], 0)
        write_run(archive, [make_action("1")], 1)
        write_run(archive, [make_action("1"), make_action("2", name="Palannut")], 2)
    versions = query(db, "SELECT valid_to IS NULL, gone_reason, name FROM action_versions WHERE identifier = '2'"
                         " ORDER BY id")
    assert versions == [(False, GONE_UNLISTED, "Toimenpide 2"), (True, None, "Palannut")]
    assert query(db, "SELECT field FROM action_changes WHERE identifier = '2'") == [("name",)]


def test_bulk_writes_the_same_archive_as_one_transaction_per_call(tmp_path: Path) -> None:
    days = [
        [make_action("1"), make_action("2")],
        [make_action("1", status="Valmis"), make_action("2")],
        [make_action("1", status="Valmis")],
    ]
    slow, fast = tmp_path / "slow.duckdb", tmp_path / "fast.duckdb"
    with Archive(slow) as archive:
        for day, actions in enumerate(days):
            write_run(archive, actions, day)
    with Archive(fast) as archive, archive.bulk():
        for day, actions in enumerate(days):
            write_run(archive, actions, day)
    sql = ("SELECT identifier, valid_from, valid_to, first_run, last_run, record_hash, gone_reason"
           " FROM action_versions ORDER BY id")
    assert query(fast, sql) == query(slow, sql)
    obs = "SELECT run_id, identifier, outcome, version_id FROM observations ORDER BY id"
    assert query(fast, obs) == query(slow, obs)
    assert query(fast, "SELECT count(*) FROM action_changes") == query(slow, "SELECT count(*) FROM action_changes")


def test_pages_keep_one_body_per_hash_and_a_304_points_at_its_body(db: Path) -> None:
    url = f"https://{SITE}/actions/1"
    with Archive(db) as archive:
        run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=DAY0)
        first = archive.store_page(run, url, 200, {"ETag": '"v1"', "Last-Modified": "Mon"}, b"<html>same</html>")
        again = archive.store_page(run, url, 200, {"etag": '"v1"'}, b"<html>same</html>")
        confirmed = archive.store_page(run, url, 304, {}, None)
        failed = archive.store_page(run, f"https://{SITE}/actions/2", None, {}, None, error="timed out")
        assert archive.page(confirmed).body == b"<html>same</html>"
        assert archive.page(failed).body is None and archive.page(failed).status is None
        validators = archive.validators(SITE)
        assert validators[url].etag == '"v1"' and validators[url].page_id == again
        assert archive.stored_pages(run)[url].page_id == confirmed
        assert first < again < confirmed
    assert query(db, "SELECT count(*) FROM bodies") == [(1,)]
    assert query(db, "SELECT error FROM pages WHERE id = ?", failed) == [("timed out",)]


def test_a_new_run_marks_a_running_one_interrupted_and_resume_finds_it(db: Path) -> None:
    with Archive(db) as archive:
        first = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=DAY0)
        page = archive.store_page(first, f"https://{SITE}/actions/1", 200, {}, b"x")
        assert archive.last_interrupted_run(SITE, f"https://{SITE}/actions") == first
        second = archive.begin_run(SITE, f"https://{SITE}/actions", resumed_from=first)
        assert archive.stored_pages(second)[f"https://{SITE}/actions/1"].page_id == page
        archive.end_run(second, "complete", counts={"requests": 7})
        assert archive.last_interrupted_run(SITE, f"https://{SITE}/actions") is None
    rows = query(db, "SELECT id, outcome, resumed_from, counts FROM runs ORDER BY id")
    assert [(r[0], r[1], r[2]) for r in rows] == [(first, "interrupted", None), (second, "complete", first)]
    assert json.loads(str(rows[1][3]))["requests"] == 7


def test_reload_after_outside_sql_keeps_ids_apart(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1")], 0)
        archive.con().execute(
            "INSERT INTO action_changes SELECT 50, site, plan_path, language, identifier, 'name', '1', '2', 1,"
            " valid_from, 'import', NULL, id FROM action_versions"
        )
        archive.reload()
        write_run(archive, [make_action("1", name="Uusi nimi")], 1)
    assert query(db, "SELECT id FROM action_changes ORDER BY id") == [(50,), (51,)]


def test_an_unchanged_observation_without_a_record_confirms_the_current_version(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1")], 0)
        run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=DAY0 + dt.timedelta(days=1))
        page = archive.store_page(run, f"https://{SITE}/actions/1", 304, {}, None)
        archive.store_observation(run, page, "unchanged", url=f"https://{SITE}/actions/1", identifier="1")
        archive.end_run(run, "complete")
    assert query(db, "SELECT last_run, valid_to FROM action_versions") == [(2, None)]
    assert query(db, "SELECT version_id FROM observations WHERE run_id = 2") == [(1,)]


def test_a_complete_run_closes_only_the_plans_it_saw(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action("1"), make_action("2")], 0)
        run = archive.begin_run(SITE, f"https://{SITE}/sv/actions", started_at=DAY0 + dt.timedelta(days=1))
        swedish = make_action("1", language="sv")
        archive.store_observation(run, None, "parsed", url=swedish.url, record=swedish)
        archive.end_run(run, "complete")
    rows = query(db, "SELECT language, identifier, valid_to IS NULL FROM action_versions ORDER BY id")
    assert rows == [("fi", "1", True), ("fi", "2", True), ("sv", "1", True)]
