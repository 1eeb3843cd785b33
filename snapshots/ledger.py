"""Version bookkeeping: which version of each action is the latest, and opening / closing versions.

The writer is the only process writing (it holds the lock), so the latest version of every action can live in
memory, loaded once per (site, plan_path, language): one observation then costs an insert, not a lookup.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb

from schemas.action import Action
from snapshots.versions import VERSION_COLUMNS, as_json, changed_fields, version_row

Scope = tuple[str, str, str]


@dataclass(frozen=True)
class RunInfo:
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


class Ledger:
    def __init__(self) -> None:
        self._runs: dict[int, RunInfo] = {}
        self._latest: dict[Scope, dict[str, Latest]] = {}

    # provided by the writer
    def con(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def _next_id(self, table: str) -> int:
        raise NotImplementedError

    def _insert(self, table: str, row: list[Any]) -> None:
        raise NotImplementedError

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
        run: RunInfo,
        record: Action,
        record_hash: str,
        cause: str | None = None,
        at: dt.datetime | None = None,
    ) -> int:
        """The version this record belongs to: the current one when the hash is equal, else a new one."""
        scope = (record.site, record.plan_path, record.language)
        latest = self.scope_versions(scope).get(record.identifier)
        con = self.con()
        if latest is not None and latest.open and latest.record_hash == record_hash:
            if cause is None:
                con.execute(
                    "UPDATE action_versions SET last_run = ? WHERE id = ?", [run.id, latest.version_id]
                )
            return latest.version_id
        when = at or run.started_at
        if latest is not None and latest.open:
            con.execute(
                "UPDATE action_versions SET valid_to = ?, closed_run = ? WHERE id = ?",
                [when, run.id, latest.version_id],
            )
        version_id = self._next_id("action_versions")
        why = cause or run.cause
        con.execute(
            f"INSERT INTO action_versions ({', '.join(VERSION_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(VERSION_COLUMNS))})",
            version_row(version_id, record, record_hash, when, run.id, why),
        )
        if latest is not None:
            old_row = con.execute(
                "SELECT record FROM action_versions WHERE id = ?", [latest.version_id]
            ).fetchone()
            old = json.loads(old_row[0]) if old_row else {}
            new = record.model_dump(mode="json")
            for field, before, after in changed_fields(old, new):
                con.execute(
                    "INSERT INTO action_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [self._next_id("action_changes"), *scope, record.identifier, field, as_json(before),
                     as_json(after), run.id, when, why, latest.version_id, version_id],
                )
        self.scope_versions(scope)[record.identifier] = Latest(version_id, record_hash, True, record.url)
        return version_id

    def _close(self, latest: Latest, run: RunInfo, reason: str) -> None:
        """The action disappeared: its current version ends at this run, with why."""
        self.con().execute(
            "UPDATE action_versions SET valid_to = ?, closed_run = ?, gone_reason = ? WHERE id = ?",
            [run.started_at, run.id, reason, latest.version_id],
        )
        latest.open = False
