"""Read-only access for `vahti runs`, `vahti show` and `vahti sql`.

Readers never hold the write lock and open the file read-only, so they run during a crawl. An archive from an
older vahti is upgraded in place first (only when no writer holds it), so every reader sees the current tables.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from schemas.errors import ArchiveError, UsageError
from snapshots.db import WriteLock, connect_read, connect_write, writer_pid
from snapshots.schema import SCHEMA_VERSION, check_supported, current_version, migrate
from snapshots.when import resolve_when

RUN_COLUMNS = (
    "id", "site", "plan_path", "language", "start_url", "started_at", "finished_at", "outcome", "reason",
    "resumed_from", "cause", "pages", "parsed", "unchanged", "parse_failed", "gone", "fetch_failed", "refused",
    "not_reached", "versions_added",
)


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


def list_runs(con: duckdb.DuckDBPyConnection, site: str | None = None) -> list[dict[str, Any]]:
    sql = f"SELECT {', '.join(RUN_COLUMNS)} FROM runs"
    params: list[Any] = []
    if site:
        sql += " WHERE site = ?"
        params.append(site)
    rows = con.execute(sql + " ORDER BY started_at, id", params).fetchall()
    return [{name: _jsonable(value) for name, value in zip(RUN_COLUMNS, row, strict=True)} for row in rows]


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
    at_run: int | None

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
            "record": self.record,
        }


def show_action(
    con: duckdb.DuckDBPyConnection, identifier: str, at: str | None = None, site: str | None = None
) -> Shown:
    """The version of an action in force at WHEN (default: now; a gone action shows its last version)."""
    keys = con.execute(
        "SELECT DISTINCT site, plan_path, language FROM action_versions WHERE identifier = ?"
        + (" AND site = ?" if site else ""),
        [identifier, site] if site else [identifier],
    ).fetchall()
    if not keys:
        where = f" of {site}" if site else ""
        raise UsageError(f"no action {identifier!r}{where} in the archive")
    if len(keys) > 1:
        shown = ", ".join(f"{s}{p} ({lang})" for s, p, lang in sorted(keys))
        raise UsageError(f"action {identifier!r} exists in several plans; pick one with --site ({shown})")
    scope = list(keys[0])
    columns = (
        "id, site, plan_path, language, identifier, valid_from, valid_to, first_run, last_run, cause,"
        " gone_reason, parser_version, record"
    )
    base = f"SELECT {columns} FROM action_versions WHERE site = ? AND plan_path = ? AND language = ?"
    base += " AND identifier = ?"
    params: list[Any] = [*scope, identifier]
    at_run: int | None = None
    if at is None:
        row = con.execute(base + " ORDER BY (valid_to IS NULL) DESC, valid_from DESC, id DESC LIMIT 1", params)
    else:
        moment = resolve_when(con, at, scope[0])
        at_run = moment.run_id
        row = con.execute(
            base + " AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) ORDER BY valid_from DESC, id DESC"
            " LIMIT 1",
            [*params, moment.at, moment.at],
        )
    found = row.fetchone()
    if found is None:
        raise UsageError(f"action {identifier!r} did not exist at {at} (run {at_run})")
    return Shown(
        version_id=int(found[0]),
        key=(found[1], found[2], found[3], found[4]),
        valid_from=found[5],
        valid_to=found[6],
        first_run=found[7],
        last_run=found[8],
        cause=found[9],
        gone_reason=found[10],
        parser_version=found[11],
        record=json.loads(found[12]),
        at_run=at_run,
    )


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
