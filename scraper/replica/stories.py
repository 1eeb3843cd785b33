"""Scripted stories: edits a journalist looks for, made on known days on top of the plan's ordinary edits.

Every ordinary edit of the replica (`days.py`) moves the action's "Tietoja päivitetty" date, as the real admin
does when an editor saves. The stories are the exceptions a change tracker should single out, so they are made
here, on fixed days, to actions nobody else edits that day, and recorded as `Change`s of their own kinds: the
ground truth the story tests check against.

- `silent_edit` (day 2): an action's status changes, its updated date does not.
- `date_only` (day 3): an action's updated date moves, nothing else does.
- `flip` (day 5) and `flip_back` (day 6): an action's status changes and returns the next day (a flip-flop that
  never lasted two crawls).
- `flip_stays` (day 7): another action's status changes and stays.
- `flip` (day 8) and `flip_back` (day 30): a status that returns only after three weeks (crawled daily, that is
  two ordinary changes, not a flip-flop).
Every flip moves the updated date, as an editor's save does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from schemas.dates import HELSINKI
from scraper.replica.model import PlanData

#: day → the story made on it, and for a flip the name under which its return finds the same action again
SCRIPT: dict[int, tuple[str, str]] = {
    2: ("silent_edit", ""), 3: ("date_only", ""), 5: ("flip", "soon"), 6: ("flip_back", "soon"), 7: ("flip_stays", ""),
    8: ("flip", "late"), 30: ("flip_back", "late"),
}
STORY_KINDS = tuple(sorted({kind for kind, _ in SCRIPT.values()}))


def apply_stories(plan: PlanData, day: int, edited: set[str], mut: object,
                  memory: dict[str, tuple[str, str | None]]) -> list[tuple[str, str, str, object, object]]:
    """The story of `day` (if any) applied to `plan` in place: (identifier, kind, field, old, new) per edit.
    `edited` are the identifiers the day's ordinary edits touched (left alone, so a story stays pure); `mut`
    is the day book's copy-on-write (an action is copied before it is edited); `memory` carries a flip's action
    and its status before the flip to the day it returns."""
    kind, name = SCRIPT.get(day, ("", ""))
    if not kind:
        return []
    if kind == "flip_back":
        ident, before = memory.pop(name, ("", None))
        found = plan.find(ident)
        if found is None or found.merged_with is not None:
            return []
        return [_status(plan, mut(plan, found), before, kind)]  # type: ignore[operator]
    chosen = {ident for ident, _ in memory.values()}  # every story's action once: a flip that stays stays
    candidates = [a for a in sorted(plan.live_actions(), key=lambda a: a.order)
                  if a.identifier not in edited and a.identifier not in chosen]
    if not candidates:
        return []
    pick = {"silent_edit": 0, "date_only": len(candidates) // 2, "flip": -1, "flip_stays": -2}[kind]
    target = candidates[pick if abs(pick) <= len(candidates) else 0]
    action = mut(plan, target)  # type: ignore[operator]
    memory[f"used:{action.identifier}"] = (action.identifier, None)
    if kind in ("flip", "flip_stays"):
        if name:
            memory[name] = (action.identifier, action.status_id)
        options = sorted(s for s in plan.statuses if s != action.status_id)
        return [_status(plan, action, options[-1], kind)]
    if kind == "silent_edit":
        options = sorted(s for s in plan.statuses if s != action.status_id)
        old = plan.statuses.get(action.status_id or "")
        action.status_id = options[0]
        return [(action.identifier, kind, "status", old, plan.statuses[action.status_id])]
    old_stamp = action.updated_at
    today = plan.today
    action.updated_at = max(dt.datetime(today.year, today.month, today.day, 10, 0, tzinfo=HELSINKI),
                            old_stamp + dt.timedelta(days=1))
    return [(action.identifier, kind, "updated_at", old_stamp.date(), action.updated_at.date())]


def _status(plan: PlanData, action: Any, status: str | None, kind: str) -> tuple[str, str, str, object, object]:
    """An editor's status change: the status moves, and so does the updated date (as every save does)."""
    old = plan.statuses.get(action.status_id or "")
    action.status_id = status
    today = plan.today
    action.updated_at = max(dt.datetime(today.year, today.month, today.day, 11, 0, tzinfo=HELSINKI),
                            action.updated_at + dt.timedelta(minutes=1))
    return (action.identifier, kind, "status", old, plan.statuses.get(status or ""))
