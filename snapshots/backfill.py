"""Splicing imported captures into a history that already has later runs.

The writer opens and closes versions in arrival order, which is right for a crawl (it is always the newest look
at the site) and wrong for an import of captures from before the archive's first run. After such an import, the
versions of the site are rebuilt from what every run observed, in the order the runs looked at the site:
a parsed page whose record differs from the open version closes it and opens a new one (cause: the run's cause,
"import" or "crawl"), a gone page closes the open version with its reason, anything else says nothing.
Re-parse versions are kept as events at their own time. Every event goes through the archive's ledger, the one
writer of versions, so causes, known meanings, `action_changes` and packed records are decided in the new order
exactly as a crawl decides them (snapshots.causes: a version that means nothing new is `markup`), and
observations are re-pointed at the rebuilt versions: history, diff and export all see the spliced past.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from schemas.action import Action
from snapshots.ledger import Ledger, RunStamp

if TYPE_CHECKING:
    from snapshots.store import Archive

Key = tuple[str, str, str, str]


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


def rebuild_versions(archive: Archive, site: str) -> int:
    """Rebuild every version of a site from its observations, through the archive's ledger (the one writer of
    versions); returns the number of versions. One transaction."""
    con = archive.con()
    records: dict[str, str] = {}
    reparse: dict[Key, list[_Event]] = {}
    for vid, ident_key, rhash, record, cause, valid_from, first_run, era in _versions(con, site):
        records.setdefault(rhash, record)
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
    ledger = archive.ledger
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM action_changes WHERE site = ?", [site])
        con.execute("DELETE FROM action_versions WHERE site = ?", [site])
        con.execute("UPDATE observations SET version_id = NULL WHERE site = ?", [site])
        ledger.forget()
        ledger.deferred = True  # last_run, ends and observation pointers are written together below
        replay = _Replay()
        for key in sorted(events):
            _replay(ledger, key, sorted(events[key]), records, replay)
        ledger.apply_pending()
        if replay.last_run:
            con.execute(
                "UPDATE action_versions SET last_run = u.run FROM (SELECT unnest(?::BIGINT[]) AS id,"
                " unnest(?::BIGINT[]) AS run) u WHERE action_versions.id = u.id",
                [list(replay.last_run), list(replay.last_run.values())],
            )
        if replay.pointers:
            con.execute(
                "UPDATE observations SET version_id = u.version FROM (SELECT unnest(?::BIGINT[]) AS id,"
                " unnest(?::BIGINT[]) AS version) u WHERE observations.id = u.id",
                [list(replay.pointers), list(replay.pointers.values())],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        ledger.forget()
        raise
    finally:
        ledger.deferred = False
    return replay.made


def _versions(con: duckdb.DuckDBPyConnection, site: str) -> list[tuple[Any, ...]]:
    rows = con.execute(
        "SELECT id, site, plan_path, language, identifier, record_hash, record, cause, valid_from, first_run,"
        " front_end FROM action_versions WHERE site = ? ORDER BY valid_from, id",
        [site],
    ).fetchall()
    return [(r[0], (r[1], r[2], r[3], r[4]), r[5], r[6], r[7], r[8], r[9], r[10]) for r in rows]


@dataclass
class _Replay:
    made: int = 0
    last_run: dict[int, int] = field(default_factory=dict)  # version id -> the last run that saw it
    pointers: dict[int, int] = field(default_factory=dict)  # observation id -> its version id


def _replay(ledger: Ledger, key: Key, events: list[_Event], records: dict[str, str], out: _Replay) -> None:
    """One action's versions from its events, in time order: each record goes to the ledger, which opens a
    version when it differs from the open one and decides its cause and change rows on its meaning."""
    scope, identifier = key[:3], key[3]
    for ev in events:
        assert ev.run_id is not None
        stamp = RunStamp(ev.run_id, *scope, ev.at, "reparse" if ev.kind == "reparse" else ev.cause)
        latest = ledger.scope_versions(scope).get(identifier)
        if ev.kind == "gone":
            if latest is not None and latest.open:
                ledger.close(latest, stamp, ev.reason or "gone")
            continue
        assert ev.record_hash is not None
        action = Action.model_validate(json.loads(records[ev.record_hash]))
        version_id = ledger.record_version(
            stamp, action, ev.record_hash, cause="reparse" if ev.kind == "reparse" else None, at=ev.at,
            front_end=ev.front_end,
        )
        if latest is None or latest.version_id != version_id:
            out.made += 1
        if ev.kind == "seen":
            out.last_run[version_id] = ev.run_id
            if ev.observation is not None:
                out.pointers[ev.observation] = version_id


def history_out_of_order(con: duckdb.DuckDBPyConnection, site: str) -> bool:
    """True when some observation of the site is older than the version it points at, or an action's versions
    do not follow each other in time: runs were written out of time order (captures older than the archive's
    crawls, or a backfill stopped before its splice), and `rebuild_versions` must put them in order."""
    row = con.execute(
        "SELECT count(*) FROM observations o JOIN runs r ON r.id = o.run_id JOIN action_versions v"
        " ON v.id = o.version_id WHERE r.site = ? AND r.started_at < v.valid_from",
        [site],
    ).fetchone()
    if row and row[0]:
        return True
    row = con.execute(
        "SELECT count(*) FROM (SELECT valid_from, lag(valid_from) OVER (PARTITION BY plan_path, language,"
        " identifier ORDER BY id) AS before FROM action_versions WHERE site = ?) WHERE valid_from < before",
        [site],
    ).fetchone()
    return bool(row and row[0])
