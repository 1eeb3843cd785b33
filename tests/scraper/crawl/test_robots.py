"""robots.txt rules as RFC 9309 reads them."""

from __future__ import annotations

from scraper.robots import Robots

UA = "vahti/0.1.0 (+https://github.com/vahti-archive/vahti)"
BASE = "https://ilmastovahti.hel.fi"


def test_our_group_wins_over_star() -> None:
    robots = Robots.parse(
        "User-agent: *\nDisallow: /\n\nUser-agent: vahti\nDisallow: /admin\nCrawl-delay: 3\n"
    )
    assert robots.can_fetch(UA, BASE + "/actions/111")
    assert not robots.can_fetch(UA, BASE + "/admin/x")
    assert not robots.can_fetch("otherbot/1.0", BASE + "/actions/111")
    assert robots.crawl_delay(UA) == 3.0
    assert robots.crawl_delay("otherbot/1.0") is None


def test_longest_match_wins_and_allow_wins_ties() -> None:
    robots = Robots.parse("User-agent: *\nDisallow: /actions\nAllow: /actions/1\nAllow: /x\nDisallow: /x\n")
    assert robots.can_fetch(UA, BASE + "/actions/111")
    assert not robots.can_fetch(UA, BASE + "/actions")
    assert not robots.can_fetch(UA, BASE + "/actions/222")
    assert robots.can_fetch(UA, BASE + "/x")


def test_wildcards_and_end_anchor() -> None:
    robots = Robots.parse("User-agent: *\nDisallow: /*?*\nDisallow: /*.pdf$\n")
    assert not robots.can_fetch(UA, BASE + "/actions?organization=3")
    assert not robots.can_fetch(UA, BASE + "/files/plan.pdf")
    assert robots.can_fetch(UA, BASE + "/files/plan.pdf.html")
    assert robots.can_fetch(UA, BASE + "/actions/111")


def test_empty_disallow_allows_and_grouped_agents_share_rules() -> None:
    robots = Robots.parse("User-agent: a\nUser-agent: vahti\nDisallow: /private # comment\n\nUser-agent: *\nDisallow:\n")
    assert not robots.can_fetch(UA, BASE + "/private/1")
    assert robots.can_fetch("zzz/1", BASE + "/private/1")


def test_missing_file_allows_all_and_robots_txt_itself_is_always_allowed() -> None:
    assert Robots.allow_all().can_fetch(UA, BASE + "/anything")
    assert Robots.parse("User-agent: *\nDisallow: /\n").can_fetch(UA, BASE + "/robots.txt")


def test_sitemaps_and_garbage_lines() -> None:
    robots = Robots.parse("garbage\nSitemap: https://x.fi/sitemap.xml\nUser-agent: *\nCrawl-delay: soon\n")
    assert robots.sitemaps == ["https://x.fi/sitemap.xml"]
    assert robots.crawl_delay(UA) is None


def test_percent_encoding_is_compared_decoded() -> None:
    robots = Robots.parse("User-agent: *\nDisallow: /actions/%C3%A4\n")
    assert not robots.can_fetch(UA, BASE + "/actions/ä1")
    assert not robots.can_fetch(UA, BASE + "/actions/%c3%a41")


def test_request_rate_is_a_pause_and_the_longer_pause_wins() -> None:
    robots = Robots.parse("User-agent: *\nRequest-rate: 1/5s\n\nUser-agent: vahti\nRequest-rate: 2/1m\nCrawl-delay: 10\n")
    assert robots.crawl_delay(UA) == 30.0  # 2 requests a minute: 30 s apart, longer than Crawl-delay 10
    assert robots.crawl_delay("otherbot/1.0") == 5.0


def test_only_the_product_token_names_us() -> None:
    """A group for a word that happens to stand in our User-Agent's contact URL is not ours."""
    robots = Robots.parse("User-agent: github\nDisallow: /\n")
    assert robots.can_fetch(UA, BASE + "/actions/111")
    assert not robots.can_fetch("github/1.0", BASE + "/actions/111")
