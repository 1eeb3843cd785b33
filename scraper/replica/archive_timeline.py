"""When the replica's web archive captured what: a seeded, deterministic timeline of captures from 2019 to 2025.

A backfill meets what the Wayback Machine really holds of a plan (reference 13): sparse, irregular captures,
some actions captured every few weeks and some never, captures of redirects and of removed pages, list pages on
their own days, the front end changing under the same URLs. The timeline is built so that every one of those
cases occurs, whatever the seed: at least one action is never captured, every era has a capture of a removed
action, a real change between two captures inside every era and across every era switch, and one action
captured several times across the V1 → V2 switch with no change at all (a backfill that reads the redesign as
an edit is wrong).

The plan state a capture shows is the `DayBook` day `day_of(at)`: one simulated day per calendar week since the
first capture, so the plan edits itself ~330 times over the six years.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from schemas.action import Action
from schemas.meaning import fold
from scraper.replica.days import DayBook
from scraper.replica.view import Site

UTC = dt.UTC
START = dt.date(2019, 3, 4)
END = dt.date(2025, 6, 30)
#: first day of each front-end era in the archive (reference section 0)
ERA_STARTS: tuple[tuple[str, dt.date], ...] = (
    ("v1early", START), ("v1", dt.date(2019, 10, 15)), ("v2", dt.date(2020, 8, 1)), ("v3", dt.date(2024, 1, 15)))
#: the record-visible kinds of `Change` (whitespace and reordering change no action's own fields)
REAL_KINDS = frozenset({"status", "task_completed", "task_added", "date_moved", "name", "contact", "organization"})
#: share of actions captured often (every 2-8 weeks) and rarely (every 4-8 months); the rest never
OFTEN, RARELY = 0.25, 0.85


def day_of(at: dt.datetime | dt.date) -> int:
    """The DayBook day of the plan state shown at `at`: weeks since the first capture."""
    day = at.date() if isinstance(at, dt.datetime) else at
    return max(0, (day - START).days // 7)


LAST_DAY = day_of(END)


def week_start(day: int) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=7 * day), dt.time(), UTC)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), UTC)


def era_of(at: dt.datetime) -> str:
    era = ERA_STARTS[0][0]
    for name, since in ERA_STARTS:
        if at >= midnight(since):
            era = name
    return era


def era_span(era: str) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next era) of an era in the archive."""
    names = [name for name, _ in ERA_STARTS]
    i = names.index(era)
    end = midnight(ERA_STARTS[i + 1][1]) if i + 1 < len(ERA_STARTS) else midnight(END + dt.timedelta(days=1))
    return midnight(ERA_STARTS[i][1]), end


@dataclass(frozen=True)
class ArchivedCapture:
    """One capture. `original` is an absolute URL on the replica's own site; `day` the DayBook day of the plan
    state the page shows; `location` (redirects only) the original URL it pointed to; `path` the original's path
    on the site, what renders it."""

    timestamp: str
    at: dt.datetime
    original: str
    status: int
    kind: str  # action | list | redirect | gone
    identifier: str | None
    era: str
    day: int
    location: str | None = None
    lang: str = "fi"
    path: str = ""


#: the ground truth of one (identifier, era, day, language), None when the action is not on the site then
Truth = Callable[[str, str, int, str], Action | None]


class Timeline:
    """Builds the captures; `captures`, `classes` (identifier → often / rarely / never) and `highlights`
    (which action carries which guaranteed case) are the result."""

    def __init__(self, book: DayBook, plan_key: str, seed: int, rate: float, base_url: str, prefix: str,
                 truth: Truth) -> None:
        self.book, self.rate, self.base_url, self.truth = book, rate, base_url, truth
        self.tag = f"archive:{plan_key}:{seed}"
        self.rng = random.Random(self.tag)
        self.presence: dict[str, list[str | None]] = {}  # per day: None absent, "" live, else the merge target
        for day in range(LAST_DAY + 1):
            for action in book.state(day).actions:
                row = self.presence.setdefault(action.identifier, [None] * (LAST_DAY + 1))
                row[day] = action.merged_with or ""
        self.base_path = book.state(0).base_path
        self.site = Site(base_url, "fi", prefix, self.base_path)
        self.prefix = prefix
        self.edits: dict[str, list[int]] = {}
        for change in book.changes(0, LAST_DAY):
            if change.kind in REAL_KINDS:
                self.edits.setdefault(change.identifier, []).append(change.day)
            elif change.kind == "merged":  # the target's page now lists the merged action
                self.edits.setdefault(str(change.new), []).append(change.day)
        self.captures: list[ArchivedCapture] = []
        self._seen: set[tuple[str, str]] = set()
        self.classes = self._classes()
        self.highlights: dict[str, str] = {}
        self._reserved: set[str] = set()
        self._build()

    # --- who is captured how often ---------------------------------------------------------------------------
    def _classes(self) -> dict[str, str]:
        out = {}
        for ident in sorted(self.presence):
            roll = random.Random(f"{self.tag}:{ident}:class").random()
            out[ident] = "often" if roll < OFTEN else "rarely" if roll < RARELY or ident == "111" else "never"
        day0 = sorted(ident for ident, row in self.presence.items() if row[0] == "" and ident != "111")
        if not any(out[i] == "never" for i in day0):
            out[self.rng.choice(day0)] = "never"
        for ident in self.rng.sample(day0, len(day0)):
            if sum(c == "often" for c in out.values()) >= 2:
                break
            if out[ident] == "rarely":
                out[ident] = "often"
        return out

    def captured(self, ident: str) -> bool:
        return self.classes.get(ident, "never") != "never"

    # --- building --------------------------------------------------------------------------------------------
    def _build(self) -> None:
        for ident in sorted(self.presence):
            self._schedule(ident)
        self._list_pages()
        if self.prefix == "/actions":
            self._old_prefix()
        self._english()
        self._root_redirect()
        self._gone_in_every_era()
        self._stable_across_switch()
        for era, _ in ERA_STARTS:
            self._change_within(era)
        for (before, _), (after, since) in itertools.pairwise(ERA_STARTS):
            self._change_across(before, after, midnight(since))
        self.captures.sort(key=lambda c: (c.at, c.original))

    def _gap(self, rng: random.Random, cls: str) -> dt.timedelta:
        low, high = (14, 56) if cls == "often" else (120, 250)
        return dt.timedelta(seconds=round(rng.uniform(low, high) * 86400 / self.rate))

    def _schedule(self, ident: str) -> None:
        cls = self.classes[ident]
        if cls == "never":
            return
        rng = random.Random(f"{self.tag}:{ident}")
        row = self.presence[ident]
        days = [d for d, p in enumerate(row) if p == ""]
        if not days:
            return
        first, last = days[0], days[-1]
        end = midnight(END)
        if last < LAST_DAY:  # the archive keeps revisiting a dead URL for a while, then stops
            end = min(end, week_start(last + 1) + dt.timedelta(days=rng.randint(90, 400)))
        at = week_start(first) + self._gap(rng, cls) * rng.random()
        while at < end:
            self.capture_action(ident, at, rng)
            at += self._gap(rng, cls)

    def _list_pages(self) -> None:
        rng = random.Random(f"{self.tag}:list")
        at = midnight(START) + dt.timedelta(seconds=rng.randrange(14 * 86400))
        while at < midnight(END):
            self.emit(self.site.list_path(), at, "list", 200, None)
            at += dt.timedelta(seconds=round(rng.uniform(28, 84) * 86400 / self.rate))

    def emit(self, path: str, at: dt.datetime, kind: str, status: int, ident: str | None,
             location: str | None = None, lang: str = "fi") -> ArchivedCapture:
        at = at.replace(microsecond=0)
        original = self.base_url + path
        while (original, at.strftime("%Y%m%d%H%M%S")) in self._seen:
            at += dt.timedelta(seconds=1)
        stamp = at.strftime("%Y%m%d%H%M%S")
        self._seen.add((original, stamp))
        capture = ArchivedCapture(stamp, at, original, status, kind, ident, era_of(at), day_of(at), location, lang,
                                  path)
        self.captures.append(capture)
        return capture

    def capture_action(self, ident: str, at: dt.datetime, rng: random.Random, follow: bool = True) -> None:
        """A capture of the action's URL at `at`: the page, a redirect to the action it was merged into (and,
        as a crawler follows it, that action a few seconds later), or the removed page. The 2019 front end had
        no redirects: a merged action's URL was simply not found then."""
        day = day_of(at)
        state = self.presence[ident][day]
        path = self.site.action_path(ident)
        if state == "":
            self.emit(path, at, "action", 200, ident)
        elif state is not None and era_of(at) in ("v2", "v3"):
            self.emit(path, at, "redirect", 301, ident, self.base_url + self.site.action_path(state))
            if follow and self.presence.get(state, [None] * (day + 1))[day] == "" and self.captured(state):
                self.capture_action(state, at + dt.timedelta(seconds=rng.randint(1, 5)), rng, follow=False)
        else:
            self.emit(path, at, "gone", 200 if era_of(at) == "v3" else 404, ident)

    def _live_at(self, ident: str, at: dt.datetime) -> bool:
        return self.presence[ident][min(day_of(at), LAST_DAY)] == ""

    def _random_at(self, low: dt.datetime, high: dt.datetime, rng: random.Random) -> dt.datetime:
        return low + dt.timedelta(seconds=rng.randrange(max(1, int((high - low).total_seconds()))))

    def _pick(self, pool: list[str], count: int) -> list[str]:
        pool = sorted(pool)
        return self.rng.sample(pool, min(count, len(pool)))

    def _old_prefix(self) -> None:
        """Helsinki's 2019 test instance served `/action/<id>`: old links to it were captured as permanent
        redirects to `/actions/<id>`, each followed by a capture of the target."""
        old = Site(self.base_url, "fi", "/action", self.base_path)
        low, high = midnight(ERA_STARTS[1][1]), midnight(ERA_STARTS[3][1])
        pool = [i for i in self.presence if self.captured(i) and self.presence[i][day_of(low)] == ""]
        rng = random.Random(f"{self.tag}:old-prefix")
        for ident in self._pick(pool, 2):
            for _ in range(2):
                for _attempt in range(20):
                    at = self._random_at(low, high, rng)
                    if self._live_at(ident, at):
                        self.emit(old.action_path(ident), at, "redirect", 301, ident,
                                  self.base_url + self.site.action_path(ident))
                        self.capture_action(ident, at + dt.timedelta(seconds=rng.randint(1, 5)), rng, False)
                        break

    def _english(self) -> None:
        """A few English pages (`/en/...`), once a year, so that a backfill has to filter by language."""
        en = Site(self.base_url, "en", self.prefix, self.base_path)
        pool = [i for i, c in self.classes.items() if c == "often"]
        rng = random.Random(f"{self.tag}:en")
        for ident in self._pick(pool, 2):
            for year in range(2021, END.year + 1):
                at = self._random_at(midnight(dt.date(year, 1, 1)), midnight(min(dt.date(year, 12, 31), END)), rng)
                if self._live_at(ident, at):
                    self.emit(en.action_path(ident), at, "action", 200, ident, lang="en")

    def _removed(self, merged: bool = False) -> list[tuple[int, str]]:
        """(removal day, identifier) of every captured action removed (or, with `merged`, also merged) while
        the archive ran."""
        out = []
        for ident, row in self.presence.items():
            for day in range(1, LAST_DAY + 1):
                if (row[day] is None or (merged and row[day])) and row[day - 1] == "" and self.captured(ident):
                    out.append((day, ident))
                    break
        return sorted(out)

    def _root_redirect(self) -> None:
        """In the V3 years the site sends an old, removed action's URL to its front page: a redirect to a page
        that is no action at all."""
        rng = random.Random(f"{self.tag}:root")
        low, high = midnight(ERA_STARTS[3][1]) + dt.timedelta(days=14), midnight(END) - dt.timedelta(days=14)
        for _, ident in self._removed():
            for _attempt in range(20):
                at = self._random_at(low, high, rng)
                if self.presence[ident][day_of(at)] is None:
                    self.emit(self.site.action_path(ident), at, "redirect", 302, ident,
                              f"{self.base_url}{self.base_path}/")
                    self.highlights["root-redirect"] = ident
                    return

    def _gone_in_every_era(self) -> None:
        rng = random.Random(f"{self.tag}:gone")
        for era, _ in ERA_STARTS:
            if any(c.kind == "gone" and c.era == era for c in self.captures):
                continue
            low, high = era_span(era)
            for removed_on, ident in self._removed(merged=era in ("v1early", "v1")):
                since = max(low, week_start(removed_on))
                if since >= high:
                    continue
                at = self._random_at(since, high, rng)
                if self.presence[ident][day_of(at)] != "":
                    self.emit(self.site.action_path(ident), at, "gone", 200 if era == "v3" else 404, ident)
                    break

    # --- guaranteed changes and non-changes ------------------------------------------------------------------
    def _changed(self, ident: str, first: tuple[str, int], second: tuple[str, int]) -> bool | None:
        """Whether the plan (not the markup) changed between two captures; None when either shows no action."""
        a, b = self.truth(ident, first[0], first[1], "fi"), self.truth(ident, second[0], second[1], "fi")
        if a is None or b is None:
            return None
        steps, _ = fold([(a, first[0]), (b, second[0])])
        return bool(steps[1])

    def _has_change(self, want: Callable[[ArchivedCapture, ArchivedCapture], bool]) -> str | None:
        """The action whose two consecutive captures (of its own URL, both of its page) already show a change."""
        own: dict[str, list[ArchivedCapture]] = {}
        for c in sorted(self.captures, key=lambda c: c.at):
            if c.identifier is not None and c.path == self.site.action_path(c.identifier):
                own.setdefault(c.identifier, []).append(c)
        for ident, days in self.edits.items():
            if ident not in self.presence or not self.captured(ident):
                continue
            runs = own.get(ident, [])
            for a, b in itertools.pairwise(runs):
                if a.kind != "action" or b.kind != "action":
                    continue
                if want(a, b) and any(a.day < d <= b.day for d in days) and self._changed(
                        ident, (a.era, a.day), (b.era, b.day)):
                    return ident
        return None

    def _replace_between(self, ident: str, low: dt.datetime, high: dt.datetime) -> None:
        """Drop the action's own page captures in [low, high], so that the two placed there are consecutive."""
        path = self.site.action_path(ident)
        self.captures = [c for c in self.captures
                         if not (c.path == path and c.kind == "action" and low <= c.at <= high)]

    def _change_within(self, era: str) -> None:
        """Two consecutive captures of one action inside `era` that differ in what the plan says."""
        if found := self._has_change(lambda a, b: a.era == b.era == era):
            self.highlights[f"change:{era}"] = found
            self._reserved.add(found)  # later placements must not take its captures away
            return
        low, high = era_span(era)
        rng = random.Random(f"{self.tag}:within:{era}")
        for ident, days in sorted(self.edits.items(), key=lambda kv: kv[0]):
            if not self.captured(ident) or ident in self._reserved or ident not in self.presence:
                continue
            for day in days:
                t1, t2 = week_start(day - 1), week_start(day)
                if t1 < low or t2 + dt.timedelta(days=7) > high:
                    continue
                t1, t2 = t1 + dt.timedelta(seconds=rng.randrange(7 * 86400)), t2 + dt.timedelta(
                    seconds=rng.randrange(7 * 86400))
                if self._place_change(ident, t1, t2, rng):
                    self.highlights[f"change:{era}"] = ident
                    return

    def _change_across(self, before: str, after: str, switch: dt.datetime) -> None:
        """Two consecutive captures of one action on both sides of an era switch with a real change between
        them: the redesign and an edit arrive together."""
        if found := self._has_change(lambda a, b: a.era == before and b.era == after):
            self.highlights[f"switch:{after}"] = found
            self._reserved.add(found)
            return
        rng = random.Random(f"{self.tag}:across:{after}")
        t1 = switch - dt.timedelta(seconds=rng.randrange(1, 3 * 86400))
        for ident, days in sorted(self.edits.items(), key=lambda kv: kv[0]):
            if not self.captured(ident) or ident in self._reserved or ident not in self.presence:
                continue
            for day in days:
                if day_of(t1) < day <= day_of(switch) + 5:
                    t2 = max(switch, week_start(day)) + dt.timedelta(seconds=rng.randrange(86400))
                    if self._place_change(ident, t1, t2, rng):
                        self.highlights[f"switch:{after}"] = ident
                        return

    def _place_change(self, ident: str, t1: dt.datetime, t2: dt.datetime, rng: random.Random) -> bool:
        if not (self._live_at(ident, t1) and self._live_at(ident, t2)):
            return False
        if not self._changed(ident, (era_of(t1), day_of(t1)), (era_of(t2), day_of(t2))):
            return False
        self._replace_between(ident, t1, t2)
        self.capture_action(ident, t1, rng, follow=False)
        self.capture_action(ident, t2, rng, follow=False)
        self._reserved.add(ident)
        return True

    def _stable_across_switch(self) -> None:
        """An action captured twice before and twice after the V1 → V2 switch while nothing about it changed:
        the four records differ in markup only."""
        switch = midnight(ERA_STARTS[2][1])
        sd = day_of(switch)
        rng = random.Random(f"{self.tag}:stable")
        pool = self._pick([i for i in self.presence if self.captured(i)], len(self.presence))
        for half in (2, 1, 0):
            low_day, high_day = sd - half, sd + half
            for ident in pool:
                row = self.presence[ident]
                if any(row[d] != "" for d in range(low_day, high_day + 1)):
                    continue
                records = [self.truth(ident, "v2", d, "fi") for d in range(low_day, high_day + 1)]
                if any(r != records[0] for r in records):
                    continue
                before = [self._random_at(max(week_start(low_day), midnight(ERA_STARTS[1][1])), switch, rng)
                          for _ in range(2)]
                after = [self._random_at(switch, week_start(high_day + 1), rng) for _ in range(2)]
                shown = [(self.truth(ident, era_of(t), day_of(t), "fi"), era_of(t)) for t in sorted(before + after)]
                if any(r is None for r, _ in shown):
                    continue
                steps, _ = fold([(r, e) for r, e in shown if r is not None])
                if any(steps):
                    continue
                for at in before + after:
                    self.capture_action(ident, at, rng, follow=False)
                self._reserved.add(ident)
                self.highlights["stable:v2"] = ident
                return
