"""What one crawl did, in numbers and notes: the walk fills it in, the progress display and the CLI read it.

In a module of its own so that the walk (`scraper.crawl`) and what shows it (`scraper.progress`) both depend on it
and not on each other.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from schemas.run import RunOutcome


@dataclass
class CrawlSummary:
    run_id: int
    start_url: str
    outcome: RunOutcome = "running"
    reason: str | None = None
    resumed_from: int | None = None
    outcomes: Counter[str] = field(default_factory=Counter)
    #: new / changed / same records against the archive's current versions (empty when it cannot tell)
    records: Counter[str] = field(default_factory=Counter)
    fetched: int = 0
    reused: int = 0
    requests: int = 0
    retries: int = 0
    chain_length: int = 0
    listed: int = 0
    orphans: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    duration: float = 0.0

    @property
    def exit_code(self) -> int:
        return {"complete": 0, "partial": 3}.get(self.outcome, 1)
