"""Commands for readers of the archive: history, diff, export, import and report."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import typer

from schemas.errors import ArchiveError, UsageError
from scraper.cli.app import DbOption, LanguageOption, PlanOption, SiteOption, app, db_path
from snapshots.history import action_history
from snapshots.plan_diff import diff_points, pick_points
from snapshots.queries import open_reader
from snapshots.render_markdown import render_diff_markdown, render_history_markdown
from snapshots.render_text import render_diff_text, render_history_text
from snapshots.report_read import choose_site, resolve_point

if TYPE_CHECKING:  # warcio and the record model: only `import` needs them
    from snapshots.captured_runs import Capture, Judgement


class TextFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


#: One option shows what diff, history and report leave out: re-parses and presentation-only (markup) versions.
#: `--include-reparse` is its older name and still works.
ALL_CHANGES_HELP = (
    "Also show changes caused by re-parsing and by presentation alone (cause markup: another front end printed "
    "the same plan), field by field as the records differ."
)


def all_changes_option() -> bool:
    return typer.Option(False, "--all-changes", "--include-reparse", help=ALL_CHANGES_HELP)


@contextmanager
def reading(db: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_reader(db_path(db)) as con:
        yield con


def use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def emit(text: str, out: Path | None = None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    typer.echo(f"wrote {out}", err=True)


@app.command()
def history(
    identifier: str = typer.Argument(..., help='Action identifier as the site shows it ("111", "2.1.10").'),
    fmt: TextFormat = typer.Option(TextFormat.text, "--format", help="text (coloured on a terminal), markdown, json."),
    all_changes: bool = all_changes_option(),
    site: str | None = SiteOption,
    plan: str | None = PlanOption,
    language: str | None = LanguageOption,
    db: Path | None = DbOption,
) -> None:
    """Every version of one action, oldest first, field by field, with the window in which each change happened."""
    with reading(db) as con:
        hist = action_history(con, choose_site(con, site), identifier, all_changes=all_changes, plan_path=plan,
                              language=language)
    if fmt is TextFormat.json:
        emit(json.dumps(hist.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif fmt is TextFormat.markdown:
        emit(render_history_markdown(hist))
    else:
        emit(render_history_text(hist, color=use_color()))


@app.command()
def diff(
    when_from: str | None = typer.Option(
        None, "--from", help="Run id or ISO date (default: the complete run before --to)."
    ),
    when_to: str | None = typer.Option(None, "--to", help="Run id or ISO date (default: the last complete run)."),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", help="text, markdown, json or html."),
    all_changes: bool = all_changes_option(),
    out: Path | None = typer.Option(None, "--out", help="Write to this file instead of standard output."),
    site: str | None = SiteOption,
    plan: str | None = PlanOption,
    language: str | None = LanguageOption,
    db: Path | None = DbOption,
) -> None:
    """What changed across the plan between two runs or dates (a date: the plan as last seen by then; default: the
    last two complete runs of the plan in its language; several plans or languages ask for --plan/--language)."""
    with reading(db) as con:
        chosen = choose_site(con, site)
        a, b = pick_points(con, chosen, when_from, when_to, plan, language)
        result = diff_points(con, a, b, all_changes=all_changes)
    if fmt is DiffFormat.json:
        emit(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n", out)
    elif fmt is DiffFormat.markdown:
        emit(render_diff_markdown(result), out)
    elif fmt is DiffFormat.html:
        from snapshots.render_html import render_diff_page

        emit(render_diff_page(result), out)
    else:
        emit(render_diff_text(result, color=out is None and use_color()), out)


@app.command()
def report(
    out: Path = typer.Option(Path("vahti-report.html"), "--out", help="The HTML file to write."),
    when_from: str | None = typer.Option(
        None, "--from", help="Start of the period: run id or ISO date (default: first run)."
    ),
    when_to: str | None = typer.Option(None, "--to", help="End of the period: run id or ISO date (default: last run)."),
    all_changes: bool = all_changes_option(),
    site: str | None = SiteOption,
    plan: str | None = PlanOption,
    language: str | None = LanguageOption,
    db: Path | None = DbOption,
) -> None:
    """A self-contained HTML change report: status chart, latest changes, every change by action, the runs."""
    from snapshots.report import build_report
    from snapshots.report_html import render_report

    with reading(db) as con:
        data = build_report(con, choose_site(con, site), when_from, when_to, all_changes, plan, language)
    emit(render_report(data), out)


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"
    warc = "warc"
    dataset = "dataset"


@app.command()
def export(
    fmt: ExportFormat = typer.Option(
        ..., "--format", help="parquet, csv, jsonl (records), warc (raw responses) or dataset (the public dataset)."
    ),
    out: Path = typer.Option(..., "--out", help="File to write (a directory for --history --format parquet)."),
    at: str | None = typer.Option(None, "--at", help="The plan as of this run id or ISO date (default: now)."),
    history_: bool = typer.Option(False, "--history", help="Every version, with valid_from / valid_to."),
    sites: Path | None = typer.Option(
        None, "--sites", help="--format dataset: each site's licence from this sites.toml (default: not known)."
    ),
    site: str | None = SiteOption,
    db: Path | None = DbOption,
) -> None:
    """Export the plan (now, --at WHEN, or --history) for other tools; --format warc writes a run's raw pages."""
    from snapshots import export as ex

    if history_ and at is not None:
        raise UsageError("--history and --at exclude each other: the history holds every date")
    if fmt is ExportFormat.dataset:
        _export_dataset(out, sites, db, bool(history_ or at is not None or site is not None))
        return
    if sites is not None:
        raise UsageError("--sites is for --format dataset (the licences of its sites)")
    with reading(db) as con:
        chosen = choose_site(con, site)
        if fmt is ExportFormat.warc:
            from snapshots.warc_io import export_warc

            if history_:
                raise UsageError("--format warc writes one run's raw pages; pick it with --at (default: the last run)")
            lost: list[str] = []
            count = export_warc(con, chosen, at, out, lost)
            typer.echo(f"wrote {count} responses to {out}", err=True)
            if lost:  # the others are written; each lost page is named, and the exit code says incomplete
                for line in lost:
                    typer.echo(f"left out {line}", err=True)
                raise ArchiveError(f"{len(lost)} page(s) could not be restored and are missing from {out}")
            return
        if history_:
            selection = ex.select_history(con, chosen)
        elif at is not None:
            selection = ex.select_at(con, resolve_point(con, at, chosen))
        else:
            selection = ex.select_current(con, chosen)
        if fmt is ExportFormat.parquet:
            count = ex.write_parquet(con, selection, out)
        elif fmt is ExportFormat.csv:
            count = ex.write_csv(selection, out)
        else:
            count = ex.write_jsonl(selection, out)
    what = "versions" if history_ else "actions"
    typer.echo(f"wrote {count} {what} to {out}", err=True)


def _export_dataset(out: Path, sites: Path | None, db: Path | None, narrowed: bool) -> None:
    """The public dataset (the daily job writes the same into publish/dataset): every site, the full history."""
    from scraper.ci.sites import load_sites
    from scraper.urls import site_of
    from snapshots.dataset import write_dataset

    if narrowed:
        raise UsageError("--format dataset writes every site's full history: --at, --history and --site do not apply")
    licences = {}
    if sites is not None:
        licences = {site_of(s.start_url): s.licence for s in load_sites(sites).resolved() if s.licence}
    with reading(db) as con:
        summary = write_dataset(con, out, licences)
    rows = {name: sum(per_site.values()) for name, per_site in summary.rows.items()}
    typer.echo(f"wrote the dataset of {len(summary.sites)} site(s) to {out}: "
               + ", ".join(f"{n} {name}" for name, n in rows.items()), err=True)


def judge_capture(capture: Capture) -> Judgement | None:
    """What the crawler would have recorded for this response: the same judge as a live fetch (`scraper.judge`).
    Captures that are not action pages (the list, robots.txt) are stored, not observed."""
    from scraper.judge import judge_response
    from scraper.urls import action_location
    from snapshots.captured_runs import Judgement

    if action_location(capture.url) is None:
        return None
    verdict = judge_response(capture.url, capture.status, capture.headers, capture.body)
    return Judgement(verdict.outcome, verdict.identifier, record=verdict.record, error=verdict.error,
                     reason=verdict.reason, warnings=verdict.warnings)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="A WARC file (.warc or .warc.gz), from vahti or from a web archive."),
    db: Path | None = DbOption,
) -> None:
    """Load captures from a WARC as runs dated by their capture time (backfill, also before existing runs)."""
    from snapshots.backfill import needs_splice, rebuild_versions
    from snapshots.store import open_writer
    from snapshots.warc_io import import_groups, read_warc

    contents = read_warc(file)
    if not contents.captures:
        raise UsageError(f"{file} holds no HTTP responses to import")
    oldest: dict[str, dt.datetime] = {}
    new_runs: list[int] = []
    with open_writer(db_path(db)) as writer:
        for run in import_groups(writer, contents, judge_capture, file.name):
            oldest[run.site] = min(oldest.get(run.site, run.started_at), run.started_at)
            new_runs.append(run.run_id)
            typer.echo(
                f"run {run.run_id}: {run.site} captured {run.started_at:%Y-%m-%d %H:%M} UTC, {run.captures} responses, "
                f"{run.parsed} actions, {run.outcome}"
            )
        con = writer.con()
        for site, since in oldest.items():
            if needs_splice(con, site, since, new_runs):
                count = rebuild_versions(writer, site)
                typer.echo(f"{site}: captures older than existing runs; history rebuilt ({count} versions)")
