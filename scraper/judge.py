"""What one HTTP response says about one action: the rules every way of getting a page shares.

A live fetch (`scraper.crawl_visit`), a WARC import (`vahti import`) and a web-archive backfill all hold the same
thing: a URL, a status, headers and the raw bytes. What that means for the action is decided here, once, so that a
page reads the same whichever way it came in:

- 404 and 410, and the V3 200-with-not-found-marker page, are `gone`;
- a page whose embedded data says the action was merged into another (V3 `mergedWith`) is `gone` with the reason
  "merged into <identifier>": the page is still there, the action is not;
- a 304 with the body it confirmed is `unchanged`, and its record is read again from that body;
- a page the parser rejects is `parse_failed` (its bytes are stored all the same);
- a fetch that failed before there was a page to read, and any other status, is `fetch_failed`.

Pure: no network, no archive. The bytes are decoded here with the response's own headers, by the one charset rule
(`scraper.charsets`), and the parser is handed UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome
from scraper.charsets import to_utf8
from scraper.parse import ActionNotFound, ParseError, ParseResult, parse_page
from scraper.urls import action_location

Parse = Callable[[bytes, str], ParseResult]

#: What a merged action's observation says (README and docs/archive.md: `merged into 112`).
MERGED_REASON = "merged into {}"


@dataclass
class Verdict:
    """The observation one response makes: an outcome, and the record, error, reason and warnings that go with it.
    `record` is set only for `parsed` and `unchanged`; `identifier` is the parsed one when the page said it."""

    outcome: ObservationOutcome
    identifier: str | None
    record: Action | None = None
    error: str | None = None
    reason: str | None = None
    warnings: list[ParseWarning] = field(default_factory=list)


def judge_response(
    url: str,
    status: int | None,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    error: str | None = None,
    parse: Parse = parse_page,
) -> Verdict:
    """The verdict on one response for `url` (an action page's URL). `error` says the fetch itself failed before
    there was a page to read (connection, size cap, content type, retries spent); `parse` is the page parser
    (tests hand in their own). `headers` are matched case-insensitively."""
    location = action_location(url)
    ident = location.identifier if location else None
    if error is not None:
        return Verdict("fetch_failed", ident, error=error)
    if status in (404, 410):
        return Verdict("gone", ident, reason=f"HTTP {status}")
    if status == 304 and not body:
        return Verdict("fetch_failed", ident, error="304 Not Modified but the archive lost the body it confirmed")
    if status is None or not (200 <= status < 300 or status == 304):
        return Verdict("fetch_failed", ident, error=f"HTTP {status}" if status is not None else "no response")
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    text, charset_warning = to_utf8(body or b"", content_type)
    warnings = [ParseWarning(field="fetch", message=charset_warning)] if charset_warning else []
    try:
        parsed = parse(text, url)
    except ActionNotFound as exc:
        return Verdict("gone", ident, reason=f"not-found page (HTTP {status}): {exc}", warnings=warnings)
    except ParseError as exc:
        return Verdict("parse_failed", ident, error=str(exc) or type(exc).__name__, warnings=warnings)
    except Exception as exc:  # a parser bug must cost one page, not the crawl or the import
        return Verdict("parse_failed", ident, error=f"parser crashed: {type(exc).__name__}: {exc}",
                       warnings=warnings)
    action = parsed.action
    warnings += parsed.warnings
    if parsed.merged_with:
        return Verdict("gone", action.identifier or ident, reason=MERGED_REASON.format(parsed.merged_with),
                       warnings=warnings)
    outcome: ObservationOutcome = "unchanged" if status == 304 else "parsed"
    return Verdict(outcome, action.identifier or ident, record=action, warnings=warnings)
