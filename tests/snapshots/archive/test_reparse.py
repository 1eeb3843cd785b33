"""Reparse: re-derive records from the stored pages with a changed parser."""

from __future__ import annotations

from pathlib import Path

import duckdb

from schemas.action import Action
from snapshots.reparse import reparse
from snapshots.store import Archive
from tests.snapshots.helpers import SITE, make_action, write_run


def _old_parser(body: bytes, url: str) -> Action:
    return Action.model_validate_json(body)


def _new_parser(body: bytes, url: str) -> Action:
    """Reads action 2's schedule that the old one missed, and fails on action 3."""
    action = Action.model_validate_json(body)
    if action.identifier == "2":
        return action.model_copy(update={"schedule": "Jatkuva", "parser_version": "2.0.0"})
    if action.identifier == "3":
        raise ValueError("unexpected markup")
    return action.model_copy(update={"parser_version": "2.0.0"})


def test_reparse_adds_exactly_the_differing_versions(db: Path) -> None:
    with Archive(db) as archive:
        write_run(archive, [make_action(i) for i in ("1", "2", "3")], 0)
        write_run(archive, [make_action(i) for i in ("1", "2", "3", "4")], 1)
        write_run(archive, [make_action(i) for i in ("1", "2", "3")], 2)  # 4 gone: not re-derived
        same = reparse(archive, _old_parser)
        assert (same.examined, same.changed, same.failed) == (3, 0, 0)
        report = reparse(archive, _new_parser)
        assert (report.examined, report.changed, report.added, report.failed) == (3, 1, 0, 1)
        assert dict(report.fields) == {"schedule": 1}
        assert reparse(archive, _new_parser).changed == 0
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT identifier, cause, schedule, parser_version, valid_to IS NULL FROM action_versions ORDER BY id"
    ).fetchall()
    changes = con.execute("SELECT identifier, field, new, cause FROM action_changes").fetchall()
    con.close()
    assert rows[-1] == ("2", "reparse", "Jatkuva", "2.0.0", True)
    assert [r for r in rows if r[1] == "reparse"] == [rows[-1]]
    assert changes == [("2", "schedule", '"Jatkuva"', "reparse")]


def test_reparse_parses_pages_the_old_parser_failed_on(db: Path) -> None:
    good = make_action("7")
    with Archive(db) as archive:
        run = archive.begin_run(SITE, f"https://{SITE}/actions")
        page = archive.store_page(run, good.url, 200, {}, good.model_dump_json().encode())
        archive.store_observation(run, page, "parse_failed", url=good.url, identifier="7", error="no name")
        archive.end_run(run, "complete")
        report = reparse(archive, _old_parser)
    assert (report.added, report.changed) == (1, 0)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT identifier, cause FROM actions_current").fetchall() == [("7", "reparse")]
    con.close()
