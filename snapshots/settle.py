"""What a daily digest tells: the changes that lasted, and flip-flops once, as the pattern they were.

A status that flips and flips back overnight is not news twice, and not news as a change at all. So the digest
holds back every change for one crawl: the digest after crawl k tells what crawl k-1 found new *and crawl k still
showed* (the change lasted two crawls). A change undone by crawl k is left out; once its return has lasted too, the
pair is told once, as a flip-flop ("status Myöhässä → Ajallaan → Myöhässä between 3.2.2026 and 4.2.2026"), among
the stories. `vahti diff` and `vahti history` still show every step the moment it is seen. A story (a silent
edit, a language left behind) is told on the same delay, with the changes it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from snapshots.change_model import PlanDiff, RunInfo
from snapshots.flipflops import WINDOW_DAYS, flip_flops
from snapshots.plan_diff import diff_runs
from snapshots.silent import DATE_FIELD


@dataclass
class Settled:
    diff: PlanDiff  # what crawl `middle` found new and crawl `latest` still showed
    held: int  # actions whose changes crawl `latest` saw for the first time: told tomorrow if they last
    undone: int  # actions whose change from `middle` was undone by `latest` (told once it settles)


def settled_changes(con: duckdb.DuckDBPyConnection, earliest: RunInfo, middle: RunInfo, latest: RunInfo,
                    window_days: float = WINDOW_DAYS) -> Settled:
    """The changes between `earliest` and `middle` that `latest` still showed, with the stories of that span;
    a field change that closes a flip-flop is told as the flip-flop, not as a change."""
    told = diff_runs(con, earliest, middle)
    today = diff_runs(con, middle, latest)
    moved = {c.identifier: set(c.fields) for c in today.changes if c.change == "modified"}
    added_today = {c.identifier for c in today.changes if c.change == "added"}
    removed_today = {c.identifier for c in today.changes if c.change == "removed"}
    closing = {(f.identifier, f.field) for f in flip_flops(
        con, middle.site, window_days, plan_path=middle.plan_path, language=middle.language,
        since=earliest.started_at, until=middle.started_at)}
    kept = []
    undone = 0
    for change in told.changes:
        if change.change == "added" and change.identifier in removed_today:
            undone += 1
            continue
        if change.change == "removed" and change.identifier in added_today:
            undone += 1
            continue
        if change.change == "modified":
            again = moved.get(change.identifier, set())
            fields = {name: fc for name, fc in change.fields.items()
                      if name not in again and (change.identifier, name) not in closing}
            if len(fields) < len(change.fields) and any(name in again for name in change.fields):
                undone += 1
            if len(fields) < len(change.fields) and set(fields) <= {DATE_FIELD}:
                fields = {}  # the date moved with the edit that was undone or closed a flip-flop: part of that story
            if not fields:
                continue
            change.fields = fields
        kept.append(change)
    told.changes = kept
    told.stories = [s for s in told.stories
                    if s.kind != "flip_flop" or not (moved.get(s.identifier, set()) & _fields_of(s.text))]
    return Settled(told, len(today.changes), undone)


def _fields_of(text: str) -> set[str]:
    """The field a flip-flop story names first ("status Myöhässä → …")."""
    return {text.split(" ", 1)[0]}
