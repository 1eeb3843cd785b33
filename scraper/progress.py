"""What a crawl tells the person (or the CI log) watching it.

On a terminal: a rich progress bar with pages done, the current action, retries and an ETA worked out from the
politeness delay (the delay, not the server, sets the pace of a polite crawl). Elsewhere: one plain line per page,
so a CI log reads top to bottom. Both end with the same summary.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from scraper.crawl_summary import CrawlSummary


class CrawlProgress(Protocol):
    def started(self, start_url: str, run_id: int, delay: float, resumed_from: int | None) -> None: ...

    def expected(self, total: int) -> None: ...

    def page(self, url: str, identifier: str | None, outcome: str, detail: str | None, retries: int) -> None: ...

    def note(self, message: str) -> None: ...

    def finished(self, summary: CrawlSummary) -> None: ...


class SilentProgress:
    def started(self, start_url: str, run_id: int, delay: float, resumed_from: int | None) -> None:
        pass

    def expected(self, total: int) -> None:
        pass

    def page(self, url: str, identifier: str | None, outcome: str, detail: str | None, retries: int) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def finished(self, summary: CrawlSummary) -> None:
        pass


def summary_lines(summary: CrawlSummary) -> list[str]:
    counts, records = summary.outcomes, summary.records
    if records:
        actions = (f"actions: {records['new']} new, {records['changed']} changed, {records['same']} unchanged "
                   f"({counts.get('unchanged', 0)} of them by 304), {counts.get('gone', 0)} gone")
    else:
        actions = (f"actions: {counts.get('parsed', 0)} parsed, {counts.get('unchanged', 0)} unchanged (304), "
                   f"{counts.get('gone', 0)} gone")
    pages = f"pages: {summary.fetched} fetched ({summary.requests} requests, {summary.retries} retries)"
    if summary.resumed_from is not None:
        pages += f", {summary.reused} reused from run {summary.resumed_from}"
    return [
        f"run {summary.run_id}: {summary.outcome}" + (f" ({summary.reason})" if summary.reason else ""),
        pages,
        actions,
        f"failures: {counts.get('fetch_failed', 0)} fetch failed, {counts.get('parse_failed', 0)} parse failed, "
        f"{counts.get('refused', 0)} refused, {counts.get('not_reached', 0)} not reached",
        f"chain: {summary.chain_length} actions, {summary.listed} listed, {len(summary.orphans)} orphans",
        f"duration: {summary.duration:.1f} s",
    ]


class PlainProgress:
    """One line per event, for logs; on stdout, so stderr carries only the one-line error of a failed crawl."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.done = 0
        self.total = 0

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def started(self, start_url: str, run_id: int, delay: float, resumed_from: int | None) -> None:
        resumed = f", resuming run {resumed_from}" if resumed_from is not None else ""
        self._line(f"crawl {start_url}: run {run_id}, {delay:g} s between requests{resumed}")

    def expected(self, total: int) -> None:
        self.total = total
        self._line(f"{total} actions listed")

    def page(self, url: str, identifier: str | None, outcome: str, detail: str | None, retries: int) -> None:
        self.done += 1
        of = f"/{self.total}" if self.total else ""
        extra = f" ({detail})" if detail else ""
        self._line(f"[{self.done}{of}] {identifier or url}: {outcome}{extra}")

    def note(self, message: str) -> None:
        self._line(f"note: {message}")

    def finished(self, summary: CrawlSummary) -> None:
        for line in summary_lines(summary):
            self._line(line)


class RichProgress:
    """A live bar on a terminal; the ETA multiplies the pages left by the pace seen so far (at least the delay)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[current]}"),
            TextColumn("retries {task.fields[retries]}"),
            TextColumn("ETA {task.fields[eta]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.task = self.bar.add_task("crawl", total=None, current="", retries=0, eta="?")
        self.delay = 1.0
        self.done = 0
        self.total = 0
        self.begun = time.monotonic()

    def started(self, start_url: str, run_id: int, delay: float, resumed_from: int | None) -> None:
        self.delay = delay
        self.bar.start()
        resumed = f", resuming run {resumed_from}" if resumed_from is not None else ""
        self.bar.console.print(f"crawl {start_url}: run {run_id}, {delay:g} s between requests{resumed}")

    def expected(self, total: int) -> None:
        self.total = total
        self.bar.update(self.task, total=total or None)

    def page(self, url: str, identifier: str | None, outcome: str, detail: str | None, retries: int) -> None:
        self.done += 1
        if self.done > self.total:
            self.total = self.done
            self.bar.update(self.task, total=self.total)
        elapsed = time.monotonic() - self.begun
        pace = max(self.delay, elapsed / self.done)
        left = max(0, self.total - self.done)
        self.bar.update(self.task, completed=self.done, current=f"{identifier or url} {outcome}", retries=retries,
                        eta=_duration(left * pace))
        if outcome not in ("parsed", "unchanged"):
            self.bar.console.print(f"{identifier or url}: {outcome}" + (f" ({detail})" if detail else ""))

    def note(self, message: str) -> None:
        self.bar.console.print(f"note: {message}")

    def finished(self, summary: CrawlSummary) -> None:
        self.bar.stop()
        for line in summary_lines(summary):
            self.console.print(line, highlight=False)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def for_terminal() -> CrawlProgress:
    """Rich on a terminal, plain lines on stdout otherwise (CI logs, pipes)."""
    if sys.stderr.isatty() and sys.stdout.isatty():
        return RichProgress()
    return PlainProgress(sys.stdout)
