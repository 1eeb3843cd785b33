"""Commands for readers of the archive: history, diff, export, import and report."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import duckdb
import typer

from schemas.errors import UsageError
from scraper.cli.app import DbOption, app, db_path
from snapshots.db import connect_read
from snapshots.history import action_history
from snapshots.plan_diff import diff_runs, pick_runs
from snapshots.render_markdown import render_diff_markdown, render_history_markdown
from snapshots.render_text import render_diff_text, render_history_text
from snapshots.report_read import choose_site


class TextFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


SiteOption = typer.Option(None, "--site", help="Host of the plan, when the archive holds several sites.")


@contextmanager
def reading(db: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect_read(db_path(db))
    try:
        yield con
    finally:
        con.close()


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
    site: str | None = SiteOption,
    db: Path | None = DbOption,
) -> None:
    """Every version of one action, oldest first, field by field, with the window in which each change happened."""
    with reading(db) as con:
        hist = action_history(con, choose_site(con, site), identifier)
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
    include_reparse: bool = typer.Option(False, "--include-reparse", help="Also show changes caused by re-parsing."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file instead of standard output."),
    site: str | None = SiteOption,
    db: Path | None = DbOption,
) -> None:
    """What changed across the plan between two runs (default: the last two complete runs of the site)."""
    with reading(db) as con:
        chosen = choose_site(con, site)
        a, b = pick_runs(con, chosen, when_from, when_to)
        result = diff_runs(con, a, b, include_reparse=include_reparse)
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
    include_reparse: bool = typer.Option(False, "--include-reparse", help="Also show changes caused by re-parsing."),
    site: str | None = SiteOption,
    db: Path | None = DbOption,
) -> None:
    """A self-contained HTML change report: status chart, latest changes, every change by action, the runs."""
    from snapshots.report import build_report
    from snapshots.report_html import render_report

    with reading(db) as con:
        data = build_report(con, choose_site(con, site), when_from, when_to, include_reparse)
    emit(render_report(data), out)
