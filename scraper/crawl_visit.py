"""One visit of one URL during a crawl: fetch it (or reuse what an interrupted run stored), store it, judge it.

Kept apart from the walk so the walk reads as the chain logic alone. What a response means for the action (gone,
merged, unchanged, parse_failed …) is not decided here but by `scraper.judge`, the same rules an import or a backfill
applies to a captured response; here live only what a live crawl adds: robots and off-site refusals, reuse of an
interrupted run's pages, the body a 304 confirmed, fetched back from the archive, and a 200 the archive says repeats
the previous fetch but for per-request noise (`unchanged`, with that fetch's record when the same parser read it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from schemas.action import PARSER_VERSION, Action, ParseWarning
from schemas.run import ObservationOutcome
from scraper.fetch import Conditional, Expect, Fetcher, FetchKind, FetchResult, to_utf8
from scraper.judge import Verdict, judge_response
from scraper.listing import PlanScope
from scraper.parse import ParseResult
from scraper.urls import action_location, action_url_key
from snapshots.interface import ArchiveWriter, StoredPage, Validators

_REUSABLE_STATUSES = {200, 203, 304, 404, 410}


@dataclass
class Visit:
    url: str
    identifier: str | None
    outcome: ObservationOutcome
    page_id: int | None = None
    record: Action | None = None
    error: str | None = None
    reason: str | None = None
    warnings: list[ParseWarning] = field(default_factory=list)
    previous: str | None = None
    next: str | None = None
    fetched: bool = False

    @property
    def linked(self) -> bool:
        """Whether this page told us its neighbours (an absent link then really means the end of the chain)."""
        return self.outcome in ("parsed", "unchanged")

    @property
    def label(self) -> str:
        return self.identifier or self.url


class VisitMaker:
    def __init__(
        self,
        fetcher: Fetcher,
        writer: ArchiveWriter,
        parse: Callable[[bytes, str], ParseResult],
        scope: PlanScope,
    ) -> None:
        self.fetcher = fetcher
        self.writer = writer
        self.parse = parse
        self.scope = scope
        self.run_id = 0
        self.reusable: dict[str, StoredPage] = {}
        self.validators: dict[str, Validators] = {}

    def can_reuse(self, url: str) -> bool:
        page = self.reusable.get(url)
        if page is None or page.status not in _REUSABLE_STATUSES:
            return False
        return page.body is not None or page.status in (304, 404, 410)

    # -- pages that are not actions (robots.txt, the list, sitemaps) -----------------------------------------

    def auxiliary(self, url: str, expect: Expect, *, first_contact: bool = False) -> FetchResult:
        """Fetch a page the crawl reads but does not observe (robots.txt, the list, sitemaps); a resumed run reuses
        the stored copy. Not stored here: the crawl stores it once its run exists (`store_auxiliary`)."""
        if self.can_reuse(url):
            result = self._from_stored(url, self.reusable[url])
            result.attempts = 0  # marks "reused": nothing to store
        else:
            result = self._fetch(url, self._conditional(url), expect, retry_connect=not first_contact)
        if result.kind == "not_modified" and result.body is None and not self._fill_confirmed_body(url, result):
            # the archive lost the body the 304 confirmed: ask again without validators
            result = self._fetch(url, None, expect, retry_connect=not first_contact)
        return result

    def store_auxiliary(self, url: str, result: FetchResult) -> None:
        if result.attempts and result.kind != "refused":
            self._store_page(url, result)

    # -- action pages ------------------------------------------------------------------------------------------

    def visit(self, url: str, observe: Callable[[Visit], None]) -> Visit:
        """Fetch `url` (or reuse what an interrupted run stored), then store the page, judge it and hand the visit
        to `observe` (which stores its observation, or holds it back) in one transaction of the archive."""
        location = action_location(url)
        visit = Visit(url=url, identifier=location.identifier if location else None, outcome="fetch_failed")
        if self.can_reuse(url):
            stored = self.reusable[url]
            result = self._from_stored(url, stored)
            visit.page_id = stored.page_id
        else:
            result = self._fetch(url, self._conditional(url), "html")
            visit.fetched = result.kind != "refused"
        with self.writer.together():
            if visit.fetched:
                visit.page_id = self._store_page(url, result)
            self._judge(visit, result)
            observe(visit)
        return visit

    def _judge(self, visit: Visit, result: FetchResult) -> None:
        url = visit.url
        if result.kind == "refused":
            visit.outcome, visit.reason = "refused", result.error
            return
        # a 200 that repeats the previous fetch of its URL but for per-request noise (reference 12.5), or a 304, is
        # unchanged, and its record is that fetch's when this parser read it: nothing to read back or parse
        repeat = self.writer.repeat_of(visit.page_id, PARSER_VERSION) if visit.fetched and visit.page_id else None
        if repeat is not None and repeat.record is not None:
            verdict = Verdict("unchanged", repeat.record.identifier, record=repeat.record,
                              warnings=list(repeat.warnings))
        else:
            headers = result.headers
            if result.kind == "not_modified" and result.body is None:
                confirmed = self._confirmed_page(url)
                if confirmed is not None:
                    # the 304 confirmed this body: its stored headers say how to read it
                    result.body, headers = confirmed.body, {**_lower(confirmed.headers), **headers}
            verdict = judge_response(action_url_key(result.final_url), result.status, headers, result.body,
                                     error=result.error if result.kind == "failed" else None, parse=self.parse)
            if repeat is not None and verdict.outcome == "parsed":
                verdict.outcome = "unchanged"
        visit.outcome, visit.record, visit.error, visit.reason = (
            verdict.outcome, verdict.record, verdict.error, verdict.reason
        )
        visit.warnings += verdict.warnings
        if verdict.record is not None:
            visit.identifier = verdict.record.identifier or visit.identifier
            visit.previous = _link(verdict.record.previous_url)
            visit.next = _link(verdict.record.next_url)
        elif verdict.identifier and verdict.outcome == "gone":
            visit.identifier = verdict.identifier  # a merged page names itself

    # -- plumbing --------------------------------------------------------------------------------------------

    def _fetch(self, url: str, conditional: Conditional | None, expect: Expect, *, retry_connect: bool = True
               ) -> FetchResult:
        """Every request (and every pause before one) runs while the writer is idle: a reader may get in then."""
        with self.writer.idle():
            return self.fetcher.fetch(url, conditional, expect, retry_connect=retry_connect)

    def _conditional(self, url: str) -> Conditional | None:
        known = self.validators.get(url)
        if known is None or not (known.etag or known.last_modified):
            return None
        return Conditional(etag=known.etag, last_modified=known.last_modified)

    def _store_page(self, url: str, result: FetchResult) -> int:
        return self.writer.store_page(self.run_id, url, result.status, result.headers, result.body, error=result.error)

    def _confirmed_page(self, url: str) -> StoredPage | None:
        """A 304 confirms the body of the last 200 we stored for this URL: that page, when the archive still has it."""
        known = self.validators.get(url)
        if known is None:
            return None
        page = self.writer.page(known.page_id)
        return page if page.body is not None else None

    def _fill_confirmed_body(self, url: str, result: FetchResult) -> bool:
        """The confirmed body into a 304's result, so the walk can read the list's links from it."""
        page = self._confirmed_page(url)
        if page is None or page.body is None:
            return False
        result.body = page.body
        result.text, warning = to_utf8(page.body, page.headers.get("content-type", ""))
        if warning:
            result.warnings.append(warning)
        return True

    def _from_stored(self, url: str, page: StoredPage) -> FetchResult:
        headers = _lower(page.headers)
        if page.status in (404, 410):
            return FetchResult(url, "missing", url, status=page.status, headers=headers, body=page.body)
        kind: FetchKind = "not_modified" if page.status == 304 else "ok"
        if page.body is None:
            return FetchResult(url, kind, url, status=page.status, headers=headers)
        text, warning = to_utf8(page.body, headers.get("content-type", ""))
        return FetchResult(url, kind, url, status=page.status, headers=headers, body=page.body, text=text,
                           warnings=[warning] if warning else [])


def _link(url: str | None) -> str | None:
    return action_url_key(url) if url else None


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
