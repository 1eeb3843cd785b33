"""`vahti demo`: the bundled replica's years backfilled from its web archive, then crawled over several simulated
days; history, diff, report, exports.

Each simulated day is stored as if it had been crawled on that day (06:00 Helsinki, counting back from today),
so the history, the report's chart and the Parquet partitions read like a real week of monitoring.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import typer

from schemas.dates import HELSINKI
from schemas.errors import UsageError
from scraper.cli.app import app
from scraper.cli.report_cmd import use_color


class DatedWriter:
    """The archive writer with a simulated clock: the run starts at `started_at` and pages are stamped with
    the real time elapsed since, so a demo day looks like a crawl made on that day."""

    def __init__(self, archive: Any, started_at: dt.datetime) -> None:
        self._archive = archive
        self._started_at = started_at
        self._t0 = time.monotonic()

    def _now(self) -> dt.datetime:
        return self._started_at + dt.timedelta(seconds=time.monotonic() - self._t0)

    def begin_run(self, site: str, start_url: str, **kw: Any) -> int:
        kw["started_at"] = self._started_at
        return int(self._archive.begin_run(site, start_url, **kw))

    def store_page(
        self,
        run_id: int,
        url: str,
        status: int | None,
        headers: Any,
        body: bytes | None,
        fetched_at: dt.datetime | None = None,
        error: str | None = None,
        capture_url: str | None = None,
    ) -> int:
        return int(self._archive.store_page(run_id, url, status, headers, body, fetched_at=self._now(), error=error,
                                            capture_url=capture_url))

    def end_run(self, run_id: int, outcome: Any, reason: str | None = None, counts: Any = None) -> None:
        self._archive.end_run(run_id, outcome, reason=reason, counts=counts, finished_at=self._now())

    def validators(self, site: str) -> dict[str, Any]:
        # robots.txt is always fetched in full: a conditional GET answered 304 would leave the crawler without
        # the rules it must read.
        found: dict[str, Any] = self._archive.validators(site)
        return {url: v for url, v in found.items() if not url.endswith("/robots.txt")}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._archive, name)


def _crawl_day(db: Path, start_url: str, when: dt.datetime) -> Any:
    from scraper.crawl import Crawl, CrawlOptions
    from scraper.fetch import Fetcher, FetchPolicy
    from snapshots.store import open_writer

    with open_writer(db) as archive, Fetcher(start_url, FetchPolicy(delay=0)) as fetcher:
        writer: Any = DatedWriter(archive, when)
        return Crawl(fetcher, writer, start_url, CrawlOptions()).run()


#: how densely the replica's web archive captures the demo plan: a few years in about a hundred captures
DEMO_ARCHIVE_RATE = 0.05


def _backfill(db: Path, start_url: str, archive_url: str) -> Any:
    """The plan's years before the first crawl, from the replica's web archive (as `vahti backfill` reads it)."""
    from scraper.backfill import PlanScope, backfill
    from scraper.fetch import Fetcher, FetchPolicy
    from scraper.wayback import WebArchive
    from snapshots.captured_runs import stored_captures
    from snapshots.store import open_writer

    scope = PlanScope.of(start_url)
    with open_writer(db) as writer, Fetcher(archive_url, FetchPolicy(delay=0)) as fetcher:
        return backfill(WebArchive(fetcher, archive_url), scope, writer, stored_captures(writer.con(), scope.site))


def _pick_action(changes: list[Any]) -> str | None:
    """The action with the most visible edits (status and task changes first): the best story to tell."""
    weight = {
        "status": 3,
        "task_completed": 3,
        "date_moved": 2,
        "name": 2,
        "task_added": 1,
        "contact": 1,
        "organization": 1,
    }
    score: Counter[str] = Counter()
    for change in changes:
        if change.kind in weight:
            score[change.identifier] += weight[change.kind]
    return score.most_common(1)[0][0] if score else None


def _rule(title: str) -> None:
    line = f"── {title} " + "─" * max(0, 76 - len(title))
    typer.echo(typer.style(line, bold=True) if use_color() else line)


@app.command()
def demo(
    db: Path | None = typer.Option(None, "--db", help="Archive to crawl into (default: a fresh temporary one)."),
    days: int = typer.Option(5, "--days", min=2, max=60, help="Simulated days to crawl (day 0, then advance)."),
    plan: str = typer.Option("tampere", "--plan", help="Replica plan: tampere (14 actions), espoo, helsinki (150)."),
    era: str = typer.Option("v3", "--era", help="Replica front-end era: v1early, v1, v2, v3."),
    out: Path | None = typer.Option(
        None, "--out", help="Directory for the report and exports (default: beside the archive)."
    ),
) -> None:
    """Start the bundled replica, crawl it over several simulated days, show history and diff, write a report."""
    from scraper.replica import ReplicaConfig, ReplicaServer
    from snapshots.export import select_current, select_history, write_csv, write_jsonl, write_parquet
    from snapshots.history import action_history
    from snapshots.plan_diff import diff_runs
    from snapshots.queries import open_reader
    from snapshots.render_markdown import render_diff_markdown
    from snapshots.render_text import render_diff_text, render_history_text
    from snapshots.report import build_report
    from snapshots.report_html import render_report
    from snapshots.report_read import choose_site, list_runs
    from snapshots.warc_io import export_warc

    workdir = Path(tempfile.mkdtemp(prefix="vahti-demo-")) if db is None else db.resolve().parent
    archive = db if db is not None else workdir / "vahti.duckdb"
    outdir = out or workdir
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        cfg = ReplicaConfig(plan=plan, era=era, archive_port=0, archive_rate=DEMO_ARCHIVE_RATE)
        cfg.validate()
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    color = use_color()
    started = time.monotonic()
    today = dt.datetime.now(HELSINKI).date()
    first_day = today - dt.timedelta(days=days - 1)
    with ReplicaServer(cfg) as srv:
        captures = srv.archive.captures()
        _rule(f"Backfilling the years before: the replica's web archive ({captures[0].at:%Y}–{captures[-1].at:%Y})")
        backfilled = _backfill(archive, srv.start_url, srv.archive_url)
        eras = sorted({c.era for c in captures})
        typer.echo(f"{backfilled.listed} captures of the plan's pages in {', '.join(eras)} markup → "
                   f"{len(backfilled.days)} dated runs (one per day with captures)")
        # the live site goes on from where the archive's captures end
        base = captures[-1].day + 1
        _rule(f"Crawling the replica ({plan}, {era}) over {days} simulated days")
        typer.echo(f"replica at {srv.start_url}  →  archive {archive}")
        for day in range(days):
            srv.set_day(base + day)
            when = dt.datetime.combine(first_day + dt.timedelta(days=day), dt.time(6, 0), HELSINKI)
            summary = _crawl_day(archive, srv.start_url, when)
            edits = len(srv.changes(base + day - 1, base + day)) if day else 0
            note = f", the site made {edits} edits since yesterday" if day else ""
            typer.echo(
                f"day {day} ({when:%Y-%m-%d}): run {summary.run_id} {summary.outcome}, "
                f"{sum(summary.outcomes.values())} actions{note}"
            )
            if summary.outcome != "complete":
                raise UsageError(f"the demo crawl of day {day} ended {summary.outcome}: {summary.reason}")
        story = _pick_action(srv.changes(base, base + days - 1))
    with open_reader(archive) as con:
        site = choose_site(con, None)
        runs = [r for r in list_runs(con, site) if r.complete]
        first, last = runs[-days], runs[-1]
        _rule(f"What changed between day 0 and day {days - 1}")
        sys.stdout.write(render_diff_text(diff_runs(con, first, last), color=color))
        if story is not None:
            _rule(f"The history of action {story}")
            sys.stdout.write(render_history_text(action_history(con, site, story), color=color))
        files: dict[str, Path] = {}
        files["HTML report"] = outdir / "report.html"
        files["HTML report"].write_text(render_report(build_report(con, site)), encoding="utf-8")
        files["diff of the last two days (Markdown)"] = outdir / "diff.md"
        files["diff of the last two days (Markdown)"].write_text(
            render_diff_markdown(diff_runs(con, runs[-2], last)), encoding="utf-8"
        )
        files["current plan (JSON Lines)"] = outdir / "plan.jsonl"
        write_jsonl(select_current(con, site), files["current plan (JSON Lines)"])
        files["current plan (CSV)"] = outdir / "plan.csv"
        write_csv(select_current(con, site), files["current plan (CSV)"])
        files["full history (Parquet, Hive-partitioned)"] = outdir / "history-parquet"
        write_parquet(con, select_history(con, site), files["full history (Parquet, Hive-partitioned)"])
        files["raw pages of the last run (WARC)"] = outdir / "last-run.warc.gz"
        export_warc(con, site, str(last.id), files["raw pages of the last run (WARC)"])
    _rule("Written")
    typer.echo(f"archive                                   {archive}")
    for label, path in files.items():
        typer.echo(f"{label:<42}{path}")
    typer.echo(f"\nDone in {time.monotonic() - started:.1f} s. Try:")
    vahti = _program()
    typer.echo(f"  {vahti} diff --db {archive} --format markdown")
    if story is not None:
        typer.echo(f"  {vahti} history {story} --db {archive}")
    typer.echo(f'  {vahti} sql --db {archive} "SELECT identifier, status_label FROM actions_current"')


def _program() -> str:
    """How the user can call vahti again: plain `vahti` when it is on PATH, else the path they ran it by."""
    if shutil.which("vahti"):
        return "vahti"
    argv0 = Path(sys.argv[0])
    if argv0.name == "vahti" and argv0.exists():
        try:
            return str(argv0.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(argv0)
    return "vahti"
