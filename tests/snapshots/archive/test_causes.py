"""A version's cause follows its meaning whatever wrote it: a crawl, an import of captures, or a backfill that
splices older captures into the history; a reparse stays a reparse."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from schemas.action import Action, Organization, Status
from snapshots.backfill import rebuild_versions
from snapshots.causes import decide
from snapshots.records import RecordReader
from snapshots.reparse import reparse
from snapshots.store import Archive
from tests.snapshots.helpers import DAY0, SITE, query

V1 = b'<html><body><h1>x</h1><script id="__NEXT_DATA__" type="application/json">{"props":{"apolloState":{}}}</script>'
V3 = b'<html><body><script>self.__next_f.push([1,"x"])</script><div data-testid="action-page"></div>'


def _action(role: str | None, lead: str | None = None, description: str = "Kuvaus.") -> Action:
    return Action(site=SITE, url=f"https://{SITE}/actions/1", identifier="1", name="Toimenpide 1", lead=lead,
                  description=description, status=Status(label="Ajallaan"),
                  responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen", role=role)])  # type: ignore[arg-type]


def _run(archive: Archive, day: int, body: bytes, action: Action, cause: str = "crawl") -> int:
    run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=DAY0 + dt.timedelta(days=day),
                            cause=cause)  # type: ignore[arg-type]
    page = archive.store_page(run, action.url, 200, {}, body + action.model_dump_json().encode())
    archive.store_observation(run, page, "parsed", url=action.url, record=action, position=0)
    archive.end_run(run, "complete")
    return run




def test_decide_keeps_source_causes_only_for_a_change_of_meaning() -> None:
    first = decide(None, _action("primary", "Johdanto."), "v3", "crawl")
    assert (first.cause, first.fields) == ("crawl", ())
    same = decide(first.known, _action(None), "v1", "import")
    assert (same.cause, same.fields) == ("markup", ())
    back = decide(first.known, _action(None), "v1", "crawl", came_back=True)
    assert back.cause == "crawl"  # coming back after it was gone is news whatever it says
    reparsed = decide(first.known, _action(None), "v1", "reparse")
    assert reparsed.cause == "reparse"


def test_an_import_whose_captures_mean_the_same_is_markup(db: Path) -> None:
    with Archive(db) as archive:
        _run(archive, 0, V3, _action("primary", "Johdanto."), cause="import")
        _run(archive, 1, V1, _action(None), cause="import")
        _run(archive, 2, V3, _action("collaborator", "Johdanto."), cause="import")
    assert query(db, "SELECT cause, front_end FROM action_versions ORDER BY id") == [
        ("import", "v3"), ("markup", "v1"), ("import", "v3")]
    assert query(db, "SELECT field, cause FROM action_changes") == [("responsible_organizations", "import")]


def test_a_reparse_stays_a_reparse_and_its_rows_list_meaning_only(db: Path) -> None:
    with Archive(db) as archive:
        _run(archive, 0, V3, _action("primary", "Johdanto."))

        def parse(body: bytes, url: str) -> Action:
            record = Action.model_validate_json(body[len(V3):])
            return record.model_copy(update={"official_description_label": "Toimenpideohjelman mukaan",
                                             "description": "Kuvaus, luettu  paremmin."})

        report = reparse(archive, parse)
    assert report.changed == 1 and dict(report.fields) == {"description": 1, "official_description_label": 1}
    assert query(db, "SELECT cause, front_end FROM action_versions ORDER BY id") == [("crawl", "v3"), ("reparse", "v3")]
    assert query(db, "SELECT field, cause FROM action_changes") == [("description", "reparse")]


def test_a_backfill_splice_decides_causes_again_in_the_new_order(db: Path) -> None:
    """A crawl in V3 first; then 2019 captures (V1) imported from before it: in the spliced order the V1 capture
    comes first, the V3 page means the same (the roles and lead were unknown before), and is markup."""
    with Archive(db) as archive:
        _run(archive, 10, V3, _action("primary", "Johdanto."))
        _run(archive, 0, V1, _action(None), cause="import")
        rebuild_versions(archive, SITE)
        archive.reload()
    assert query(db, "SELECT cause, front_end, first_run FROM action_versions ORDER BY valid_from") == [
        ("import", "v1", 2), ("markup", "v3", 1)]
    assert query(db, "SELECT count(*) FROM action_changes") == [(0,)]
    # the rebuild wrote through the ledger: every rebuilt version is packed for point reads and comes back whole
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT id, record, record_zstd, record_base FROM action_versions").fetchall()
        assert all(r[2] is not None for r in rows)
        assert RecordReader(con).decode((r[0], r[2], r[3]) for r in rows) == {r[0]: json.loads(r[1]) for r in rows}
    finally:
        con.close()
    # a later crawl that changes the role compares with the V3 value, and says so
    with Archive(db) as archive:
        _run(archive, 11, V3, _action("collaborator", "Johdanto."))
    assert query(db, "SELECT field, cause FROM action_changes") == [("responsible_organizations", "crawl")]
