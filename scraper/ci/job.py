"""The scheduled job's own words: what it is told (`CiOptions`), where it publishes (`PublishTarget`) and what it
found for each site (`SiteResult`).

Apart from the job (`scraper.ci.run`), the digest and publishing so that each of them can name these without
importing the others: the job calls publishing, publishing calls the digest, and all three speak of site results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scraper.ci.side_by_side import DEFAULT_PARALLEL
from scraper.ci.sites import SiteSpec
from scraper.fetch import FetchPolicy
from scraper.progress_sites import SilentBoard, SitesBoard
from snapshots.alarms import Alarm, Thresholds
from snapshots.promote import Backend


@dataclass(frozen=True)
class PublishTarget:
    """Where a day's digest, exports and failure note go: all that publishing needs of the job's options."""

    publish_dir: Path
    changes_dir: Path | None = None
    step_summary: Path | None = None
    day: dt.date | None = None
    say: Callable[[str], None] = print


@dataclass
class CiOptions:
    db: Path
    publish_dir: Path
    backend: Backend
    changes_dir: Path | None = Path("changes")
    thresholds: Thresholds = field(default_factory=Thresholds)
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    accept_alarms: bool = False
    day: dt.date | None = None
    step_summary: Path | None = None
    say: Callable[[str], None] = print
    #: what shows the sites' progress while they are crawled side by side
    board: Callable[[], SitesBoard] = SilentBoard
    #: sites (host:port) crawled at once
    parallel: int = DEFAULT_PARALLEL
    #: compact the archive (`vahti compact`) when its free blocks pass this share of the file; None: never
    compact_at: float | None = 0.25

    def publish_target(self) -> PublishTarget:
        return PublishTarget(self.publish_dir, self.changes_dir, self.step_summary, self.day, self.say)


@dataclass
class SiteResult:
    spec: SiteSpec
    run_id: int | None = None
    outcome: str = "failed"  # what the crawl itself said
    reason: str | None = None
    alarms: list[Alarm] = field(default_factory=list)
    accepted: bool = False
    baseline: int | None = None
    #: one-line warnings that do not fail the day (the plan's API could not be asked: the crawl stands)
    warnings: list[str] = field(default_factory=list)
    #: partial today, but the plan's previous run was complete (or there was none): rejected like any partial day,
    #: yet it does not fail the job (a second partial day in a row does; docs/ci.md)
    tolerated: bool = False

    @property
    def verdict(self) -> str:
        """ok / partial / failed / alarmed: the word the digest and the log use."""
        if self.accepted:
            return "ok"
        if self.outcome == "complete" and self.alarms:
            return "alarmed"
        return "partial" if self.outcome == "partial" else "failed"

    def problem(self) -> str:
        if self.verdict == "alarmed":
            what = ("drift from the plan's API" if all(a.kind == "verify" for a in self.alarms)
                    else "layout change or shrunken chain")
            return f"{what}: " + "; ".join(a.message for a in self.alarms)
        return f"crawl {self.outcome}: {self.reason or 'no reason recorded'}"
