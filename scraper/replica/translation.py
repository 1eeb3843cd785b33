"""Translations left behind: a Finnish edit that the English pages show late, or never.

A Kausal Watch site serves one plan in several languages. Nothing forces an editor to bring every language along
when an action changes, so a journalist reading the English site can be told a status the Finnish site gave up
weeks ago. vahti looks for that (`snapshots.lagging`); this script is the ground truth it is held to.

With `ReplicaConfig.translation_lag` (`vahti replica --translation-lag`) three actions get an editor's status change
(the status and "Tietoja päivitetty" move, as every save moves them) on fixed days, and the English pages of
those actions keep showing the language-neutral fields of the day before the edit (status, phase, completion,
tasks, organisations, updated date) until the day the translation follows:

- `translated_in_time` (edit on day 10, English from day 22): within the 14-day window, not a story;
- `translated_late` (edit on day 11, English from day 40): a story, with both dates;
- `never_translated` (edit on day 12, English never): a story with no follow date.

A replica day is a calendar day here: the lags are meant in days, whatever the crawl cadence. The Finnish and
Swedish pages show the edit at once. Each action is chosen on its edit day among those no other edit touches that
day, and no ordinary edit (nor a `--stories` story) touches it afterwards, so each lag is the only change of
meaning its English page misses. The chosen actions are in `DayBook.translation_lags()`, the edits in `changes()`
with the kinds above.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from schemas.dates import HELSINKI
from scraper.replica.model import ActionData, PlanData

#: the language whose pages lag behind
LAGGING = "en"


@dataclass(frozen=True)
class Scripted:
    """One scripted lag: the day of the edit and the first day the lagging language shows it (None: never)."""

    kind: str
    edit_day: int
    follow_day: int | None


SCRIPT: tuple[Scripted, ...] = (
    Scripted("translated_in_time", 10, 22),
    Scripted("translated_late", 11, 40),
    Scripted("never_translated", 12, None),
)
KINDS = tuple(s.kind for s in SCRIPT)
#: the fields a translator's lag keeps old on the lagging pages: the language-neutral ones (texts are Finnish in
#: every language of the replica, so they could not lag visibly anyway)
LAGGING_FIELDS = ("status_id", "phase_id", "completion", "updated_at", "tasks", "responsible")


@dataclass(frozen=True)
class TranslationLag:
    """The ground truth of one lag: which action, the day of the Finnish edit, the first day the lagging language
    shows it (None: never), and the status labels before and after."""

    kind: str
    identifier: str
    language: str
    edit_day: int
    follow_day: int | None
    old: str | None
    new: str | None

    def lagging_on(self, day: int) -> bool:
        """Whether the lagging language's page shows the old state on `day`."""
        return self.edit_day <= day and (self.follow_day is None or day < self.follow_day)


Mut = Callable[[PlanData, ActionData], ActionData]


def apply_translation_script(plan: PlanData, day: int, avoid: set[str], mut: Mut) -> list[TranslationLag]:
    """The lag edits of `day` applied to `plan` in place. `avoid`: actions edited today, chosen by a story or by
    an earlier lag (a lagged action must change only once, or its English page would miss more than one edit)."""
    made = []
    for n, script in enumerate(SCRIPT):
        if script.edit_day != day:
            continue
        candidates = [a for a in plan.live_actions() if a.identifier not in avoid and a.status_id is not None]
        if not candidates:
            continue
        target = mut(plan, candidates[(n + 1) * len(candidates) // (len(SCRIPT) + 1)])
        old = plan.statuses.get(target.status_id or "")
        target.status_id = sorted(s for s in plan.statuses if s != target.status_id)[0]
        today = plan.today
        target.updated_at = max(dt.datetime(today.year, today.month, today.day, 12, 0, tzinfo=HELSINKI),
                                target.updated_at + dt.timedelta(minutes=1))
        avoid.add(target.identifier)
        made.append(TranslationLag(script.kind, target.identifier, LAGGING, day, script.follow_day, old,
                                   plan.statuses[target.status_id]))
    return made


def lagging_plan(plan: PlanData, day: int, lags: Iterable[TranslationLag], before: Callable[[int], PlanData]) -> PlanData:
    """The plan as the lagging language shows it on `day`: each lagging action keeps the neutral fields it had the
    day before its edit (`before(day)` is the plan of a day), everything else (its place in the chain, its texts)
    is today's. The plan itself is never changed."""
    running = [lag for lag in lags if lag.lagging_on(day)]
    if not running:
        return plan
    actions = list(plan.actions)
    for lag in running:
        old = before(lag.edit_day - 1).find(lag.identifier)
        now = next((i for i, a in enumerate(actions) if a.identifier == lag.identifier), None)
        if old is None or now is None:
            continue
        actions[now] = dataclasses.replace(actions[now], **{name: getattr(old, name) for name in LAGGING_FIELDS})
    return dataclasses.replace(plan, actions=actions)
