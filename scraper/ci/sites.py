"""sites.toml: the plans one archive follows, each crawled as its own run (side by side:
`scraper.ci.side_by_side`), and the worst outcome's exit code of `vahti crawl --sites`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from schemas.errors import UsageError
from scraper.ci.languages import language_start_url, parse_languages
from snapshots.alarms import Thresholds

_SITE_KEYS = {"name", "start_url", "delay", "max_pages", "max_failures", "attempts", "user_agent", "enabled",
              "api_url", "max_minutes", "story_days"}
#: Keys that describe one plan, so a [defaults] value would be wrong for every other (primary languages differ).
_PLAN_KEYS = {"languages", "licence"}
_SITE_KEYS |= _PLAN_KEYS
#: A site's time budget when neither its entry nor [defaults] sets `max_minutes`.
DEFAULT_MAX_MINUTES = 30.0


@dataclass(frozen=True)
class SiteSpec:
    name: str
    start_url: str
    delay: float | None = None
    max_pages: int | None = None
    max_failures: int | None = None
    attempts: int | None = None
    user_agent: str | None = None
    #: the plan's GraphQL API that `vahti verify` asks (None: the central endpoint)
    api_url: str | None = None
    #: the crawl's time budget: a site that hangs ends partial here, the others go on (None: DEFAULT_MAX_MINUTES)
    max_minutes: float | None = None
    #: the stories' window: a value back within this many days is a flip-flop, a language that has not followed
    #: within it is left behind (None: 14, snapshots.flipflops.WINDOW_DAYS)
    story_days: float | None = None
    #: languages to crawl, the site's primary language (served without a prefix) first; () = the start URL's only
    languages: tuple[str, ...] = ()
    #: the language of this one crawl, once `per_language` split the entry (None: whatever the start URL serves)
    language: str | None = None
    #: the licence of the site's content as its publisher states it; None: not known (the dataset says so)
    licence: str | None = None

    def per_language(self) -> list[SiteSpec]:
        """One crawl per language, named `name (lang)` so the digest and the log tell the languages apart."""
        if not self.languages:
            return [self]
        primary = self.languages[0]
        return [replace(self, name=f"{self.name} ({lang})", start_url=language_start_url(self.start_url, primary, lang),
                        languages=(), language=lang) for lang in self.languages]


@dataclass(frozen=True)
class SitesFile:
    sites: list[SiteSpec]
    thresholds: Thresholds = field(default_factory=Thresholds)
    defaults: SiteSpec = field(default_factory=lambda: SiteSpec("defaults", ""))

    def resolved(self) -> list[SiteSpec]:
        """Each site with the [defaults] table filling what it leaves unset."""
        d = self.defaults
        filled = [
            replace(
                s,
                delay=s.delay if s.delay is not None else d.delay,
                max_pages=s.max_pages if s.max_pages is not None else d.max_pages,
                max_failures=s.max_failures if s.max_failures is not None else d.max_failures,
                attempts=s.attempts if s.attempts is not None else d.attempts,
                user_agent=s.user_agent if s.user_agent is not None else d.user_agent,
                api_url=s.api_url if s.api_url is not None else d.api_url,
                max_minutes=s.max_minutes if s.max_minutes is not None else d.max_minutes,
                story_days=s.story_days if s.story_days is not None else d.story_days,
            )
            for s in self.sites
        ]
        return [crawl for spec in filled for crawl in spec.per_language()]


def _number(where: str, key: str, value: Any, kind: type) -> Any:
    if value is None:
        return None
    ok = isinstance(value, int) if kind is int else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or value < 0:
        raise UsageError(f"{where}: {key} must be a non-negative {'integer' if kind is int else 'number'}")
    return kind(value)


def _spec(where: str, table: dict[str, Any], need_url: bool) -> SiteSpec | None:
    unknown = sorted(set(table) - _SITE_KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_SITE_KEYS))})")
    if not need_url and _PLAN_KEYS & set(table):
        raise UsageError(f"{where}: {', '.join(sorted(_PLAN_KEYS & set(table)))} belong(s) in each [[site]]")
    if table.get("enabled", True) is False:
        return None
    url = table.get("start_url", "")
    if need_url and (not isinstance(url, str) or not url.strip()):
        raise UsageError(f"{where}: start_url is missing")
    agent = table.get("user_agent")
    if agent is not None and (not isinstance(agent, str) or not agent.strip()):
        raise UsageError(f"{where}: user_agent must be a non-empty string")
    name = table.get("name") or (url if isinstance(url, str) else "")
    licence = table.get("licence")
    if licence is not None and (not isinstance(licence, str) or not licence.strip()):
        raise UsageError(f"{where}: licence must be a non-empty string (leave it out when it is not known)")
    return SiteSpec(
        name=str(name),
        start_url=str(url).strip(),
        delay=_number(where, "delay", table.get("delay"), float),
        max_pages=_number(where, "max_pages", table.get("max_pages"), int),
        max_failures=_number(where, "max_failures", table.get("max_failures"), int),
        attempts=_number(where, "attempts", table.get("attempts"), int),
        user_agent=agent,
        api_url=_api_url(where, table.get("api_url")),
        max_minutes=_minutes(where, table.get("max_minutes")),
        story_days=_number(where, "story_days", table.get("story_days"), float),
        languages=parse_languages(where, table.get("languages"), str(url).strip()),
        licence=licence.strip() if licence is not None else None,
    )


def _minutes(where: str, value: Any) -> float | None:
    minutes: float | None = _number(where, "max_minutes", value, float)
    if minutes == 0:
        raise UsageError(f"{where}: max_minutes must be more than 0 (fractions are fine: 0.5 is 30 s)")
    return minutes


def _api_url(where: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip().startswith(("http://", "https://")):
        raise UsageError(f"{where}: api_url must be an http(s) URL")
    return value.strip()


def parse_sites(text: str, source: str = "sites.toml") -> SitesFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"site", "defaults", "thresholds"})
    if unknown:
        raise UsageError(f"{source}: unknown table(s) {', '.join(unknown)} (expected [defaults], [thresholds], [[site]])")
    raw_sites = data.get("site", [])
    if not isinstance(raw_sites, list):
        raise UsageError(f"{source}: sites are [[site]] tables")
    sites: list[SiteSpec] = []
    for i, table in enumerate(raw_sites, start=1):
        spec = _spec(f"{source} [[site]] #{i}", table, need_url=True)
        if spec is not None:
            sites.append(spec)
    if not sites:
        raise UsageError(f"{source}: no enabled [[site]] with a start_url")
    names = [s.name for s in sites]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"{source}: site name(s) used twice: {', '.join(dupes)}")
    defaults = _spec(f"{source} [defaults]", data.get("defaults", {}), need_url=False) or SiteSpec("defaults", "")
    try:
        thresholds = Thresholds.from_mapping(data.get("thresholds", {}))
    except ValueError as exc:
        raise UsageError(f"{source} [thresholds]: {exc}") from None
    return SitesFile(sites, thresholds, defaults)


def load_sites(path: Path) -> SitesFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no sites file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    return parse_sites(text, str(path))


#: Exit codes ordered from best to worst: complete, partial, failed.
_SEVERITY = {0: 0, 3: 1, 1: 2}


def worst_exit(codes: list[int]) -> int:
    """The exit code of the worst outcome (failed 1 > partial 3 > complete 0); 0 for no sites."""
    return max(codes, key=lambda c: _SEVERITY.get(c, 3), default=0)
