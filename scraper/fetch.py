"""Polite, bounded HTTP fetching for one host: the only code in vahti that talks to the network.

Everything a site owner or a flaky server can throw at a crawl is decided here, once: robots.txt, one request at a
time with a pause, Retry-After, retries with backoff, redirects checked hop by hop so we never reach a host the
command was not configured to reach (a crawl: the start URL's origin; a backfill: the web archive's; verify: the
API's), a size cap, content types and charsets. The crawler gets a `FetchResult` that says what happened in
words it can store; it never sees an httpx exception.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from schemas.errors import VahtiError
from scraper import __version__
from scraper.charsets import to_utf8
from scraper.robots import Robots
from scraper.urls import absolute, origin_of

DEFAULT_USER_AGENT = f"vahti/{__version__} (+https://github.com/vahti-archive/vahti)"
MB = 1024 * 1024

FetchKind = Literal["ok", "not_modified", "missing", "refused", "failed", "redirect"]
Expect = Literal["html", "xml", "text", "any"]

_RETRY_STATUSES = {429, 500, 502, 503, 504}
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_EXPECTED_TYPES: dict[str, tuple[str, ...]] = {
    "html": ("text/html", "application/xhtml+xml"),
    "xml": ("application/xml", "text/xml", "application/rss+xml", "text/plain"),
    "text": ("text/plain",),
    "any": (),
}


class HostUnreachable(VahtiError):
    """The site never answered (DNS, refused connection, timeouts): exit code 1."""


class RobotsUnavailable(VahtiError):
    """robots.txt answered 5xx: RFC 9309 says assume we may fetch nothing, so the crawl stops."""


class HostThrottled(VahtiError):
    """The server asked us to wait longer than --max-retry-after: stopping is politer than hammering."""


class RequestBudgetExhausted(VahtiError):
    """The hard bound on requests was reached: a crawl can never loop forever."""


class TimeBudgetSpent(VahtiError):
    """The site's time budget (`max_minutes`) ran out: a site that hangs must not hold the day's other sites up."""


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    max_retry_after: float = 300.0
    max_bytes: int = 10 * MB
    max_redirects: int = 5
    attempts: int = 4
    timeout: float = 30.0
    max_body_seconds: float = 120.0  # httpx's timeout is per read: a server dripping a byte at a time never trips it
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    max_requests: int = 20_000
    #: what we ask for: pages by default; `vahti verify` asks the GraphQL API for JSON (a GraphiQL-enabled API
    #: answers a browser-like Accept with its HTML console)
    accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
    #: the least pause after a 429, whatever its Retry-After says: a web archive that throttles may refuse
    #: connections for a while after repeated 429s, so a backfill backs off long (a site crawl: Retry-After alone)
    after_throttle: float = 0.0
    #: seconds the fetcher may spend in all, counted from its creation (`max_minutes` of a sites file); every
    #: pause and every request's timeouts are cut to what is left, so a slow answer cannot carry the site far
    #: past it. None: no limit
    budget: float | None = None


@dataclass(frozen=True)
class Conditional:
    """What a conditional GET sends: the validators of the last 200 we stored for this URL."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """The outcome of fetching one URL, redirects and retries included.

    `body` is the raw bytes as received (what the archive stores); `text` is the same document re-encoded as UTF-8
    for the parser, after charset detection (None when the body is not usable text).
    """

    url: str
    kind: FetchKind
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    text: bytes | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    attempts: int = 0
    hops: list[str] = field(default_factory=list)


@dataclass
class FetchStats:
    requests: int = 0
    retries: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    waited_for_retry_after: list[float] = field(default_factory=list)


class _Transient(Exception):
    """A failure worth another try; carries the last response so a final failure can still be stored."""

    def __init__(self, reason: str, *, status: int | None = None, headers: Mapping[str, str] | None = None,
                 body: bytes | None = None, retry_after: float | None = None, connect: bool = False) -> None:
        super().__init__(reason)
        self.connect = connect
        self.reason = reason
        self.status = status
        self.headers = dict(headers or {})
        self.body = body
        self.retry_after = retry_after


class Fetcher:
    """One site, one request at a time. `sleep` and `clock` are injectable so tests run backoff instantly;
    `on_pause` runs before every pause (the crawler lets go of the archive there so readers can get in)."""

    def __init__(
        self,
        start_url: str,
        policy: FetchPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_pause: Callable[[float], None] | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.origin = origin_of(start_url)
        self.robots = Robots.allow_all()
        self.stats = FetchStats()
        self._sleep = sleep
        self._clock = clock
        self.on_pause = on_pause
        self._last_request_at: float | None = None
        self._not_before = 0.0
        self._deadline = clock() + self.policy.budget if self.policy.budget is not None else None
        self._interrupted = threading.Event()
        self._client = httpx.Client(
            timeout=self.policy.timeout,
            follow_redirects=False,
            headers={
                "User-Agent": self.policy.user_agent,
                "Accept": self.policy.accept,
            },
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def delay(self) -> float:
        """--delay, unless robots.txt asks for a longer Crawl-delay."""
        crawl_delay = self.robots.crawl_delay(self.policy.user_agent) or 0.0
        return max(self.policy.delay, crawl_delay)

    def interrupt(self) -> None:
        """Stop at the next request or pause, as Ctrl-C would: for crawls running in threads, where the signal
        reaches only the main thread."""
        self._interrupted.set()

    def base_url(self) -> str:
        scheme, site = self.origin
        return f"{scheme}://{site}"

    # -- public --------------------------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        conditional: Conditional | None = None,
        expect: Expect = "html",
        *,
        retry_connect: bool = True,
        follow: Callable[[FetchResult], bool] | None = None,
    ) -> FetchResult:
        """`retry_connect=False` for the first contact: a host that refuses connections or does not resolve is
        reported at once instead of after a minute of backoff (a mistyped host is the usual cause). `follow`
        decides, per redirect, whether to follow it (default: always); a redirect not followed comes back as
        kind "redirect" with its status and headers, since a web archive's captured redirect is itself the page."""
        attempts = 0

        def attempt() -> FetchResult:
            nonlocal attempts
            attempts += 1
            return self._attempt(url, conditional, expect, follow)

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._retry_wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Transient) and (retry_connect or not e.connect)),
            sleep=self._retry_sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            result = retrying(attempt)
        except _Transient as exc:
            result = FetchResult(
                url=url, kind="failed", final_url=url, status=exc.status, headers=exc.headers, body=exc.body,
                error=f"{exc.reason} (gave up after {attempts} attempt{'' if attempts == 1 else 's'})",
            )
        result.attempts = attempts
        if result.kind == "refused":
            self.stats.refused.append((result.final_url, result.error or "refused"))
        return result

    # -- one attempt (redirects followed by hand) -------------------------------------------------------------

    def _attempt(self, url: str, conditional: Conditional | None, expect: Expect,
                 follow: Callable[[FetchResult], bool] | None = None) -> FetchResult:
        current = url
        seen: list[str] = []
        for _ in range(self.policy.max_redirects + 1):
            if origin_of(current) != self.origin:
                return FetchResult(url, "refused", current, hops=seen,
                                   error=f"refused off-site URL {current} (outside {self.base_url()})")
            if not self.robots.can_fetch(self.policy.user_agent, current) and not current.endswith("/robots.txt"):
                return FetchResult(url, "refused", current, hops=seen, error=f"robots.txt disallows {current}")
            if current in seen:
                chain = " → ".join([*seen, current])
                return FetchResult(url, "failed", current, hops=seen, error=f"redirect loop: {chain}")
            seen.append(current)
            headers: dict[str, str] = {}
            if conditional is not None and current == url:
                if conditional.etag:
                    headers["If-None-Match"] = conditional.etag
                if conditional.last_modified:
                    headers["If-Modified-Since"] = conditional.last_modified
            response_or_next = self._request(url, current, headers, expect)
            if isinstance(response_or_next, FetchResult):
                if response_or_next.kind == "redirect" and (follow is None or follow(response_or_next)):
                    current = absolute(current, response_or_next.headers["location"])
                    continue
                response_or_next.hops = seen[:-1]
                return response_or_next
        return FetchResult(url, "failed", current, hops=seen,
                           error=f"too many redirects (more than {self.policy.max_redirects} hops)")

    def _request(self, url: str, current: str, headers: dict[str, str], expect: Expect) -> FetchResult:
        """One HTTP exchange: a result (a redirect is kind "redirect", its target in headers["location"])."""
        if self.stats.requests >= self.policy.max_requests:
            raise RequestBudgetExhausted(f"request budget of {self.policy.max_requests} exhausted")
        self._wait_turn()
        self._check_budget()
        self.stats.requests += 1
        try:
            with self._client.stream("GET", current, headers=headers, timeout=self._timeout()) as response:
                return self._handle(url, current, response, expect)
        except httpx.TransportError as exc:
            self._check_budget()  # the budget, not the site, cut this request short
            raise _Transient(_describe_transport_error(exc), connect=isinstance(exc, httpx.ConnectError)) from exc
        finally:
            self._last_request_at = self._clock()

    def _handle(self, url: str, current: str, response: httpx.Response, expect: Expect) -> FetchResult:
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        if status in _REDIRECT_STATUSES and "location" in headers:
            body = _read_capped(response, self.policy.max_bytes, self._body_seconds())[0]
            return FetchResult(url, "redirect", current, status=status, headers=headers, body=body)
        if status in _RETRY_STATUSES:
            body = _read_capped(response, self.policy.max_bytes, self._body_seconds())[0]
            retry_after = parse_retry_after(headers.get("retry-after"), now=time.time())
            if retry_after is not None and status in (429, 503) and retry_after > self.policy.max_retry_after:
                raise HostThrottled(
                    f"{current} answered {status} with Retry-After {retry_after:.0f} s, over --max-retry-after "
                    f"{self.policy.max_retry_after:.0f} s"
                )
            raise _Transient(f"HTTP {status}", status=status, headers=headers, body=body,
                             retry_after=retry_after if status in (429, 503) else None)
        if status == 304:
            return FetchResult(url, "not_modified", current, status=status, headers=headers)
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
            return FetchResult(url, "failed", current, status=status, headers=headers,
                               error=f"response of {int(declared)} bytes is over the {_mb(self.policy.max_bytes)} cap"
                                     " (not downloaded)")
        body, over = _read_capped(response, self.policy.max_bytes, self._body_seconds())
        if over is None:
            self._check_budget()
            raise _Transient(f"timeout (body still arriving after {self.policy.max_body_seconds:g} s)", status=status,
                             headers=headers)
        if over:
            return FetchResult(url, "failed", current, status=status, headers=headers, body=None,
                               error=f"response is over the {_mb(self.policy.max_bytes)} cap (stopped reading)")
        if declared and declared.isdigit() and response.num_bytes_downloaded < int(declared):
            raise _Transient(f"truncated body: {response.num_bytes_downloaded} of {declared} bytes", status=status,
                             headers=headers, body=body)
        if status in (404, 410):
            return FetchResult(url, "missing", current, status=status, headers=headers, body=body)
        if not 200 <= status < 300:
            return FetchResult(url, "failed", current, status=status, headers=headers, body=body,
                               error=f"HTTP {status}")
        result = FetchResult(url, "ok", current, status=status, headers=headers, body=body)
        content_type = headers.get("content-type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        wanted = _EXPECTED_TYPES[expect]
        if mime and wanted and mime not in wanted:
            result.kind = "failed"
            result.error = f"unexpected content type {mime!r} (wanted {expect})"
            return result
        result.text, warning = to_utf8(body, content_type)
        if warning:
            result.warnings.append(warning)
        return result

    # -- pacing ----------------------------------------------------------------------------------------------

    def _wait_turn(self) -> None:
        now = self._clock()
        ready = self._not_before
        if self._last_request_at is not None:
            ready = max(ready, self._last_request_at + self.delay)
        if ready > now:
            self._pause(ready - now)

    def _pause(self, seconds: float) -> None:
        left = self._left()
        if left is not None and seconds >= left:
            seconds = left  # no pause may outlast the budget: wait what is left, then stop
        if seconds > 0:
            if self.on_pause is not None:
                self.on_pause(seconds)
            if self._sleep is time.sleep:
                self._interrupted.wait(seconds)  # the same pause, but one `interrupt()` can cut short
            else:
                self._sleep(seconds)
        self._check_budget()

    # -- the time budget -------------------------------------------------------------------------------------

    def _left(self) -> float | None:
        return None if self._deadline is None else max(0.0, self._deadline - self._clock())

    def _check_budget(self) -> None:
        if self._interrupted.is_set():
            raise KeyboardInterrupt("crawl interrupted")
        if self._deadline is not None and self._clock() >= self._deadline:
            minutes = (self.policy.budget or 0.0) / 60
            raise TimeBudgetSpent(f"time budget of {minutes:g} min spent (max_minutes); the site was cut short")

    def _timeout(self) -> float:
        left = self._left()
        return self.policy.timeout if left is None else max(0.001, min(self.policy.timeout, left))

    def _body_seconds(self) -> float:
        left = self._left()
        return self.policy.max_body_seconds if left is None else min(self.policy.max_body_seconds, left)

    def _retry_wait(self, state: RetryCallState) -> float:
        initial = self.policy.backoff_initial  # 1 s, 2 s, 4 s … plus up to `initial` of jitter, capped
        backoff = wait_exponential_jitter(multiplier=initial, jitter=initial, max=self.policy.backoff_max)(state)
        exc = state.outcome.exception() if state.outcome is not None else None
        retry_after = exc.retry_after if isinstance(exc, _Transient) else None
        if isinstance(exc, _Transient) and exc.status == 429 and self.policy.after_throttle > 0:
            retry_after = max(retry_after or 0.0, self.policy.after_throttle)
        if retry_after is not None:
            self.stats.waited_for_retry_after.append(retry_after)
            # Retry-After is a floor the server set; the politeness delay is counted from the last request anyway.
            self._not_before = self._clock() + retry_after
            return max(retry_after, min(backoff, self.policy.max_retry_after))
        return backoff

    def _retry_sleep(self, seconds: float) -> None:
        self._pause(seconds)

    def _count_retry(self, state: RetryCallState) -> None:
        self.stats.retries += 1


def robots_from(result: FetchResult) -> Robots:
    """What a robots.txt fetch means (RFC 9309): a 4xx allows everything, a 5xx, a 429 or no answer stops the crawl."""
    if result.kind in ("ok", "not_modified") and (result.text or result.body) is not None:
        return Robots.parse((result.text or result.body or b"").decode("utf-8", errors="replace"))
    # 429 is the server asking us to slow down, not "no rules here": it stops the crawl like a 5xx
    if result.status is not None and 400 <= result.status < 500 and result.status != 429:
        return Robots.allow_all()
    if result.kind == "refused":
        return Robots.allow_all()  # robots.txt redirected off-site: nothing on our origin forbids anything
    if result.status is None and not result.hops:
        raise HostUnreachable(f"cannot reach {result.url}: {result.error}")
    why = f"HTTP {result.status}" if result.status is not None else result.error
    raise RobotsUnavailable(f"{result.url} failed ({why}); not crawling a site whose robots.txt fails")


# -- helpers (pure, unit-tested) -----------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date; None when absent or garbled."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def _read_capped(response: httpx.Response, cap: int, seconds: float | None = None) -> tuple[bytes, bool | None]:
    """Stream the body, stopping as soon as it passes the cap (we never hold more than cap + one chunk) or, with
    `seconds`, when it takes longer than that in all (then `None` instead of the over-cap flag)."""
    chunks: list[bytes] = []
    total = 0
    deadline = time.monotonic() + seconds if seconds is not None else None
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > cap:
            return b"", True
        if deadline is not None and time.monotonic() > deadline:
            return b"", None
        chunks.append(chunk)
    return b"".join(chunks), False


def _describe_transport_error(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError) and "complete message body" in text:
        return f"truncated body ({text})"
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed ({text})"
    return f"{type(exc).__name__}: {text}"


def _mb(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n} bytes"
