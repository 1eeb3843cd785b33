"""A web archive's two public endpoints, spoken through vahti's own fetcher: the CDX index and raw captures.

The Wayback Machine (and the replica's stand-in for it) lists captures at `/cdx/search/cdx` and serves a
capture's original bytes at `/web/<timestamp>id_/<original>`. Every request goes through `scraper.fetch.Fetcher`
bound to the archive's origin, so a backfill has the crawler's politeness (robots.txt of the archive host, one
request per `--delay`, Retry-After, a long pause after a 429) and can never reach the live site: the site's URLs
appear only inside the archive's own URLs.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from schemas.errors import VahtiError
from scraper.fetch import Fetcher, FetchResult

DEFAULT_ARCHIVE_URL = "https://web.archive.org"
#: fields asked of the index, in this order
FIELDS = ("timestamp", "original", "statuscode", "mimetype", "digest", "length")
#: rows per index request; the rest comes back through the resume key
PAGE_ROWS = 1000
#: what the Wayback Machine's index answers for a site whose owner asked to be excluded
_BLOCKED = ("Blocked Site Error", "AdministrativeAccessControlException", "RobotAccessControlException")


class ArchiveRefused(VahtiError):
    """The web archive refuses the site (excluded at the owner's request) or the archive cannot be read."""


@dataclass(frozen=True)
class CdxRow:
    """One capture as the index lists it. `status` is None for the index's "-" (a revisit record)."""

    timestamp: str
    original: str
    status: int | None
    mimetype: str
    digest: str
    length: int | None

    @property
    def captured_at(self) -> dt.datetime:
        return parse_timestamp(self.timestamp)


def parse_timestamp(text: str) -> dt.datetime:
    """A 14-digit archive timestamp (UTC); shorter ones are padded the way the archive reads them."""
    digits = (text + "00000000000000")[:14] if len(text) >= 8 else (text + "0101")[:8] + "000000"
    return dt.datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)


def archive_timestamp(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


class WebArchive:
    """One web archive, read politely. `fetcher` must be bound to `archive_url`'s origin."""

    def __init__(self, fetcher: Fetcher, archive_url: str) -> None:
        self.fetcher = fetcher
        self.base = archive_url.rstrip("/")
        self.host = urlsplit(self.base).netloc

    def capture_url(self, timestamp: str, original: str) -> str:
        return f"{self.base}/web/{timestamp}id_/{original}"

    def index(self, url: str, *, match: str = "prefix", since: dt.date | None = None,
              until: dt.date | None = None, page_rows: int = PAGE_ROWS) -> Iterator[CdxRow]:
        """Every capture whose original URL starts with `url` (scheme ignored, as the index does), in the
        index's order (URL, then time), paging with resume keys so no request asks for everything at once.
        `collapse=digest` drops a capture whose bytes equal the one before it of the same URL: it could only say
        the page was unchanged, and the archive asks for few requests."""
        key: str | None = None
        while True:
            params: list[tuple[str, str]] = [
                ("url", url), ("matchType", match), ("output", "json"), ("fl", ",".join(FIELDS)),
                ("collapse", "digest"), ("limit", str(page_rows)), ("showResumeKey", "true"),
            ]
            if since is not None:
                params.append(("from", archive_timestamp(since)))
            if until is not None:
                params.append(("to", archive_timestamp(until)))
            if key is not None:
                params.append(("resumeKey", key))
            rows, key = self._index_page(f"{self.base}/cdx/search/cdx?{urlencode(params)}")
            yield from rows
            if not key:
                return

    def _index_page(self, query: str) -> tuple[list[CdxRow], str | None]:
        result = self.fetcher.fetch(query, expect="any", retry_connect=False)
        text = (result.body or b"").decode("utf-8", "replace")
        if result.kind == "refused":
            raise ArchiveRefused(f"the web archive cannot be asked: {result.error}")
        if any(marker in text for marker in _BLOCKED) or result.status in (401, 403):
            raise ArchiveRefused(f"the web archive at {self.host} refuses this site (HTTP {result.status}: "
                                 f"{_first_line(text) or 'no reason given'})")
        if result.kind != "ok":
            raise ArchiveRefused(f"the web archive's index at {self.host} failed: "
                                 f"{result.error or f'HTTP {result.status}'}")
        return parse_cdx_json(text, self.host)

    def fetch(self, row: CdxRow) -> Capture:
        """A capture's original bytes. A redirect the archive answers on its own (the nearest capture, when the
        timestamp was not exact) is followed; a redirect that was captured is the capture, and comes back as is."""
        def follow(result: FetchResult) -> bool:
            return not _captured_redirect(result)

        url = self.capture_url(row.timestamp, row.original)
        result = self.fetcher.fetch(url, expect="any", follow=follow)
        return Capture(row, result, url)


@dataclass
class Capture:
    """What the archive answered for one index row. `final_url` is the capture that was served (a nearest-capture
    redirect can move it), `captured_at` its time (Memento-Datetime, else the timestamp in the URL)."""

    row: CdxRow
    result: FetchResult
    requested: str

    @property
    def final_url(self) -> str:
        return self.result.final_url

    @property
    def captured_at(self) -> dt.datetime:
        memento = self.result.headers.get("memento-datetime")
        if memento:
            try:
                return email.utils.parsedate_to_datetime(memento).astimezone(dt.UTC)
            except (TypeError, ValueError):
                pass
        stamp = _timestamp_of(self.final_url)
        return parse_timestamp(stamp) if stamp else self.row.captured_at

    @property
    def original(self) -> str:
        """The site's URL this capture is of (the final capture's, after a nearest-capture redirect)."""
        return _original_of(self.final_url) or self.row.original

    @property
    def redirect_to(self) -> str | None:
        """For a captured redirect: the original URL it pointed at."""
        if self.result.kind != "redirect":
            return None
        target = self.result.headers.get("x-archive-orig-location")
        if target:
            return target
        return _original_of(self.result.headers.get("location", "")) or self.result.headers.get("location")


def _captured_redirect(result: FetchResult) -> bool:
    """The archive's own nearest-capture redirects carry no original headers; a captured one does."""
    return any(name.startswith("x-archive-orig-") for name in result.headers) or (
        result.headers.get("x-archive-src") is not None
    )


def _timestamp_of(capture_url: str) -> str | None:
    path = urlsplit(capture_url).path
    if not path.startswith("/web/"):
        return None
    stamp = path[5:].split("/", 1)[0]
    digits = stamp.rstrip("_").removesuffix("id")
    return digits if digits.isdigit() else None


def _original_of(capture_url: str) -> str | None:
    parts = urlsplit(capture_url)
    if not parts.path.startswith("/web/"):
        return None
    rest = capture_url.split("/web/", 1)[1]
    _, _, original = rest.partition("/")
    return original or None


def parse_cdx_json(text: str, host: str) -> tuple[list[CdxRow], str | None]:
    """The rows of one `output=json` answer and its resume key: the first row names the fields; with
    showResumeKey the rows end with an empty row and a row holding the key."""
    if not text.strip():
        return [], None
    try:
        data = json.loads(text)
    except ValueError:
        raise ArchiveRefused(f"the web archive's index at {host} did not answer JSON: {_first_line(text)}") from None
    if not isinstance(data, list) or not data:
        return [], None
    names = [str(n) for n in data[0]]
    body = data[1:]
    key: str | None = None
    if len(body) >= 2 and body[-2] == [] and len(body[-1]) == 1:
        key = str(body[-1][0])
        body = body[:-2]
    rows: list[CdxRow] = []
    for values in body:
        if not values:
            continue
        item = dict(zip(names, values, strict=False))
        status = str(item.get("statuscode", "-"))
        length = str(item.get("length", "-"))
        rows.append(CdxRow(
            timestamp=str(item.get("timestamp", "")), original=str(item.get("original", "")),
            status=int(status) if status.isdigit() else None, mimetype=str(item.get("mimetype", "")),
            digest=str(item.get("digest", "")), length=int(length) if length.isdigit() else None,
        ))
    return rows, key


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def index_url(original: str) -> str:
    """How a site URL is given to the index: without scheme (the index matches on host and path alone)."""
    parts = urlsplit(original)
    return quote(f"{parts.netloc}{parts.path}", safe="/:@")
