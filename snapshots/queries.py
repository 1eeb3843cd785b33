"""Opening the archive for reading, and the two readers of their own: `vahti show` and `vahti sql`.

Readers never hold the write lock and open the file read-only, so they run during a crawl. An archive from an
older vahti is upgraded in place first (only when no writer holds it), so every reader sees the current tables.
Runs, versions and WHEN are read by the one read model, `snapshots.report_read`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from schemas.errors import ArchiveError, UsageError
from snapshots.change_model import AsOf
from snapshots.db import WriteLock, connect_read, connect_write, writer_pid
from snapshots.report_read import (
    VersionRow,
    is_run_id,
    normal_plan_path,
    plan_as_of,
    plan_filter,
    resolve_point,
    resolve_when,
    versions_of,
)
from snapshots.schema import SCHEMA_VERSION, check_supported, current_version, migrate


@contextmanager
def open_reader(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect_read(db)
    try:
        version = current_version(con)
        check_supported(db, version)
        if version is None:
            raise ArchiveError(f"{db} is an empty archive (no tables yet)")
        if version < SCHEMA_VERSION:
            con.close()
            _upgrade(db)
            con = connect_read(db)
        yield con
    finally:
        con.close()


def _upgrade(db: Path) -> None:
    if writer_pid(db) is not None:
        raise ArchiveError(f"{db} uses an older archive schema and is being written; retry when the crawl ends")
    lock = WriteLock(db)
    lock.acquire()
    try:
        con = connect_write(db)
        try:
            migrate(con, db)
        finally:
            con.close()
    finally:
        lock.release()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@dataclass
class Shown:
    """One version of one action, with the metadata a reader needs to trust it."""

    version_id: int
    key: tuple[str, str, str, str]
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    first_run: int | None
    last_run: int | None
    cause: str
    gone_reason: str | None
    parser_version: str
    record: dict[str, Any]
    #: the run WHEN named; for a date, the run that last saw the action by then
    at_run: int | None
    #: a date in WHEN: the date asked, and when the action was last seen by then
    as_of: AsOf | None = None
    last_seen: dt.datetime | None = None

    @classmethod
    def of(cls, version: VersionRow, at_run: int | None, as_of: AsOf | None = None,
           last_seen: dt.datetime | None = None) -> Shown:
        return cls(version.id, version.key, version.valid_from, version.valid_to, version.first_run,
                   version.last_run, version.cause, version.gone_reason, version.parser_version or "",
                   version.record, at_run, as_of, last_seen)

    def to_json(self) -> dict[str, Any]:
        site, plan_path, language, identifier = self.key
        return {
            "version": self.version_id,
            "site": site,
            "plan_path": plan_path,
            "language": language,
            "identifier": identifier,
            "valid_from": _jsonable(self.valid_from),
            "valid_to": _jsonable(self.valid_to),
            "first_run": self.first_run,
            "last_run": self.last_run,
            "cause": self.cause,
            "gone_reason": self.gone_reason,
            "parser_version": self.parser_version,
            "at_run": self.at_run,
            "last_seen": _jsonable(self.last_seen),
            "record": self.record,
        }


def show_action(
    con: duckdb.DuckDBPyConnection, identifier: str, at: str | None = None, site: str | None = None,
    plan_path: str | None = None, language: str | None = None,
) -> Shown:
    """The version of an action in force at a run (default: now; a gone action shows its last version), or, for a
    date, as last seen by then (`plan_as_of`). An action in several plans or languages is asked about (--site,
    --plan, --language), and a date is resolved among the runs of the action's own plan and language."""
    params: list[Any] = [identifier, *([site] if site else [])]
    keys = con.execute(
        "SELECT DISTINCT site, plan_path, language FROM action_versions WHERE identifier = ?"
        + (" AND site = ?" if site else "") + plan_filter(plan_path, language, params),
        params,
    ).fetchall()
    if not keys:
        where = f" of {site}" if site else ""
        where += f" in {normal_plan_path(plan_path) or '/'}" if plan_path is not None else ""
        where += f" in language {language}" if language is not None else ""
        raise UsageError(f"no action {identifier!r}{where} in the archive")
    if len(keys) > 1:
        shown = ", ".join(f"{s}{p} ({lang})" for s, p, lang in sorted(keys))
        options = [o for o, n in (("--site", 0), ("--plan", 1), ("--language", 2)) if len({k[n] for k in keys}) > 1]
        raise UsageError(f"action {identifier!r} exists in several plans or languages; pick one with"
                         f" {' and '.join(options)} ({shown})")
    scope = list(keys[0])
    if at is not None and not is_run_id(at):
        point = resolve_point(con, at, scope[0], *scope[1:])
        assert point.at is not None
        state = plan_as_of(con, scope[0], point.at.at, point.run, scope[1], scope[2], identifier=identifier)
        key = (scope[0], scope[1], scope[2], identifier)
        if key in state.versions:
            seen = state.seen[key]
            return Shown.of(state.versions[key], seen.run_id, point.at, seen.at)
        if key in state.gone:
            raise UsageError(f"action {identifier!r} did not exist on {at.strip()}: run {state.seen[key].run_id}"
                             f" found it gone ({state.gone[key]})")
        raise UsageError(f"action {identifier!r} did not exist on {at.strip()}: no run had seen it by then")
    versions = versions_of(
        con, "site = ? AND plan_path = ? AND language = ? AND identifier = ?", [*scope, identifier]
    )  # oldest first
    if at is None:
        current = [v for v in versions if v.valid_to is None]
        return Shown.of(current[-1] if current else versions[-1], None)
    run = resolve_when(con, at, scope[0], plan_path, language)
    instant = run.started_at
    valid = [v for v in versions
             if instant is not None and v.valid_from <= instant and (v.valid_to is None or v.valid_to > instant)]
    if not valid:
        raise UsageError(f"action {identifier!r} did not exist at {at} (run {run.id})")
    return Shown.of(valid[-1], run.id)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Any read-only SQL; a write or a syntax error is a one-line usage error, not a traceback.

    A read-only connection still lets SQL write files (COPY … TO, EXPORT DATABASE), read any local file
    (read_csv('/etc/passwd')) and download extensions (INSTALL): all of that is switched off, and locked, first."""
    for setting in ("enable_external_access = false", "autoinstall_known_extensions = false",
                    "autoload_known_extensions = false", "lock_configuration = true"):
        con.execute(f"SET {setting}")
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description] if cursor.description else []
        rows = cursor.fetchall() if cursor.description else []
    except duckdb.Error as exc:
        text = str(exc)
        if "read-only" in text or "read_only" in text:
            raise UsageError("vahti sql is read-only: the archive cannot be changed from here") from None
        if "disabled by configuration" in text:
            raise UsageError("vahti sql reads the archive only: files, extensions and other databases are off limits") from None
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        raise UsageError(f"SQL error: {first}") from None
    return columns, rows
