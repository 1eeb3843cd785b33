"""Asking a plan's GraphQL API for its actions, as politely as the crawl asks for pages.

Every request goes through the project's fetcher (`scraper.fetch.Fetcher`): one host (the API's, and nothing
else), its robots.txt obeyed, the crawl's pause between requests, Retry-After, retries and the size cap. Queries
are sent as GET (`?query=…&variables=…`, which GraphQL servers accept for queries and which the fetcher already
knows how to make polite); the fetcher asks for JSON. The plan's actions come in one `planActions` query per
language, in the language's own `@locale(lang: …)` directive as the front end asks; an API without `planActions`
is asked one `action(plan, identifier)` query per action.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode, urlsplit

from schemas.errors import UsageError, VahtiError
from scraper.fetch import Fetcher, FetchPolicy, HostUnreachable, RobotsUnavailable, robots_from

#: The central endpoint every Kausal Watch site's pages are rendered from (reference 4.3).
DEFAULT_API_URL = "https://api.watch.kausal.tech/v1/graphql/"

_PARENT = "parent { identifier name parent { identifier name parent { identifier name } } }"
ACTION_FIELDS = f"""
  identifier name officialName leadParagraph description completion updatedAt
  categories {{ identifier name type {{ identifier }} {_PARENT} }}
  responsibleParties {{ role organization {{ abbreviation name }} }}
  contactPersons {{ person {{ firstName lastName title organization {{ name }} }} }}
  status {{ identifier name }}
  statusSummary {{ identifier label }}
  implementationPhase {{ identifier name }}
  impact {{ identifier name }}
  schedule {{ name beginsAt endsAt }}
  scheduleContinuous startDate endDate
  tasks {{ name state dueAt completedAt dateFormat details }}
  relatedIndicators {{ indicator {{ name }} }}
  links {{ url title }}
  statusUpdates {{ title date author {{ firstName lastName }} content }}
  nextAction {{ identifier }}
  previousAction {{ identifier }}
"""
PLAN_FIELDS = "identifier primaryActionClassification { identifier } actionListPage { taskDateFormat }"

PLAN_ACTIONS_QUERY = (
    "query VahtiPlanActions($plan: ID!, $lang: String!) @locale(lang: $lang) {"
    f" plan(id: $plan) {{ {PLAN_FIELDS} }} planActions(plan: $plan) {{ {ACTION_FIELDS} }} }}"
)
ACTION_QUERY = (
    "query VahtiAction($plan: ID!, $id: ID!, $lang: String!) @locale(lang: $lang) {"
    f" action(plan: $plan, identifier: $id) {{ {ACTION_FIELDS} }} }}"
)
PLAN_QUERY = f"query VahtiPlan($plan: ID!, $lang: String!) @locale(lang: $lang) {{ plan(id: $plan) {{ {PLAN_FIELDS} }} }}"

JSON = dict[str, Any]


class ApiUnavailable(VahtiError):
    """The API could not be reached, refused (robots.txt, 4xx) or failed (5xx): nothing was verified."""


class ApiError(VahtiError):
    """The API answered, but not with what a GraphQL API answers (errors only, not JSON, an unknown plan)."""


def check_api_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"bad API URL {url!r}: give an http(s) URL such as {DEFAULT_API_URL}")
    return url


def _compact(query: str) -> str:
    return " ".join(query.split())


class ApiClient:
    def __init__(self, url: str, policy: FetchPolicy | None = None, *,
                 on_pause: Callable[[float], None] | None = None) -> None:
        self.url = check_api_url(url)
        self.fetcher = Fetcher(url, replace(policy or FetchPolicy(), accept="application/json"), on_pause=on_pause)
        self._contacted = False
        self.queries = 0

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _first_contact(self) -> None:
        """robots.txt of the API's host before anything else, as for any host vahti is configured to reach."""
        if self._contacted:
            return
        result = self.fetcher.fetch(self.fetcher.base_url() + "/robots.txt", expect="any", retry_connect=False)
        try:
            self.fetcher.robots = robots_from(result)
        except (HostUnreachable, RobotsUnavailable) as exc:
            raise ApiUnavailable(f"the API at {self.url} cannot be reached: {exc}") from None
        self._contacted = True

    def query(self, query: str, variables: JSON) -> JSON:
        """One GraphQL request; its `data`. ApiUnavailable when no answer came, ApiError for GraphQL errors."""
        self._first_contact()
        url = self.url + ("&" if "?" in self.url else "?") + urlencode(
            {"query": _compact(query), "variables": json.dumps(variables, ensure_ascii=False)})
        result = self.fetcher.fetch(url, expect="any")
        self.queries += 1
        if result.kind == "refused":
            raise ApiUnavailable(f"the API at {self.url} refused: {result.error}")
        if result.kind != "ok" or result.body is None:
            why = result.error or (f"HTTP {result.status}" if result.status is not None else "no answer")
            raise ApiUnavailable(f"the API at {self.url} failed: {why}")
        try:
            payload = json.loads(result.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(f"the API at {self.url} did not answer JSON") from None
        if not isinstance(payload, dict):
            raise ApiError(f"the API at {self.url} answered JSON that is not a GraphQL response")
        errors = payload.get("errors") or []
        data = payload.get("data")
        if errors and (not isinstance(data, dict) or any(value is None for value in data.values())):
            first = errors[0].get("message") if isinstance(errors[0], dict) else str(errors[0])
            raise ApiError(f"the API at {self.url} answered with an error: {first}")
        return data if isinstance(data, dict) else {}

    def plan_actions(self, plan: str, lang: str, identifiers: Iterable[str] = ()) -> tuple[JSON, list[JSON]]:
        """The plan (its primary category type, task date format) and every action the API lists for it. When
        `planActions` is refused, one query per identifier the crawl saw."""
        variables = {"plan": plan, "lang": lang}
        try:
            data = self.query(PLAN_ACTIONS_QUERY, variables)
        except ApiError as exc:
            if "planActions" not in str(exc):
                raise
            data = self.query(PLAN_QUERY, variables)
            actions = [a for ident in identifiers
                       if (a := self.query(ACTION_QUERY, {**variables, "id": ident}).get("action"))]
            return self._plan(data, plan), actions
        return self._plan(data, plan), [a for a in data.get("planActions") or [] if isinstance(a, dict)]

    def _plan(self, data: JSON, plan: str) -> JSON:
        found = data.get("plan")
        if not isinstance(found, dict):
            raise ApiError(f"the API at {self.url} knows no plan {plan!r}")
        return found
