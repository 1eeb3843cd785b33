"""Flip-flops: a field of an action that returns to an earlier value within a few days.

A status that goes from "Myöhässä" to "Ajallaan" and back within a week is one story, not three: the pattern is
the news ("status Myöhässä → Ajallaan → Myöhässä between 3.2. and 9.2."), each flip on its own is not. The
history keeps every step; this module finds the patterns, from the change rows (`action_changes`), so it sees
what the ledger decided: changes of meaning from crawls, imports and backfills, never a reparse or a new front
end's presentation. A flip that does not return within the window is an ordinary change, and a return after it
is another one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb

#: the default window: a value back within two weeks is a flip-flop (`vahti ci` reads it from sites.toml)
WINDOW_DAYS = 14
#: fields that move without anyone editing the action (snapshots.silent), never a flip-flop of their own
_NOT_EDITS = ("previous_url", "next_url", "order", "updated_at")


@dataclass(frozen=True)
class FlipFlop:
    site: str
    plan_path: str
    language: str
    identifier: str
    field: str
    values: tuple[Any, ...]  # the value before, then each value it took, the last equal to the first
    started: dt.datetime  # the change that left the value
    ended: dt.datetime  # the change that brought it back
    runs: tuple[int, ...]  # the runs that saw each step

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.site, self.plan_path, self.language, self.identifier)

    def describe(self) -> str:
        """"status Myöhässä → Ajallaan → Myöhässä"; a list field only says it changed back."""
        if all(_shown(v) is not None for v in self.values):
            return f"{self.field} " + " → ".join(str(_shown(v)) for v in self.values)
        return f"{self.field} changed and changed back"

    def to_json(self) -> dict[str, Any]:
        return {"site": self.site, "plan_path": self.plan_path, "language": self.language,
                "identifier": self.identifier, "field": self.field, "values": list(self.values),
                "started": self.started.isoformat(), "ended": self.ended.isoformat(), "runs": list(self.runs)}


def _shown(value: Any) -> str | int | None:
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    if value is None or isinstance(value, str | int | float):
        return "—" if value is None else value  # type: ignore[return-value]
    return None


def flip_flops(
    con: duckdb.DuckDBPyConnection, site: str, window_days: float = WINDOW_DAYS, *,
    plan_path: str | None = None, language: str | None = None,
    since: dt.datetime | None = None, until: dt.datetime | None = None,
) -> list[FlipFlop]:
    """Every flip-flop of the site's actions, oldest first: for each field, a change and the later change (within
    `window_days` of it) that brings back the value the first one left; the values in between are the pattern.
    Patterns do not overlap: after one ends, the next is looked for from the change after it. `since`/`until`
    keep the patterns that ended after `since`, up to and including `until`."""
    sql = ("SELECT plan_path, language, identifier, field, old, new, changed_at, run_id FROM action_changes"
           " WHERE site = ? AND cause NOT IN ('reparse', 'markup') AND NOT list_contains(?::VARCHAR[], field)")
    params: list[Any] = [site, list(_NOT_EDITS)]
    if plan_path is not None:
        sql += " AND plan_path = ?"
        params.append(plan_path)
    if language is not None:
        sql += " AND language = ?"
        params.append(language)
    # every change of the site, whatever `since`/`until` say: the patterns are found left to right without
    # overlapping, so a window that cut the series would pair its steps differently from one day to the next
    rows = con.execute(sql, params).fetchall()
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[6]))
    series: dict[tuple[str, str, str, str], list[tuple[Any, Any, dt.datetime, int]]] = {}
    for plan, lang, ident, name, old, new, at, run in rows:
        # compared as stored: the ledger writes values canonically (sorted keys), so equal text is an equal value,
        # and only the patterns found are decoded (a task list is long; a year holds thousands of them)
        series.setdefault((plan, lang, ident, name), []).append((old, new, at, run))
    window = dt.timedelta(days=window_days)
    found: list[FlipFlop] = []
    for (plan, lang, ident, name), steps in series.items():
        i = 0
        while i < len(steps):
            start_old, _, start_at, _ = steps[i]
            end = next((j for j in range(i + 1, len(steps))
                        if steps[j][2] - start_at <= window and steps[j][1] == start_old), None)
            if end is None:
                i += 1
                continue
            values = tuple(_load(v) for v in (start_old, *(steps[k][1] for k in range(i, end + 1))))
            runs = tuple(steps[k][3] for k in range(i, end + 1))
            found.append(FlipFlop(site, plan, lang, ident, name, values, start_at, steps[end][2], runs))
            i = end + 1
    found = [f for f in found if (since is None or f.ended > since) and (until is None or f.ended <= until)]
    return sorted(found, key=lambda f: (f.ended, f.identifier, f.field))


def _load(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
