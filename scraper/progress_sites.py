"""What several crawls running side by side tell the person (or the CI log) watching them.

One crawl's progress (`scraper.progress`) is a bar or a line per page; six crawls printing a line per page each
would bury one another. So every site gets a row of its own: on a terminal a live table (rich) of every site,
waiting, running or done, redrawn in place; elsewhere a status line per running site every 30 s, plus what needs
a look at once (a page that did not read cleanly, a note) and each site's summary when it ends, every line
prefixed with the site's name so a CI log can be grepped by site.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from scraper.crawl_summary import CrawlSummary
from scraper.progress import CrawlProgress, summary_lines
from scraper.progress import _duration as _duration

#: Seconds between two status lines of a running site in plain output.
STATUS_EVERY = 30.0
_CLEAN = ("parsed", "unchanged")


@dataclass
class SiteLine:
    """Where one site's crawl stands."""

    name: str
    start_url: str
    state: str = "waiting"  # waiting, running, then the run's outcome
    run_id: int | None = None
    done: int = 0
    total: int = 0
    current: str = ""
    retries: int = 0
    started: float | None = None
    ended: float | None = None
    budget: float | None = None  # seconds
    detail: str | None = None

    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.monotonic()) - self.started

    def pages(self) -> str:
        return f"{self.done}/{self.total}" if self.total else str(self.done)

    def status(self) -> str:
        budget = f" of {_duration(self.budget)} budget" if self.budget is not None else ""
        at = f", at {self.current}" if self.current else ""
        return (f"{self.name}: {self.state}, {self.pages()} pages, {self.retries} retries, "
                f"{_duration(self.elapsed())}{budget}{at}")


class SitesBoard(Protocol):
    def begin(self, sites: list[tuple[str, str]]) -> None:
        """Every (name, start URL) of the job, in order: a table shows the waiting ones too."""
        ...

    def site(self, name: str, budget: float | None) -> CrawlProgress:
        """The progress of one site's crawl, as it starts."""
        ...

    def ended(self, name: str, outcome: str, detail: str | None) -> None:
        """The site is done (also when its crawl raised before it could say so)."""
        ...

    def print(self, text: str) -> None:
        """A line of the job's own (which site starts, what the job decided), shown with the board's lines."""
        ...

    def close(self) -> None: ...


class _SiteProgress:
    """One crawl's `CrawlProgress`, writing into its row of the board."""

    def __init__(self, board: _Board, line: SiteLine) -> None:
        self.board = board
        self.line = line

    def started(self, start_url: str, run_id: int, delay: float, resumed_from: int | None) -> None:
        with self.board.lock:
            self.line.run_id = run_id
        resumed = f", resuming run {resumed_from}" if resumed_from is not None else ""
        self.board.say(self.line.name, f"run {run_id}, {delay:g} s between requests{resumed}")

    def expected(self, total: int) -> None:
        with self.board.lock:
            self.line.total = total

    def page(self, url: str, identifier: str | None, outcome: str, detail: str | None, retries: int) -> None:
        with self.board.lock:
            self.line.done += 1
            self.line.total = max(self.line.total, self.line.done)
            self.line.current = f"{identifier or url} {outcome}"
            self.line.retries = retries
        if outcome not in _CLEAN:
            self.board.say(self.line.name, f"{identifier or url}: {outcome}" + (f" ({detail})" if detail else ""))

    def note(self, message: str) -> None:
        self.board.say(self.line.name, f"note: {message}")

    def finished(self, summary: CrawlSummary) -> None:
        self.board.ended(self.line.name, summary.outcome, summary.reason)
        for text in summary_lines(summary):
            self.board.say(self.line.name, text)


class _Board:
    """The rows and their lock; subclasses decide how they are shown."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lines: dict[str, SiteLine] = {}

    def begin(self, sites: list[tuple[str, str]]) -> None:
        with self.lock:
            for name, url in sites:
                self.lines[name] = SiteLine(name, url)

    def site(self, name: str, budget: float | None) -> CrawlProgress:
        with self.lock:
            line = self.lines.setdefault(name, SiteLine(name, ""))
            line.state, line.started, line.budget = "running", time.monotonic(), budget
        return _SiteProgress(self, line)

    def ended(self, name: str, outcome: str, detail: str | None) -> None:
        with self.lock:
            line = self.lines.setdefault(name, SiteLine(name, ""))
            if line.ended is None:
                line.state, line.ended, line.detail = outcome, time.monotonic(), detail
                line.current = ""

    def say(self, name: str, text: str) -> None:
        pass

    def print(self, text: str) -> None:
        print(text, flush=True)

    def close(self) -> None:
        pass


class SilentBoard(_Board):
    """`--quiet`, tests, benchmarks: keeps the rows and shows none of the sites' progress (the job's own lines
    still print)."""


class PlainBoard(_Board):
    """CI logs and pipes: what needs a look at once, a status line per running site every `every` seconds."""

    def __init__(self, stream: TextIO | None = None, every: float = STATUS_EVERY) -> None:
        super().__init__()
        self.stream = stream or sys.stdout
        self.every = every
        self._print = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def begin(self, sites: list[tuple[str, str]]) -> None:
        super().begin(sites)
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick_loop, name="vahti-site-status", daemon=True)
            self._ticker.start()

    def _tick_loop(self) -> None:
        while not self._stop.wait(self.every):
            self.tick()

    def tick(self) -> None:
        """One status line for every site that is running now."""
        with self.lock:
            running = [line.status() for line in self.lines.values() if line.state == "running"]
        for text in running:
            self._line(text)

    def say(self, name: str, text: str) -> None:
        self._line(f"{name}: {text}")

    def print(self, text: str) -> None:
        self._line(text)

    def _line(self, text: str) -> None:
        with self._print:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None


class RichBoard(_Board):
    """A terminal: one live table of every site, redrawn in place; notes and summaries print above it."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.live import Live

        self.console = Console(stderr=True)
        self.live = Live(console=self.console, refresh_per_second=4, transient=False, get_renderable=self._table)

    def begin(self, sites: list[tuple[str, str]]) -> None:
        super().begin(sites)
        self.live.start()

    def _table(self) -> Any:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_edge=False, pad_edge=False)
        for column in ("site", "state", "pages", "retries", "time", "current"):
            table.add_column(column, justify="right" if column in ("pages", "retries", "time") else "left")
        with self.lock:
            rows = list(self.lines.values())
        for line in rows:
            budget = f" / {_duration(line.budget)}" if line.budget is not None and line.state == "running" else ""
            style = {"complete": "green", "partial": "yellow", "failed": "red"}.get(line.state, "")
            # Text, not markup: a site's name or an action's title may hold brackets
            table.add_row(Text(line.name), Text(line.state, style=style), Text(line.pages()), Text(str(line.retries)),
                          Text(_duration(line.elapsed()) + budget), Text(line.current or (line.detail or "")))
        return table

    def say(self, name: str, text: str) -> None:
        self.console.print(f"{name}: {text}", highlight=False, markup=False)

    def print(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def close(self) -> None:
        self.live.stop()


def board_for_terminal() -> SitesBoard:
    """A live table on a terminal, plain lines otherwise (CI logs, pipes)."""
    if sys.stderr.isatty() and sys.stdout.isatty():
        return RichBoard()
    return PlainBoard(sys.stdout)

