"""The archive writer: the one implementation of `snapshots.interface.ArchiveWriter`.

Each stored page and each observation is its own transaction, unless the caller groups them with `together()`
(the crawler stores an action page and its observation as one), so a killed crawl loses at most the page in
flight. The write lock is held for the writer's whole life and the DuckDB connection is kept open between pages
(reopening checkpoints, the costliest step of a write); readers still get in, because the writer lets go of the
file while it is `idle()` and a reader waits (`snapshots.handoff`). `bulk()` trades the per-page transactions
for speed (one transaction per run, rows through DuckDB appenders) for benchmarks and imports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from schemas.action import Action, ParseWarning
from schemas.errors import ArchiveError
from schemas.run import OBSERVATION_OUTCOMES, RUN_OUTCOMES, ObservationOutcome, RunOutcome, VersionCause
from snapshots.crawler_reads import CrawlerReads
from snapshots.db import WRITE_RETRY_SECONDS, WriteLock, connect_read, connect_write
from snapshots.front_ends import FrontEnds
from snapshots.handoff import Handoff
from snapshots.ledger import Latest, Ledger, RunStamp
from snapshots.schema import check_supported, current_version, migrate
from snapshots.store_pages import PageWriting
from snapshots.store_pages import utc as _utc

GONE_UNLISTED = "removed from the chain and the list"


class Archive(CrawlerReads, FrontEnds, PageWriting):
    """Writes runs, pages, observations and versions; `ledger` (a `Ledger`) keeps the version bookkeeping,
    `PageWriting` pages and their bodies, `FrontEnds` the era of each stored page."""

    def __init__(self, path: Path | str, retry_seconds: float = WRITE_RETRY_SECONDS) -> None:
        FrontEnds.__init__(self)
        self._runs: dict[int, RunStamp] = {}
        self.ledger = Ledger(self.con, self._next_id, self._insert)
        self.path = Path(path)
        self._retry = retry_seconds
        self._lock = WriteLock(self.path)
        self._lock.acquire()
        self._handoff = Handoff(self.path, self.release)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._bulk = False
        self._together = False  # inside `together()`: one transaction, the file is not let go of
        self._appenders: dict[str, Any] = {}
        self._ids: dict[str, int] = {}
        self._init_pages()
        try:
            self._refuse_newer()
            self.con()
        except BaseException:
            self.close()
            raise

    # --- connection --------------------------------------------------------------------------------------
    def _refuse_newer(self) -> None:
        """Look before writing: an archive from a newer vahti must stay byte-for-byte untouched."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        probe = connect_read(self.path, self._retry)
        try:
            check_supported(self.path, current_version(probe))
        finally:
            probe.close()

    def con(self) -> duckdb.DuckDBPyConnection:
        """The write connection, reopened lazily after `release()`."""
        if self._con is None:
            con = connect_write(self.path, self._retry)
            try:
                if not self._ids:  # first open: upgrade; we hold the lock, so nobody changes it after
                    migrate(con, self.path)
                    for table in ("runs", "pages", "observations", "action_versions", "action_changes"):
                        row = con.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
                        self._ids[table] = int(row[0]) if row else 0
            except BaseException:
                con.close()
                raise
            self._con = con
        return self._con

    def reload(self) -> None:
        """Forget what the writer remembers (latest versions, next ids) after SQL outside it rewrote versions,
        as the WARC backfill's history rebuild does."""
        self.ledger.forget()
        if self._con is not None:
            for table in self._ids:
                row = self._con.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
                self._ids[table] = int(row[0]) if row else 0

    def current_hashes(self, scope: tuple[str, str, str]) -> dict[str, str]:
        return self.ledger.current_hashes(scope)

    def release(self) -> None:
        """Let readers in (the write lock stays held); the next write reopens the file."""
        if self._con is not None and not self._bulk and not self._together:
            self._con.close()
            self._con = None

    @contextmanager
    def idle(self) -> Iterator[None]:
        """See `ArchiveWriter.idle`. Inside a transaction (`bulk()`, `together()`) the file stays held."""
        if self._bulk or self._together:
            yield
            return
        with self._handoff.idle():
            yield

    def readers_waiting(self) -> bool:
        """Whether a reader raised its hand for the file (`snapshots.handoff`): a writer shared by several crawls
        lets it in before the next write (`snapshots.shared_writer`)."""
        return self._handoff.hands_up()

    def close(self) -> None:
        self._handoff.close()
        if self._bulk:
            self._bulk = False
            if self._con is not None:
                self._con.execute("ROLLBACK")
        if self._con is not None:
            self._con.close()
            self._con = None
        self._lock.release()

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def together(self) -> Iterator[None]:
        """See `ArchiveWriter.together`: the calls inside share one transaction (nested, it is the outer one)."""
        if self._bulk or self._together:
            yield
            return
        with self._txn():
            self._together = True
            try:
                yield
            finally:
                self._together = False

    @contextmanager
    def _txn(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.con()
        if self._bulk or self._together:
            yield con
            return
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except (duckdb.IOException, duckdb.TransactionException) as exc:
            # a full disk or a file-size limit: one line for the user; what was committed before stays
            with suppress(duckdb.Error):
                con.execute("ROLLBACK")
            self._forget_uncommitted()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ArchiveError(f"cannot write to {self.path}: {first}") from None
        except BaseException:
            con.execute("ROLLBACK")
            self._forget_uncommitted()
            raise

    def _forget_uncommitted(self) -> None:
        """After a rollback: what the writer remembers (latest versions, bodies, previous fetches) may name rows
        that never reached the file; it is read again when needed."""
        self.ledger.forget()
        self._forget_pages()

    @contextmanager
    def bulk(self) -> Iterator[Archive]:
        """One transaction per run and appenders for pages and observations (commit at each `end_run`)."""
        con = self.con()
        # One checkpoint at the end instead of one per 16 MB of log: each rewrites blocks it then leaves free.
        con.execute("SET checkpoint_threshold = '1GB'")
        con.execute("BEGIN TRANSACTION")
        self._bulk = self.ledger.deferred = True
        self._appenders = {
            name: con.appender(name) for name in ("pages", "observations", "action_versions", "action_changes")
        }
        try:
            yield self
        except BaseException:
            self._bulk = self.ledger.deferred = False
            self._appenders = {}
            self.ledger.forget()
            self._forget_pages()
            con.execute("ROLLBACK")
            con.execute("RESET checkpoint_threshold")
            raise
        self._flush()
        self.ledger.apply_pending()
        self._bulk = self.ledger.deferred = False
        self._appenders = {}
        con.execute("COMMIT")
        con.execute("RESET checkpoint_threshold")

    def _flush(self) -> None:
        if not self._appenders:
            return
        # A lookup read with fetchone() leaves its result open (DuckDB 2: a result is finished only when a fetch
        # comes back empty), and an appender refuses to flush past it: a bulk run that had to look something up
        # in the file (a resumed backfill, an import into an archive with pages) stopped here. Drain it.
        self.con().fetchall()
        for appender in self._appenders.values():
            appender.flush()

    def _insert(self, table: str, row: list[Any]) -> None:
        if self._bulk and table in self._appenders:
            self._appenders[table].append_row(*row)
        else:
            marks = ", ".join("?" * len(row))
            self.con().execute(f"INSERT INTO {table} VALUES ({marks})", row)

    def _next_id(self, table: str) -> int:
        self.con()
        self._ids[table] += 1
        return self._ids[table]

    # --- runs ----------------------------------------------------------------------------------------------
    def begin_run(
        self,
        site: str,
        start_url: str,
        plan_path: str = "",
        language: str = "fi",
        resumed_from: int | None = None,
        started_at: dt.datetime | None = None,
        cause: VersionCause = "crawl",
    ) -> int:
        started = _utc(started_at)
        with self._txn() as con:
            run_id = self._next_id("runs")
            con.execute(
                "UPDATE runs SET outcome = 'interrupted', finished_at = coalesce(finished_at, ?),"
                " reason = coalesce(reason, ?) WHERE site = ? AND outcome = 'running'",
                [started, f"never finished; run {run_id} began after it", site],
            )
            con.execute(
                "INSERT INTO runs (id, site, plan_path, language, start_url, started_at, outcome,"
                " resumed_from, cause) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                [run_id, site, plan_path, language, start_url, started, resumed_from, cause],
            )
        self._runs[run_id] = RunStamp(run_id, site, plan_path, language, started, cause)
        return run_id

    def run_stamp(self, run_id: int) -> RunStamp:
        if run_id not in self._runs:
            row = self.con().execute(
                "SELECT site, plan_path, language, started_at, cause FROM runs WHERE id = ?", [run_id]
            ).fetchone()
            if row is None:
                raise ValueError(f"no run {run_id} in the archive")
            self._runs[run_id] = RunStamp(run_id, row[0], row[1], row[2], _utc(row[3]), row[4])
        return self._runs[run_id]

    def end_run(
        self,
        run_id: int,
        outcome: RunOutcome,
        reason: str | None = None,
        counts: Mapping[str, int] | None = None,
        finished_at: dt.datetime | None = None,
    ) -> list[str]:
        """Close the run; returns the identifiers a complete run closed as gone (missing from chain and list)."""
        if outcome not in RUN_OUTCOMES or outcome == "running":
            raise ValueError(f"a run cannot end as {outcome!r}")
        run = self.run_stamp(run_id)
        closed: list[str] = []
        finished = max(_utc(finished_at), run.started_at)
        with self._txn() as con:
            if self._bulk:
                self._flush()
            seen = self._observed(run_id)
            # Only the plans this run actually saw: a run begun as "fi" that met Swedish pages must not close
            # the Finnish plan as gone. A run that saw nothing speaks for its own plan.
            for scope in set(seen) or {run.scope}:
                observed = seen.get(scope, set())
                for identifier, latest in list(self.ledger.scope_versions(scope).items()):
                    if not latest.open or identifier in observed:
                        continue
                    url = latest.url or ""
                    if outcome == "complete":
                        self.ledger.close(latest, run, GONE_UNLISTED)
                        self._observe_row(run, None, "gone", scope, identifier, url, reason=GONE_UNLISTED)
                        closed.append(identifier)
                    else:
                        self._observe_row(run, None, "not_reached", scope, identifier, url)
            if self._bulk:
                self._flush()
                self.ledger.apply_pending()
                con.execute(
                    "UPDATE action_versions SET last_run = ? WHERE id IN"
                    " (SELECT version_id FROM observations WHERE run_id = ? AND version_id IS NOT NULL)",
                    [run_id, run_id],
                )
            tally = dict.fromkeys(OBSERVATION_OUTCOMES, 0)
            for name, number in con.execute(
                "SELECT outcome, count(*) FROM observations WHERE run_id = ? GROUP BY outcome", [run_id]
            ).fetchall():
                tally[name] = int(number)
            pages = con.execute("SELECT count(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()
            added = con.execute(
                "SELECT count(*) FROM action_versions WHERE first_run = ?", [run_id]
            ).fetchone()
            extra = {**tally, **(counts or {})}
            con.execute(
                "UPDATE runs SET finished_at = ?, outcome = ?, reason = ?, pages = ?, parsed = ?,"
                " unchanged = ?, parse_failed = ?, gone = ?, fetch_failed = ?, refused = ?, not_reached = ?,"
                " versions_added = ?, counts = ? WHERE id = ?",
                [finished, outcome, reason, pages[0] if pages else 0, tally["parsed"], tally["unchanged"],
                 tally["parse_failed"], tally["gone"], tally["fetch_failed"], tally["refused"],
                 tally["not_reached"], added[0] if added else 0, json.dumps(extra), run_id],
            )
            if self._bulk:
                con.execute("COMMIT")
                con.execute("BEGIN TRANSACTION")
        return closed

    def _observed(self, run_id: int) -> dict[tuple[str, str, str], set[str]]:
        seen: dict[tuple[str, str, str], set[str]] = {}
        for site, plan_path, language, identifier in self.con().execute(
            "SELECT DISTINCT site, plan_path, language, identifier FROM observations"
            " WHERE run_id = ? AND identifier IS NOT NULL",
            [run_id],
        ).fetchall():
            seen.setdefault((site, plan_path, language), set()).add(identifier)
        return seen

    # --- observations --------------------------------------------------------------------------------------
    def store_observation(
        self,
        run_id: int,
        page_id: int | None,
        outcome: ObservationOutcome,
        *,
        url: str,
        identifier: str | None = None,
        record: Action | None = None,
        error: str | None = None,
        reason: str | None = None,
        warnings: Sequence[ParseWarning] = (),
        position: int | None = None,
    ) -> None:
        if outcome not in OBSERVATION_OUTCOMES:
            raise ValueError(f"unknown observation outcome {outcome!r}")
        run = self.run_stamp(run_id)
        scope = (record.site, record.plan_path, record.language) if record else run.scope
        ident = record.identifier if record else identifier
        with self._txn():
            version_id: int | None = None
            record_hash: str | None = None
            front_end = self.front_end_of(page_id)
            if record is not None and outcome in ("parsed", "unchanged"):
                record_hash = record.record_hash()
                version_id = self.ledger.record_version(run, record, record_hash, front_end=front_end)
            elif outcome == "unchanged" and ident is not None:
                # A 304 handed over without a re-derived record confirms the current version as it is.
                latest = self.ledger.scope_versions(scope).get(ident)
                if latest is not None and latest.open:
                    version_id, record_hash = latest.version_id, latest.record_hash
                    if not self.ledger.deferred:
                        self.con().execute(
                            "UPDATE action_versions SET last_run = ? WHERE id = ?", [run.id, version_id]
                        )
            elif outcome == "gone" and ident is not None:
                latest = self.ledger.scope_versions(scope).get(ident)
                if latest is not None and latest.open:
                    self.ledger.close(latest, run, reason or error or "gone")
            self._observe_row(
                run, page_id, outcome, scope, ident, url, error=error, reason=reason, warnings=warnings,
                position=position, record_hash=record_hash, version_id=version_id, front_end=front_end,
            )

    def _observe_row(
        self,
        run: RunStamp,
        page_id: int | None,
        outcome: str,
        scope: tuple[str, str, str],
        identifier: str | None,
        url: str,
        *,
        error: str | None = None,
        reason: str | None = None,
        warnings: Sequence[ParseWarning] = (),
        position: int | None = None,
        record_hash: str | None = None,
        version_id: int | None = None,
        front_end: str | None = None,
    ) -> None:
        notes = json.dumps([w.model_dump() for w in warnings], ensure_ascii=False) if warnings else None
        self._page_observed(page_id)
        self._insert(
            "observations",
            [self._next_id("observations"), run.id, page_id, *scope, identifier, url, outcome, error, reason,
             notes, position, record_hash, version_id, front_end],
        )


def open_writer(path: Path | str) -> Archive:
    """The writer for the crawler: takes the lock (ArchiveBusy if held), creates or upgrades the archive."""
    return Archive(path)


__all__ = ["GONE_UNLISTED", "Archive", "Latest", "open_writer"]
