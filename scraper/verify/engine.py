"""Verify one run: ask the plan's API for its actions, compare every record field by field, and look at a page
again before a difference is counted.

The API is the truth the page was made from, but it moves on after the crawl. So:
- an action whose API `updatedAt` is later than the run's start is *changed since the crawl*, not compared;
- a difference is counted only after the action's page is fetched once more (same fetcher, same parser): the
  API can change without moving `updatedAt` (an organisation renamed), and when the page now says what the API
  says, the difference is a change since the crawl, not drift;
- an action only one side has is looked up on the site again the same way (added or removed since the crawl).
What remains is drift: the parser (or the site) says something the source does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import scraper.parse
from schemas import clock
from schemas.action import Action
from schemas.errors import UsageError, VahtiError
from schemas.meaning import sniff_front_end
from scraper.fetch import Fetcher, FetchPolicy, robots_from
from scraper.judge import judge_response
from scraper.parse import ParseResult
from scraper.urls import action_url_key
from scraper.verify.api_client import ApiClient, ApiError
from scraper.verify.api_record import api_record
from scraper.verify.compare import COMPARED, FieldDiff, compare, disagreeing
from snapshots.agreement import ActionAgreement, FieldAgreement, RunSnapshot, Verification

#: A run older than this needs --force: the API has moved on, and most differences would be changes since.
MAX_AGE = dt.timedelta(days=1)

_PLAN_ID = (
    re.compile(rb'"planIdentifier"\s*:\s*"([^"\\]+)"'),  # V1 runtimeConfig
    re.compile(rb'plan\(\{\\?"id\\?":\\?"([^"\\]+)'),  # Apollo ROOT_QUERY key plan({"id":"…"})
    re.compile(rb'action\(\{[^)]*?\\?"plan\\?":\\?"([^"\\]+)'),  # action({"identifier":…,"plan":"…"})
)


def plan_identifier_in(body: bytes | None) -> str | None:
    """The plan's API identifier as a page's embedded data names it (V1 runtime config, the Apollo cache keys)."""
    for pattern in _PLAN_ID:
        found = pattern.search(body or b"")
        if found:
            return found.group(1).decode("utf-8", errors="replace")
    return None


@dataclass
class _Fresh:
    """The page fetched again: its record and era, or that it is gone, or why it could not be read."""

    record: Action | None = None
    era: str | None = None
    gone: bool = False
    error: str | None = None


class Verifier:
    """One run against one API. `body_of` reads a stored page's body (for the plan identifier when no header
    named it); `policy` is the crawl's politeness, used for the page re-fetches too."""

    def __init__(self, snapshot: RunSnapshot, api: ApiClient, policy: FetchPolicy, *,
                 body_of: Callable[[int], bytes | None], now: dt.datetime | None = None,
                 on_pause: Callable[[float], None] | None = None,
                 parse: Callable[[bytes, str], ParseResult] | None = None) -> None:
        self.snap = snapshot
        self.api = api
        self.policy = policy
        self.body_of = body_of
        self.now = now or clock.now()
        self.on_pause = on_pause
        self.parse = parse
        self._site: Fetcher | None = None
        self.refetched = 0
        self.primary: str | None = None  # the plan's primary category type, once the API said
        self.task_format: str | None = None

    # -- the run ----------------------------------------------------------------------------------------------

    def check_age(self, force: bool) -> None:
        age = self.now - self.snap.started_at
        if age > MAX_AGE and not force:
            raise UsageError(f"run {self.snap.run_id} began {self.snap.started_at:%Y-%m-%d %H:%M} UTC, more than a "
                             "day ago: the API has moved on since (pass --force to verify it anyway)")

    def plan_identifier(self) -> str:
        if self.snap.plan_identifier:
            return self.snap.plan_identifier
        for page_id in self.snap.page_ids[:5]:
            found = plan_identifier_in(self.body_of(page_id))
            if found:
                return found
        raise VahtiError(f"run {self.snap.run_id}: no stored page names the plan's API identifier "
                         "(no x-plan-identifier header, no embedded data)")

    def run(self) -> Verification:
        snap = self.snap
        if not snap.records:
            raise UsageError(f"run {snap.run_id} stored no records to verify")
        plan_id = self.plan_identifier()
        plan, actions = self.api.plan_actions(plan_id, snap.language, snap.records)
        self.primary = (plan.get("primaryActionClassification") or {}).get("identifier")
        self.task_format = (plan.get("actionListPage") or {}).get("taskDateFormat")
        by_ident = {str(a.get("identifier")): a for a in actions if a.get("identifier")}
        if not by_ident and actions:
            raise ApiError(f"the API at {self.api.url} listed actions without identifiers")
        counts = {name: FieldAgreement(name) for name in COMPARED}
        results: list[ActionAgreement] = []
        for ident in [*snap.records, *(i for i in by_ident if i not in snap.records)]:
            result = self._one(ident, by_ident.get(ident), counts)
            if result is not None:
                results.append(result)
        return Verification(snap.run_id, snap.site, snap.plan_path, snap.language, self.api.url, plan_id,
                            clock.now(), list(counts.values()), results)

    def close(self) -> None:
        if self._site is not None:
            self._site.close()

    # -- one action -------------------------------------------------------------------------------------------

    def _one(self, ident: str, api: dict[str, Any] | None, counts: dict[str, FieldAgreement]
             ) -> ActionAgreement | None:
        stored = self.snap.records.get(ident)
        if api is not None and self._updated_after_crawl(api):
            return ActionAgreement(ident, "changed_since_crawl",
                                   note=f"updated in the API at {api.get('updatedAt')}, after the crawl began")
        ident_count = counts["identifier"]
        if stored is None:
            if self.snap.outcome != "complete":
                return None  # a partial run says nothing about the actions it did not reach
            fresh = self._refetch(self._url_for(ident))
            if fresh.record is not None:
                return ActionAgreement(ident, "changed_since_crawl", note="on the site now: added since the crawl")
            ident_count.compared += 1
            return ActionAgreement(ident, "only_in_api", ["identifier"],
                                   note="the API lists it; the crawl did not find it"
                                        + (f" (page: {fresh.error})" if fresh.error else " and the site says not found"))
        if api is None:
            fresh = self._refetch(stored.url)
            if fresh.gone:
                return ActionAgreement(ident, "changed_since_crawl", note="gone from the site since the crawl")
            ident_count.compared += 1
            return ActionAgreement(ident, "only_in_crawl", ["identifier"],
                                   note="the crawl found a page; the API does not list the action")
        ident_count.compared += 1
        ident_count.agreed += 1
        diffs = compare(stored.record, self._record(api, stored.url, stored.front_end), stored.front_end)
        drift = disagreeing(diffs)
        changed: list[str] = []
        note = None
        if drift:
            fresh = self._refetch(stored.url)
            if fresh.record is not None:
                now = set(disagreeing(compare(fresh.record, self._record(api, stored.url, fresh.era), fresh.era)))
                changed = [f for f in drift if f not in now]
                drift = [f for f in drift if f in now]
            else:
                note = "the page could not be read again: " + (fresh.error or "gone from the site")
        for name, diff in diffs.items():
            if diff is None or name in changed:
                continue
            counts[name].compared += 1
            counts[name].agreed += name not in drift
        verdict = "disagrees" if drift else "changed_since_crawl" if changed else "agrees"
        if changed and note is None:
            note = "the page now says what the API says for " + ", ".join(changed)
        return ActionAgreement(ident, verdict, drift, changed, note, _detail(diffs, [*drift, *changed]))

    def _record(self, api: dict[str, Any], url: str, era: str | None) -> Action:
        snap = self.snap
        return api_record(api, site=snap.site, plan_path=snap.plan_path, url=url, language=snap.language, era=era,
                          primary_type=self.primary, task_format=self.task_format)

    def _updated_after_crawl(self, api: dict[str, Any]) -> bool:
        try:
            stamp = dt.datetime.fromisoformat(str(api.get("updatedAt") or "").replace("Z", "+00:00"))
        except ValueError:
            return False
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)
        return stamp > self.snap.started_at

    def _url_for(self, ident: str) -> str:
        """An action the crawl never saw lives beside the ones it did."""
        some = next(iter(self.snap.records.values())).url
        return some.rsplit("/", 1)[0] + "/" + quote(ident, safe=".")

    # -- the page, once more ----------------------------------------------------------------------------------

    def _site_fetcher(self) -> Fetcher:
        if self._site is None:
            fetcher = Fetcher(self.snap.start_url, self.policy, on_pause=self.on_pause)
            fetcher.robots = robots_from(fetcher.fetch(fetcher.base_url() + "/robots.txt", expect="any"))
            self._site = fetcher
        return self._site

    def _refetch(self, url: str) -> _Fresh:
        try:
            fetcher = self._site_fetcher()
        except VahtiError as exc:
            return _Fresh(error=str(exc))
        result = fetcher.fetch(url, expect="html")
        self.refetched += 1
        if result.kind == "refused":  # robots or off-site: no response to judge
            return _Fresh(error=result.error)
        parse = self.parse or scraper.parse.parse_page  # looked up now: the parser a test hands in, or ours
        # the crawl's own judge, so that a page read again means what it meant when the crawl read it
        verdict = judge_response(action_url_key(result.final_url), result.status, result.headers, result.body,
                                 error=result.error if result.kind == "failed" else None, parse=parse)
        if verdict.outcome == "gone":
            return _Fresh(gone=True)
        if verdict.record is None:
            prefix = "parse failed: " if verdict.outcome == "parse_failed" else ""
            return _Fresh(error=prefix + (verdict.error or verdict.outcome))
        return _Fresh(verdict.record, sniff_front_end(result.body))


def _detail(diffs: dict[str, FieldDiff | None], fields: list[str]) -> dict[str, Any]:
    return {name: diff.to_json() for name in fields if (diff := diffs.get(name)) is not None}
