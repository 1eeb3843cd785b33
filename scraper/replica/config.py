"""Replica configuration: which plan, era, language and day to serve, and what to break."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.replica.plan_gen import PLANS
from scraper.replica.view import ERAS, LANGS

PREFIXES = ("/actions", "/action")


@dataclass
class ReplicaConfig:
    """`variation_seed=None` writes the plainest markup (default layout, no random wrappers or entities);
    an int picks one of many equivalent markups for the same content."""

    era: str = "v3"
    plan: str = "helsinki"
    lang: str = "fi"
    prefix: str = "/actions"
    day: int = 0
    seed: int = 0
    test_banner: bool = False
    redesign: bool = False
    faults: str = ""
    variation_seed: int | None = None
    #: V3 theme flag `showPaginationTop/Bottom = false`: no prev/next links in the page, only in embedded data
    hide_pager: bool = False
    #: scripted stories on known days (scraper/replica/stories.py): a silent edit, a date-only bump
    stories: bool = False
    #: scripted translation lags (scraper/replica/translation.py): three Finnish edits the English pages show
    #: within the 14-day window, only after it, and never
    translation_lag: bool = False
    #: `Crawl-delay:` line in robots.txt (seconds), None = no such line
    crawl_delay: float | None = None
    host: str = "127.0.0.1"
    port: int = 0
    #: serve the GraphQL API on a port of its own (0 = a free one); None = no API
    api_port: int | None = None
    #: serve a Wayback-like web archive of the plan's years on a port of its own (0 = a free one); None = none
    archive_port: int | None = None
    #: scales how often the archive captured each action (1.0: the often captured every few weeks)
    archive_rate: float = 1.0
    #: every N-th archive request (robots.txt not counted) is answered 429 with Retry-After: 1; None = never
    archive_throttle: int | None = None
    #: the archive refuses the site as the Wayback refuses an excluded one: 403 "Blocked Site Error"
    archive_refuse: bool = False
    #: the most rows one CDX answer holds; more need the resume key
    archive_page_size: int = 500

    def validate(self) -> None:
        """Raise ValueError with a one-line message for a value the replica cannot serve."""
        if self.era not in ERAS:
            raise ValueError(f"unknown era {self.era!r}; expected one of {', '.join(ERAS)}")
        if self.plan not in PLANS:
            raise ValueError(f"unknown plan {self.plan!r}; expected one of {', '.join(PLANS)}")
        if self.lang not in LANGS:
            raise ValueError(f"unknown language {self.lang!r}; expected one of {', '.join(LANGS)}")
        if self.prefix not in PREFIXES:
            raise ValueError(f"unknown prefix {self.prefix!r}; expected one of {', '.join(PREFIXES)}")
        if self.day < 0:
            raise ValueError(f"day must be >= 0, got {self.day}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be 0..65535, got {self.port}")
        if self.api_port is not None and not 0 <= self.api_port <= 65535:
            raise ValueError(f"API port must be 0..65535, got {self.api_port}")
        if self.archive_port is not None and not 0 <= self.archive_port <= 65535:
            raise ValueError(f"archive port must be 0..65535, got {self.archive_port}")
        if not 0 < self.archive_rate <= 20:
            raise ValueError(f"archive rate must be > 0 and <= 20, got {self.archive_rate}")
        if self.archive_throttle is not None and self.archive_throttle < 2:
            raise ValueError(f"archive throttle must be >= 2 (every N-th request), got {self.archive_throttle}")
        if self.archive_page_size < 1:
            raise ValueError(f"archive page size must be >= 1, got {self.archive_page_size}")
        if self.crawl_delay is not None and self.crawl_delay < 0:
            raise ValueError("crawl delay must be >= 0")
