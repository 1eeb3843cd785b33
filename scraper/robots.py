"""robots.txt: which paths we may fetch and how long to wait between requests.

The rules are read by `protego` (Scrapy's parser: RFC 9309 groups and longest match, `*` and `$`, percent-encoding
compared normalised, Crawl-delay, Request-rate, Sitemap). This adapter adds only what is vahti's own: rules are
matched on the product token of our User-Agent (`vahti`), never on the rest of the header (a group for `github`
must not catch `vahti/0.1 (+https://github.com/…)`); Crawl-delay and Request-rate both become one minimum pause;
robots.txt itself is always fetchable. What a failed robots.txt fetch means (4xx allows all, 5xx and 429 stop the
crawl) is decided with the fetch, in `scraper.fetch.robots_from`.
"""

from __future__ import annotations

from protego import Protego


class Robots:
    """The parsed file; `Robots.allow_all()` stands for a missing robots.txt (a 4xx allows everything)."""

    def __init__(self, rules: Protego | None = None) -> None:
        self._rules = rules
        self.sitemaps: list[str] = list(rules.sitemaps) if rules is not None else []

    @classmethod
    def allow_all(cls) -> Robots:
        return cls()

    @classmethod
    def parse(cls, text: str) -> Robots:
        return cls(Protego.parse(text))

    def can_fetch(self, user_agent: str, url: str) -> bool:
        if self._rules is None:
            return True
        return self._rules.can_fetch(url, _product_token(user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        """The pause the site asks of us between requests: Crawl-delay, or the interval Request-rate implies
        (`1/5s` → 5 s), whichever is longer; None when it asks for neither."""
        if self._rules is None:
            return None
        token = _product_token(user_agent)
        asked = [self._rules.crawl_delay(token)]
        rate = self._rules.request_rate(token)
        if rate is not None:
            asked.append(rate.seconds / rate.requests)
        delays = [d for d in asked if d is not None]
        return max(delays) if delays else None


def _product_token(user_agent: str) -> str:
    """`vahti/0.1.0 (+https://…)` → `vahti`: robots.txt names products, not versions or contact URLs."""
    return user_agent.strip().split("/", 1)[0].split(" ", 1)[0].lower()
