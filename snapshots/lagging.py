"""Languages left behind: one language's page of an action changed, and another language's page did not follow.

A plan published in Finnish, Swedish and English is one plan: an action's status, its tasks' dates and states, its
organisations and the date it was last updated mean the same in every language. When the Finnish page says
"Myöhässä" and the English one still says "On time" weeks later, English readers are told something the city no
longer says. The archive keys each language's page as an action of its own (site, plan_path, language,
identifier), so the two are compared here, over their versions' records, never their pages.

Only language-neutral facts are compared (`neutral`): texts are translated, not copied, and organisation names
are translatable too (Kausal Watch keeps `name` and `abbreviation` of an organisation per language), so an
organisation is known by its role alone; the record has no key that every language shares.

The rule (`languages_left_behind`): a change of one language's neutral facts (a crawl, import or backfill version,
never a reparse or a new front end's presentation) is a story for another language when that language was seen
still behind it at least `window_days` after the change, before it followed and while the change still stood. A
language that already showed the new facts while this one showed the old ones led the change, so this one's
change is a follow, not a lead; a language never crawled, or not crawled since the change, is never behind.
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from schemas.dates import HELSINKI
from schemas.meaning import UNKNOWN, can_show, field_of
from schemas.meaning_values import when_meaning
from snapshots.records import RecordReader
from snapshots.report_read import VersionRow, utc_from_us, versions_of

#: the default window: a language that follows within two weeks was not left behind
WINDOW_DAYS = 14
#: the record fields whose values do not depend on the language, in the order a reader is told them
NEUTRAL_FIELDS = ("status", "tasks", "responsible_organizations", "updated_at")
#: versions that are not edits of the site: a parser's or a front end's difference is never a lead
_NOT_EDITS = ("reparse", "markup")

Facts = dict[str, Any]


@dataclass(frozen=True)
class Lag:
    """One change one language made and another did not follow in time."""

    site: str
    plan_path: str
    identifier: str
    leading: str  # the language that changed
    lagging: str  # the language left behind
    fields: tuple[str, ...]  # the record fields the lagging language still showed otherwise (NEUTRAL_FIELDS order)
    changed_at: dt.datetime  # the run that saw the leading language's change (its version's valid_from)
    followed_at: dt.datetime | None  # the first run that saw the lagging language follow; None: not (yet)
    as_of: dt.datetime  # the lagging language's last observation compared (the follow, or the latest before now)
    noticed_at: dt.datetime  # the first observation that made it a story (behind `window_days` after the change)
    leading_values: Mapping[str, Any]  # the changed facts as the leading language showed them
    lagging_values: Mapping[str, Any]  # the same facts as the lagging language last showed them behind

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The lagging page's action key."""
        return (self.site, self.plan_path, self.lagging, self.identifier)

    def to_json(self) -> dict[str, Any]:
        return {"site": self.site, "plan_path": self.plan_path, "identifier": self.identifier,
                "leading": self.leading, "lagging": self.lagging, "fields": list(self.fields),
                "changed_at": self.changed_at.isoformat(),
                "followed_at": None if self.followed_at is None else self.followed_at.isoformat(),
                "as_of": self.as_of.isoformat(), "noticed_at": self.noticed_at.isoformat(),
                "leading_values": dict(self.leading_values),
                "lagging_values": dict(self.lagging_values)}


# ------------------------------------------------------------------------------------------------------------
# the neutral projection


def neutral(record: Mapping[str, Any], front_end: str | None = None) -> Facts:
    """The facts of a record that mean the same in every language, `{fact: value}`; a fact the page's era cannot
    show is UNKNOWN (never a difference). A fact is a record field, or a field and an aspect ("tasks/state").

    - `status`: the status identifier (`late`), not its label; UNKNOWN when a status is shown without one.
    - `tasks`: each task as [done or open, its date] (ISO, at the precision shown: "3/2021" and "3.2021" are
      both `2021-03`), as a sorted list: titles are translated, so the tasks are a multiset, not keyed;
      `tasks/state` the same with todo versus in progress, where the era shows that.
    - `responsible_organizations`: how many; `responsible_organizations/role` their roles (sorted), where the era
      shows roles. Names are translatable, so which organisations it is cannot be compared across languages.
    - `updated_at`: the "updated" date."""
    language = str(record.get("language") or "fi")
    status = record.get("status")
    tasks = [(str(t.get("state")), when_meaning(t.get("date"), str(t.get("date_text") or ""), language))
             for t in record.get("tasks") or []]
    orgs = record.get("responsible_organizations") or []
    return {
        "status": None if not status else (status.get("identifier") or UNKNOWN),
        "tasks": _sorted([["done" if state == "done" else "open", when] for state, when in tasks]),
        "tasks/state": _sorted([[state, when] for state, when in tasks])
        if can_show(front_end, "tasks.in_progress") else UNKNOWN,
        "responsible_organizations": len(orgs),
        "responsible_organizations/role": sorted(str(o.get("role") or "") for o in orgs)
        if can_show(front_end, "organizations.role") else UNKNOWN,
        "updated_at": record.get("updated_at"),
    }


def _sorted(items: list[list[Any]]) -> list[list[Any]]:
    return sorted(items, key=json.dumps)


def changed_facts(old: Facts, new: Facts) -> tuple[str, ...]:
    """The facts whose values differ between two versions of one language (both known)."""
    return tuple(f for f in new if f in old and old[f] is not UNKNOWN and new[f] is not UNKNOWN and old[f] != new[f])


def behind(target: Facts, other: Facts, facts: Sequence[str]) -> tuple[str, ...]:
    """The facts of `facts` in which `other` does not show `target`'s values (UNKNOWN on either side is not a
    difference). An updated date is behind only when it is earlier: a page showing a later date has seen at
    least that save, whatever else came with it."""
    out = []
    for fact in facts:
        want, got = target.get(fact, UNKNOWN), other.get(fact, UNKNOWN)
        if want is UNKNOWN or got is UNKNOWN:
            continue
        if fact == "updated_at":
            if want is not None and (got is None or str(got) < str(want)):
                out.append(fact)
        elif want != got:
            out.append(fact)
    return tuple(out)


def record_fields(facts: Sequence[str]) -> tuple[str, ...]:
    """Facts as the record fields they belong to, each once, in NEUTRAL_FIELDS order."""
    names = {field_of(f) for f in facts}
    return tuple(f for f in NEUTRAL_FIELDS if f in names)


# ------------------------------------------------------------------------------------------------------------
# the archive read


_OBSERVED = """
SELECT o.plan_path, o.identifier, o.language, o.version_id, epoch_us(r.started_at)
FROM observations o JOIN runs r ON r.id = o.run_id
WHERE o.site = ? AND o.version_id IS NOT NULL AND o.outcome IN ('parsed', 'unchanged'){where}
"""
#: actions with versions in more than one language (the only ones that can lag)
_SHARED = ("site = ? AND EXISTS (SELECT 1 FROM action_versions other WHERE other.site = action_versions.site"
           " AND other.plan_path = action_versions.plan_path AND other.identifier = action_versions.identifier"
           " AND other.language <> action_versions.language)")


@dataclass
class _Language:
    """One language's page of one action: its versions (oldest first) and its observations (time, version)."""

    versions: list[VersionRow]
    seen: list[tuple[dt.datetime, int]]


def languages_left_behind(
    con: duckdb.DuckDBPyConnection, site: str, window_days: float = WINDOW_DAYS, plan_path: str | None = None,
    now: dt.datetime | None = None,
) -> list[Lag]:
    """Every change of an action's language-neutral facts in one language that another language of the same
    action (same site, plan_path, identifier) did not follow within `window_days`, oldest first, each once per
    (action, leading language, lagging language, change).

    A change is a version of the leading language (cause crawl, import or backfill) whose neutral facts differ
    from the version before. The lagging language follows when one of its observations at or after the change
    shows the changed facts (an updated date at least as late). It is a story when an observation of it at
    least `window_days` after the change, before it followed and before the leading language changed those facts
    again, still showed them otherwise (days are Helsinki calendar days, from the change's run to the
    observation's run): a language first crawled after the window is judged by that first
    observation. Not a story: a change the other language had already shown while this one showed the old facts
    (this one followed), and any language without an observation since the change.

    `now`: judge as of that instant (only runs started by then count); None = everything in the archive."""
    plan_sql = "" if plan_path is None else " AND plan_path = ?"
    params: list[Any] = [site] + ([] if plan_path is None else [plan_path])
    # a plan read in one language has nobody to leave behind: skip reading every record (most plans; the diff
    # and the report ask on every call)
    languages = con.execute(f"SELECT count(DISTINCT language) FROM runs WHERE site = ?{plan_sql}", params).fetchone()
    if not languages or int(languages[0]) < 2:
        return []
    reader = RecordReader(con)
    versions = versions_of(con, _SHARED + plan_sql, params, reader=reader)
    actions: dict[tuple[str, str], dict[str, _Language]] = {}
    by_id: dict[int, VersionRow] = {}
    for version in versions:
        if now is not None and version.valid_from > now:
            continue
        _, plan, language, identifier = version.key
        actions.setdefault((plan, identifier), {}).setdefault(language, _Language([], [])).versions.append(version)
        by_id[version.id] = version
    where = "" if plan_path is None else " AND o.plan_path = ?"
    if now is not None:
        where += " AND r.started_at <= ?"
        params.append(now)
    for plan, identifier, language, version_id, at_us in con.execute(_OBSERVED.format(where=where), params).fetchall():
        page = actions.get((plan, identifier), {}).get(language)
        at = utc_from_us(at_us)
        if page is not None and at is not None and int(version_id) in by_id:
            page.seen.append((at, int(version_id)))
    facts: dict[int, Facts] = {}

    def facts_of(version_id: int) -> Facts:
        if version_id not in facts:
            version = by_id[version_id]
            facts[version_id] = neutral(version.record, version.front_end)
        return facts[version_id]

    found: list[Lag] = []
    for (plan, identifier), pages in actions.items():
        for page in pages.values():
            page.seen.sort()
        for leading, page in pages.items():
            for i in range(1, len(page.versions)):
                found += _lags_of_change(site, plan, identifier, leading, page.versions, i, pages, facts_of,
                                         window_days)
    return sorted(found, key=lambda lag: (lag.changed_at, lag.identifier, lag.leading, lag.lagging))


def _days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Helsinki calendar days from one instant to another: a crawl at 06:00 every Monday is a week later across
    a daylight-saving change (167 hours), and a language crawled seconds before the other on the same morning is
    seen the same day."""
    return (end.astimezone(HELSINKI).date() - start.astimezone(HELSINKI).date()).days


def _lags_of_change(
    site: str, plan: str, identifier: str, leading: str, versions: list[VersionRow], i: int,
    pages: Mapping[str, _Language], facts_of: Callable[[int], Facts], window_days: float,
) -> list[Lag]:
    """The stories of the leading language's change at `versions[i]`, one per language left behind."""
    current = versions[i]
    if current.cause in _NOT_EDITS:
        return []
    before, new = facts_of(versions[i - 1].id), facts_of(current.id)
    changed = changed_facts(before, new)
    if not changed:
        return []
    target = {f: new[f] for f in changed}
    t0 = current.valid_from
    # since when the leading language showed the old facts, and until when it showed the new ones
    since = versions[i - 1].valid_from
    for older in reversed(versions[: i - 1]):
        if behind(facts_of(older.id), before, changed) or behind(before, facts_of(older.id), changed):
            break
        since = older.valid_from
    until = next((v.valid_from for v in versions[i + 1:] if behind(target, facts_of(v.id), changed)),
                 versions[-1].valid_to)
    out = []
    for lagging, other in pages.items():
        if lagging == leading or not other.seen:
            continue
        first_since = bisect_left(other.seen, since, key=lambda seen: seen[0])
        first_after = bisect_right(other.seen, t0, key=lambda seen: seen[0])
        if any(not behind(target, facts_of(vid), changed) for _, vid in other.seen[first_since:first_after]):
            continue  # it showed the new facts first: the leading language followed it
        followed: dt.datetime | None = None
        noticed: dt.datetime | None = None
        last: tuple[dt.datetime, int] | None = None
        last_behind: tuple[str, ...] = ()
        behind_vid = 0
        for at, vid in other.seen[first_after:]:
            if until is not None and at >= until:
                break
            last = (at, vid)
            missing = behind(target, facts_of(vid), changed)
            if not missing:
                followed = at
                break
            last_behind = missing
            behind_vid = vid
            if noticed is None and _days_between(t0, at) >= window_days:
                noticed = at
        if noticed is None or last is None:
            continue
        shown = facts_of(behind_vid)
        out.append(Lag(site, plan, identifier, leading, lagging, record_fields(last_behind), t0, followed, last[0],
                       noticed, {f: target[f] for f in last_behind}, {f: shown.get(f) for f in last_behind}))
    return out
