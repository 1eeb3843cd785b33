"""A plan's history before vahti: web-archive captures of its action pages, read as dated runs.

The web archive's index lists every capture of the plan's pages; each Helsinki day of captures becomes one run
(cause `backfill`), dated by the day's first capture, written in one transaction. A capture's page goes through
the same judge as a live fetch (`scraper.judge`), so a 404 or a V3 not-found page is `gone`, a page the parser
rejects is `parse_failed` with its bytes kept, and a capture in another front-end era reads as the same plan.
Only the web archive is ever asked: the site's own host is never contacted.

- The list page's captures are stored (they show which actions the plan listed) but observe nothing.
- A captured redirect to another action page of the plan is followed within the archive (the target's capture
  nearest in time); any other redirect is stored, noted and skipped.
- A capture already stored is never fetched again: running the same backfill twice adds nothing, and a killed
  backfill resumes where it stopped (the day in flight is fetched again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from scraper.judge import judge_response
from scraper.urls import action_location, plan_prefix, site_of, split_prefix
from scraper.wayback import ArchiveRefused, CdxRow, WebArchive, index_url
from snapshots.captured_runs import Capture, ImportedRun, Judgement, helsinki_day, write_run

#: what a backfilled `gone` observation says besides its HTTP reason, so a reader knows where it was seen
GONE_SUFFIX = " (web-archive capture)"


@dataclass(frozen=True)
class PlanScope:
    """The plan a backfill reads: its site, base path and language prefix, from its action-list URL."""

    start_url: str
    site: str
    plan_path: str
    language: str | None  # None: the plan's primary language (pages without a language prefix)
    scheme: str

    @classmethod
    def of(cls, url: str, language: str | None = None) -> PlanScope:
        parts = urlsplit(url)
        prefix = plan_prefix(url)
        if prefix is None:
            prefix = parts.path.rstrip("/")
        url_language, plan_path = split_prefix(prefix)
        return cls(url, site_of(url), plan_path, language or url_language, parts.scheme.lower() or "https")

    def prefixes(self) -> list[str]:
        """Where the plan's action pages live: `/actions/…`, and the singular `/action/…` of 2019."""
        lang = f"/{self.language}" if self.language else ""
        return [f"{self.site}{lang}{self.plan_path}/actions", f"{self.site}{lang}{self.plan_path}/action/"]

    def owns(self, original: str) -> bool:
        """An action or list page of this plan in this language (a Swedish capture is not a Finnish one)."""
        if site_of(original) != self.site:
            return False
        prefix = plan_prefix(original)
        if prefix is None:
            return False
        language, plan_path = split_prefix(prefix)
        return plan_path == self.plan_path and language == self.language

    def original(self, url: str) -> str:
        """The index may list http and https spellings of one page: vahti keeps the plan's own scheme."""
        parts = urlsplit(url)
        return urlunsplit((self.scheme, parts.netloc.lower(), parts.path, parts.query, ""))


@dataclass
class DayResult:
    run: ImportedRun
    day: dt.date
    notes: list[str] = field(default_factory=list)


@dataclass
class BackfillSummary:
    listed: int = 0
    skipped: int = 0
    fetched: int = 0
    days: list[DayResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def plan_rows(archive: WebArchive, scope: PlanScope, since: dt.date | None, until: dt.date | None) -> list[CdxRow]:
    """Every capture of the plan's pages in the index, once each, in time order."""
    seen: set[tuple[str, str]] = set()
    rows: list[CdxRow] = []
    for prefix in scope.prefixes():
        for row in archive.index(index_url("http://" + prefix), since=since, until=until):
            original = scope.original(row.original)
            if not scope.owns(original) or (original, row.timestamp) in seen:
                continue
            seen.add((original, row.timestamp))
            rows.append(CdxRow(row.timestamp, original, row.status, row.mimetype, row.digest, row.length))
    return sorted(rows, key=lambda r: (r.timestamp, r.original))


def by_day(rows: list[CdxRow]) -> Iterator[tuple[dt.date, list[CdxRow]]]:
    days: dict[dt.date, list[CdxRow]] = {}
    for row in rows:
        days.setdefault(helsinki_day(row.captured_at), []).append(row)
    yield from sorted(days.items())


def backfill(
    archive: WebArchive,
    scope: PlanScope,
    writer: object,
    stored: set[tuple[str, str]],
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    say: Callable[[DayResult], None] = lambda _: None,
) -> BackfillSummary:
    """Fetch and write every capture of the plan not yet stored, one run per Helsinki day, oldest first."""
    summary = BackfillSummary()
    rows = plan_rows(archive, scope, since, until)
    summary.listed = len(rows)
    todo = [row for row in rows if (row.original, row.timestamp) not in stored]
    summary.skipped = len(rows) - len(todo)
    for day, day_rows in by_day(todo):
        captures: list[tuple[Capture, Judgement | None]] = []
        notes: list[str] = []
        taken = set(stored)
        for row in day_rows:
            if (row.original, row.timestamp) in taken:
                continue  # already fetched today, as the page a redirect led to
            idle = getattr(writer, "idle", None)  # readers get in while the archive is asked
            with idle() if idle is not None else nullcontext():
                taken_now = _take(archive, scope, row, notes)
            for capture, judgement in taken_now:
                key = (capture.url, capture.captured_at.strftime("%Y%m%d%H%M%S"))
                if key in taken or helsinki_day(capture.captured_at) != day:
                    continue  # a redirect's target captured on another day is read on its own day
                taken.add(key)
                captures.append((capture, judgement))
            summary.fetched += 1
        if not captures:
            summary.notes += notes
            continue
        captures.sort(key=lambda item: (item[0].captured_at, item[0].url))
        reason = (f"web-archive captures of {day:%d.%m.%Y} from {archive.host}; captures do not show which "
                  "actions were missing")
        if notes:
            reason += "; " + "; ".join(notes)
        run = write_run(writer, captures, start_url=scope.start_url, cause="backfill", outcome="partial",
                        reason=reason, plan_path=scope.plan_path, language=scope.language, ordered=False)
        stored.update((c.url, c.captured_at.strftime("%Y%m%d%H%M%S")) for c, _ in captures)
        result = DayResult(run, day, notes)
        summary.days.append(result)
        say(result)
    return summary


def _take(archive: WebArchive, scope: PlanScope, row: CdxRow,
          notes: list[str]) -> list[tuple[Capture, Judgement | None]]:
    """One index row as stored captures: the page itself, or a redirect and the action page it led to."""
    got = archive.fetch(row)
    result = got.result
    if result.kind == "refused":
        raise ArchiveRefused(f"the web archive cannot be read: {result.error}")
    if result.kind == "failed" and result.status is None:
        notes.append(f"capture of {row.original} at {row.timestamp} could not be fetched ({result.error})")
        return []
    if result.kind == "failed" and result.status is not None and result.status >= 500:
        notes.append(f"capture of {row.original} at {row.timestamp}: the archive answered HTTP {result.status}")
        return []
    original = scope.original(got.original)
    capture = Capture(original, got.captured_at, result.status or 0, dict(result.headers), result.body,
                      capture_url=got.final_url)
    if result.kind == "redirect":
        target = got.redirect_to
        target_url = scope.original(target) if target else None
        if target_url and action_location(target_url) and scope.owns(target_url) and target_url != original:
            followed = archive.fetch(CdxRow(row.timestamp, target_url, None, "", "", None))
            notes.append(f"{original} redirected to {target_url}")
            out: list[tuple[Capture, Judgement | None]] = [(capture, None)]
            if followed.result.kind in ("ok", "missing"):
                page = Capture(scope.original(followed.original), followed.captured_at, followed.result.status or 0,
                               dict(followed.result.headers), followed.result.body, capture_url=followed.final_url)
                out.append((page, _judge(page)))
            return out
        notes.append(f"redirect of {original} to {target or 'nowhere'} skipped")
        return [(capture, None)]
    return [(capture, _judge(capture))]


def _judge(capture: Capture) -> Judgement | None:
    """The crawler's own judge; list pages are stored, not observed."""
    if action_location(capture.url) is None:
        return None
    verdict = judge_response(capture.url, capture.status, _original_headers(capture.headers), capture.body)
    reason = verdict.reason + GONE_SUFFIX if verdict.outcome == "gone" and verdict.reason else verdict.reason
    return Judgement(verdict.outcome, verdict.identifier, record=verdict.record, error=verdict.error,
                     reason=reason, warnings=verdict.warnings)


def _original_headers(headers: dict[str, str]) -> dict[str, str]:
    """The site's own headers where the archive kept them (`x-archive-orig-*`), else the archive's."""
    out = dict(headers)
    for name, value in headers.items():
        if name.startswith("x-archive-orig-"):
            out[name.removeprefix("x-archive-orig-")] = value
    out["content-type"] = headers.get("content-type") or headers.get("x-archive-orig-content-type", "")
    return out
