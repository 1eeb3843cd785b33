"""The stories a journalist looks for in a plan's changes, gathered for the report and the digest.

`vahti diff` and `vahti history` list every change; a reader first wants the few that are news in themselves:
silent edits and date-only bumps (`snapshots.silent`, the `silent_edits` view), flip-flops
(`snapshots.flipflops`) and languages left behind (`snapshots.lagging`: told once, on the day it became a
story). Each story names its action, says what happened in one line and when, and links to the action's history.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from schemas.dates import HELSINKI
from snapshots.change_model import Story
from snapshots.flipflops import WINDOW_DAYS, flip_flops
from snapshots.lagging import languages_left_behind
from snapshots.schema import SILENT_EDITS_SELECT
from snapshots.silent import SILENT_EDIT


def _day(moment: dt.datetime) -> str:
    local = moment.astimezone(HELSINKI)
    return f"{local.day}.{local.month}.{local.year}"


def plan_stories(
    con: duckdb.DuckDBPyConnection, site: str, plan_path: str, language: str,
    since: dt.datetime | None = None, until: dt.datetime | None = None, window_days: float = WINDOW_DAYS,
) -> list[Story]:
    """Every story of one plan in one language seen in (since, until], oldest first."""
    # the view's query itself, so an archive a reader opened before its upgrade (read-only) answers too
    sql = (f"SELECT identifier, kind, fields, changed_at FROM ({SILENT_EDITS_SELECT}) WHERE site = ?"
           " AND plan_path = ? AND language = ?")
    params: list[object] = [site, plan_path, language]
    if since is not None:
        sql += " AND changed_at > ?"
        params.append(since)
    if until is not None:
        sql += " AND changed_at <= ?"
        params.append(until)
    found: list[tuple[str, str, str, dt.datetime]] = []
    for ident, kind, fields, at in con.execute(sql, params).fetchall():
        if kind == SILENT_EDIT:
            text = f"{', '.join(fields)} changed on {_day(at)}, but “Tietoja päivitetty” did not move"
        else:
            text = f"“Tietoja päivitetty” moved on {_day(at)} with nothing else changed"
        found.append((kind, str(ident), text, at))
    for flip in flip_flops(con, site, window_days, plan_path=plan_path, language=language, since=since,
                          until=until):
        found.append(("flip_flop", flip.identifier,
                      f"{flip.describe()} between {_day(flip.started)} and {_day(flip.ended)}", flip.ended))
    for lag in languages_left_behind(con, site, window_days, plan_path=plan_path, now=until):
        if language not in (lag.leading, lag.lagging) or (since is not None and lag.noticed_at <= since):
            continue
        then = (f"{lag.lagging} followed on {_day(lag.followed_at)}" if lag.followed_at is not None
                else f"{lag.lagging} still shows the old values as of {_day(lag.as_of)}")
        found.append(("language_behind", lag.identifier,
                      f"{', '.join(lag.fields)} changed in {lag.leading} on {_day(lag.changed_at)}; {then}",
                      lag.noticed_at))
    names = _names(con, site, plan_path, language, sorted({f[1] for f in found}))
    return sorted((Story(kind, ident, names.get(ident, ""), text, at) for kind, ident, text, at in found),
                  key=lambda s: (s.at, s.identifier, s.kind))


def _names(con: duckdb.DuckDBPyConnection, site: str, plan_path: str, language: str,
           identifiers: list[str]) -> dict[str, str]:
    if not identifiers:
        return {}
    rows = con.execute(
        "SELECT identifier, arg_max(name, valid_from) FROM action_versions WHERE site = ? AND plan_path = ?"
        " AND language = ? AND list_contains(?::VARCHAR[], identifier) GROUP BY identifier",
        [site, plan_path, language, identifiers],
    ).fetchall()
    return {str(i): str(n or "") for i, n in rows}
