"""`vahti crawl`: walk one plan politely and store a run in the archive."""

from __future__ import annotations

from pathlib import Path

import typer

from schemas.errors import UsageError
from scraper.cli.app import DbOption, app, db_path
from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import DEFAULT_USER_AGENT, Fetcher, FetchPolicy
from scraper.progress import for_terminal
from scraper.urls import check_start_url

DEFAULT_START_URL = "https://ilmastovahti.hel.fi/actions"


@app.command("crawl")
def crawl_command(
    start_url: str = typer.Argument(
        DEFAULT_START_URL, help="The plan's action list (…/actions) or any action page of it."
    ),
    delay: float = typer.Option(
        1.0, "--delay", min=0.0, help="Seconds between requests to the host (robots.txt Crawl-delay wins if larger)."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Start a new run linked to the last interrupted one, reusing the pages it stored."
    ),
    max_pages: int | None = typer.Option(
        None, "--max-pages", min=1, help="Fetch at most N action pages; the run is partial if more remain."
    ),
    user_agent: str = typer.Option(DEFAULT_USER_AGENT, "--user-agent", help="User-Agent header to send."),
    max_failures: int = typer.Option(
        5, "--max-failures", min=1, help="Stop (run partial) after N action pages in a row fail to fetch."
    ),
    max_retry_after: float = typer.Option(
        300.0, "--max-retry-after", min=0.0,
        help="Longest Retry-After (seconds) to honour; a server asking for more stops the crawl (partial).",
    ),
    sites: Path | None = typer.Option(
        None, "--sites", help="Crawl every [[site]] of this TOML file, one run each; exit code = the worst outcome."
    ),
    parallel: int = typer.Option(
        4, "--parallel", min=1, help="With --sites: how many sites (host:port) to crawl at once."
    ),
    db: Path | None = DbOption,
) -> None:
    """Walk a plan's prev/next chain (cross-checked with its list and sitemap) and store a run."""
    url = check_start_url(start_url)
    if not user_agent.strip():
        raise UsageError("--user-agent must not be empty")
    policy = FetchPolicy(user_agent=user_agent.strip(), delay=delay, max_retry_after=max_retry_after)
    options = CrawlOptions(max_pages=max_pages, max_failures=max_failures, resume=resume)
    if sites is not None:
        from scraper.ci.side_by_side import crawl_sites_file
        from scraper.progress_sites import board_for_terminal

        def report(line: str) -> None:
            typer.echo(f"error: {line}", err=True)

        board = board_for_terminal()
        raise typer.Exit(crawl_sites_file(sites, db_path(db), policy, options, parallel=parallel,
                                          board=board, say=board.print, report=report))
    from snapshots.store import open_writer

    with open_writer(db_path(db)) as writer, Fetcher(url, policy) as fetcher:
        summary = Crawl(fetcher, writer, url, options, progress=for_terminal()).run()
    raise typer.Exit(summary.exit_code)
