"""`vahti export`: the plan (now, at a WHEN, or its whole history) as JSON Lines, CSV or Parquet.

JSON Lines carry the Action record exactly (DESIGN section 3), so `Action.model_validate` reads them back; the
history and a date's `last_seen` add their keys beside it. A date exports each action as last seen by then, from
whichever run saw it last, so `last_seen` says how old each row's evidence is.
Parquet keeps nested fields as structs and lists (typed from the record's JSON by DuckDB), and the history is
partitioned Hive-style by site and day (`site=…/date=…/`), the layout DuckLake, Spark and Trino read as is.
CSV flattens lists into readable text plus counts, for a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from schemas.dates import HELSINKI
from schemas.errors import UsageError
from snapshots.change_model import RunInfo
from snapshots.report_read import Point, VersionRow, plan_as_of, plan_state, versions_of, versions_valid_at

#: The record's JSON as DuckDB types (json_transform structure): nested lists stay lists of structs.
RECORD_STRUCTURE: dict[str, Any] = {
    "site": "VARCHAR",
    "plan_path": "VARCHAR",
    "url": "VARCHAR",
    "identifier": "VARCHAR",
    "name": "VARCHAR",
    "lead": "VARCHAR",
    "description": "VARCHAR",
    "official_description": "VARCHAR",
    "official_description_label": "VARCHAR",
    "official_description_source": "VARCHAR",
    "categories": ["VARCHAR"],
    "responsible_organizations": [{"name": "VARCHAR", "abbreviation": "VARCHAR", "role": "VARCHAR"}],
    "contact_persons": [{"name": "VARCHAR", "title": "VARCHAR", "organization": "VARCHAR"}],
    "status": {"label": "VARCHAR", "identifier": "VARCHAR"},
    "implementation_phase": "VARCHAR",
    "completion": "INTEGER",
    "impact": "VARCHAR",
    "schedule": "VARCHAR",
    "tasks": [{"state": "VARCHAR", "date": "DATE", "date_text": "VARCHAR", "title": "VARCHAR", "details": "VARCHAR"}],
    "indicators": [{"name": "VARCHAR", "url": "VARCHAR"}],
    "links": [{"title": "VARCHAR", "url": "VARCHAR"}],
    "status_updates": [{"date": "DATE", "author": "VARCHAR", "title": "VARCHAR", "body": "VARCHAR"}],
    "updated_at": "DATE",
    "previous_url": "VARCHAR",
    "next_url": "VARCHAR",
    "test_instance": "BOOLEAN",
    "language": "VARCHAR",
    "extra_sections": "MAP(VARCHAR, VARCHAR)",
    "parser_version": "VARCHAR",
}

HISTORY_COLUMNS = ("valid_from", "valid_to", "cause", "version_id", "first_run", "last_run", "gone_reason")
#: Added by a date in --at: when the run that last saw each action began.
AS_OF_COLUMNS = ("last_seen",)


@dataclass
class Selection:
    """Which versions to export and what they mean."""

    versions: list[VersionRow]
    history: bool
    run: RunInfo | None = None
    #: a date in --at: when each version's action was last seen by then, by version id
    last_seen: dict[int, dt.datetime | None] | None = None


def select_current(con: duckdb.DuckDBPyConnection, site: str) -> Selection:
    return Selection(versions_of(con, "site = ? AND valid_to IS NULL", [site]), history=False)


def select_at(con: duckdb.DuckDBPyConnection, point: Point) -> Selection:
    """A date: every action of the site as last seen by then (`plan_as_of`), with when. A run id: the plan as
    that run saw it; for actions a partial run did not reach, the version in force at that time."""
    run = point.run
    if point.at is not None:
        as_of = plan_as_of(con, run.site, point.at.at, run)
        shown = sorted(as_of.versions.values(), key=lambda v: v.id)
        return Selection(shown, history=False, run=run, last_seen={v.id: as_of.seen[v.key].at for v in shown})
    state = plan_state(con, run)
    chosen = dict(state.versions)
    if state.unknown and run.started_at is not None:
        for version in versions_valid_at(con, run.site, run.started_at):
            if version.key in state.unknown:
                chosen[version.key] = version
    return Selection(sorted(chosen.values(), key=lambda v: v.id), history=False, run=run)


def select_history(con: duckdb.DuckDBPyConnection, site: str) -> Selection:
    return Selection(versions_of(con, "site = ?", [site]), history=True)


def _row(version: VersionRow, history: bool, last_seen: dict[int, dt.datetime | None] | None = None) -> dict[str, Any]:
    row = dict(version.record)
    if last_seen is not None:
        seen = last_seen.get(version.id)
        row["last_seen"] = seen.isoformat() if seen else None
    if history:
        row.update(
            valid_from=version.valid_from.isoformat() if version.valid_from else None,
            valid_to=version.valid_to.isoformat() if version.valid_to else None,
            cause=version.cause,
            version_id=version.id,
            first_run=version.first_run,
            last_run=version.last_run,
            gone_reason=version.gone_reason,
        )
    return row


def rows(selection: Selection) -> Iterator[dict[str, Any]]:
    for version in selection.versions:
        yield _row(version, selection.history, selection.last_seen)


def write_jsonl(selection: Selection, out: Path) -> int:
    n = 0
    with _open(out) as fh:
        for row in rows(selection):
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
            n += 1
    return n


def _open(out: Path) -> Any:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None


# --- CSV ---------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "site", "plan_path", "language", "identifier", "name", "url", "status_label", "status_identifier",
    "implementation_phase", "completion", "impact", "schedule", "updated_at", "categories",
    "responsible_organizations", "contact_persons", "tasks_total", "tasks_done", "tasks_in_progress",
    "tasks_todo", "tasks", "indicators", "links", "status_updates", "lead", "description", "official_description",
    "official_description_label", "official_description_source", "extra_sections", "previous_url", "next_url",
    "test_instance", "parser_version",
)  # fmt: skip

SEP = " | "


def _org(o: dict[str, Any]) -> str:
    extra = ", ".join(x for x in (o.get("abbreviation"), o.get("role")) if x)
    return f"{o.get('name')} ({extra})" if extra else str(o.get("name"))


def _task(t: dict[str, Any]) -> str:
    when = t.get("date_text") or t.get("date") or ""
    return f"[{t.get('state')}{' ' + when if when else ''}] {t.get('title')}"


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """One spreadsheet row: lists become ' | '-joined readable text plus counts, free-form dicts JSON."""
    status = record.get("status") or {}
    tasks = record.get("tasks") or []
    row: dict[str, Any] = {k: record.get(k) for k in CSV_COLUMNS if k in record}
    row.update(
        status_label=status.get("label"),
        status_identifier=status.get("identifier"),
        categories=SEP.join(record.get("categories") or []),
        responsible_organizations=SEP.join(_org(o) for o in record.get("responsible_organizations") or []),
        contact_persons=SEP.join(
            ", ".join(str(c[k]) for k in ("name", "title", "organization") if c.get(k))
            for c in record.get("contact_persons") or []
        ),
        tasks_total=len(tasks),
        tasks_done=sum(1 for t in tasks if t.get("state") == "done"),
        tasks_in_progress=sum(1 for t in tasks if t.get("state") == "in_progress"),
        tasks_todo=sum(1 for t in tasks if t.get("state") == "todo"),
        tasks=SEP.join(_task(t) for t in tasks),
        indicators=SEP.join(str(i.get("name")) for i in record.get("indicators") or []),
        links=SEP.join(f"{lk.get('title')} <{lk.get('url')}>" for lk in record.get("links") or []),
        status_updates=SEP.join(
            f"{u.get('date') or ''} {u.get('title')}".strip() for u in record.get("status_updates") or []
        ),
        extra_sections=json.dumps(record.get("extra_sections") or {}, ensure_ascii=False),
    )
    return row


def write_csv(selection: Selection, out: Path) -> int:
    added = (HISTORY_COLUMNS if selection.history else ()) + (AS_OF_COLUMNS if selection.last_seen is not None else ())
    columns = list(CSV_COLUMNS) + list(added)
    n = 0
    with _open(out) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows(selection):
            flat = flatten(row)
            flat.update({k: row.get(k) for k in added})
            writer.writerow(flat)
            n += 1
    return n


# --- Parquet -----------------------------------------------------------------------------------------------


def write_parquet(con: duckdb.DuckDBPyConnection, selection: Selection, out: Path) -> int:
    """Typed nested columns through DuckDB; the history goes to a Hive-partitioned directory."""
    ids = [v.id for v in selection.versions]
    structure = json.dumps(RECORD_STRUCTURE)
    history_cols = ""
    if selection.history:
        history_cols = (
            ", valid_from, valid_to, cause, id AS version_id, first_run, last_run, gone_reason,"
            f" strftime(timezone('{HELSINKI.key}', valid_from), '%Y-%m-%d') AS date"
        )
    params: list[Any] = [structure, ids]
    seen_col, seen_join = "", ""
    if selection.last_seen is not None:
        seen_col = ", seen.last_seen"
        seen_join = (" JOIN (SELECT unnest($3::BIGINT[]) AS seen_id, unnest($4::TIMESTAMPTZ[]) AS last_seen) seen"
                     " ON seen.seen_id = action_versions.id")
        params += [list(selection.last_seen), list(selection.last_seen.values())]
    query = (
        f"SELECT unnest(json_transform(record, $1)){history_cols}{seen_col} FROM action_versions{seen_join}"
        " WHERE id IN (SELECT unnest($2::BIGINT[])) ORDER BY site, plan_path, language, identifier, valid_from, id"
    )
    target = str(out)
    if selection.history:
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out} exists and is not a directory (a history export is a partitioned directory)")
        if out.exists():
            shutil.rmtree(out)
        copy = (
            f"COPY ({query}) TO '{_sql_path(target)}' (FORMAT parquet, PARTITION_BY (site, date), OVERWRITE_OR_IGNORE)"
        )
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        copy = f"COPY ({query}) TO '{_sql_path(target)}' (FORMAT parquet)"
    try:
        con.execute(copy, params)
    except duckdb.Error as exc:
        raise UsageError(f"cannot write {out}: {str(exc).splitlines()[0]}") from None
    return len(ids)


def _sql_path(path: str) -> str:
    return path.replace("'", "''")
