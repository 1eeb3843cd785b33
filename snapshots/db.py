"""Opening the archive file: the single-writer lock, read-only readers, and one-line errors for every bad
file.

DuckDB lets one process hold a file read-write *or* several hold it read-only. A crawl lasts hours at one
request a second, so the writer takes a lock file beside the archive for the whole crawl (that is what tells a
second writer "busy, pid N") but holds the DuckDB connection only while it writes; readers open read-only and
retry briefly when they land in the instant the writer holds the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from schemas.errors import ArchiveBusy, ArchiveError
from snapshots.handoff import RaisedHand, waiting_reader

#: How long a reader (or the writer reopening) waits for the other side to let go of the file.
READ_RETRY_SECONDS = 5.0
WRITE_RETRY_SECONDS = 30.0
_RETRY_STEP = 0.05
_PID_IN_MESSAGE = re.compile(r"PID (\d+)")

T = TypeVar("T")


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def writer_pid(db: Path) -> int | None:
    """The pid of the process holding the write lock, or None when nobody holds it."""
    path = lock_path(db)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_pid(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class WriteLock:
    """An fcntl lock on `<archive>.lock` holding the writer's pid; the kernel drops it if the process dies."""

    def __init__(self, db: Path) -> None:
        self.path = lock_path(db)
        self._fd: int | None = None

    def acquire(self) -> None:
        if not self.path.parent.is_dir():
            raise ArchiveError(f"cannot create the archive in {self.path.parent}: no such directory")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except PermissionError as exc:
            raise ArchiveError(f"cannot write to {self.path.parent}: permission denied") from exc
        except OSError as exc:
            raise ArchiveError(f"cannot create the lock file {self.path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid = _read_pid(self.path)
            who = f"pid {pid}" if pid else "pid unknown"
            raise ArchiveBusy(f"the archive is being written by another process ({who})") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def _translate(db: Path, exc: duckdb.Error) -> ArchiveError:
    text = str(exc)
    low = text.lower()
    if "not a valid duckdb database" in low or "not a duckdb" in low or "invalid database" in low \
            or "magic bytes" in low or "corrupt" in low or "checksum" in low:
        return ArchiveError(f"{db} is not a vahti archive (not a readable DuckDB file)")
    if "read-only" in low or "readonly" in low or "permission denied" in low:
        return ArchiveError(f"cannot write to {db}: the file is read-only")
    if "serializ" in low and "version" in low:
        return ArchiveError(f"{db} was written by a newer DuckDB than this one; upgrade vahti")
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return ArchiveError(f"cannot open {db}: {first}")


def _retry(db: Path, seconds: float, connect: Callable[[], T], writing: bool = False) -> T:
    """A reader that finds the file held raises its hand (`snapshots.handoff`): a crawl lets go of the file for it
    at its next idle moment, instead of the reader having to land in a gap by chance."""
    with waiting_reader(db) as hand:
        return _retry_raised(db, seconds, connect, writing, hand)


def _retry_raised(db: Path, seconds: float, connect: Callable[[], T], writing: bool, hand: RaisedHand) -> T:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return connect()
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc):
                raise _translate(db, exc) from None
            if not writing:
                hand.raise_()
            if time.monotonic() >= deadline:
                if writing:  # we hold the write lock: what blocks us is a reader that does not let go
                    found = _PID_IN_MESSAGE.search(str(exc))
                    who = f"pid {found.group(1)}" if found else "another process"
                    raise ArchiveBusy(f"archive busy, held open by {who} for {seconds:.0f} s") from None
                pid = writer_pid(db)
                if pid is None:
                    found = _PID_IN_MESSAGE.search(str(exc))
                    pid = int(found.group(1)) if found else None
                who = f"pid {pid}" if pid else "another process"
                raise ArchiveBusy(f"archive busy, being written by {who}") from None
            time.sleep(_RETRY_STEP)


def connect_read(db: Path, retry_seconds: float = READ_RETRY_SECONDS) -> duckdb.DuckDBPyConnection:
    """A read-only connection; waits out a writer's brief hold, then says who is writing."""
    if not db.exists():
        raise ArchiveError(f"no archive at {db} (run `vahti crawl` first, or pass --db)")
    if db.is_dir():
        raise ArchiveError(f"{db} is a directory, not an archive file")
    return _retry(db, retry_seconds, lambda: duckdb.connect(str(db), read_only=True))


def connect_write(db: Path, retry_seconds: float = WRITE_RETRY_SECONDS) -> duckdb.DuckDBPyConnection:
    """A read-write connection (the caller holds the WriteLock); waits while readers finish."""
    if db.is_dir():
        raise ArchiveError(f"{db} is a directory, not an archive file")
    if db.exists() and not os.access(db, os.W_OK):
        raise ArchiveError(f"cannot write to {db}: the file is read-only")
    if not db.exists() and not os.access(db.parent if str(db.parent) else Path("."), os.W_OK):
        raise ArchiveError(f"cannot create {db}: the directory is not writable")
    return _retry(db, retry_seconds, lambda: duckdb.connect(str(db)), writing=True)


def fsync_dir(path: Path) -> None:
    """Sync a directory after a rename into it: until then a crash may leave the old name (POSIX makes the rename
    atomic, not durable). Compaction and the CI's archive store both replace the archive file this way."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
