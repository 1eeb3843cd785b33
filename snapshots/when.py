"""WHEN: a run id, or an ISO date/time meaning the last complete run on or before it.

A date means "by the end of that day in Helsinki", because that is the day a reader of the Finnish site means.
Only complete runs answer a date: a partial run knows nothing about the actions it did not reach.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from schemas.dates import HELSINKI
from schemas.errors import UsageError


@dataclass(frozen=True)
class Moment:
    """The run a WHEN names and the instant versions are read at (the run's start)."""

    run_id: int
    site: str
    at: dt.datetime


def parse_when(text: str) -> int | dt.datetime:
    """A run id, or the instant a date/time points at (end of the day for a bare date; naive = Helsinki)."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), HELSINKI) - dt.timedelta(
                microseconds=1
            )
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"bad WHEN {text!r}: give a run id or an ISO date/time such as 2024-05-01 or 2024-05-01T12:00"
        ) from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=HELSINKI)


def resolve_when(con: duckdb.DuckDBPyConnection, when: str, site: str | None = None) -> Moment:
    point = parse_when(when)
    if isinstance(point, int):
        row = con.execute("SELECT id, site, started_at FROM runs WHERE id = ?", [point]).fetchone()
        if row is None:
            raise UsageError(f"no run {point} in the archive")
        if site is not None and row[1] != site:
            raise UsageError(f"run {point} is a run of {row[1]}, not {site}")
        return Moment(int(row[0]), row[1], row[2])
    if site is None:
        sites = [r[0] for r in con.execute("SELECT DISTINCT site FROM runs ORDER BY 1").fetchall()]
        if len(sites) > 1:
            raise UsageError(f"the archive holds several sites; pick one with --site ({', '.join(sites)})")
    sql = "SELECT id, site, started_at FROM runs WHERE outcome = 'complete' AND started_at <= ?"
    params: list[object] = [point]
    if site is not None:
        sql += " AND site = ?"
        params.append(site)
    row = con.execute(sql + " ORDER BY started_at DESC, id DESC LIMIT 1", params).fetchone()
    if row is None:
        where = f" of {site}" if site else ""
        raise UsageError(f"no complete run{where} on or before {when.strip()}")
    return Moment(int(row[0]), row[1], row[2])
