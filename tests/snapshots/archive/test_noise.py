"""The declared per-request noise (snapshots/noise.py): exactly the two tracing meta tags of reference 12.5, and a
real edit, however small, is never hidden by it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.noise import NOISE_TAGS, kept_headers, strip_noise

TRACE = (b'<meta name="sentry-trace" content="0123456789abcdef0123456789abcdef-0123456789abcdef-1"/>'
         b'<meta name="baggage" content="sentry-environment=production,sentry-release=kausal-watch-ui%40abc,'
         b'sentry-public_key=def,sentry-trace_id=0123456789abcdef0123456789abcdef,sentry-sample_rate=0,'
         b'sentry-sampled=false"/>')


@pytest.fixture(scope="module")
def pages() -> Iterator[tuple[bytes, bytes]]:
    """Two fetches of one real-size V3 page of the replica: each with its own tracing id."""
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv, httpx.Client() as client:
        url = srv.action_url(srv.chain()[0])
        yield client.get(url).content, client.get(url).content


def test_two_fetches_differ_only_in_the_tracing_tags(pages: tuple[bytes, bytes]) -> None:
    a, b = pages
    assert a != b
    assert strip_noise(a) == strip_noise(b)
    assert len(NOISE_TAGS.findall(a)) == 2  # the noise the front end prints: two tags, nothing else


def test_the_noise_is_exactly_the_two_tags() -> None:
    page = b"<html><head>" + TRACE + b"</head><body>x</body></html>"
    assert strip_noise(page) == b"<html><head></head><body>x</body></html>"
    kept = [
        b'<meta name="sentry-release" content="1"/>',  # not declared: a release id changes with the build
        b'<meta name="description" content="Toimenpide 1"/>',
        b'<meta property="og:title" content="Toimenpide 1"/>',
        b'<meta name="baggage" content="a">',  # spelled otherwise than the front end prints it: content
        b"&lt;meta name=&quot;sentry-trace&quot; content=&quot;1&quot;/&gt;",  # text about the tag
        b'<p>sentry-trace 0123456789abcdef</p>',
    ]
    for snippet in kept:
        page = b"<html><head>" + snippet + b"</head></html>"
        assert strip_noise(page) == page, snippet


def _words(page: bytes) -> list[re.Match[bytes]]:
    """Words of the page outside the two noise tags: text, attribute values, script payloads alike."""
    tags = [m.span() for m in NOISE_TAGS.finditer(page)]
    return [m for m in re.finditer(rb"[A-Za-z0-9\xc3\xa4\xc3\xb6]{3,}", page)
            if not any(s <= m.start() < e for s, e in tags)]


def test_a_one_word_edit_anywhere_is_never_hidden(pages: tuple[bytes, bytes]) -> None:
    """Every word of a real page, edited in turn (one letter changed), changes the stripped page."""
    page = pages[0]
    quiet = strip_noise(page)
    words = _words(page)
    assert len(words) > 5000
    for match in words[::7]:  # a seventh of them keeps this quick; the property below covers the rest at random
        start, end = match.span()
        edited = page[:start] + (b"X" if page[start:start + 1] != b"X" else b"Y") + page[start + 1:]
        assert strip_noise(edited) != quiet, page[start:end]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_edit_outside_the_tags_is_seen(pages: tuple[bytes, bytes], data: st.DataObject) -> None:
    page = pages[0]
    tags = [m.span() for m in NOISE_TAGS.finditer(page)]
    position = data.draw(st.integers(0, len(page) - 1).filter(lambda p: not any(s <= p < e for s, e in tags)))
    inserted = data.draw(st.binary(min_size=1, max_size=8))
    edited = page[:position] + inserted + page[position:]
    assert strip_noise(edited) != strip_noise(page)


def test_headers_keep_what_researchers_use_and_drop_per_request_noise() -> None:
    headers = {
        "content-type": "text/html; charset=utf-8", "x-plan-identifier": "hnh2035", "x-plan-domain": "x.fi",
        "link": '<https://x.fi/en/actions/1>; rel="alternate"; hreflang="en"', "etag": '"abc"',
        "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT", "cache-control": "private, no-store", "server": "nginx",
        "date": "Sat, 05 Dec 2026 10:00:00 GMT", "x-request-id": "42", "traceparent": "00-abc-def-01",
        "set-cookie": "authjs.csrf-token=9f%7Cab; Path=/; HttpOnly; SameSite=Lax, NEXT_LOCALE=fi; Path=/; "
                      "Expires=Wed, 21 Oct 2026 07:28:00 GMT",
    }
    kept = kept_headers(headers)
    assert set(kept) == {"content-type", "x-plan-identifier", "x-plan-domain", "link", "etag", "last-modified",
                         "cache-control", "server", "set-cookie"}
    assert kept["set-cookie"] == ("authjs.csrf-token=; Path=/; HttpOnly; SameSite=Lax, NEXT_LOCALE=; Path=/; "
                                  "Expires=Wed, 21 Oct 2026 07:28:00 GMT")
    assert kept_headers({"Date": "x", "Content-Type": "text/html"}) == {"Content-Type": "text/html"}
