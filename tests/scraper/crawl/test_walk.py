"""The walk's logic over real HTTP on a scripted site, with a stand-in parser (pages say `id= prev= next=`) and
the archive interface in memory: chain order, list fallback, orphans, cycles, failures, resume."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from schemas.action import Action
from scraper.crawl import Crawl, CrawlOptions, NotKausalWatch
from scraper.fetch import Fetcher, FetchPolicy, RobotsUnavailable
from scraper.parse import ActionNotFound, ParseError, ParseResult
from tests.scraper.helpers import FakeClock, MemoryWriter, Reply, Site

_PAGE = re.compile(rb"id=(\S+) prev=(\S*) next=(\S*)")


def fake_parse(body: bytes, url: str) -> ParseResult:
    if b"NOT-FOUND" in body:
        raise ActionNotFound("not-found marker")
    match = _PAGE.search(body)
    if match is None:
        raise ParseError("no action here")
    ident, prev, nxt = (g.decode() for g in match.groups())
    base = url.split("/actions/")[0]

    def link(target: str) -> str | None:
        if not target:
            return None
        return target if "://" in target else f"{base}/actions/{target}"

    action = Action(site="test", url=url, identifier=ident, name=f"Action {ident}", previous_url=link(prev),
                    next_url=link(nxt))
    return ParseResult(action=action, warnings=[])


def page(ident: str, prev: str = "", nxt: str = "") -> Reply:
    return Reply(body=f"<html><body>id={ident} prev={prev} next={nxt} </body></html>".encode())


def serve_chain(site: Site, chain: list[str], listed: list[str] | None = None) -> None:
    for i, ident in enumerate(chain):
        prev = chain[i - 1] if i > 0 else ""
        nxt = chain[i + 1] if i + 1 < len(chain) else ""
        site.routes[f"/actions/{ident}"] = page(ident, prev, nxt)
    cards = "".join(f'<a href="/actions/{i}">{i}</a>' for i in (chain if listed is None else listed))
    site.routes["/actions"] = Reply(body=f'<html lang="fi"><body>{cards}</body></html>'.encode())


def crawl(site: Site, writer: MemoryWriter, clock: FakeClock, start: str = "/actions",
          parse: Callable[[bytes, str], ParseResult] = fake_parse, **options: object) -> Crawl:
    fetcher = Fetcher(site.url(start), FetchPolicy(delay=0, attempts=2), sleep=clock.sleep, clock=clock.clock)
    return Crawl(fetcher, writer, site.url(start), CrawlOptions(**options), parse=parse)  # type: ignore[arg-type]


def chain_order(writer: MemoryWriter, run_id: int) -> list[str]:
    positioned = [o for o in writer.run_observations(run_id) if o.position is not None]
    return [o.identifier or "" for o in sorted(positioned, key=lambda o: o.position or 0)]


def action_requests(site: Site) -> list[str]:
    return [p for p in site.paths() if p.startswith("/actions/")]


CHAIN = ["1", "2", "3", "4", "5"]


def test_straight_chain_from_the_list(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN)
    summary = crawl(site, memory_writer, fake_clock).run()
    assert summary.outcome == "complete" and summary.exit_code == 0
    assert chain_order(memory_writer, summary.run_id) == CHAIN
    assert [o.position for o in memory_writer.observations] == [1, 2, 3, 4, 5]
    assert {o.outcome for o in memory_writer.observations} == {"parsed"}
    assert sorted(action_requests(site)) == sorted(f"/actions/{i}" for i in CHAIN)
    assert site.paths()[:2] == ["/robots.txt", "/actions"]
    assert memory_writer.runs[summary.run_id]["outcome"] == "complete"


def test_start_in_the_middle_reaches_both_ends(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN, listed=[])
    summary = crawl(site, memory_writer, fake_clock, start="/actions/3").run()
    assert summary.outcome == "complete"
    assert chain_order(memory_writer, summary.run_id) == CHAIN
    assert len(action_requests(site)) == 5


def test_list_order_differs_from_chain_order(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, ["b", "a", "c"], listed=["a", "b", "c"])
    summary = crawl(site, memory_writer, fake_clock).run()
    assert chain_order(memory_writer, summary.run_id) == ["b", "a", "c"]
    assert summary.orphans == []


def test_orphan_is_fetched_and_reported(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN, listed=[*CHAIN[:2], "x", *CHAIN[2:]])
    site.routes["/actions/x"] = page("x")
    summary = crawl(site, memory_writer, fake_clock).run()
    assert summary.outcome == "complete" and summary.orphans == ["x"]
    orphan = next(o for o in memory_writer.observations if o.identifier == "x")
    assert orphan.position is None and orphan.outcome == "parsed" and "orphan" in (orphan.reason or "")
    assert "orphan" in (memory_writer.runs[summary.run_id]["reason"] or "")
    assert chain_order(memory_writer, summary.run_id) == CHAIN


def test_failed_page_breaks_the_chain_and_the_list_continues_it(
    site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock
) -> None:
    serve_chain(site, CHAIN)
    site.routes["/actions/3"] = Reply(500, b"boom")
    summary = crawl(site, memory_writer, fake_clock).run()
    assert summary.outcome == "partial" and summary.exit_code == 3
    assert "could not be fetched: 3" in (summary.reason or "")
    assert chain_order(memory_writer, summary.run_id) == CHAIN
    failed = next(o for o in memory_writer.observations if o.identifier == "3")
    assert failed.outcome == "fetch_failed" and failed.page_id is not None and "HTTP 500" in (failed.error or "")
    assert any("chain broken at 3" in n for n in summary.notes)
    assert action_requests(site).count("/actions/3") == 2  # attempts=2, then given up


def test_link_to_a_missing_page_is_gone_and_the_list_continues(
    site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock
) -> None:
    serve_chain(site, CHAIN)
    site.routes["/actions/2"] = page("2", "1", "99")  # 99 was removed from the site: 404
    site.routes["/actions/4"] = Reply(body=b"<html><body>NOT-FOUND</body></html>")  # V3: 200 with a marker
    summary = crawl(site, memory_writer, fake_clock).run()
    by_id = {o.identifier: o for o in memory_writer.observations}
    assert by_id["99"].outcome == "gone" and by_id["99"].reason == "HTTP 404"
    assert by_id["4"].outcome == "gone" and "not-found page" in (by_id["4"].reason or "")
    assert summary.outcome == "complete"
    assert chain_order(memory_writer, summary.run_id) == ["1", "2", "99", "3", "4", "5"]


def test_cycle_and_self_link_are_detected(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN)
    site.routes["/actions/3"] = page("3", "2", "1")  # cycle back to the start
    site.routes["/actions/5"] = page("5", "4", "5")  # self-link
    summary = crawl(site, memory_writer, fake_clock).run()
    assert any("cycle" in n for n in summary.notes) and any("links to itself" in n for n in summary.notes)
    assert chain_order(memory_writer, summary.run_id) == CHAIN
    assert len(action_requests(site)) == 5


def test_parse_failure_is_stored_raw_and_recorded(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN)
    site.routes["/actions/2"] = Reply(body=b"<html><body>a redesign</body></html>")
    summary = crawl(site, memory_writer, fake_clock).run()
    bad = next(o for o in memory_writer.observations if o.identifier == "2")
    assert bad.outcome == "parse_failed" and bad.error == "no action here"
    assert memory_writer.pages[bad.page_id or 0].body == b"<html><body>a redesign</body></html>"
    assert chain_order(memory_writer, summary.run_id) == CHAIN


def test_consecutive_failures_stop_the_crawl_partial(
    site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock
) -> None:
    chain = [str(i) for i in range(1, 11)]
    serve_chain(site, chain)
    for i in range(2, 11):
        site.routes[f"/actions/{i}"] = Reply(503, b"down")
    summary = crawl(site, memory_writer, fake_clock, max_failures=3).run()
    assert summary.outcome == "partial" and "3 failed pages in a row" in (summary.reason or "")
    outcomes = [o.outcome for o in memory_writer.observations]
    assert outcomes.count("fetch_failed") == 3 and outcomes.count("not_reached") == 6
    assert len(action_requests(site)) == 1 + 3 * 2


def test_max_pages_bound(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN)
    summary = crawl(site, memory_writer, fake_clock, max_pages=2).run()
    assert summary.outcome == "partial" and "--max-pages 2" in (summary.reason or "")
    assert len(action_requests(site)) == 2
    assert [o.outcome for o in memory_writer.observations].count("not_reached") == 3


def test_off_site_link_is_never_followed(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    other = Site()
    try:
        serve_chain(site, CHAIN)
        site.routes["/actions/5"] = page("5", "4", other.url("/actions/6"))
        summary = crawl(site, memory_writer, fake_clock).run()
        assert other.log == []
        assert summary.refused and summary.refused[0][0] == other.url("/actions/6")
        assert summary.outcome == "complete"
    finally:
        other.close()


def test_not_a_kausal_watch_site_fails_the_run(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    site.routes["/actions"] = Reply(body=b"<html><body>a blog</body></html>")
    with pytest.raises(NotKausalWatch, match="not a Kausal Watch site"):
        crawl(site, memory_writer, fake_clock).run()
    assert memory_writer.runs[1]["outcome"] == "failed"


def test_robots_5xx_fails_the_run(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN)
    site.routes["/robots.txt"] = Reply(500)
    with pytest.raises(RobotsUnavailable):
        crawl(site, memory_writer, fake_clock).run()
    assert memory_writer.runs[1]["outcome"] == "failed" and action_requests(site) == []


def test_robots_disallowed_action_is_refused(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN)
    site.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /actions/3\n",
                                       headers={"Content-Type": "text/plain"})
    summary = crawl(site, memory_writer, fake_clock).run()
    refused = next(o for o in memory_writer.observations if o.identifier == "3")
    assert refused.outcome == "refused" and refused.page_id is None
    assert "/actions/3" not in action_requests(site)
    assert chain_order(memory_writer, summary.run_id) == CHAIN


def test_second_crawl_uses_conditional_get_and_304_is_unchanged(
    site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock
) -> None:
    serve_chain(site, CHAIN)
    for ident in CHAIN:
        site.routes[f"/actions/{ident}"].headers["ETag"] = f'"{ident}"'  # type: ignore[union-attr]
    crawl(site, memory_writer, fake_clock).run()

    def not_modified(path: str) -> Reply:
        return Reply(304, headers={"ETag": '"x"'})

    for ident in CHAIN:
        site.routes[f"/actions/{ident}"] = not_modified
    second = crawl(site, memory_writer, fake_clock).run()
    assert second.outcome == "complete"
    observed = memory_writer.run_observations(second.run_id)
    assert [o.outcome for o in observed] == ["unchanged"] * 5
    assert all(o.record is not None for o in observed)
    assert chain_order(memory_writer, second.run_id) == CHAIN
    assert site.log[-1].headers.get("if-none-match") == '"5"'


def test_resume_reuses_stored_pages(site: Site, memory_writer: MemoryWriter, fake_clock: FakeClock) -> None:
    serve_chain(site, CHAIN)
    calls = 0

    def dies_on_third(body: bytes, url: str) -> ParseResult:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # stands in for the process being killed while reading page 3
        return fake_parse(body, url)

    with pytest.raises(KeyboardInterrupt):
        crawl(site, memory_writer, fake_clock, parse=dies_on_third).run()
    assert memory_writer.runs[1]["outcome"] == "running"
    fetched_before = list(action_requests(site))
    assert fetched_before == ["/actions/1", "/actions/2", "/actions/3"]

    summary = crawl(site, memory_writer, fake_clock, resume=True).run()
    assert summary.resumed_from == 1 and summary.outcome == "complete"
    assert memory_writer.runs[1]["outcome"] == "interrupted"
    # page 3 was in flight: it and its observation are one transaction, so neither was kept and it is fetched again
    assert summary.reused == 2 and summary.fetched == 3
    assert action_requests(site) == [*fetched_before, "/actions/3", "/actions/4", "/actions/5"]
    assert site.paths().count("/actions") == 1 and site.paths().count("/robots.txt") == 1
    assert chain_order(memory_writer, summary.run_id) == CHAIN
