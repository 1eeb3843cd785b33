"""Which stored page `vahti page` means: an action's page or a URL's, as last fetched by a moment, or a row of
`pages` by id. The bytes then come from `snapshots.bodies.BodyReader`, like every other reader's."""

from __future__ import annotations

import datetime as dt

import duckdb

from schemas.errors import UsageError
from snapshots.report_read import get_run
from snapshots.when import parse_when


def _cutoff(con: duckdb.DuckDBPyConnection, at: str | None) -> dt.datetime | None:
    """The latest run start a page may come from: a run id's start, or the instant a date/time means."""
    if at is None:
        return None
    point = parse_when(at)
    if isinstance(point, int):
        return get_run(con, point).started_at
    return point


def find_page(
    con: duckdb.DuckDBPyConnection,
    target: str | None,
    *,
    at: str | None = None,
    site: str | None = None,
    page_id: int | None = None,
) -> int:
    """The page id: `page_id` as given; for a URL (`http…`) the last fetch of it by runs started at or before
    `at`; for an action identifier the page behind its last observation that had one by then (in `site` when
    the identifier exists in several plans). UsageError when there is none."""
    if page_id is not None:
        if target is not None or at is not None:
            raise UsageError("--page names one row of `pages`: give no ID, URL or --at with it")
        if con.execute("SELECT 1 FROM pages WHERE id = ?", [page_id]).fetchone() is None:
            raise UsageError(f"no page {page_id} in the archive")
        return page_id
    if not target:
        raise UsageError("give an action identifier, a page URL, or --page N")
    cutoff = _cutoff(con, at)
    when = f" by {at.strip()}" if at else ""
    if "://" in target:
        sql = ("SELECT p.id FROM pages p JOIN runs r ON r.id = p.run_id WHERE p.url = ?"
               + (" AND r.started_at <= ?" if cutoff else "") + (" AND r.site = ?" if site else "")
               + " ORDER BY r.started_at DESC, p.id DESC LIMIT 1")
        params: list[object] = [target, *([cutoff] if cutoff else []), *([site] if site else [])]
        row = con.execute(sql, params).fetchone()
        if row is None:
            raise UsageError(f"no page of {target} in the archive{when}")
        return int(row[0])
    plans = con.execute(
        "SELECT DISTINCT site, plan_path, language FROM observations WHERE identifier = ?"
        + (" AND site = ?" if site else ""),
        [target, *([site] if site else [])],
    ).fetchall()
    if len(plans) > 1:
        names = ", ".join(sorted({p[0] + p[1] + "/" + p[2] for p in plans}))
        raise UsageError(f"action {target} exists in several plans ({names}); pick one with --site")
    sql = ("SELECT o.page_id FROM observations o JOIN runs r ON r.id = o.run_id JOIN pages p ON p.id = o.page_id"
           " WHERE o.identifier = ? AND p.sha256 IS NOT NULL" + (" AND r.started_at <= ?" if cutoff else "")
           + (" AND o.site = ?" if site else "") + " ORDER BY r.started_at DESC, o.id DESC LIMIT 1")
    row = con.execute(sql, [target, *([cutoff] if cutoff else []), *([site] if site else [])]).fetchone()
    if row is None:
        raise UsageError(f"no stored page of action {target} in the archive{when}")
    return int(row[0])
