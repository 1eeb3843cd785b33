"""The prev/next walk: one run over one plan, every page stored as soon as it arrives.

The chain ("Edellinen" / "Seuraava") is the order the site itself gives its actions, so it is what we record as
position. The list page and sitemap.xml say which actions exist: whatever they name that the chain never reached is
fetched too and reported as an orphan, and a chain that breaks (a failed page, a cycle, a link to a missing action)
is continued from the list. Every URL is visited at most once, every request goes through the fetcher's hard
bound, so the walk always ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from schemas.errors import VahtiError
from schemas.run import RunOutcome
from scraper.chain_order import order_after_break
from scraper.crawl_summary import CrawlSummary
from scraper.crawl_visit import Visit, VisitMaker
from scraper.fetch import Fetcher, FetchResult, HostThrottled, RequestBudgetExhausted, TimeBudgetSpent, robots_from
from scraper.listing import PlanScope, action_urls_from_list, action_urls_from_sitemap, page_language
from scraper.parse import ParseResult, parse_page
from scraper.progress import CrawlProgress, SilentProgress
from scraper.urls import (
    action_list_url,
    action_location,
    action_url_key,
    is_action_url,
    site_of,
    split_prefix,
)
from snapshots.interface import ArchiveWriter

Direction = Literal["next", "previous"]


class NotKausalWatch(VahtiError):
    """The start URL leads to no action list and no action page: exit code 1, run failed."""


class _Stop(Exception):
    """The crawl stops early (--max-pages, too many failures in a row): the run is partial."""


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int | None = None
    max_failures: int = 5
    resume: bool = False
    max_sitemaps: int = 5


class Crawl:
    def __init__(
        self,
        fetcher: Fetcher,
        writer: ArchiveWriter,
        start_url: str,
        options: CrawlOptions | None = None,
        *,
        parse: Callable[[bytes, str], ParseResult] = parse_page,
        progress: CrawlProgress | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetcher = fetcher
        self.writer = writer
        self.start_url = start_url
        self.options = options or CrawlOptions()
        self.progress = progress or SilentProgress()
        self.clock = clock
        self.list_url = action_list_url(start_url)
        self.scope = PlanScope.of(self.list_url)
        self.site = site_of(start_url)
        self.maker = VisitMaker(fetcher, writer, parse, self.scope)
        self.listed: list[str] = []
        self.list_index: dict[str, int] = {}
        self.visits: dict[str, Visit] = {}
        self.pending: list[Visit] = []
        # after the forward walk breaks, observations wait for `order_after_break`
        self.broken = False
        self.unknown_beyond: list[str] = []  # chain breaks nothing (no list, no sitemap) could bridge
        self.held_walked: list[Visit] = []
        self.held_swept: list[Visit] = []
        self.last_positioned: str | None = None
        self.position = 0
        self.failures_in_row = 0
        self.summary = CrawlSummary(run_id=0, start_url=start_url)
        self.known: dict[str, str] = {}

    # -- the run -----------------------------------------------------------------------------------------------

    def run(self) -> CrawlSummary:
        started = self.clock()
        resumed_from = self.writer.last_interrupted_run(self.site, self.start_url) if self.options.resume else None
        if self.options.resume and resumed_from is None:
            self.progress.note("nothing to resume: no interrupted run of this site; starting a fresh run")
        self.maker.reusable = self.writer.stored_pages(resumed_from) if resumed_from is not None else {}
        self.maker.validators = self.writer.validators(self.site)
        # robots.txt and the list come first: the list's <html lang> names the run's language
        robots: FetchResult | None = None
        listing = None
        fatal: VahtiError | None = None
        try:
            robots = self.maker.auxiliary(self.fetcher.base_url() + "/robots.txt", "any", first_contact=True)
            self.fetcher.robots = robots_from(robots)
            listing = self.maker.auxiliary(self.list_url, "html")
        except TimeBudgetSpent as exc:  # a site that hangs from its first request still gets its (partial) run
            fatal = exc
        except VahtiError as exc:
            if robots is None:
                raise
            fatal = exc
        language, plan_path = split_prefix(self.scope.prefix)
        language = language or (page_language(listing.text) if listing and listing.text else None) or "fi"
        run_id = self.writer.begin_run(
            self.site, self.start_url, plan_path=plan_path, language=language, resumed_from=resumed_from
        )
        self.maker.run_id = run_id
        self.known = self.writer.current_hashes((self.site, plan_path, language))
        self.summary.run_id, self.summary.resumed_from = run_id, resumed_from
        self.progress.started(self.start_url, run_id, self.fetcher.delay, resumed_from)
        outcome: RunOutcome
        reason: str | None
        try:
            if robots is not None:
                self.maker.store_auxiliary(robots.url, robots)
            if fatal is not None:
                raise fatal
            assert listing is not None
            self.maker.store_auxiliary(self.list_url, listing)
            self._crawl(listing)
            outcome, reason = self._judge()
        except (_Stop, HostThrottled, RequestBudgetExhausted, TimeBudgetSpent) as stop:
            self._flush_pending()
            self._place_held()
            outcome, reason = "partial", str(stop)
            self._record_not_reached(reason)
        except VahtiError as exc:  # unreachable, robots.txt failing, not a Kausal Watch site
            self._finish("failed", str(exc), started)
            raise
        self._finish(outcome, reason, started)
        return self.summary

    def _crawl(self, listing: FetchResult) -> None:
        self._seed(listing)
        start = action_url_key(self.start_url) if is_action_url(self.start_url) else None
        if start is None:
            if not self.listed:
                why = listing.error or f"HTTP {listing.status}" if listing.text is None else "no action links"
                raise NotKausalWatch(f"not a Kausal Watch site: no actions listed at {self.list_url} ({why})")
            start = self.listed[0]
        first = self._take(start, deferred=True)
        if not self.listed and not first.linked:
            why = first.error or first.reason or first.outcome
            raise NotKausalWatch(f"not a Kausal Watch site: {start} is not an action page ({why})")
        self._walk(first, "previous")
        self._flush_pending()
        self._walk(first, "next")
        for url in self.listed:
            if url not in self.visits:
                self._take(url, orphan=True)
        self._place_held()

    def _seed(self, page: FetchResult) -> None:
        """The list page and sitemap.xml: which actions exist, in the list's order."""
        listed: list[str] = []
        if page.text is not None and page.kind in ("ok", "not_modified"):
            listed = action_urls_from_list(page.text, self.list_url, self.scope)
        else:
            self._note(f"list page {self.list_url}: {page.error or f'HTTP {page.status}'}")
        sitemaps = [self.fetcher.base_url() + "/sitemap.xml"]
        sitemaps += [s for s in self.fetcher.robots.sitemaps if s not in sitemaps]
        seen = 0
        while sitemaps and seen < self.options.max_sitemaps:
            url = sitemaps.pop(0)
            seen += 1
            sitemap = self.maker.auxiliary(url, "xml")
            if sitemap.kind == "refused":
                continue
            self.maker.store_auxiliary(url, sitemap)
            if sitemap.body is None or sitemap.kind not in ("ok", "not_modified"):
                continue
            actions, nested = action_urls_from_sitemap(sitemap.body, self.scope)
            from_sitemap = [u for u in actions if u not in set(listed)]
            if from_sitemap and listed:
                self._note(f"sitemap names {len(from_sitemap)} action(s) the list page does not")
            listed += from_sitemap
            sitemaps += [n for n in nested if n not in sitemaps]
        self.listed = listed
        self.list_index = {url: i for i, url in enumerate(listed)}
        self.summary.listed = len(listed)
        self.progress.expected(len(listed))

    # -- walking ---------------------------------------------------------------------------------------------

    def _walk(self, start: Visit, direction: Direction) -> None:
        current = start
        anchor = start if start.url in self.list_index else None
        word = "Seuraava" if direction == "next" else "Edellinen"
        while True:
            link = current.next if direction == "next" else current.previous
            if current.linked and link is None:
                return  # the true end of the chain
            if current.linked and link is not None:
                if link == current.url:
                    self._note(f"{current.label} links to itself as {word}")
                elif link in self.visits:
                    self._note(f"cycle: {word} of {current.label} leads back to {self.visits[link].label}")
                elif not self.scope.contains(link):
                    self._note(f"{word} of {current.label} points outside the plan ({link}); not followed")
                    self.summary.refused.append((link, "outside the start URL's site or plan"))
                else:
                    current = self._step(link, direction)
                    anchor = current if current.url in self.list_index else anchor
                    continue
            resume_at = self._list_neighbour(anchor, direction)
            if resume_at is None:
                if not current.linked:
                    if not self.listed:
                        # without a list the actions beyond the break are unknown, not gone
                        self.unknown_beyond.append(current.label)
                        self._note(f"chain broken at {current.label} ({current.outcome}) and no list to continue from")
                    else:
                        self._note(f"chain broken at {current.label} ({current.outcome}); the list has nothing beyond it")
                return
            self._note(f"chain broken at {current.label} ({_why(current)}); continued from the list at "
                       f"{_label(resume_at)}")
            self.broken = self.broken or direction == "next"
            current = self._step(resume_at, direction)
            anchor = current

    def _step(self, url: str, direction: Direction) -> Visit:
        return self._take(url, deferred=direction == "previous")

    def _list_neighbour(self, anchor: Visit | None, direction: Direction) -> str | None:
        if anchor is None:
            return None
        index = self.list_index[anchor.url]
        indices = range(index + 1, len(self.listed)) if direction == "next" else range(index - 1, -1, -1)
        for i in indices:
            if self.listed[i] not in self.visits:
                return self.listed[i]
        return None

    def _take(self, url: str, *, deferred: bool = False, orphan: bool = False) -> Visit:
        """Visit one URL: its page and its observation are stored in one transaction, unless the observation must
        wait for its place in the chain (`_observe`)."""
        reusable = self.maker.can_reuse(url)
        if not reusable and self.options.max_pages is not None and self.summary.fetched >= self.options.max_pages:
            raise _Stop(f"stopped after --max-pages {self.options.max_pages}")
        visit = self.maker.visit(url, lambda v: self._observe(v, deferred=deferred, orphan=orphan))
        self.visits[url] = visit
        if visit.fetched:
            self.summary.fetched += 1
        else:
            self.summary.reused += 1 if visit.page_id is not None else 0
        self.summary.requests, self.summary.retries = self.fetcher.stats.requests, self.fetcher.stats.retries
        self.progress.page(visit.url, visit.identifier, visit.outcome, visit.error or visit.reason,
                           self.fetcher.stats.retries)
        self.failures_in_row = self.failures_in_row + 1 if visit.outcome == "fetch_failed" else 0
        if self.failures_in_row >= self.options.max_failures:
            raise _Stop(f"stopped after {self.failures_in_row} failed pages in a row (last: {visit.error})")
        return visit

    def _observe(self, visit: Visit, *, deferred: bool, orphan: bool) -> None:
        """Hand the observation to the archive. The backward walk holds its observations until it reaches the
        first action, so positions count from the start of the chain, and after a break the walk holds them until
        the pages' own links give their order; their pages are stored at once all the same."""
        if deferred:
            self.pending.append(visit)
        elif self.broken:
            (self.held_swept if orphan else self.held_walked).append(visit)
        elif orphan:
            self._store_orphan(visit)
        else:
            self._store(visit, self._next_position())

    def _flush_pending(self) -> None:
        # pending holds the start first, then each Edellinen in turn: chain order is the reverse
        for visit in reversed(self.pending):
            self._store(visit, self._next_position())
        self.pending = []

    def _place_held(self) -> None:
        """Store what the walk held after a break, in the order the pages' own links give."""
        ordered, orphans = order_after_break(self.last_positioned, self.held_walked, self.held_swept)
        for visit in ordered:
            self._store(visit, self._next_position())
        for visit in orphans:
            self._store_orphan(visit)
        self.held_walked, self.held_swept = [], []

    def _store_orphan(self, visit: Visit) -> None:
        visit.reason = visit.reason or "orphan: listed but not reached by the prev/next chain"
        self.summary.orphans.append(visit.label)
        self._store(visit, None)

    def _next_position(self) -> int:
        self.position += 1
        return self.position

    def _store(self, visit: Visit, position: int | None) -> None:
        self.summary.outcomes[visit.outcome] += 1
        if visit.record is not None:
            before = self.known.get(visit.record.identifier)
            now = visit.record.record_hash()
            self.summary.records["new" if before is None else "same" if before == now else "changed"] += 1
        if position is not None:
            self.last_positioned = visit.url
            self.summary.chain_length = max(self.summary.chain_length, position)
        self.writer.store_observation(
            self.maker.run_id, visit.page_id, visit.outcome, url=visit.url, identifier=visit.identifier,
            record=visit.record, error=visit.error, reason=visit.reason, warnings=visit.warnings,
            position=position,
        )

    # -- ending ----------------------------------------------------------------------------------------------

    def _judge(self) -> tuple[RunOutcome, str | None]:
        failed = [v.label for v in self.visits.values() if v.outcome == "fetch_failed"]
        if failed:
            return "partial", f"{len(failed)} action page(s) could not be fetched: {', '.join(failed[:10])}"
        if self.unknown_beyond:
            return "partial", (f"the chain broke at {', '.join(self.unknown_beyond)} and neither the list page nor a "
                               "sitemap could be read: the actions beyond it are unknown")
        notes = list(self.summary.notes)
        if self.summary.orphans:
            notes.append(f"{len(self.summary.orphans)} orphan(s): {', '.join(self.summary.orphans[:10])}")
        return "complete", "; ".join(notes) or None

    def _record_not_reached(self, reason: str) -> None:
        for url in self.listed:
            if url not in self.visits:
                location = action_location(url)
                self.summary.outcomes["not_reached"] += 1
                self.writer.store_observation(
                    self.maker.run_id, None, "not_reached", url=url,
                    identifier=location.identifier if location else None, reason=reason,
                )

    def _finish(self, outcome: RunOutcome, reason: str | None, started: float) -> None:
        summary = self.summary
        summary.outcome, summary.reason = outcome, reason
        summary.requests, summary.retries = self.fetcher.stats.requests, self.fetcher.stats.retries
        summary.refused += [r for r in self.fetcher.stats.refused if r not in summary.refused]
        summary.duration = self.clock() - started
        counts = {k: int(v) for k, v in summary.outcomes.items()}
        counts.update(pages_fetched=summary.fetched, pages_reused=summary.reused, requests=summary.requests,
                      retries=summary.retries, listed=summary.listed, chain=summary.chain_length,
                      orphans=len(summary.orphans))
        closed = self.writer.end_run(summary.run_id, outcome, reason, counts)
        if closed:
            # gone without a 404: missing from both the chain and the list of a complete run
            summary.outcomes["gone"] += len(closed)
            self._note(f"{len(closed)} action(s) no longer on the chain or the list, closed as gone: "
                       f"{', '.join(closed[:10])}")
        self.progress.finished(summary)

    def _note(self, message: str) -> None:
        self.summary.notes.append(message)
        self.progress.note(message)


def _label(url: str) -> str:
    location = action_location(url)
    return location.identifier if location else url


def _why(visit: Visit) -> str:
    return visit.outcome if not visit.error else f"{visit.outcome}: {visit.error}"

