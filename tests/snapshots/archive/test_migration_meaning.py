"""Migration 3: an archive written before the meaning existed (schema v2) holds false changes from era switches;
upgrading sniffs the era of every stored page, re-classifies causes (markup) and cleans `action_changes`, so the
archive then says exactly what a fresh archive written by this vahti says."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import zstandard

from schemas.action import Action, Organization, Status, Task
from snapshots.queries import open_reader
from snapshots.schema import SCHEMA_VERSION, migrate
from snapshots.store import Archive
from snapshots.versions import TYPED_COLUMNS, changed_fields, typed_values
from tests.snapshots.helpers import DAY0, SITE

V1 = b'<html><body><h1>x</h1><script id="__NEXT_DATA__" type="application/json">{"props":{"apolloState":{}}}</script>'
V2 = b'<html><body><h1>x</h1><script id="__NEXT_DATA__" type="application/json">{"props":{"plan":{}}}</script>'
V3 = b'<html><body><script>self.__next_f.push([1,"x"])</script><div data-testid="action-page"></div>'


def _action(identifier: str, **fields: Any) -> Action:
    base: dict[str, Any] = {"site": SITE, "url": f"https://{SITE}/actions/{identifier}", "identifier": identifier,
                            "name": f"Toimenpide {identifier}", "description": "Kuvaus.",
                            "status": Status(label="Ajallaan")}
    return Action(**{**base, **fields})


def _org(role: str | None) -> list[Organization]:
    return [Organization(name="Helen Oy", abbreviation="Helen", role=role)]  # type: ignore[arg-type]


def _task(state: str, date: dt.date | None, text: str) -> list[Task]:
    return [Task(state=state, date=date, date_text=text, title="Laaditaan suunnitelma")]  # type: ignore[arg-type]


#: (era body, records) per run: action 1 only changes era (and, at the V3 run, its organisation's role);
#: action 2 gets a real new description on the V1 run.
RUNS: list[tuple[bytes, list[Action]]] = [
    (V2, [_action("1", responsible_organizations=_org("primary"), schedule="Toteutetaan aikavälillä 2019 - 2021",
                  tasks=_task("in_progress", None, "6.2021"), lead="Johdanto."),
          _action("2")]),
    (V1, [_action("1", responsible_organizations=_org(None), schedule="2019–2021",
                  tasks=_task("todo", dt.date(2021, 6, 1), "01.06.2021")),
          _action("2", description="Uusi kuvaus.")]),
    (V3, [_action("1", responsible_organizations=_org("collaborator"), schedule="Toteutetaan aikavälillä 2019 - 2021",
                  tasks=_task("in_progress", None, "6.2021"), lead="Johdanto."),
          _action("2", description="Uusi kuvaus.")]),
]


def _old_archive(db: Path) -> None:
    """What vahti wrote with schema v2: a version per distinct record, cause crawl, a change row per field."""
    con = duckdb.connect(str(db))
    assert migrate(con, db, upto=2) == 2
    pack = zstandard.ZstdCompressor()
    latest: dict[str, tuple[int, dict[str, Any], str]] = {}
    ids = {"page": 0, "obs": 0, "ver": 0, "chg": 0}
    for n, (body, actions) in enumerate(RUNS, start=1):
        at = DAY0 + dt.timedelta(days=n)
        con.execute("INSERT INTO runs (id, site, plan_path, language, start_url, started_at, finished_at, outcome)"
                    " VALUES (?, ?, '', 'fi', ?, ?, ?, 'complete')", [n, SITE, f"https://{SITE}/actions", at, at])
        for action in actions:
            page = body + action.identifier.encode()
            sha = hashlib.sha256(page).hexdigest()
            con.execute("INSERT INTO bodies VALUES (?, ?, ?)", [sha, len(page), pack.compress(page)])
            ids["page"] += 1
            con.execute("INSERT INTO pages VALUES (?, ?, ?, ?, 200, '{}', ?, ?, NULL)",
                        [ids["page"], n, action.url, at, sha, len(page)])
            record = action.model_dump(mode="json")
            rhash = action.record_hash()
            before = latest.get(action.identifier)
            if before is None or before[2] != rhash:
                ids["ver"] += 1
                if before is not None:
                    con.execute("UPDATE action_versions SET valid_to = ?, closed_run = ? WHERE id = ?",
                                [at, n, before[0]])
                    for name, old, new in changed_fields(before[1], record):
                        ids["chg"] += 1
                        con.execute("INSERT INTO action_changes VALUES (?, ?, '', 'fi', ?, ?, ?, ?, ?, ?, 'crawl', ?, ?)",
                                    [ids["chg"], SITE, action.identifier, name, json.dumps(old), json.dumps(new), n,
                                     at, before[0], ids["ver"]])
                columns = ", ".join(TYPED_COLUMNS)
                marks = ", ".join("?" * len(TYPED_COLUMNS))
                con.execute(
                    "INSERT INTO action_versions (id, site, plan_path, language, identifier, valid_from, first_run,"
                    f" last_run, record_hash, parser_version, cause, record, {columns}) VALUES"
                    f" (?, ?, '', 'fi', ?, ?, ?, ?, ?, '1.0.0', 'crawl', ?, {marks})",
                    [ids["ver"], SITE, action.identifier, at, n, n, rhash, json.dumps(record), *typed_values(action)],
                )
                latest[action.identifier] = (ids["ver"], record, rhash)
            else:
                con.execute("UPDATE action_versions SET last_run = ? WHERE id = ?", [n, before[0]])
            ids["obs"] += 1
            con.execute("INSERT INTO observations VALUES (?, ?, ?, ?, '', 'fi', ?, ?, 'parsed', NULL, NULL, NULL, 0,"
                        " ?, ?)", [ids["obs"], n, ids["page"], SITE, action.identifier, action.url, rhash,
                                   latest[action.identifier][0]])
    con.close()


def _fresh_archive(db: Path) -> None:
    """The same runs written by this vahti."""
    with Archive(db) as archive:
        for n, (body, actions) in enumerate(RUNS, start=1):
            run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=DAY0 + dt.timedelta(days=n))
            for action in actions:
                page = archive.store_page(run, action.url, 200, {}, body + action.identifier.encode())
                archive.store_observation(run, page, "parsed", url=action.url, record=action, position=0)
            archive.end_run(run, "complete")


def _facts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {
        "versions": con.execute("SELECT identifier, valid_from, cause, front_end, record_hash FROM action_versions"
                                " ORDER BY identifier, valid_from").fetchall(),
        "changes": con.execute("SELECT identifier, field, old, new, run_id, cause FROM action_changes"
                               " ORDER BY identifier, run_id, field").fetchall(),
        "observations": con.execute("SELECT run_id, identifier, front_end FROM observations ORDER BY id").fetchall(),
        "meaning": con.execute("SELECT identifier, meaning FROM actions_current ORDER BY identifier").fetchall(),
    }


def test_the_migration_cleans_false_changes_and_agrees_with_a_fresh_archive(tmp_path: Path) -> None:
    old, fresh = tmp_path / "old.duckdb", tmp_path / "fresh.duckdb"
    _old_archive(old)
    before = duckdb.connect(str(old), read_only=True)
    assert before.execute("SELECT count(*) FROM action_changes WHERE identifier = '1'").fetchone()[0] >= 4  # type: ignore[index]
    before.close()
    with open_reader(old) as con:
        migrated = _facts(con)
    _fresh_archive(fresh)
    con = duckdb.connect(str(fresh), read_only=True)
    try:
        assert _facts(con) == migrated
    finally:
        con.close()
    causes = [(ident, cause, era) for ident, _, cause, era, _ in migrated["versions"]]
    assert causes == [("1", "crawl", "v2"), ("1", "markup", "v1"), ("1", "crawl", "v3"),
                      ("2", "crawl", "v2"), ("2", "crawl", "v1")]
    # primary → (unknown on the V1 page) → collaborator: one change, at the V3 run
    assert [(i, f, run, c) for i, f, _, _, run, c in migrated["changes"]] == [
        ("1", "responsible_organizations", 3, "crawl"), ("2", "description", 2, "crawl")]
    assert [era for _, _, era in migrated["observations"]] == ["v2", "v2", "v1", "v1", "v3", "v3"]


def test_the_migration_keeps_every_version_and_hash(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    _old_archive(db)
    con = duckdb.connect(str(db), read_only=True)
    versions = con.execute("SELECT id, record_hash, valid_from, valid_to FROM action_versions ORDER BY id").fetchall()
    con.close()
    with open_reader(db) as con:
        assert con.execute("SELECT id, record_hash, valid_from, valid_to FROM action_versions ORDER BY id").fetchall() \
            == versions
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
