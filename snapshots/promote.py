"""Promote on success: the stored archive is replaced only by a candidate that passed every check.

The scheduled job never writes into the archive it downloaded. The day's sites are crawled into one staging copy;
a run that passed its checks keeps everything it wrote there, a run that did not (partial, failed, alarmed) keeps
only its raw evidence (`reject_run`: run row, pages, their bodies, observations, no versions), and the copy then
becomes the working archive. At the end the candidate must contain everything the previous archive held,
unchanged, before any backend stores it.
Backends differ only in where the file lives; `promote` is the one code path they share.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from schemas.errors import ArchiveError
from snapshots.db import WriteLock, connect_read, connect_write, fsync_dir
from snapshots.schema import migrate


class Backend(Protocol):
    """Where the archive lives between scheduled runs."""

    name: str

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Held for the whole job: a second job using the same storage is refused (ArchiveBusy)."""
        ...

    def fetch(self, dest: Path) -> bool:
        """Copy the latest promoted archive to `dest`; False when there is none yet (the first run)."""
        ...

    def store(self, candidate: Path) -> str:
        """Make `candidate` the latest archive, atomically for readers; returns where it went."""
        ...


class LocalDirBackend:
    """A directory holding `vahti.duckdb` (plus `vahti.previous.duckdb`, one generation back)."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.archive = root / "vahti.duckdb"
        self.previous = root / "vahti.previous.duckdb"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        guard = WriteLock(self.archive)
        guard.acquire()
        try:
            yield
        finally:
            guard.release()

    def fetch(self, dest: Path) -> bool:
        if not self.archive.exists():
            return False
        _copy_durably(self.archive, dest)
        return True

    def store(self, candidate: Path) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        incoming = self.root / ".vahti.incoming.duckdb"
        _copy_durably(candidate, incoming)
        if self.archive.exists():
            os.replace(self.archive, self.previous)
        os.replace(incoming, self.archive)
        fsync_dir(self.root)
        return str(self.archive)


class InPlaceBackend:
    """No remote storage: the working archive itself is the durable copy (for running `vahti ci` by hand)."""

    name = "none"

    def __init__(self, db: Path) -> None:
        self.db = db

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        yield

    def fetch(self, dest: Path) -> bool:
        if dest.resolve() != self.db.resolve() and self.db.exists():
            _copy_durably(self.db, dest)
        return self.db.exists()

    def store(self, candidate: Path) -> str:
        if candidate.resolve() != self.db.resolve():
            _copy_durably(candidate, self.db)
        return str(self.db)


def _copy_durably(src: Path, dest: Path) -> None:
    """Copy then rename, so `dest` is either the old file or the whole new one, never half of it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    shutil.copyfile(src, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


def copy_archive(src: Path, dest: Path) -> None:
    """A staging copy of the working archive (the writer must not hold `src`)."""
    _copy_durably(src, dest)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        raise ArchiveError(f"{src} has an unfinished write-ahead log; open it once with vahti to recover")


def prepare(db: Path) -> None:
    """Create or upgrade the working archive so every later copy has the same tables."""
    con = connect_write(db)
    try:
        migrate(con, db)
    finally:
        con.close()


#: The plans (site, plan path, language) a run touched: its own, every one it observed, every one whose versions
#: it opened, saw or closed.
_RUN_SCOPES = (
    "SELECT site, plan_path, language FROM runs WHERE id = $1"
    " UNION SELECT site, plan_path, language FROM observations WHERE run_id = $1"
    " UNION SELECT site, plan_path, language FROM action_versions WHERE $1 IN (first_run, last_run, closed_run)"
)
_IN_SCOPES = "EXISTS (SELECT 1 FROM rejected_scopes s WHERE s.site = t.site AND s.plan_path = t.plan_path" \
             " AND s.language = t.language)"
_REJECT_RUN = [
    f"DELETE FROM action_changes t WHERE {_IN_SCOPES}",
    f"INSERT INTO action_changes SELECT * FROM base.action_changes t WHERE {_IN_SCOPES}",
    f"DELETE FROM action_versions t WHERE {_IN_SCOPES}",
    f"INSERT INTO action_versions SELECT * FROM base.action_versions t WHERE {_IN_SCOPES}",
    "DELETE FROM observations WHERE run_id = $1 AND outcome IN ('gone', 'not_reached')",
    "UPDATE observations SET version_id = NULL WHERE run_id = $1",
    "DELETE FROM agreement_actions WHERE run_id = $1",
    "DELETE FROM agreement WHERE run_id = $1",
    "DELETE FROM verifications WHERE run_id = $1",
]


def run_scopes(con: duckdb.DuckDBPyConnection, run_id: int) -> set[tuple[str, str, str]]:
    return {(r[0], r[1], r[2]) for r in con.execute(_RUN_SCOPES, [run_id]).fetchall()}


def reject_run(staged: Path, base: Path, run_id: int, outcome: str, reason: str) -> None:
    """Turn a rejected run of the staging archive into evidence only: its run row, raw pages, bodies and what each
    page was are kept, but no versions and no closures, so records stay as the last good run left them and
    `vahti reparse` can still derive the day's records once the parser is fixed.

    The day's sites were crawled side by side into one staging copy of `base` (the working archive, untouched
    since), so the run's versions are undone by putting back, from `base`, every version and change of the plans
    it touched; no other run of the day may have touched them (`scraper.ci.run` rejects those together). One
    transaction: the staging copy is either as before or rid of the run's versions."""
    con = connect_write(staged)
    try:
        con.execute(f"ATTACH '{_sql_path(base)}' AS base (READ_ONLY)")
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"CREATE TEMP TABLE rejected_scopes AS {_RUN_SCOPES}", [run_id])
            for sql in _REJECT_RUN:
                con.execute(sql, [run_id] if "$1" in sql else [])
            con.execute("UPDATE runs SET outcome = ?, reason = ?, versions_added = 0 WHERE id = ?",
                        [outcome, reason, run_id])
            con.execute("DROP TABLE rejected_scopes")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


@dataclass(frozen=True)
class Verified:
    runs: int
    versions: int
    pages: int


_LOST = {
    "runs": "SELECT count(*) FROM prev.runs p ANTI JOIN runs c ON c.id = p.id AND c.site = p.site",
    "pages": "SELECT count(*) FROM prev.pages p ANTI JOIN pages c ON c.id = p.id AND c.url = p.url",
    "bodies": "SELECT count(*) FROM prev.bodies p ANTI JOIN bodies c ON c.sha256 = p.sha256",
    "versions": "SELECT count(*) FROM prev.action_versions p ANTI JOIN action_versions c"
    " ON c.id = p.id AND c.record_hash = p.record_hash AND c.valid_from = p.valid_from",
    "observations": "SELECT count(*) FROM prev.observations p ANTI JOIN observations c ON c.id = p.id",
}


def verify_candidate(candidate: Path, previous: Path | None) -> Verified:
    """The last gate before a backend stores the candidate: it opens, and it holds every run, page, body,
    version and observation of the previous archive (a version may only have been closed since)."""
    con = connect_read(candidate)
    try:
        if previous is not None and previous.exists():
            con.execute(f"ATTACH '{_sql_path(previous)}' AS prev (READ_ONLY)")
            for what, sql in _LOST.items():
                row = con.execute(sql).fetchone()
                lost = int(row[0]) if row else 0
                if lost:
                    raise ArchiveError(f"refusing to promote: the new archive lost {lost} of the previous {what}")
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("runs", "action_versions", "pages")]
    except duckdb.Error as exc:
        raise ArchiveError(f"refusing to promote: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    runs, versions, pages = (int(c[0]) if c else 0 for c in counts)
    return Verified(runs, versions, pages)


def promote(candidate: Path, previous: Path | None, backend: Backend) -> str:
    """Verify, then store: the one promote path of every backend."""
    verify_candidate(candidate, previous)
    return backend.store(candidate)
