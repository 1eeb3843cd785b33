"""Per-request noise: what differs between two fetches of a page nobody changed (reference 12.5).

Kausal Watch's current front end prints a fresh Sentry tracing id into the head of every response and sets fresh
cookies, so no two fetches of an unchanged page are byte-identical. Two rules live here, both pure and small:

- `strip_noise(body)`: the body with the declared noise taken out, for deciding whether a fetch is the previous
  fetch of its URL again (observation `unchanged`). The list is explicit and short on purpose: the two tracing
  meta tags, exactly as the front end prints them, and nothing else. Anything else that differs is a change,
  however small; a rule that hid a one-word edit would make the archive lie.
- `kept_headers(headers)`: the response headers the archive keeps per fetch. Values that are new on every request
  and say nothing about the page (the server's clock, cookie values, request and trace ids) are dropped, so an
  unchanged day's page row stays small; what researchers use (content type, validators, the plan identifier and
  domain, language alternates, caching) is kept as received.

The archive stores every body byte for byte regardless: the noise is only left out of comparisons and headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: The declared body noise: `<meta name="sentry-trace" content="…"/>` and `<meta name="baggage" content="…"/>`,
#: exactly as React prints them (no other spelling is declared: a tag written otherwise is not the front end's
#: tracing and counts as content). Each match is cut whole; the content holds no quote and no angle bracket.
NOISE_TAGS = re.compile(rb'<meta name="(?:sentry-trace|baggage)" content="[^"<>]*"/>')

#: Headers dropped from the stored copy: new on every request, about the transfer or the server, not the page.
NOISY_HEADERS = frozenset({
    "date",  # the server's clock; `pages.fetched_at` is ours
    "age",
    "expires",  # for a no-store page: a moment relative to the request
    "sentry-trace", "baggage", "traceparent", "tracestate",  # tracing
    "x-request-id", "x-correlation-id", "x-amzn-trace-id", "x-amz-cf-id", "cf-ray", "x-vercel-id",
    "x-nf-request-id", "server-timing", "x-runtime", "x-response-time", "x-envoy-upstream-service-time",
})

#: `name=value` of one cookie in a Set-Cookie list (httpx joins several with ", "); the value is what goes.
_COOKIE_VALUE = re.compile(r"(^|,\s*)([^=;,\s]+)=[^;,]*")


def strip_noise(body: bytes) -> bytes:
    """The body without its tracing tags: equal for two fetches that differ only in per-request noise."""
    return NOISE_TAGS.sub(b"", body)


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers the archive stores for a fetch: noisy ones dropped, cookies kept by name and attributes only
    (a CSRF token or session id is session state, not the page, and has no place in a public archive)."""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        low = name.lower()
        if low in NOISY_HEADERS:
            continue
        if low == "set-cookie":
            value = _COOKIE_VALUE.sub(r"\1\2=", value)
        kept[name] = value
    return kept
