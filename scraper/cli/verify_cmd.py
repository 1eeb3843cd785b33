"""`vahti verify`: cross-check a run's records with the plan's own GraphQL API, field by field."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from schemas.errors import UsageError
from scraper.cli.app import DbOption, SiteOption, app, db_path
from scraper.fetch import DEFAULT_USER_AGENT, FetchPolicy
from scraper.verify.api_client import DEFAULT_API_URL


class VerifyFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("verify")
def verify_command(
    run: str | None = typer.Option(
        None, "--run", help="Run id or date (WHEN) to verify; default: the last complete run of each plan."
    ),
    api_url: str | None = typer.Option(
        None, "--api-url",
        help=f"The plan's GraphQL endpoint (default: the site's api_url in --sites, else {DEFAULT_API_URL}).",
    ),
    sites: Path | None = typer.Option(
        None, "--sites", help="sites.toml whose [[site]] api_url names each site's API (default: none read)."
    ),
    force: bool = typer.Option(False, "--force", help="Verify a run that began more than a day ago."),
    threshold: float = typer.Option(
        98.0, "--threshold", min=0.0, max=100.0, help="Exit 1 when a compared field agrees on fewer percent."
    ),
    delay: float = typer.Option(
        1.0, "--delay", min=0.0, help="Seconds between requests to the API and to the site (robots.txt may ask more)."
    ),
    user_agent: str = typer.Option(DEFAULT_USER_AGENT, "--user-agent", help="User-Agent header to send."),
    fmt: VerifyFormat = typer.Option(VerifyFormat.text, "--format", help="text or json."),
    site: str | None = SiteOption,
    db: Path | None = DbOption,
) -> None:
    """Compare a run's records with the site's own GraphQL API, field by field, and store the agreement."""
    from scraper.verify.report import render_json, render_text
    from scraper.verify.runner import VerifyOptions, verify_archive

    if not user_agent.strip():
        raise UsageError("--user-agent must not be empty")
    options = VerifyOptions(policy=FetchPolicy(user_agent=user_agent.strip(), delay=delay), when=run, site=site,
                            force=force)
    if api_url is not None:
        options.api_url = api_url
    elif sites is not None:
        options.api_urls = _api_urls(sites)
    results = verify_archive(db_path(db), options)
    sys.stdout.write(render_json(results) if fmt is VerifyFormat.json else render_text(results))
    low = [v for v in results if (lowest := v.lowest) is not None and lowest.share is not None
           and lowest.share < threshold]
    raise typer.Exit(1 if low else 0)


def _api_urls(path: Path) -> dict[str, str]:
    """Each site's API from sites.toml (`api_url` of a [[site]], else of [defaults]), by the start URL's host."""
    from scraper.ci.sites import load_sites
    from scraper.urls import site_of

    spec_file = load_sites(path)
    return {site_of(s.start_url): s.api_url for s in spec_file.resolved() if s.api_url}
