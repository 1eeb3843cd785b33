"""Splicing imported captures into a history that already has later runs.

The writer opens and closes versions in arrival order, which is right for a crawl (it is always the newest look
at the site) and wrong for an import of captures from before the archive's first run. After such an import, the
versions of the site are rebuilt from what every run observed, in the order the runs looked at the site:
a parsed page whose record differs from the open version closes it and opens a new one (cause: the run's cause,
"import" or "crawl"), a gone page closes the open version with its reason, anything else says nothing.
Re-parse versions are kept as events at their own time. Observations are re-pointed at the rebuilt versions,
and causes, known meanings and `action_changes` are decided again in the new order (snapshots.causes: a version
that means nothing new is `markup`), so history, diff and export all see the spliced past.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from schemas.action import Action
from snapshots.causes import reclassify
from snapshots.records import repack
from snapshots.versions import version_row

Key = tuple[str, str, str, str]


@dataclass
class _Open:
    row: list[Any]
    record: dict[str, Any]
    record_hash: str
    observations: list[int] = field(default_factory=list)


@dataclass(order=True)
class _Event:
    at: dt.datetime
    order: int
    kind: str  # "seen", "gone" or "reparse"
    run_id: int | None = field(compare=False, default=None)
    run_at: dt.datetime | None = field(compare=False, default=None)
    cause: str = field(compare=False, default="crawl")
    record_hash: str | None = field(compare=False, default=None)
    reason: str | None = field(compare=False, default=None)
    observation: int | None = field(compare=False, default=None)
    front_end: str | None = field(compare=False, default=None)


def needs_splice(con: duckdb.DuckDBPyConnection, site: str, since: dt.datetime, new_runs: list[int]) -> bool:
    """True when a run other than the ones just imported looked at the site after `since` (the oldest capture)."""
    row = con.execute(
        "SELECT count(*) FROM runs WHERE site = ? AND started_at > ? AND id NOT IN (SELECT unnest(?::BIGINT[]))",
        [site, since, new_runs],
    ).fetchone()
    return bool(row and row[0])


def rebuild_versions(con: duckdb.DuckDBPyConnection, site: str) -> int:
    """Rebuild every version of a site from its observations; returns the number of versions. One transaction."""
    records: dict[str, tuple[str, str]] = {}
    reparse: dict[Key, list[_Event]] = {}
    for vid, ident_key, rhash, record, parser_version, cause, valid_from, first_run, era in _versions(con, site):
        records.setdefault(rhash, (record, parser_version))
        if cause == "reparse":
            ev = _Event(valid_from, vid, "reparse", first_run, None, "reparse", rhash, front_end=era)
            reparse.setdefault(ident_key, []).append(ev)
    events: dict[Key, list[_Event]] = {k: list(v) for k, v in reparse.items()}
    rows = con.execute(
        "SELECT o.id, o.site, o.plan_path, o.language, o.identifier, o.outcome, coalesce(o.reason, o.error),"
        " o.record_hash, r.id, r.started_at, r.cause, o.front_end FROM observations o JOIN runs r ON r.id = o.run_id"
        " WHERE r.site = ? AND o.identifier IS NOT NULL ORDER BY r.started_at, r.id, o.id",
        [site],
    ).fetchall()
    for n, (oid, s, p, lang, ident, outcome, why, rhash, run_id, started, cause, era) in enumerate(rows):
        key = (s, p, lang, ident)
        if outcome in ("parsed", "unchanged") and rhash in records:
            ev = _Event(started, n, "seen", run_id, started, cause, rhash, observation=oid, front_end=era)
        elif outcome == "gone":
            ev = _Event(started, n, "gone", run_id, started, cause, reason=why or "gone", observation=oid)
        else:
            continue
        events.setdefault(key, []).append(ev)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM action_changes WHERE site = ?", [site])
        con.execute("DELETE FROM action_versions WHERE site = ?", [site])
        con.execute("UPDATE observations SET version_id = NULL WHERE site = ?", [site])
        next_version = _max_id(con, "action_versions")
        total = 0
        for key in sorted(events):
            next_version, made = _replay(con, sorted(events[key]), records, next_version)
            total += made
        reclassify(con, site)
        repack(con, site)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return total


def _versions(con: duckdb.DuckDBPyConnection, site: str) -> list[tuple[Any, ...]]:
    rows = con.execute(
        "SELECT id, site, plan_path, language, identifier, record_hash, record, parser_version, cause, valid_from,"
        " first_run, front_end FROM action_versions WHERE site = ? ORDER BY valid_from, id",
        [site],
    ).fetchall()
    return [(r[0], (r[1], r[2], r[3], r[4]), r[5], r[6], r[7], r[8], r[9], r[10], r[11]) for r in rows]


def _max_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _replay(
    con: duckdb.DuckDBPyConnection,
    events: list[_Event],
    records: dict[str, tuple[str, str]],
    next_version: int,
) -> tuple[int, int]:
    """One action's versions from its events; causes and change rows are decided after (`reclassify`)."""
    current: _Open | None = None
    made = 0

    def flush(state: _Open) -> None:
        marks = ", ".join("?" * len(state.row))
        con.execute(f"INSERT INTO action_versions VALUES ({marks})", state.row)
        if state.observations:
            con.execute(
                "UPDATE observations SET version_id = ? WHERE id IN (SELECT unnest(?::BIGINT[]))",
                [state.row[0], state.observations],
            )

    for ev in events:
        if ev.kind == "gone":
            if current is not None:
                current.row[6], current.row[9], current.row[13] = ev.at, ev.run_id, ev.reason
                flush(current)
                current = None
            continue
        assert ev.record_hash is not None
        if current is not None and current.record_hash == ev.record_hash:
            if ev.kind == "seen":
                current.row[8] = ev.run_id
                if ev.observation is not None:
                    current.observations.append(ev.observation)
            continue
        record_json, _ = records[ev.record_hash]
        action = Action.model_validate(json.loads(record_json))
        next_version += 1
        cause = "reparse" if ev.kind == "reparse" else ("import" if ev.cause == "import" else "crawl")
        row = version_row(next_version, action, ev.record_hash, ev.at, ev.run_id, cause, ev.front_end)
        if current is not None:
            current.row[6], current.row[9] = ev.at, ev.run_id
            flush(current)
        state = _Open(row, json.loads(row[14]), ev.record_hash)
        if ev.kind == "seen" and ev.observation is not None:
            state.observations.append(ev.observation)
        current = state
        made += 1
    if current is not None:
        flush(current)
    return next_version, made
