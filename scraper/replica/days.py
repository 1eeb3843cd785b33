"""Simulated days: each day applies a few deterministic, realistic edits to the plan, and remembers exactly what
it changed, so diff tests have a ground truth.

States are copy-on-write (a day copies only the actions it edits) and cached, so day 30 costs milliseconds.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import random
import threading
from dataclasses import dataclass
from typing import Any

from scraper.replica import wordbank as wb
from scraper.replica.model import ActionData, Block, PlanData, ResponsibleParty, TaskData
from scraper.replica.plan_gen import HELSINKI
from scraper.replica.translation import LAGGING, SCRIPT, TranslationLag, apply_translation_script, lagging_plan

KINDS = ("status", "task_completed", "task_added", "date_moved", "name", "contact", "organization", "added",
         "removed", "merged", "reordered", "whitespace_only")
#: how often each kind happens (a plan mostly gets status and task edits; removals are rare)
WEIGHTS = (6, 6, 4, 4, 2, 2, 2, 1, 1, 1, 1, 3)
PROTECTED = {"111"}


@dataclass(frozen=True)
class Change:
    """One edit of day `day`. `field` is the record field it shows in (None for added/removed/merged)."""

    day: int
    identifier: str
    kind: str
    field: str | None
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("old", "new"):
            if isinstance(data[key], dt.date):
                data[key] = data[key].isoformat()
        return data


class DayBook:
    """Plan states by day, computed on demand from day 0 and cached."""

    def __init__(self, day0: PlanData, seed: int, stories: bool = False, translation_lag: bool = False) -> None:
        self._states: list[PlanData] = [day0]
        self._changes: list[list[Change]] = [[]]
        self._seed = seed
        self._stories = stories  # scripted stories on top of the ordinary edits (scraper/replica/stories.py)
        self._story_memory: dict[str, tuple[str, str | None]] = {}
        #: English pages that lag behind a Finnish edit (scraper/replica/translation.py), and the plans they show
        self._translation_lag = translation_lag
        self._lags: list[TranslationLag] = []
        self._lagging: dict[int, PlanData] = {}
        self._lock = threading.RLock()

    def state(self, day: int) -> PlanData:
        with self._lock:
            while len(self._states) <= day:
                n = len(self._states)
                lagged = {lag.identifier for lag in self._lags}  # edited once, by their lag, and never again
                state, changes = apply_day(self._states[-1], n, self._seed, frozenset(lagged))
                if self._stories:
                    from scraper.replica.stories import apply_stories

                    edited = {c.identifier for c in changes} | lagged
                    changes += [Change(n, ident, kind, name, old, new)
                                for ident, kind, name, old, new in apply_stories(state, n, edited, _mut,
                                                                                 self._story_memory)]
                if self._translation_lag:
                    avoid = {c.identifier for c in changes} | lagged | {i for i, _ in self._story_memory.values()}
                    made = apply_translation_script(state, n, avoid, _mut)
                    self._lags += made
                    changes += [Change(n, lag.identifier, lag.kind, "status", lag.old, lag.new) for lag in made]
                self._states.append(state)
                self._changes.append(changes)
            return self._states[day]

    def state_for(self, day: int, lang: str) -> PlanData:
        """The plan as the pages of `lang` show it on `day`: the day's plan, except where a translation lags."""
        plan = self.state(day)
        if not self._translation_lag or lang != LAGGING:
            return plan
        with self._lock:
            if day not in self._lagging:
                self._lagging[day] = lagging_plan(plan, day, self._lags, self.state)
            return self._lagging[day]

    def translation_lags(self) -> list[TranslationLag]:
        """The ground truth of the scripted lags (`translation_lag`), each with its action; [] when off."""
        if not self._translation_lag:
            return []
        self.state(max(s.edit_day for s in SCRIPT))
        return list(self._lags)

    def changes(self, day_a: int, day_b: int) -> list[Change]:
        """Every edit made after day `day_a` up to and including day `day_b`, in order."""
        if day_a > day_b:
            raise ValueError("day_a must be <= day_b")
        self.state(day_b)
        return [c for d in range(day_a + 1, day_b + 1) for c in self._changes[d]]


def _mut(plan: PlanData, action: ActionData) -> ActionData:
    """Copy-on-write: the edited action is replaced by a private copy in this day's list. The copy is as deep as
    the edits reach (tasks are edited in place, lists grow); rich text is never edited, so it stays shared. A full
    deepcopy cost the web archive's seven years of days about 2.5 s."""
    fresh = dataclasses.replace(
        action,
        tasks=[dataclasses.replace(task) for task in action.tasks],
        responsible=[dataclasses.replace(party) for party in action.responsible],
        contact_pks=list(action.contact_pks),
        category_pks=list(action.category_pks),
        indicator_pks=list(action.indicator_pks),
        links=list(action.links),
        status_updates=list(action.status_updates),
        attributes=dict(action.attributes),
        description=list(action.description),
    )
    plan.actions[_index(plan, action)] = fresh
    return fresh


def _index(plan: PlanData, action: ActionData) -> int:
    """Position by identity: `list.index` compares dataclasses field by field, which cost seconds over a year."""
    return next(n for n, other in enumerate(plan.actions) if other is action)


def _set_order(plan: PlanData, action: ActionData, order: int) -> None:
    """A move changes `order` only, so a shallow copy is enough: the nested lists stay shared with the day
    before until an edit makes its own deep copy (`_mut`). Renumbering copies most of a plan, so this is what
    keeps a year of days cheap."""
    fresh = copy.copy(action)
    fresh.order = order
    plan.actions[_index(plan, action)] = fresh


def _touch(action: ActionData, today: dt.date, rng: random.Random) -> None:
    stamp = dt.datetime(today.year, today.month, today.day, rng.randint(8, 17), rng.randint(0, 59),
                        rng.randint(0, 59), tzinfo=HELSINKI)
    action.updated_at = max(stamp, action.updated_at + dt.timedelta(minutes=1))


def _new_identifier(plan: PlanData) -> str:
    idents = {a.identifier for a in plan.actions}
    n = 0
    while True:
        n += 1
        cand = {"helsinki": str(171 + n), "tampere": f"6.1.{n}", "espoo": f"d40{n:02d}"}[plan.key]
        if cand not in idents:
            return cand


def _renumber(plan: PlanData) -> None:
    for n, action in enumerate(sorted(plan.actions, key=lambda a: a.order)):
        if action.order != (n + 1) * 10:
            _set_order(plan, action, (n + 1) * 10)


def apply_day(
    prev: PlanData, day: int, seed: int, frozen: frozenset[str] = frozenset()
) -> tuple[PlanData, list[Change]]:
    """Day `day`'s ordinary edits on top of `prev`. `frozen`: actions no edit may touch (a scripted lag's, whose
    English page must miss exactly one edit); empty unless the replica scripts lags, so the days stay the same."""
    rng = random.Random(f"{prev.key}:{seed}:day:{day}")
    plan = dataclasses.replace(prev, actions=list(prev.actions), today=prev.today + dt.timedelta(days=1))
    changes: list[Change] = []
    for _ in range(rng.randint(2, 5)):
        kind = rng.choices(KINDS, WEIGHTS)[0]
        change = _edit(plan, kind, day, rng, frozen)
        if change is not None:
            changes.append(change)
    return plan, changes


def _edit(plan: PlanData, kind: str, day: int, rng: random.Random, frozen: frozenset[str]) -> Change | None:
    live = [a for a in plan.live_actions() if a.identifier not in frozen]
    target = rng.choice(live)
    today = plan.today
    if kind == "status":
        options = [s for s in plan.statuses if s != target.status_id]
        a = _mut(plan, target)
        old = plan.statuses.get(a.status_id or "")
        a.status_id = rng.choice(options)
        a.phase_id = {"completed": "completed", "not_started": "not_started"}.get(a.status_id, "implementation")
        a.completion = 100 if a.status_id == "completed" else a.completion if a.completion != 100 else 80
        _touch(a, today, rng)
        return Change(day, a.identifier, kind, "status", old, plan.statuses[a.status_id])
    if kind in ("task_completed", "date_moved"):
        with_open = [x for x in live if any(t.state in ("NOT_STARTED", "IN_PROGRESS") for t in x.tasks)]
        if not with_open:
            return None
        a = _mut(plan, rng.choice(with_open))
        task = rng.choice([t for t in a.tasks if t.state in ("NOT_STARTED", "IN_PROGRESS")])
        _touch(a, today, rng)
        if kind == "task_completed":
            task.state, task.completed_at = "COMPLETED", today
            return Change(day, a.identifier, kind, "tasks", task.name, today)
        old_due = task.due_at
        task.due_at = old_due + dt.timedelta(days=rng.randint(30, 365))
        # a move the page cannot show (same year for a YEAR date, same month for MONTH_YEAR) is no move at all
        fmt = task.date_format or plan.task_date_format
        if fmt == "YEAR" and task.due_at.year == old_due.year:
            task.due_at = task.due_at.replace(year=old_due.year + 1, day=min(task.due_at.day, 28))
        elif fmt == "MONTH_YEAR" and (task.due_at.year, task.due_at.month) == (old_due.year, old_due.month):
            task.due_at += dt.timedelta(days=31)
        return Change(day, a.identifier, kind, "tasks", old_due, task.due_at)
    if kind == "task_added":
        a = _mut(plan, target)
        names = [n for n in wb.TASK_NAMES if n not in {t.name for t in a.tasks}] or ["Laaditaan jatkosuunnitelma"]
        name = rng.choice(names)
        pk = max([t.pk for x in plan.actions for t in x.tasks] + [0]) + 1
        a.tasks.append(TaskData(pk, name, "NOT_STARTED", today + dt.timedelta(days=rng.randint(30, 700))))
        _touch(a, today, rng)
        return Change(day, a.identifier, kind, "tasks", None, name)
    if kind == "name":
        a = _mut(plan, target)
        old = a.name
        a.name = old[: -len(" ja seuranta")] if old.endswith(" ja seuranta") else old + " ja seuranta"
        _touch(a, today, rng)
        return Change(day, a.identifier, kind, "name", old, a.name)
    if kind == "contact":
        a = _mut(plan, target)
        new_pk = rng.choice([p for p in plan.persons if p not in a.contact_pks and p != 999])
        old = plan.persons[a.contact_pks[0]].full_name if a.contact_pks else None
        if a.contact_pks:
            a.contact_pks[0] = new_pk
        else:
            a.contact_pks.append(new_pk)
        _touch(a, today, rng)
        return Change(day, a.identifier, kind, "contact_persons", old, plan.persons[new_pk].full_name)
    if kind == "organization":
        a = _mut(plan, target)
        free = [pk for pk in plan.orgs if pk not in {p.org_pk for p in a.responsible}]
        if not free:
            return None
        pk = rng.choice(free)
        a.responsible.append(ResponsibleParty(pk, "COLLABORATOR" if a.responsible else "PRIMARY"))
        _touch(a, today, rng)
        return Change(day, a.identifier, kind, "responsible_organizations", None, plan.orgs[pk].name)
    if kind == "added":
        ident = _new_identifier(plan)
        after = rng.choice(live)
        _renumber(plan)
        base = plan.find(after.identifier)
        assert base is not None
        for other in list(plan.actions):
            if other.order > base.order:
                _set_order(plan, other, other.order + 10)
        template = copy.deepcopy(rng.choice(live))
        first, rest = rng.choice(wb.ACTION_NAME_PARTS)
        stamp = dt.datetime(today.year, today.month, today.day, 12, 0, tzinfo=HELSINKI)
        plan.actions.append(dataclasses.replace(
            template, pk=90000 + day * 10 + len(plan.actions) % 10, identifier=ident, name=f"{first} {rest} (uusi)",
            order=base.order + 10, updated_at=stamp, status_updates=[], merged_with=None, whitespace_noise=0,
            description=[Block("p", [[("text", rng.choice(wb.SENTENCES))]])]))
        return Change(day, ident, kind, None, None, f"{first} {rest} (uusi)")
    if kind in ("removed", "merged"):
        candidates = [x for x in live if x.identifier not in PROTECTED and x.merged_with is None
                      and not any(m.merged_with == x.identifier for m in plan.actions)]
        if len(candidates) < 3:
            return None
        victim = rng.choice(candidates)
        if kind == "removed":
            plan.actions.remove(victim)
            return Change(day, victim.identifier, kind, None, victim.name, None)
        into = rng.choice([x for x in live if x.identifier != victim.identifier and x.merged_with is None])
        _mut(plan, victim).merged_with = into.identifier
        _touch(_mut(plan, into), today, rng)
        return Change(day, victim.identifier, kind, None, None, into.identifier)
    if kind == "reordered":
        _renumber(plan)
        chain = plan.live_actions()
        i = chain.index(next(x for x in chain if x.identifier == target.identifier))
        j = rng.choice([k for k in range(len(chain)) if abs(k - i) > 1])
        moved = chain[i]
        _set_order(plan, moved, chain[j].order + (5 if j > i else -5))
        _renumber(plan)
        return Change(day, moved.identifier, kind, "order", i, j)
    # whitespace_only: the source changes, what a reader sees does not (updatedAt untouched)
    a = _mut(plan, target)
    a.whitespace_noise += 1
    return Change(day, a.identifier, "whitespace_only", None, None, None)
