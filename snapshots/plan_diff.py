"""`vahti diff`: what changed across a plan between two runs or dates, built on what each run observed (a date:
the plan as last seen by then, `snapshots.report_read.plan_as_of`)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Any

import duckdb

from schemas.errors import UsageError
from snapshots.causes import HIDDEN_CAUSES, MARKUP
from snapshots.change_model import AsOf, PlanDiff, RunInfo
from snapshots.diff import ActionChange, FieldChange, change_order, diff_plans, diff_records, natural_key
from snapshots.plan_title import plan_title
from snapshots.records import RecordReader
from snapshots.report_read import (
    Key,
    PlanState,
    Point,
    VersionRow,
    choose_plan,
    is_run_id,
    last_complete_runs,
    plan_as_of,
    plan_state,
    plan_words,
    resolve_point,
    resolve_when,
    same_plan,
    versions_of,
)
from snapshots.stories import plan_stories

#: Fields left out of a plan diff by default (see `diff_runs`).
NAVIGATION = ("previous_url", "next_url")

#: When a change went through several versions between two runs, the cause a reader should see.
_CAUSE_RANK = ("crawl", "backfill", "import", "reparse", MARKUP)


def pick_points(
    con: duckdb.DuckDBPyConnection, site: str, when_from: str | None, when_to: str | None,
    plan_path: str | None = None, language: str | None = None,
) -> tuple[Point, Point]:
    """Default: the last two complete runs; --to alone compares with the complete run before it. A date is the
    plan as last seen by then (`plan_as_of`), beside the latest run at or before it. Every run is one of the same
    plan in the same language (`choose_plan`: a run id names its own, a site crawled in several asks for
    --plan/--language): a Finnish crawl against an English one reads as every action removed and added."""
    scope = choose_plan(con, site, plan_path, language, (when_to, when_from))

    def resolve(when: str) -> Point:
        # a run id keeps its own plan (checked against --from's below); a date looks only at the chosen plan
        return resolve_point(con, when, site, *((plan_path, language) if is_run_id(when) else scope))

    # a message names the plan and language when the user chose them (the site may hold runs of others)
    words = f" in {plan_words(*scope)}" if plan_path is not None or language is not None else ""
    if when_from is None and when_to is None:
        runs = last_complete_runs(con, site, 2, *scope)
        if len(runs) < 2:
            raise UsageError(f"{site} has fewer than two complete runs{words}; nothing to compare yet")
        return Point(runs[0]), Point(runs[1])
    if when_to:
        to = resolve(when_to)
    else:
        last = last_complete_runs(con, site, 1, *scope)
        if not last:
            raise UsageError(f"{site} has no complete run yet{words}; nothing to compare")
        to = Point(last[-1])
    to_run = to.run
    if when_from is not None:
        start = resolve(when_from)
    else:
        row = con.execute(
            "SELECT id FROM runs WHERE site = ? AND plan_path = ? AND language = ? AND outcome = 'complete' AND"
            " (started_at < ? OR (started_at = ? AND id < ?)) ORDER BY started_at DESC, id DESC LIMIT 1",
            [site, to_run.plan_path, to_run.language, to_run.started_at, to_run.started_at, to_run.id],
        ).fetchone()
        if row is None:
            raise UsageError(f"no complete run of {site} {plan_words(to_run.plan_path, to_run.language)}"
                             f" before run {to_run.id}")
        start = Point(resolve_when(con, str(row[0]), site))
    same_plan(start.run, to_run)
    begins, ends = _instant(start), _instant(to)
    if begins is not None and ends is not None and begins > ends:
        # a reversed diff reads like a plausible story (tasks "un-completed", statuses reverting): refuse it
        raise UsageError(f"--from ({_named(start)}) is later than --to ({_named(to)}); swap them")
    return start, to


def _instant(point: Point) -> dt.datetime | None:
    """The moment a side stands for: a date's instant, a run's start."""
    return point.at.at if point.at is not None else point.run.started_at


def _named(point: Point) -> str:
    return point.at.label() if point.at is not None else f"run {point.run.id}"


def diff_points(
    con: duckdb.DuckDBPyConnection, start: Point, end: Point, *, all_changes: bool = False,
    ignore: Iterable[str] | None = None,
) -> PlanDiff:
    """`diff_runs` of what two WHENs name (`pick_points`)."""
    return diff_runs(con, start.run, end.run, all_changes=all_changes, ignore=ignore, from_at=start.at,
                     to_at=end.at)


def _between(
    con: duckdb.DuckDBPyConnection, site: str, a: dt.datetime | None, b: dt.datetime | None
) -> tuple[dict[Key, set[str]], dict[Key, set[str]], dict[Key, dt.datetime]]:
    """Per action, the causes of the versions that began after instant `a` and no later than `b` (a run's start
    or a date's instant), the fields whose meaning those versions changed, and when the last of them seen in a
    web-archive capture was captured (what the diff tells a reader about where a change was seen)."""
    causes: dict[Key, set[str]] = {}
    fields: dict[Key, set[str]] = {}
    captured: dict[Key, dt.datetime] = {}
    if a is None or b is None:
        return causes, fields, captured
    for version in versions_of(
        con, "site = ? AND valid_from > ? AND valid_from <= ?", [site, a, b], meaning=True, records=False,
    ):
        causes.setdefault(version.key, set()).add(version.cause)
        fields.setdefault(version.key, set()).update(version.meaning_fields)
        if version.cause == "backfill":
            captured[version.key] = max(captured.get(version.key, version.valid_from), version.valid_from)
    return causes, fields, captured


def diff_runs(
    con: duckdb.DuckDBPyConnection,
    from_run: RunInfo,
    to_run: RunInfo,
    *,
    all_changes: bool = False,
    ignore: Iterable[str] | None = None,
    from_at: AsOf | None = None,
    to_at: AsOf | None = None,
) -> PlanDiff:
    """`ignore` defaults to the prev/next links: a neighbour moving is not news about this action; the move
    itself is reported once, as an "order" change of the action that moved. `from_at`/`to_at`: that side is the
    plan as last seen by a date (its run, the latest run at or before it, only names it).

    A modified action lists only the fields whose meaning changed between the runs (what a new front end printed
    differently is not news); an action whose versions between the runs changed only presentation (`markup`) or
    came from a reparse is left out. `all_changes` shows both, field by field as the records differ."""
    reader = RecordReader(con)
    a, b = (plan_state(con, run, reader, records=False) if at is None else
            plan_as_of(con, run.site, at.at, run, run.plan_path, run.language, reader=reader, records=False)
            for run, at in ((from_run, from_at), (to_run, to_at)))
    start = from_at.at if from_at is not None else from_run.started_at
    end = to_at.at if to_at is not None else to_run.started_at
    unknown = a.unknown | b.unknown
    moved = _moved(a, b, unknown)
    # Only actions whose version differs between the runs (or that moved) can be news: only their records are
    # read. The same version on both sides is no change, whatever the records say after a re-parse.
    wanted = {k for k in a.versions.keys() | b.versions.keys()
              if k not in a.versions or k not in b.versions or a.versions[k].id != b.versions[k].id} | set(moved)
    records = reader.of_ids([v.id for side in (a, b) for k, v in side.versions.items() if k in wanted])
    old: dict[Key, dict[str, Any]] = {k: records[v.id] for k, v in a.versions.items() if k in wanted}
    new: dict[Key, dict[str, Any]] = {k: records[v.id] for k, v in b.versions.items() if k in wanted}
    causes_seen, meaning, captured = _between(con, to_run.site, start, end)
    causes = {key: next((c for c in _CAUSE_RANK if c in seen), "crawl") for key, seen in causes_seen.items()}
    # A removal opens no version: it is due to whatever kind of run saw the action missing.
    for key in old:
        if key not in new:
            causes.setdefault(key, b.seen[key].cause if key in b.seen else to_run.cause)
    # An action removed between the runs: its reason is what the later run recorded.
    reasons = {key: why for key, why in b.gone.items()}
    # Removed before the later run (which then no longer mentions it): the reason its version was closed with.
    missing = [key for key in a.versions if key not in b.versions and key not in reasons and key not in unknown]
    if missing:  # one query for all of them: the last version of each up to the later run
        last: dict[Key, VersionRow] = {}
        for version in versions_of(
            con, "site = ? AND list_contains(?::VARCHAR[], identifier) AND valid_from <= ?",
            [to_run.site, sorted({k[3] for k in missing}), end], records=False,
        ):
            last[version.key] = version  # oldest first: the last one wins
        for key in missing:
            if key in last and last[key].gone_reason:
                reasons[key] = str(last[key].gone_reason)
    ignore = tuple(ignore) if ignore is not None else NAVIGATION
    everything = diff_plans(
        old, new, reasons=reasons, causes=causes, unknown=unknown, all_changes=True, ignore=ignore
    )
    if not all_changes:
        for change in everything:
            _keep_meaning(change, meaning)
    _add_moves(everything, moved, old, new, to_run.cause)
    for change in everything:
        if change.cause == "backfill":
            change.seen_at = captured.get((change.site, change.plan_path, change.language, change.identifier))
    everything.sort(key=change_order)
    shown = [c for c in everything if all_changes or c.cause not in HIDDEN_CAUSES]
    hidden = [c for c in everything if not (all_changes or c.cause not in HIDDEN_CAUSES)]
    unknown_ids = sorted({k[3] for k in unknown}, key=natural_key)
    stories = (plan_stories(con, to_run.site, to_run.plan_path, to_run.language or "fi", start, end)
               if start is not None and end is not None and start < end else [])
    return PlanDiff(
        from_run, to_run, shown, unknown_ids,
        hidden_reparse=sum(1 for c in hidden if c.cause == "reparse"),
        hidden_markup=sum(1 for c in hidden if c.cause == MARKUP), from_at=from_at, to_at=to_at, stories=stories,
        title=plan_title(con, to_run),
    )


def _keep_meaning(change: ActionChange, meaning: dict[Key, set[str]]) -> None:
    """Keep only the fields whose meaning changed (modified actions whose versions the archive knows); a change
    left with none is presentation only, and reads as `markup`."""
    key = (change.site, change.plan_path, change.language, change.identifier)
    if change.change != "modified" or key not in meaning or change.cause in HIDDEN_CAUSES:
        return
    change.fields = {name: fc for name, fc in change.fields.items() if name in meaning[key]}
    if not change.fields:
        change.cause = MARKUP


def _moved(a: PlanState, b: PlanState, unknown: set[Key]) -> dict[Key, tuple[int, int]]:
    """Actions whose place in the plan's order changed: those outside the longest common subsequence of the
    two orders (so one action moving is one move, not a shift of everything between)."""
    order_a = [k for k in a.order if k not in unknown]
    order_b = [k for k in b.order if k not in unknown]
    common = set(order_a) & set(order_b)
    seq_a = [k for k in order_a if k in common]
    seq_b = [k for k in order_b if k in common]
    matcher = difflib.SequenceMatcher(None, seq_a, seq_b, autojunk=False)
    kept = {seq_a[block.a + i] for block in matcher.get_matching_blocks() for i in range(block.size)}
    return {k: (order_a.index(k) + 1, order_b.index(k) + 1) for k in common - kept}


def _add_moves(
    changes: list[ActionChange],
    moved: dict[Key, tuple[int, int]],
    old: dict[Key, dict[str, Any]],
    new: dict[Key, dict[str, Any]],
    cause: str,
) -> None:
    """A move is news about the plan's order: an action whose versions only changed presentation still moved."""
    by_key = {(c.site, c.plan_path, c.language, c.identifier): c for c in changes}
    for key, (before, after) in moved.items():
        change = by_key.get(key)
        if change is not None and change.cause == MARKUP and not change.fields:
            change.cause = cause
        if change is None:
            change = diff_records(old[key], new[key], ignore=tuple(new[key]))
            if change is None:
                change = diff_records(None, new[key])
                assert change is not None
                change.change, change.fields = "modified", {}
            changes.append(change)
        change.fields["order"] = FieldChange(before, after)
