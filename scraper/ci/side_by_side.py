"""Several sites crawled at once into one archive: `vahti crawl --sites` and `vahti ci`.

A polite crawl spends nearly all its time waiting (the delay between requests, the server), so twenty plans one
after another take twenty times one; side by side they take about the slowest. What must not change is the
politeness each site is owed and the archive's rules:

- a *site* is host:port, what vahti calls one everywhere; each crawl has its own `Fetcher` (its own delay,
  robots.txt, Retry-After, failure cap), and the plans of one site run one after another in one worker, never at
  once, so a host never sees two vahti requests in flight;
- at most `parallel` sites run at once; each crawl writes through one `SharedWriter` (one archive, one writer,
  a page and its observation one transaction that no other site's write enters);
- each plan has a time budget (`max_minutes`): its fetcher cuts every pause and timeout to what is left, and the
  crawl ends partial when it is spent, so a site that hangs costs the day its budget and holds no other site up.

Worker threads are daemons: Ctrl-C interrupts every crawl at its next request or pause (its run stays `running`,
read as interrupted and resumable later), and a killed job loses only the pages in flight, as a single crawl does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from schemas.errors import VahtiError
from scraper.ci.sites import DEFAULT_MAX_MINUTES, SiteSpec, load_sites, worst_exit
from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import Fetcher, FetchPolicy
from scraper.progress_sites import SitesBoard
from scraper.urls import check_start_url, site_of
from snapshots.interface import ArchiveWriter
from snapshots.shared_writer import SharedWriter

#: Sites crawled at once unless `--parallel` says otherwise.
DEFAULT_PARALLEL = 4
#: How long Ctrl-C waits for the crawls to stop at their next request or pause before the job exits anyway.
_STOP_WAIT = 5.0


@dataclass
class SiteCrawl:
    """What one plan's crawl left: its run (None when none began), how it ended, and what was raised."""

    spec: SiteSpec
    run_id: int | None = None
    outcome: str = "failed"
    reason: str | None = None
    exit_code: int = 1
    #: the one-line error of a crawl that could not run (unreachable, not a Kausal Watch site, a bug)
    error: str | None = None


def budget_seconds(spec: SiteSpec) -> float:
    return 60.0 * (spec.max_minutes if spec.max_minutes is not None else DEFAULT_MAX_MINUTES)


def site_policy(spec: SiteSpec, base: FetchPolicy) -> FetchPolicy:
    """The site's own politeness settings over the command's, and its time budget."""
    return replace(
        base,
        delay=spec.delay if spec.delay is not None else base.delay,
        user_agent=spec.user_agent or base.user_agent,
        attempts=spec.attempts or base.attempts,
        budget=budget_seconds(spec),
    )


def site_options(spec: SiteSpec, base: CrawlOptions) -> CrawlOptions:
    return replace(base, max_pages=spec.max_pages or base.max_pages,
                   max_failures=spec.max_failures or base.max_failures)


def by_site(specs: list[SiteSpec]) -> list[list[int]]:
    """Indices of the plans grouped by site (host:port), in the order each site first appears."""
    groups: dict[str, list[int]] = {}
    for i, spec in enumerate(specs):
        groups.setdefault(site_of(spec.start_url), []).append(i)
    return list(groups.values())


class _Workers:
    """The running fetchers, so that Ctrl-C can reach crawls in other threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fetchers: set[Fetcher] = set()
        self.stopping = threading.Event()

    def interrupt(self) -> None:
        self.stopping.set()
        with self.lock:
            for fetcher in self.fetchers:
                fetcher.interrupt()


def crawl_side_by_side(
    specs: list[SiteSpec],
    writer: ArchiveWriter,
    policy: FetchPolicy,
    options: CrawlOptions,
    *,
    parallel: int,
    board: SitesBoard,
    say: Callable[[str], None],
) -> list[SiteCrawl]:
    """Crawl every plan, `parallel` sites at once, each plan its own run; one result per plan, in `specs` order.
    A plan that fails is reported in its result and never stops another."""
    results = [SiteCrawl(spec) for spec in specs]
    groups = by_site(specs)
    pending = list(groups)
    taken = threading.Lock()
    workers = _Workers()

    def crawl_one(result: SiteCrawl) -> None:
        spec = result.spec
        url = check_start_url(spec.start_url)
        say(f"== {spec.name}: {url}")
        progress = board.site(spec.name, budget_seconds(spec))
        fetcher = Fetcher(url, site_policy(spec, policy))
        with workers.lock:
            workers.fetchers.add(fetcher)
        crawl = Crawl(fetcher, writer, url, site_options(spec, options), progress=progress)
        try:
            summary = crawl.run()
            result.run_id, result.outcome, result.reason = summary.run_id, summary.outcome, summary.reason
            result.exit_code = summary.exit_code
        except VahtiError as exc:
            result.run_id = crawl.summary.run_id or None
            result.outcome, result.reason = "failed", str(exc)
            result.error, result.exit_code = str(exc), exc.exit_code if exc.exit_code != 2 else 1
        except Exception as exc:  # a bug in one crawl must not stop the others; the job still ends badly
            result.run_id = crawl.summary.run_id or None
            result.outcome, result.reason = "failed", f"internal error: {type(exc).__name__}: {exc}"
            result.error, result.exit_code = result.reason, 1
        finally:
            with workers.lock:
                workers.fetchers.discard(fetcher)
            fetcher.close()
            board.ended(spec.name, result.outcome, result.reason)

    def work() -> None:
        while True:
            with taken:
                if not pending:
                    return
                group = pending.pop(0)
            for index in group:  # one site's plans one after another: never two at once on one host
                if workers.stopping.is_set():
                    return
                try:
                    crawl_one(results[index])
                except VahtiError as exc:  # a bad start URL: this plan fails, the site's next plan still runs
                    results[index].error = results[index].reason = str(exc)
                    board.ended(results[index].spec.name, "failed", str(exc))
                except KeyboardInterrupt:  # interrupted by the main thread: the run stays resumable
                    return

    board.begin([(s.name, s.start_url) for s in specs])
    threads = [threading.Thread(target=work, name=f"vahti-site-{n}", daemon=True)
               for n in range(max(1, min(parallel, len(groups))))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        with taken:
            pending.clear()
        workers.interrupt()
        for thread in threads:
            thread.join(_STOP_WAIT / len(threads))
        raise
    finally:
        board.close()
    return results


def crawl_sites_file(
    path: Path,
    db: Path,
    policy: FetchPolicy,
    options: CrawlOptions,
    *,
    parallel: int,
    board: SitesBoard,
    say: Callable[[str], None],
    report: Callable[[str], None],
) -> int:
    """`vahti crawl --sites FILE`: each plan its own run straight into the archive (no staging, no alarms: that
    is `vahti ci`); a site's own settings win over the command line's; the exit code is the worst outcome."""
    from snapshots.store import open_writer

    specs = load_sites(path).resolved()
    for spec in specs:
        check_start_url(spec.start_url)
    with SharedWriter(open_writer(db)) as writer:
        results = crawl_side_by_side(specs, writer, policy, options, parallel=parallel, board=board, say=say)
    for result in results:
        if result.error is not None:
            report(f"{result.spec.name}: {result.error}")
    return worst_exit([result.exit_code for result in results])
