"""Letting readers in during a crawl that keeps the archive open.

DuckDB lets one process hold a file read-write or several hold it read-only. Closing and reopening the file around
every page would let readers in, but each close checkpoints (the archive's most expensive step) and `--delay 0`
leaves no pause to hide it in. So the writer keeps the file open and hands it over on demand:

- a reader that finds the file held raises its hand: a shared `flock` on `<archive>.readers` (created by the
  writer), held until it got in or gave up;
- the writer marks the stretches where it does not touch the file (`idle()`: every request and pause of the
  fetcher). A watcher thread lets go of the file there when a hand is up, and waits until every raised hand went
  down (the readers are in) before the writer may reopen; it also lets go when the writer stays idle longer than
  `IDLE_LET_GO` (a polite pause, a slow server), for readers that do not raise a hand (the DuckDB CLI).

A reader therefore waits at most for the page being written, never for the whole crawl, whatever its timing. The
kernel drops a dead reader's hand, and a writer that has no `.readers` file (an older vahti) simply never answers:
the reader then gives up after its retry window, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: A writer idle this long lets go of the file even when nobody raised a hand.
IDLE_LET_GO = 0.5
#: How often the watcher looks for a raised hand while the writer is idle.
WATCH_STEP = 0.01
#: The longest the writer stays away for raised hands (a reader gives up after its own retry window).
SERVE_SECONDS = 10.0


def readers_path(db: Path) -> Path:
    return db.with_name(db.name + ".readers")


class RaisedHand:
    """The reader's side: a shared lock on `<archive>.readers` while it waits for the file."""

    def __init__(self, db: Path) -> None:
        self._path = readers_path(db)
        self._fd: int | None = None
        self._up = False

    def raise_(self) -> None:
        """Raise the hand (again after a moment when the writer was looking); a no-op when there is no writer file."""
        if self._up:
            return
        if self._fd is None:
            try:
                self._fd = os.open(self._path, os.O_RDONLY)
            except OSError:
                return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return  # the writer is looking this instant: the next attempt raises it
        self._up = True

    def lower(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # drops the lock
            self._fd = None
        self._up = False


@contextlib.contextmanager
def waiting_reader(db: Path) -> Iterator[RaisedHand]:
    hand = RaisedHand(db)
    try:
        yield hand
    finally:
        hand.lower()


class Handoff:
    """The writer's side. `hold` is a lock the writer's own thread holds whenever it may touch the file; `idle()`
    lends it to the watcher, which calls `let_go` (close the DuckDB connection) only while it holds it."""

    def __init__(self, db: Path, let_go: Callable[[], None]) -> None:
        self._let_go = let_go
        self._fd: int | None = None
        with contextlib.suppress(OSError):  # a directory we cannot write to: the writer fails later, with why
            self._fd = os.open(readers_path(db), os.O_RDWR | os.O_CREAT, 0o644)
        self._hold = threading.Lock()
        self._hold.acquire()
        self._idle_since: float | None = None
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def idle(self) -> Iterator[None]:
        """The writer's thread promises not to touch the file inside; the watcher may close it meanwhile."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="vahti-reader-handoff", daemon=True)
            self._thread.start()
        self._idle_since = time.monotonic()
        self._hold.release()
        self._wake.set()
        try:
            yield
        finally:
            self._wake.clear()
            self._hold.acquire()
            self._idle_since = None

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._hold.release()  # the watcher may be waiting for it
            self._thread.join()
            self._hold.acquire()
            self._thread = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def hands_up(self) -> bool:
        """Whether a reader waits for the file (its shared lock keeps our exclusive one out)."""
        if self._fd is None:
            return False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        return False

    def _watch(self) -> None:
        let_go_at: float | None = None  # the idle stretch we already let go in
        while not self._stop:
            self._wake.wait()
            if self._stop:
                return
            since = self._idle_since
            hands = self.hands_up()
            long_idle = since is not None and time.monotonic() - since >= IDLE_LET_GO and let_go_at != since
            if (hands or long_idle) and self._hold.acquire(blocking=False):
                try:
                    if self._idle_since is not None and not self._stop:  # still idle now that we hold it
                        self._let_go()
                        let_go_at = since
                        if hands:
                            self._serve()
                finally:
                    self._hold.release()
            time.sleep(WATCH_STEP)

    def _serve(self) -> None:
        """Stay away until every raised hand is down (those readers are in), or a reader gave up."""
        deadline = time.monotonic() + SERVE_SECONDS
        while self.hands_up() and time.monotonic() < deadline and not self._stop:
            time.sleep(WATCH_STEP / 2)
