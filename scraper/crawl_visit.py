"""One visit of one URL during a crawl: fetch it (or reuse what an interrupted run stored), store it, judge it.

Kept apart from the walk so the walk reads as the chain logic alone. Here live the rules that turn an HTTP outcome
and a parse into one observation outcome: 404/410 and the V3 200-with-marker page are "gone", a 304 re-derives the
record from the body it confirmed ("unchanged"), a page the parser rejects is still stored raw ("parse_failed").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome
from scraper.fetch import Conditional, Expect, Fetcher, FetchKind, FetchResult, to_utf8
from scraper.listing import PlanScope
from scraper.parse import ActionNotFound, ParseError, ParseResult
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
            result = self.fetcher.fetch(url, self._conditional(url), expect, retry_connect=not first_contact)
        if result.kind == "not_modified" and result.body is None and not self._fill_confirmed_body(url, result):
            # the archive lost the body the 304 confirmed: ask again without validators
            result = self.fetcher.fetch(url, None, expect, retry_connect=not first_contact)
        return result

    def store_auxiliary(self, url: str, result: FetchResult) -> None:
        if result.attempts and result.kind != "refused":
            self._store_page(url, result)

    # -- action pages ------------------------------------------------------------------------------------------

    def visit(self, url: str) -> Visit:
        location = action_location(url)
        visit = Visit(url=url, identifier=location.identifier if location else None, outcome="fetch_failed")
        if self.can_reuse(url):
            stored = self.reusable[url]
            result = self._from_stored(url, stored)
            visit.page_id = stored.page_id
        else:
            result = self.fetcher.fetch(url, self._conditional(url), "html")
            visit.fetched = result.kind != "refused"
            if visit.fetched:
                visit.page_id = self._store_page(url, result)
        visit.warnings += [ParseWarning(field="fetch", message=w) for w in result.warnings]
        if result.kind == "refused":
            visit.outcome, visit.reason = "refused", result.error
        elif result.kind == "missing":
            visit.outcome, visit.reason = "gone", f"HTTP {result.status}"
        elif result.kind == "failed":
            visit.outcome, visit.error = "fetch_failed", result.error
        else:
            unchanged = result.kind == "not_modified"
            if unchanged and result.body is None and not self._fill_confirmed_body(url, result):
                visit.outcome, visit.error = "fetch_failed", "304 Not Modified but the archive lost the body it confirmed"
                return visit
            self._parse(visit, result)
            if unchanged and visit.outcome == "parsed":
                visit.outcome = "unchanged"
        return visit

    def _parse(self, visit: Visit, result: FetchResult) -> None:
        text = result.text if result.text is not None else result.body or b""
        try:
            parsed = self.parse(text, action_url_key(result.final_url))
        except ActionNotFound as exc:
            visit.outcome, visit.reason = "gone", f"not-found page (HTTP {result.status}): {exc}"
            return
        except ParseError as exc:
            visit.outcome, visit.error = "parse_failed", str(exc) or type(exc).__name__
            return
        except Exception as exc:  # a parser bug must cost one page, not the crawl
            visit.outcome, visit.error = "parse_failed", f"parser crashed: {type(exc).__name__}: {exc}"
            return
        visit.outcome, visit.record = "parsed", parsed.action
        visit.warnings += parsed.warnings
        if parsed.action.identifier:
            visit.identifier = parsed.action.identifier
        visit.previous = _link(parsed.action.previous_url)
        visit.next = _link(parsed.action.next_url)

    # -- plumbing --------------------------------------------------------------------------------------------

    def _conditional(self, url: str) -> Conditional | None:
        known = self.validators.get(url)
        if known is None or not (known.etag or known.last_modified):
            return None
        return Conditional(etag=known.etag, last_modified=known.last_modified)

    def _store_page(self, url: str, result: FetchResult) -> int:
        return self.writer.store_page(self.run_id, url, result.status, result.headers, result.body, error=result.error)

    def _fill_confirmed_body(self, url: str, result: FetchResult) -> bool:
        """A 304 confirms the body of the last 200: fetch that from the archive so the walk can read its links."""
        known = self.validators.get(url)
        if known is None:
            return False
        page = self.writer.page(known.page_id)
        if page.body is None:
            return False
        result.body = page.body
        result.text, warning = to_utf8(page.body, page.headers.get("content-type", ""))
        if warning:
            result.warnings.append(warning)
        return True

    def _from_stored(self, url: str, page: StoredPage) -> FetchResult:
        headers = {k.lower(): v for k, v in page.headers.items()}
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
