"""Commands on the archive itself: `runs`, `show`, `sql` and `reparse`.

Readers open the file read-only, so all but `reparse` work while a crawl is writing. Tables are drawn with rich on
a terminal and as plain aligned text (or CSV / JSON) when piped, so scripts and people both get what they need.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from schemas.dates import HELSINKI
from schemas.record_shape import FIELDS
from schemas.text import clean_inline
from scraper.cli.app import DbOption, LanguageOption, PlanOption, SiteOption, app, db_path
from snapshots.agreement import latest_agreement
from snapshots.queries import Shown, open_reader, run_sql, show_action
from snapshots.render_common import STATE_WORDS
from snapshots.report_read import RUN_COLUMNS, list_runs, run_listing

if TYPE_CHECKING:  # the parser and the record model load only for `reparse`
    from schemas.action import Action


class TableFormat(StrEnum):
    text = "text"
    csv = "csv"
    json = "json"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


_RUNS_TEXT = ("id", "site", "plan_path", "language", "started_at", "finished_at", "outcome", "pages", "parsed",
              "unchanged", "parse_failed", "gone", "fetch_failed", "not_reached", "versions_added", "agreement",
              "agreement_field", "reason")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: TableFormat) -> None:
    if fmt is TableFormat.json:
        data = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is TableFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        sys.stdout.write(buffer.getvalue())
        return
    cells = [[_cell(v) for v in row] for row in rows]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns, show_lines=False)
        for row_cells in cells:
            table.add_row(*row_cells)
        Console().print(table)
        return
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    widths = [min(w, 60) for w in widths]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for row_cells in cells:
        lines.append("  ".join(v.replace("\n", " ")[:w].ljust(w) for v, w in zip(row_cells, widths, strict=True))
                     .rstrip())
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


@app.command()
def runs(
    fmt: TableFormat = typer.Option(TableFormat.text, "--format", help="text, csv or json."),
    site: str | None = SiteOption,
    db: Path | None = DbOption,
) -> None:
    """List the crawl runs: when, outcome, and what each observed."""
    with open_reader(db_path(db)) as con:
        found = [run_listing(run) for run in list_runs(con, site)]
    _add_agreement(found, db_path(db))
    if fmt is TableFormat.json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return
    columns: Sequence[str] = RUN_COLUMNS if fmt is TableFormat.csv else _RUNS_TEXT
    rows = [[r[c] for c in columns] for r in found]
    if fmt is TableFormat.text:
        # the same clock as diff, history and the report: Helsinki time, to the minute
        rows = [[_helsinki(v) if c in ("started_at", "finished_at") else v for c, v in zip(columns, row, strict=True)]
                for row in rows]
        columns = [f"{c} (Helsinki)" if c in ("started_at", "finished_at") else c for c in columns]
    print_table(columns, rows, fmt)


def _add_agreement(found: list[dict[str, Any]], db: Path) -> None:
    """Each run's agreement with the plan's own API (`vahti verify`): the lowest compared field's percent and
    its name, None for a run never verified."""
    if not found:
        return
    with open_reader(db) as con:
        known = latest_agreement(con, [int(run["id"]) for run in found])
    for run in found:
        summary = known.get(int(run["id"]))
        run["agreement"] = summary.lowest_agreement if summary else None
        run["agreement_field"] = summary.lowest_field if summary else None


def _helsinki(value: Any) -> Any:
    if not isinstance(value, str | dt.datetime):
        return value
    try:
        stamp = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M")


def _item_line(name: str, item: Any) -> str:
    """One list item as a reader would say it (the JSON stays available with --format json)."""
    if not isinstance(item, dict):
        return str(item)
    def bits(*keys: str) -> str:
        return ", ".join(str(item[k]) for k in keys if item.get(k))
    if name == "tasks":
        when = item.get("date_text") or item.get("date") or "no date"
        line = f"[{STATE_WORDS.get(str(item.get('state')), item.get('state'))} {when}] {item.get('title')}"
        return line + (f" — {clean_inline(str(item['details']))[:120]}" if item.get("details") else "")
    if name == "responsible_organizations":
        extra = bits("abbreviation", "role")
        return f"{item.get('name')}" + (f" ({extra})" if extra else "")
    if name == "contact_persons":
        return bits("name", "title", "organization")
    if name in ("links", "indicators"):
        label = item.get("title") or item.get("name")
        return f"{label} <{item['url']}>" if item.get("url") else str(label)
    if name == "status_updates":
        return f"{item.get('date') or 'no date'} {item.get('title')}" + (f" — {item['author']}" if item.get("author") else "")
    return json.dumps(item, ensure_ascii=False)


def _field_lines(name: str, value: Any) -> list[str]:
    if isinstance(value, list):
        return [f"{name}: {len(value)}", *(f"  - {_item_line(name, item)}" for item in value)]
    if name == "status" and isinstance(value, dict):
        return [f"status: {value.get('label')}" + (f" ({value['identifier']})" if value.get("identifier") else "")]
    if isinstance(value, dict):
        lines = [f"{name}: {len(value)}"]
        for key, text in value.items():
            lines.append(f"  {key}:")
            lines.extend(f"    {line}" for line in str(text).splitlines())
        return lines
    if value is None:
        return [f"{name}: (not shown)"]
    if value == "":
        return [f"{name}: (shown empty)"]
    if isinstance(value, str) and "\n" in value:
        return [f"{name}:", *(f"  {line}" for line in value.splitlines())]
    if isinstance(value, bool):
        return [f"{name}: {'yes' if value else 'no'}"]
    return [f"{name}: {value}"]


def _show_text(shown: Shown) -> str:
    site, plan_path, language, identifier = shown.key
    until = _cell(shown.valid_to) or "now"
    head = [
        f"action {identifier}  {site}{plan_path} ({language})",
        f"version {shown.version_id}, valid {_helsinki(shown.valid_from)} .. {_helsinki(until)} (Helsinki time), runs {shown.first_run}"
        f"..{shown.last_run}, cause {shown.cause}, parser {shown.parser_version}",
    ]
    if shown.gone_reason:
        head.append(f"gone: {shown.gone_reason}")
    if shown.as_of is not None:
        head.append(f"as of {shown.as_of.label()}: last seen by run {shown.at_run}"
                    f" ({_helsinki(shown.last_seen)} Helsinki time)")
    elif shown.at_run is not None:
        head.append(f"as of run {shown.at_run}")
    body = []
    for name in FIELDS:
        if name in ("site", "plan_path", "identifier", "language", "parser_version"):
            continue
        body.extend(_field_lines(name, shown.record.get(name)))
    return "\n".join([*head, "", *body]) + "\n"


@app.command()
def show(
    identifier: str = typer.Argument(..., help="Action identifier as the site shows it (\"111\", \"2.1.10\")."),
    at: str | None = typer.Option(None, "--at", help="WHEN: a run id or an ISO date/time (default: now)."),
    site: str | None = SiteOption,
    plan: str | None = PlanOption,
    language: str | None = LanguageOption,
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", help="text or json."),
    db: Path | None = DbOption,
) -> None:
    """One action as the archive knew it at a run or date."""
    with open_reader(db_path(db)) as con:
        shown = show_action(con, identifier, at, site, plan, language)
    if fmt is ShowFormat.json:
        sys.stdout.write(json.dumps(shown.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_show_text(shown))


@app.command()
def sql(
    query: str = typer.Argument(..., help="A SELECT (or any read-only statement) over the archive's tables."),
    fmt: TableFormat = typer.Option(TableFormat.text, "--format", help="text, csv or json."),
    db: Path | None = DbOption,
) -> None:
    """Read-only SQL on the archive (tables: runs, pages, bodies, observations, action_versions,
    action_changes; view actions_current)."""
    with open_reader(db_path(db)) as con:
        columns, rows = run_sql(con, query)
    print_table(columns, rows, fmt)


def _parse_with_current_parser(body: bytes, url: str) -> Action:
    from scraper.parse import parse_page

    return parse_page(body, url).action


@app.command()
def reparse(
    site: str | None = SiteOption,
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", help="text or json."),
    db: Path | None = DbOption,
) -> None:
    """Re-derive every current record from its stored raw page with this vahti's parser; add a version (cause
    "reparse") only where the result differs, and report per field how many records changed."""
    from snapshots.reparse import reparse as reparse_archive
    from snapshots.store import open_writer

    with open_writer(db_path(db)) as archive:
        report = reparse_archive(archive, _parse_with_current_parser, site=site)
    if fmt is ShowFormat.json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    lines = [
        f"re-derived {report.examined} records: {report.changed} changed, {report.added} newly parsed, "
        f"{report.failed} failed to parse"
    ]
    for name, number in sorted(report.fields.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {name}: {number} record{'s' if number != 1 else ''}")
    lines.extend(f"  parse error {e}" for e in report.errors[:20])
    sys.stdout.write("\n".join(lines) + "\n")
