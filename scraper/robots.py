"""robots.txt: which paths we may fetch and how long to wait between requests.

Written here rather than taken from `urllib.robotparser` because that one ignores `*` and `$` in paths, lets the
first matching rule win instead of the most specific one, and does not tell an unreachable file from a missing one.
Rules follow RFC 9309: the group of the most specific matching user-agent token (else `*`), the longest matching
path pattern wins, Allow wins a tie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str

    def matches(self, path: str) -> bool:
        return _compile(self.pattern).match(path) is not None

    @property
    def specificity(self) -> int:
        return len(self.pattern)


@dataclass
class Group:
    agents: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None


@dataclass
class Robots:
    """The parsed file; `Robots.allow_all()` stands for a missing robots.txt (404 allows everything)."""

    groups: list[Group] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)

    @classmethod
    def allow_all(cls) -> Robots:
        return cls()

    @classmethod
    def parse(cls, text: str) -> Robots:
        robots = cls()
        current: Group | None = None
        in_agents = False  # consecutive user-agent lines share one group
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            key, _, value = line.partition(":")
            key = key.strip().lower()
            value = value.strip()
            if key == "user-agent":
                if current is None or not in_agents:
                    current = Group()
                    robots.groups.append(current)
                current.agents.append(value.lower())
                in_agents = True
                continue
            if key == "sitemap":
                if value:
                    robots.sitemaps.append(value)
                continue
            in_agents = False
            if current is None:
                continue
            if key in ("allow", "disallow"):
                if key == "disallow" and not value:
                    continue  # "Disallow:" with nothing means allow all
                current.rules.append(Rule(allow=key == "allow", pattern=_normalise(value)))
            elif key == "crawl-delay":
                try:
                    delay = float(value)
                except ValueError:
                    continue
                if delay >= 0:
                    current.crawl_delay = delay
        return robots

    def _groups_for(self, user_agent: str) -> list[Group]:
        """Every group naming our product token (the most specific wins, RFC 9309 merges equal ones), else `*`."""
        token = _product_token(user_agent)
        best: list[Group] = []
        best_len = 0
        for group in self.groups:
            for agent in group.agents:
                if agent != "*" and agent and token.startswith(agent):
                    if len(agent) > best_len:
                        best, best_len = [group], len(agent)
                    elif len(agent) == best_len and group not in best:
                        best.append(group)
        if best:
            return best
        return [g for g in self.groups if "*" in g.agents]

    def can_fetch(self, user_agent: str, url: str) -> bool:
        parts = urlsplit(url)
        path = _normalise(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path == "/robots.txt":
            return True
        best: Rule | None = None
        for group in self._groups_for(user_agent):
            for rule in group.rules:
                if not rule.matches(path):
                    continue
                if (
                    best is None
                    or rule.specificity > best.specificity
                    or (rule.specificity == best.specificity and rule.allow and not best.allow)
                ):
                    best = rule
        return best is None or best.allow

    def crawl_delay(self, user_agent: str) -> float | None:
        delays = [g.crawl_delay for g in self._groups_for(user_agent) if g.crawl_delay is not None]
        return max(delays) if delays else None


def _product_token(user_agent: str) -> str:
    """`vahti/0.1.0 (+https://…)` → `vahti`: robots.txt names products, not versions."""
    return user_agent.strip().split("/", 1)[0].split(" ", 1)[0].lower()


def _normalise(path: str) -> str:
    """Compare paths percent-decoded (except an encoded slash) so `/a%C3%A4` and `/aä` are the same path."""
    return unquote(path.replace("%2F", "%252F").replace("%2f", "%252f"))


_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    compiled = _CACHE.get(pattern)
    if compiled is None:
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        regex = ".*".join(re.escape(part) for part in body.split("*"))
        compiled = re.compile(regex + ("$" if anchored else ""), re.DOTALL)
        _CACHE[pattern] = compiled
    return compiled
