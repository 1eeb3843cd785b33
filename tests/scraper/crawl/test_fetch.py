"""The fetcher against a real local HTTP server; time is a fake clock so backoff costs nothing."""

from __future__ import annotations

import email.utils
import socket
import time

import pytest

from scraper.fetch import (
    DEFAULT_USER_AGENT,
    Conditional,
    Fetcher,
    FetchPolicy,
    HostThrottled,
    HostUnreachable,
    RequestBudgetExhausted,
    RobotsUnavailable,
    parse_retry_after,
    robots_from,
    to_utf8,
)
from scraper.robots import Robots
from tests.scraper.helpers import FakeClock, Reply, Site

PAGE = b"<html><body>ok</body></html>"


def fetcher(site: Site, clock: FakeClock, **policy: object) -> Fetcher:
    settings: dict[str, object] = {"delay": 0.0, **policy}
    return Fetcher(site.base + "/actions", FetchPolicy(**settings), sleep=clock.sleep, clock=clock.clock)  # type: ignore[arg-type]


def test_sends_user_agent_naming_vahti_with_contact(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(body=PAGE)
    with fetcher(site, fake_clock) as f:
        result = f.fetch(site.url("/a"))
    assert result.kind == "ok" and result.body == PAGE
    agent = site.log[0].headers["user-agent"]
    assert agent == DEFAULT_USER_AGENT and agent.startswith("vahti/") and "https://" in agent


def test_delay_between_requests_and_crawl_delay_wins_when_larger(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(body=PAGE)
    with fetcher(site, fake_clock, delay=1.0) as f:
        f.fetch(site.url("/a"))
        f.fetch(site.url("/a"))
        assert fake_clock.sleeps == [pytest.approx(1.0)]
        f.robots = Robots.parse("User-agent: *\nCrawl-delay: 4\n")
        f.fetch(site.url("/a"))
    assert fake_clock.sleeps[-1] == pytest.approx(4.0)


def test_retries_5xx_with_backoff_then_recovers(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = [Reply(500), Reply(502), Reply(504), Reply(body=PAGE)]
    with fetcher(site, fake_clock) as f:
        result = f.fetch(site.url("/a"))
        assert f.stats.retries == 3
    assert result.kind == "ok" and result.attempts == 4
    assert len(fake_clock.sleeps) == 3 and all(s > 0 for s in fake_clock.sleeps)


def test_gives_up_after_attempts_and_keeps_last_response(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(503, b"busy")
    with fetcher(site, fake_clock, attempts=3) as f:
        result = f.fetch(site.url("/a"))
    assert result.kind == "failed" and result.status == 503 and result.body == b"busy"
    assert "gave up after 3 attempts" in (result.error or "")
    assert len(site.log) == 3


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_honoured(site: Site, fake_clock: FakeClock, status: int) -> None:
    site.routes["/a"] = [Reply(status, headers={"Retry-After": "7"}), Reply(body=PAGE)]
    with fetcher(site, fake_clock) as f:
        result = f.fetch(site.url("/a"))
    assert result.kind == "ok"
    assert sum(fake_clock.sleeps) >= 7.0


def test_retry_after_http_date_is_honoured(site: Site, fake_clock: FakeClock) -> None:
    # two minutes ahead, and a minute of slack: on a busy machine seconds pass between this line and the request
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    site.routes["/a"] = [Reply(429, headers={"Retry-After": when}), Reply(body=PAGE)]
    with fetcher(site, fake_clock) as f:
        assert f.fetch(site.url("/a")).kind == "ok"
    assert sum(fake_clock.sleeps) >= 60.0


@pytest.mark.parametrize(("status", "least"), [(429, 40.0), (503, 7.0)])
def test_a_throttled_backfill_backs_off_long(site: Site, fake_clock: FakeClock, status: int, least: float) -> None:
    """A web archive that answers 429 gets the long pause (`after_throttle`), whatever its Retry-After says; a 503
    is not throttling and keeps its Retry-After."""
    site.routes["/a"] = [Reply(status, headers={"Retry-After": "7"}), Reply(body=PAGE)]
    with fetcher(site, fake_clock, after_throttle=40.0) as f:
        assert f.fetch(site.url("/a")).kind == "ok"
    assert least <= sum(fake_clock.sleeps) < (40.0 if status == 503 else 100.0)


def test_retry_after_over_the_cap_stops_instead_of_hammering(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(429, headers={"Retry-After": "3600"})
    with fetcher(site, fake_clock, max_retry_after=60) as f, pytest.raises(HostThrottled, match="3600"):
        f.fetch(site.url("/a"))
    assert len(site.log) == 1


def test_parse_retry_after() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(email.utils.formatdate(now + 60, usegmt=True), now) == pytest.approx(60, abs=1)
    assert parse_retry_after(email.utils.formatdate(now - 60, usegmt=True), now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_redirect_on_host_followed_each_hop_checked(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/old"] = Reply(301, headers={"Location": "/mid"})
    site.routes["/mid"] = Reply(302, headers={"Location": site.url("/new")})
    site.routes["/new"] = Reply(body=PAGE)
    with fetcher(site, fake_clock) as f:
        result = f.fetch(site.url("/old"))
    assert result.kind == "ok" and result.final_url == site.url("/new")
    assert site.paths() == ["/old", "/mid", "/new"]


def test_redirect_off_host_is_refused_and_never_requested(site: Site, fake_clock: FakeClock) -> None:
    other = Site()
    try:
        other.routes["/x"] = Reply(body=PAGE)
        site.routes["/a"] = Reply(302, headers={"Location": other.url("/x")})
        with fetcher(site, fake_clock) as f:
            result = f.fetch(site.url("/a"))
            assert f.stats.refused and f.stats.refused[0][0] == other.url("/x")
        assert result.kind == "refused" and "off-site" in (result.error or "")
        assert other.log == []
    finally:
        other.close()


def test_redirect_to_other_scheme_or_port_is_refused(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(302, headers={"Location": f"https://127.0.0.1:{site.port}/b"})
    site.routes["/c"] = Reply(302, headers={"Location": "http://127.0.0.1:1/b"})
    with fetcher(site, fake_clock) as f:
        assert f.fetch(site.url("/a")).kind == "refused"
        assert f.fetch(site.url("/c")).kind == "refused"
    assert site.paths() == ["/a", "/c"]


def test_redirect_loop_and_too_many_hops_are_failures(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(302, headers={"Location": "/b"})
    site.routes["/b"] = Reply(302, headers={"Location": "/a"})
    for i in range(10):
        site.routes[f"/hop{i}"] = Reply(302, headers={"Location": f"/hop{i + 1}"})
    with fetcher(site, fake_clock, max_redirects=5) as f:
        loop = f.fetch(site.url("/a"))
        hops = f.fetch(site.url("/hop0"))
    assert loop.kind == "failed" and "redirect loop" in (loop.error or "")
    assert hops.kind == "failed" and "too many redirects" in (hops.error or "")
    assert site.paths().count("/a") == 1 and len([p for p in site.paths() if p.startswith("/hop")]) == 6


def test_robots_disallow_refuses_without_request(site: Site, fake_clock: FakeClock) -> None:
    with fetcher(site, fake_clock) as f:
        f.robots = Robots.parse("User-agent: vahti\nDisallow: /private\n")
        result = f.fetch(site.url("/private/1"))
    assert result.kind == "refused" and "robots.txt" in (result.error or "")
    assert site.log == []


def test_size_cap_from_content_length_and_streamed(site: Site, fake_clock: FakeClock) -> None:
    big = b"<html>" + b"x" * 5000 + b"</html>"
    site.routes["/declared"] = Reply(body=big)
    site.routes["/chunked"] = Reply(body=big, chunked=True)
    with fetcher(site, fake_clock, max_bytes=1000) as f:
        declared = f.fetch(site.url("/declared"))
        streamed = f.fetch(site.url("/chunked"))
    assert declared.kind == "failed" and "not downloaded" in (declared.error or "")
    assert streamed.kind == "failed" and "stopped reading" in (streamed.error or "")
    assert streamed.body is None


def test_truncated_body_is_retried(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = [Reply(body=PAGE[:10], send_length=len(PAGE)), Reply(body=PAGE)]
    with fetcher(site, fake_clock) as f:
        result = f.fetch(site.url("/a"))
        assert f.stats.retries == 1
    assert result.kind == "ok" and result.body == PAGE


def test_non_html_content_type_is_recorded(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    with fetcher(site, fake_clock) as f:
        result = f.fetch(site.url("/a"))
    assert result.kind == "failed" and "application/pdf" in (result.error or "")
    assert result.body == b"%PDF-1.4"


def test_wrong_charset_falls_back_and_warns(site: Site, fake_clock: FakeClock) -> None:
    utf8 = "<html><body>Tehtävät</body></html>".encode()
    latin = "<html><body>Tehtävät</body></html>".encode("latin-1")
    site.routes["/lies"] = Reply(body=utf8, headers={"Content-Type": "text/html; charset=ascii"})
    site.routes["/latin"] = Reply(body=latin, headers={"Content-Type": "text/html; charset=iso-8859-1"})
    site.routes["/bogus"] = Reply(body=utf8, headers={"Content-Type": "text/html; charset=klingon"})
    with fetcher(site, fake_clock) as f:
        lies, latin_result, bogus = (f.fetch(site.url(p)) for p in ("/lies", "/latin", "/bogus"))
    assert lies.text == utf8 and lies.warnings and "ascii" in lies.warnings[0]
    assert latin_result.text == utf8 and latin_result.body == latin and not latin_result.warnings
    assert bogus.text == utf8 and "klingon" in bogus.warnings[0]


def test_to_utf8_meta_charset() -> None:
    body = '<html><head><meta charset="windows-1252"></head><body>€ ä</body></html>'.encode("cp1252")
    text, warning = to_utf8(body, "text/html")
    assert warning is None and "€ ä".encode() in text


def test_conditional_get_and_304(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(304, headers={"ETag": '"v1"'})
    with fetcher(site, fake_clock) as f:
        result = f.fetch(site.url("/a"), Conditional(etag='"v1"', last_modified="Tue, 01 Oct 2019 10:00:00 GMT"))
    assert result.kind == "not_modified" and result.body is None
    assert site.log[0].headers["if-none-match"] == '"v1"'
    assert site.log[0].headers["if-modified-since"] == "Tue, 01 Oct 2019 10:00:00 GMT"


def test_404_and_410_are_missing(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/gone"] = Reply(410, b"gone")
    with fetcher(site, fake_clock) as f:
        assert f.fetch(site.url("/nope")).kind == "missing"
        assert f.fetch(site.url("/gone")).kind == "missing"


def test_request_budget_is_a_hard_bound(site: Site, fake_clock: FakeClock) -> None:
    site.routes["/a"] = Reply(body=PAGE)
    with fetcher(site, fake_clock, max_requests=3) as f:
        for _ in range(3):
            f.fetch(site.url("/a"))
        with pytest.raises(RequestBudgetExhausted):
            f.fetch(site.url("/a"))
    assert len(site.log) == 3


def test_robots_404_allows_all_and_5xx_stops(site: Site, fake_clock: FakeClock) -> None:
    with fetcher(site, fake_clock) as f:
        assert robots_from(f.fetch(site.url("/robots.txt"), expect="any")).can_fetch("vahti", site.url("/x"))
        site.routes["/robots.txt"] = Reply(503)
        with pytest.raises(RobotsUnavailable):
            robots_from(f.fetch(site.url("/robots.txt"), expect="any"))
        # a 429 on robots.txt is a request to slow down, not "no rules": it stops the crawl too
        site.routes["/robots.txt"] = Reply(429)
        with pytest.raises(RobotsUnavailable):
            robots_from(f.fetch(site.url("/robots.txt"), expect="any"))


def test_unreachable_host_is_reported_at_once_on_first_contact(fake_clock: FakeClock) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/robots.txt"
    with Fetcher(url, FetchPolicy(delay=0), sleep=fake_clock.sleep, clock=fake_clock.clock) as f:
        result = f.fetch(url, expect="any", retry_connect=False)
        assert f.stats.requests == 1
    with pytest.raises(HostUnreachable, match="cannot reach"):
        robots_from(result)


def test_utf8_mislabelled_as_latin1_is_read_as_utf8() -> None:
    utf8 = "<html><body>Tehtävät – päivitetty</body></html>".encode()
    text, warning = to_utf8(utf8, "text/html; charset=iso-8859-1")
    assert text == utf8 and warning and "UTF-8" in warning
    latin = "<html><body>Tehtävät</body></html>".encode("latin-1")
    text, warning = to_utf8(latin, "text/html; charset=iso-8859-1")
    assert text == "<html><body>Tehtävät</body></html>".encode() and warning is None


def test_the_parser_decodes_by_the_same_rule() -> None:
    """One charset rule (`scraper.charsets`): the parser is handed UTF-8, and raw bytes of a saved page fall back on
    their own <meta>, then Windows-1252, with a warning."""
    from scraper.parse import decode_html

    converted = '<html><head><meta charset="windows-1252"></head><body>€ ä</body></html>'
    assert decode_html(converted.encode()) == (converted, None)  # the fetcher converted it; the stale <meta> is moot
    text, warning = decode_html(converted.encode("cp1252"))
    assert text == converted and warning and "windows-1252" in warning
    assert decode_html(b"\xef\xbb\xbf" + "ä".encode()) == ("ä", None)
    assert to_utf8(b"\xef\xbb\xbf" + "ä".encode(), "text/html") == ("ä".encode(), None)
