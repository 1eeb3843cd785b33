"""`vahti backfill`: a plan's history from a web archive's captures, spliced into the archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from schemas.errors import UsageError
from scraper.cli.app import DbOption, app, db_path
from scraper.fetch import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, HostUnreachable, robots_from
from scraper.urls import LANGUAGES, check_start_url
from scraper.wayback import DEFAULT_ARCHIVE_URL

#: how much longer than --delay a backfill pauses after a 429: the archive may refuse connections for a while
#: after repeated ones (reference: the Wayback Machine's throttling), so one 429 costs a minute at the default
THROTTLE_PAUSES = 60


@app.command("backfill")
def backfill_command(
    url: str | None = typer.Argument(None, help="The plan's action list (…/actions) as the site published it."),
    sites: Path | None = typer.Option(
        None, "--sites", help="Backfill every [[site]] of this TOML file (its start_url) instead of one URL."
    ),
    since: str | None = typer.Option(None, "--from", help="First capture day to read (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--to", help="Last capture day to read (YYYY-MM-DD)."),
    lang: str | None = typer.Option(
        None, "--lang", help="Language to read (fi, sv, en; default: the plan's primary language, unprefixed pages)."
    ),
    delay: float = typer.Option(1.0, "--delay", min=0.0, help="Seconds between requests to the web archive."),
    archive_url: str = typer.Option(
        DEFAULT_ARCHIVE_URL, "--archive-url", help="The web archive's base URL (CDX index and /web/ captures)."
    ),
    db: Path | None = DbOption,
) -> None:
    """A plan's history from web-archive captures, dated by capture time and spliced into the archive."""
    if (url is None) == (sites is None):
        raise UsageError("give the plan's URL or --sites FILE (one of them)")
    first, last = _day(since, "--from"), _day(until, "--to")
    if first and last and first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    if lang is not None and lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    base = check_start_url(archive_url).rstrip("/")
    if sites is not None:
        from scraper.ci.sites import load_sites

        urls = [check_start_url(spec.start_url) for spec in load_sites(sites).resolved()]
    else:
        assert url is not None
        urls = [check_start_url(url)]
    policy = FetchPolicy(user_agent=DEFAULT_USER_AGENT, delay=delay, after_throttle=THROTTLE_PAUSES * delay)
    with Fetcher(base, policy) as fetcher:
        _robots(fetcher, base)
        for plan_url in urls:
            _one(fetcher, base, plan_url, lang, first, last, db)


def _day(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} wants a date (YYYY-MM-DD), got {text!r}") from None


def _robots(fetcher: Fetcher, base: str) -> None:
    result = fetcher.fetch(base + "/robots.txt", expect="any", retry_connect=False)
    if result.kind == "failed" and result.status is None:
        raise HostUnreachable(f"the web archive at {base} cannot be reached: {result.error}")
    fetcher.robots = robots_from(result)


def _one(fetcher: Fetcher, base: str, plan_url: str, lang: str | None, first: dt.date | None,
         last: dt.date | None, db: Path | None) -> None:
    from scraper.backfill import DayResult, PlanScope, backfill
    from scraper.wayback import WebArchive
    from snapshots.backfill import history_out_of_order, rebuild_versions
    from snapshots.captured_runs import stored_captures
    from snapshots.store import open_writer

    scope = PlanScope.of(plan_url, lang)
    archive = WebArchive(fetcher, base)

    def say(day: DayResult) -> None:
        run = day.run
        typer.echo(f"run {run.run_id}: {scope.site} captured {day.day:%Y-%m-%d}, {_n(run.captures, 'capture')}, "
                   f"{_n(run.parsed, 'action')}")

    typer.echo(f"== {plan_url}: captures in {base}" + (f" (language {scope.language})" if scope.language else ""))
    with open_writer(db_path(db)) as writer:
        stored = stored_captures(writer.con(), scope.site)
        summary = backfill(archive, scope, writer, stored, since=first, until=last, say=say)
        spliced = history_out_of_order(writer.con(), scope.site)
        if spliced:
            count = rebuild_versions(writer, scope.site)
    for note in summary.notes:
        typer.echo(f"note: {note}")
    if not summary.listed:
        typer.echo(f"the web archive has no captures of {plan_url}" + _span(first, last))
        return
    typer.echo(f"{_n(summary.listed, 'capture')} listed, {summary.skipped} already stored, "
               f"{_n(len(summary.days), 'run')} added")
    if spliced:
        typer.echo(f"{scope.site}: captures older than existing runs; history rebuilt ({count} versions)")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _span(first: dt.date | None, last: dt.date | None) -> str:
    if first is None and last is None:
        return ""
    return f" between {first or 'the start'} and {last or 'today'}"
