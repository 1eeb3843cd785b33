"""Version bookkeeping: which version of each action is the latest, and opening / closing versions.

One `Ledger`, owned by the archive writer (`Archive.ledger`), opens and closes every version: the crawl's, an
import's, a reparse's and the history rebuild after an import (`snapshots.backfill`). The writer hands it its
connection, its id counters and its insert (appenders in bulk mode), so versions are written the same way
whatever wrote them. The writer is the only process writing (it holds the lock), so the latest version of every
action can live in memory, loaded once per (site, plan_path, language): one observation then costs an insert,
not a lookup.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from schemas.action import Action
from snapshots.causes import decide, known_of
from snapshots.records import Packer, RecordReader, RecordUnreadable
from snapshots.versions import as_json, record_json, version_row

Scope = tuple[str, str, str]


@dataclass(frozen=True)
class RunStamp:
    """What the writer stamps on every version and change a run opens or closes: the run, the plan it speaks for,
    its start (the instant versions open and close at) and its cause (`reparse` for a re-derivation, which writes
    under a stored run's stamp). Not the read side's `change_model.RunStamp`: this is only what writing needs."""

    id: int
    site: str
    plan_path: str
    language: str
    started_at: dt.datetime
    cause: str

    @property
    def scope(self) -> Scope:
        return (self.site, self.plan_path, self.language)


@dataclass
class Latest:
    """The newest version of one action (open = current, closed = gone or superseded)."""

    version_id: int
    record_hash: str
    open: bool
    url: str | None
    record: dict[str, Any] | None = None
    #: the action's known meaning after this version (loaded when a new record needs comparing)
    known: dict[str, Any] | None = None


class Ledger:
    def __init__(
        self,
        con: Callable[[], duckdb.DuckDBPyConnection],
        next_id: Callable[[str], int],
        insert: Callable[[str, list[Any]], None],
    ) -> None:
        self.con = con
        self._next_id = next_id
        self._insert = insert
        self._latest: dict[Scope, dict[str, Latest]] = {}
        #: In bulk mode `last_run` moves forward once per run (in end_run), not once per observation, and the
        #: versions a run closes or supersedes are updated together (`apply_pending`).
        self.deferred = False
        self._pending_ends: list[tuple[int, dt.datetime, int, str | None]] = []
        self._pending_superseded: list[int] = []
        self._packer = Packer()

    def scope_versions(self, scope: Scope) -> dict[str, Latest]:
        if scope not in self._latest:
            rows = self.con().execute(
                "SELECT identifier, id, record_hash, valid_to IS NULL, url FROM action_versions"
                " WHERE site = ? AND plan_path = ? AND language = ?"
                " QUALIFY row_number() OVER (PARTITION BY identifier ORDER BY id DESC) = 1",
                list(scope),
            ).fetchall()
            self._latest[scope] = {r[0]: Latest(int(r[1]), r[2], bool(r[3]), r[4]) for r in rows}
        return self._latest[scope]

    def current_hashes(self, scope: Scope) -> dict[str, str]:
        """identifier -> record hash of every current (not gone) action in the scope."""
        return {k: v.record_hash for k, v in self.scope_versions(scope).items() if v.open}

    def record_version(
        self,
        run: RunStamp,
        record: Action,
        record_hash: str,
        cause: str | None = None,
        at: dt.datetime | None = None,
        front_end: str | None = None,
    ) -> int:
        """The version this record belongs to: the current one when the hash is equal, else a new one, whose
        cause and change rows follow its meaning (snapshots.causes); `front_end` is the era of the page read."""
        scope = (record.site, record.plan_path, record.language)
        latest = self.scope_versions(scope).get(record.identifier)
        con = self.con()
        if latest is not None and latest.open and latest.record_hash == record_hash:
            if cause is None and not self.deferred:
                con.execute(
                    "UPDATE action_versions SET last_run = ? WHERE id = ?", [run.id, latest.version_id]
                )
            return latest.version_id
        when = at or run.started_at
        if latest is not None and latest.open:
            self._end_version(latest.version_id, when, run.id, None)
        version_id = self._next_id("action_versions")
        new = record.model_dump(mode="json")
        old = self._record_of(latest) if latest is not None else None
        decision = decide(
            self._known_of(latest) if latest is not None else None, new, front_end, cause or run.cause,
            came_back=latest is not None and not latest.open,
        )
        why = decision.cause
        text = record_json(record)
        packed = self._packer.pack(con, (*scope, record.identifier), version_id, text.encode("utf-8"),
                                   latest.version_id if latest is not None else None)
        self._insert(
            "action_versions",
            version_row(version_id, record, record_hash, when, run.id, why, front_end, decision.meaning_json(),
                        text, packed),
        )
        if latest is not None and old is not None:
            for field in decision.fields:
                self._insert(
                    "action_changes",
                    [self._next_id("action_changes"), *scope, record.identifier, field, as_json(old.get(field)),
                     as_json(new.get(field)), run.id, when, why, latest.version_id, version_id],
                )
        if latest is not None:  # its known meaning moved to the new version (snapshots/schema.py, v6)
            self._superseded(latest.version_id)
        self.scope_versions(scope)[record.identifier] = Latest(
            version_id, record_hash, True, record.url, new, decision.known
        )
        return version_id

    def _known_of(self, latest: Latest) -> dict[str, Any]:
        if latest.known is None:
            row = self.con().execute(
                "SELECT meaning, front_end FROM action_versions WHERE id = ?", [latest.version_id]
            ).fetchone()
            latest.known = known_of(row[0] if row else None, self._record_of(latest), row[1] if row else None)
        return latest.known

    def _record_of(self, latest: Latest) -> dict[str, Any]:
        if latest.record is None:
            try:
                latest.record = RecordReader(self.con()).one(latest.version_id)
            except RecordUnreadable:  # the packed copy is damaged: the JSON column still holds the record
                row = self.con().execute(
                    "SELECT record FROM action_versions WHERE id = ?", [latest.version_id]
                ).fetchone()
                latest.record = json.loads(row[0]) if row else {}
        return latest.record

    def forget(self) -> None:
        """After a rollback: nothing remembered may point at versions that are gone."""
        self._latest.clear()
        self._pending_ends.clear()
        self._pending_superseded.clear()
        self._packer.forget()

    def _end_version(self, version_id: int, when: dt.datetime, run_id: int, reason: str | None) -> None:
        if self.deferred:
            self._pending_ends.append((version_id, when, run_id, reason))
            return
        self.con().execute(
            "UPDATE action_versions SET valid_to = ?, closed_run = ?, gone_reason = coalesce(?, gone_reason)"
            " WHERE id = ?",
            [when, run_id, reason, version_id],
        )

    def _superseded(self, version_id: int) -> None:
        if self.deferred:
            self._pending_superseded.append(version_id)
            return
        self.con().execute("UPDATE action_versions SET meaning = NULL WHERE id = ?", [version_id])

    def apply_pending(self) -> None:
        """Bulk mode: every version a run closed or superseded, in one statement each (after the appenders are
        flushed)."""
        if self._pending_superseded:
            self.con().execute(
                "UPDATE action_versions SET meaning = NULL WHERE id IN (SELECT unnest(?::BIGINT[]))",
                [self._pending_superseded],
            )
            self._pending_superseded = []
        if not self._pending_ends:
            return
        ids, whens, runs, reasons = (list(column) for column in zip(*self._pending_ends, strict=True))
        self.con().execute(
            "UPDATE action_versions SET valid_to = e.valid_to, closed_run = e.closed_run,"
            " gone_reason = coalesce(e.gone_reason, action_versions.gone_reason)"
            " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::TIMESTAMPTZ[]) AS valid_to,"
            " unnest(?::BIGINT[]) AS closed_run, unnest(?::VARCHAR[]) AS gone_reason) AS e"
            " WHERE action_versions.id = e.id",
            [ids, whens, runs, reasons],
        )
        self._pending_ends.clear()

    def close(self, latest: Latest, run: RunStamp, reason: str) -> None:
        """The action disappeared: its current version ends at this run, with why."""
        self._end_version(latest.version_id, run.started_at, run.id, reason)
        latest.open = False
