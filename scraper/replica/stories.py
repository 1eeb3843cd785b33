"""Scripted stories: edits a journalist looks for, made on known days on top of the plan's ordinary edits.

Every ordinary edit of the replica (`days.py`) moves the action's "Tietoja päivitetty" date, as the real admin
does when an editor saves. The stories are the exceptions a change tracker should single out, so they are made
here, on fixed days, to actions nobody else edits that day, and recorded as `Change`s of their own kinds: the
ground truth the story tests check against.

- `silent_edit` (day 2): an action's status changes, its updated date does not.
- `date_only` (day 3): an action's updated date moves, nothing else does.
"""

from __future__ import annotations

import datetime as dt

from schemas.dates import HELSINKI
from scraper.replica.model import PlanData

#: day → the story made on it
SCRIPT: dict[int, str] = {2: "silent_edit", 3: "date_only"}
STORY_KINDS = tuple(SCRIPT.values())


def apply_stories(plan: PlanData, day: int, edited: set[str], mut: object) -> list[tuple[str, str, str, object, object]]:
    """The story of `day` (if any) applied to `plan` in place: (identifier, kind, field, old, new) per edit.
    `edited` are the identifiers the day's ordinary edits touched (left alone, so a story stays pure); `mut`
    is the day book's copy-on-write (an action is copied before it is edited)."""
    kind = SCRIPT.get(day)
    if kind is None:
        return []
    candidates = [a for a in sorted(plan.live_actions(), key=lambda a: a.order) if a.identifier not in edited]
    if not candidates:
        return []
    target = candidates[len(candidates) // 2 if kind == "date_only" else 0]
    action = mut(plan, target)  # type: ignore[operator]
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
