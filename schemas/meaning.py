"""The meaning of a record: what the plan says, whatever front end printed it.

The record stays what the page shows (DESIGN §3). But the same plan served by another front-end era (a
redesign, or web-archive captures from different years) prints dates and schedules differently, says "" where
another era says nothing, lists categories in another order, and cannot show some things at all (V1 has no
organisation roles, no lead, no "Lue lisää" block). Whether the *plan* changed is decided here, on a canonical
projection of the record: presentation is dropped, what an era cannot show is UNKNOWN, and **unknown is never a
change**: a fact an era cannot show is compared with the last value an era that could show it gave.

Pure functions over records (an Action or its JSON dict); the archive stores the era of every page
(`sniff_front_end`) and the carried-forward meaning of every version. The rules are written out in
docs/record.md ("Meaning: when the plan changed"), the era table there is `reach_table()`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from schemas.meaning_values import ISO_PREFIX, collapse, neighbour, schedule_meaning, when_meaning
from schemas.record_shape import FIELDS, Action

ERAS: Final = ("v1early", "v1", "v2", "v3")
_V1 = frozenset({"v1early", "v1"})
_ALL = frozenset(ERAS)
_FROM_V1 = frozenset({"v1", "v2", "v3"})
_FROM_V2 = frozenset({"v2", "v3"})


class _Unknown:
    """What an era cannot show. Never equal to a value, never stored: the last known value stands in for it."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


@dataclass(frozen=True)
class Facet:
    """One thing a page can show, the record field(s) it lives in ("a, b"), and the eras whose pages can show it."""

    name: str
    field: str
    label: str
    eras: frozenset[str]


#: The reach table: what each front-end era can show (reference sections 1-3, 11, 12). The one place it is kept.
FACETS: Final[tuple[Facet, ...]] = (
    Facet("name", "name", "name", _ALL),
    Facet("lead", "lead", "lead paragraph", _FROM_V2),
    Facet("description", "description", "description", _ALL),
    Facet("official_description", "official_description, official_description_source",
          "official description and its source line", _ALL),
    Facet("categories", "categories", "which categories of the primary type the action is in",
          frozenset({"v1early", "v1", "v3"})),
    Facet("categories.with_parents", "categories", "… those categories shown, with the parents V2's trails add",
          _ALL),
    Facet("organizations", "responsible_organizations", "responsible organisations (the badge text)", _ALL),
    Facet("organizations.full_name", "responsible_organizations", "… their full names", _FROM_V1),
    Facet("organizations.role", "responsible_organizations", "… their roles (primary, collaborator)", _FROM_V2),
    Facet("contact_persons", "contact_persons", "contact persons (name, title, organisation)", _ALL),
    Facet("status", "status", "status label", _ALL),
    Facet("implementation_phase", "implementation_phase", "implementation phase", _FROM_V2),
    Facet("completion", "completion", "completion percent", _ALL),
    Facet("impact", "impact", "impact", _ALL),
    Facet("schedule.named", "schedule", "schedule given as years (a schedule row: \"2019–2021\")", _ALL),
    Facet("schedule", "schedule", "schedule as dates or continuous, and no schedule", _FROM_V2),
    Facet("tasks", "tasks", "tasks: which, done or open, date, details", _ALL),
    Facet("tasks.in_progress", "tasks", "… an open task in progress or not started", _FROM_V2),
    Facet("tasks.date_precision", "tasks", "… an open task's date as a month or a year", _FROM_V2),
    Facet("indicators", "indicators", "indicator names", _FROM_V1),
    Facet("links.anchors", "links", "links inside the description", _ALL),
    Facet("links", "links", "the \"Lue lisää\" links block", _FROM_V2),
    Facet("status_updates", "status_updates", "status updates", _FROM_V1),
    Facet("extra_sections", "extra_sections", "other sections shown (their text)", _ALL),
    Facet("extra_sections.others", "extra_sections",
          "other category types, attributes, merged actions (and which sections exist)", _FROM_V2),
    Facet("updated_at", "updated_at", "\"Tietoja päivitetty\" date", _ALL),
    Facet("neighbours", "previous_url, next_url", "previous and next action (by identifier)", _ALL),
)
_BY_NAME: Final = {f.name: f for f in FACETS}

#: Record fields that are presentation only: never part of the meaning.
PRESENTATION: Final = (
    "url",  # where the page was served (a redesign or an archive capture moves it)
    "official_description_label",  # "Toimenpideohjelman mukaisesti" / "… mukaan" / nothing in V3: era wording
    "test_instance",  # the TESTI banner says how the site is deployed, not what the plan says
    "parser_version",  # how vahti read the page
)
#: Identity: the same in every version of an action.
IDENTITY: Final = ("site", "plan_path", "language", "identifier")
_FIELD_ORDER: Final = FIELDS


def can_show(front_end: str | None, facet: str) -> bool:
    """Whether pages of this era can show the facet; an unknown era (None) is taken to show everything."""
    return front_end not in ERAS or front_end in _BY_NAME[facet].eras


# ------------------------------------------------------------------------------------------------------------
# which era printed a page


_NEXT_DATA = re.compile(rb'<script[^>]*\bid="__NEXT_DATA__"[^>]*>(.*?)</script>', re.S)
#: 2019 markup before the strings moved to i18n (2019-10-15): hard-coded words and the `date | name` task header
_V1_EARLY = (
    re.compile(rb"Toimenpideohjelman mukaisesti"),
    re.compile(rb'class="task-header"'),
    re.compile(rb"\d{4}\s*</span>\s*\|\s*<span"),
    re.compile(rb'<a[^>]*href="[^"]*/#actions"'),
)
_V2_PROPS = ("plan", "siteContext", "themeProps")


def sniff_front_end(body: bytes | None) -> str | None:
    """The front-end era that rendered a stored page: "v1early", "v1", "v2", "v3", or None when the page shows no
    sign of a known era (a redesign that dropped the embedded data, a non-HTML answer). None means full reach."""
    if not body:
        return None
    if b"self.__next_f.push" in body or b'data-testid="action-page"' in body:
        return "v3"
    found = _NEXT_DATA.search(body)
    if found is None:
        return None
    if _is_v2(found.group(1)):
        return "v2"
    head = body[: found.start()]
    return "v1early" if any(p.search(head) for p in _V1_EARLY) else "v1"


def _is_v2(data: bytes) -> bool:
    """V2 pages carry the plan, site context and theme beside Apollo 3's normalised cache (`{"__ref": …}`)."""
    if b'"__ref":' in data:
        return True
    try:
        parsed = json.loads(data.decode("utf-8", errors="replace"))
    except ValueError:
        return any(f'"{key}":'.encode() in data for key in ("siteContext", "themeProps"))
    props = parsed.get("props") if isinstance(parsed, dict) else None
    return isinstance(props, dict) and any(key in props for key in _V2_PROPS)


# ------------------------------------------------------------------------------------------------------------
# the projection


Meaning = dict[str, Any]


def _as_dict(action: Action | Mapping[str, Any]) -> Mapping[str, Any]:
    return action.model_dump(mode="json") if isinstance(action, Action) else action


def field_of(path: str) -> str:
    """The record field a meaning path belongs to ("tasks/state/Laaditaan …" → "tasks")."""
    return path.split("/", 1)[0]


def project(action: Action | Mapping[str, Any], front_end: str | None) -> Meaning:
    """The record's meaning as flat facts `{path: value}`: JSON values in one canonical form each, UNKNOWN where
    the era cannot show the fact. A path is a field name ("description") or a field and a part of it
    ("tasks/done/<title>"); keyed parts let one item's role or state be unknown while the rest is known."""
    r = _as_dict(action)
    era = front_end if front_end in ERAS else None
    out: Meaning = {}

    def put(path: str, facet: str, value: Any) -> None:
        out[path] = value if can_show(era, facet) else UNKNOWN

    for name in ("name", "description", "official_description", "official_description_source", "impact"):
        out[name] = collapse(r.get(name))
    put("lead", "lead", collapse(r.get("lead")))
    put("implementation_phase", "implementation_phase", collapse(r.get("implementation_phase")))
    out["completion"] = r.get("completion")
    out["updated_at"] = r.get("updated_at")
    status = r.get("status") or {}
    out["status"] = collapse(status.get("label")) if status else None
    _categories(out, r.get("categories") or [], era)
    out["contact_persons"] = [
        [collapse(p.get("name")), collapse(p.get("title")), collapse(p.get("organization"))]
        for p in r.get("contact_persons") or []
    ]
    put("indicators", "indicators", sorted(collapse(i.get("name")) or "" for i in r.get("indicators") or []))
    put("status_updates", "status_updates", sorted(
        ([u.get("date"), collapse(u.get("author")), collapse(u.get("title")), collapse(u.get("body"))]
         for u in r.get("status_updates") or []), key=json.dumps))
    out["previous_url"] = neighbour(r.get("previous_url"))
    out["next_url"] = neighbour(r.get("next_url"))
    _organizations(out, r.get("responsible_organizations") or [], era)
    _tasks(out, r.get("tasks") or [], era, str(r.get("language") or "fi"))
    _schedule(out, r.get("schedule"), era, str(r.get("language") or "fi"))
    _links(out, r.get("links") or [], era)
    _extra_sections(out, r.get("extra_sections") or {}, era)
    return out


def _categories(out: Meaning, categories: list[Any], era: str | None) -> None:
    """A set: the page's order is presentation. V2's breadcrumb trails show each category's parents too
    ("Liikenne / Pyöräily"), which other eras do not: there the categories are compared among V2 pages only."""
    names = sorted({c for c in (collapse(x) for x in categories) if c})
    if can_show(era, "categories"):
        out["categories"] = names
    else:
        out["categories"] = UNKNOWN
        out["categories/with_parents"] = names


def _organizations(out: Meaning, orgs: list[Mapping[str, Any]], era: str | None) -> None:
    """Keyed by the badge text (abbreviation, else name): what every era shows. v1early prints only the badge
    ("Helen"), later eras also the full name ("Helen Oy"): the same organisation."""
    shown: list[str] = []
    for org in orgs:
        key = collapse(org.get("abbreviation")) or collapse(org.get("name")) or ""
        shown.append(key)
        full = collapse(org.get("name"))
        out[f"responsible_organizations/name/{key}"] = full if can_show(era, "organizations.full_name") else UNKNOWN
        out[f"responsible_organizations/role/{key}"] = (
            org.get("role") if can_show(era, "organizations.role") else UNKNOWN
        )
    out["responsible_organizations/shown"] = sorted(shown)


def _tasks(out: Meaning, tasks: list[Mapping[str, Any]], era: str | None, language: str) -> None:
    """Keyed by title. Done or open is known in every era; todo versus in progress only where the era has the
    "Mitä nyt tehdään?" group; V1 printed every open task's due date as a day, whatever precision the plan
    meant, so that day matches a month or a year shown later ("~" marks it)."""
    progress = can_show(era, "tasks.in_progress")
    precise = can_show(era, "tasks.date_precision")
    items = []
    for task in tasks:
        done = task.get("state") == "done"
        when = when_meaning(task.get("date"), str(task.get("date_text") or ""), language)
        if when is not None and not done and not precise and ISO_PREFIX.fullmatch(when):
            when = "~" + when
        items.append((collapse(task.get("title")) or "", done, task.get("state"), when,
                      collapse(task.get("details"))))
    items.sort(key=lambda t: (t[0], str(t[3]), str(t[4])))
    keys: list[str] = []
    for title, done, state, when, details in items:
        key = title if title not in keys else f"{title} #{sum(1 for k in keys if k.split(' #')[0] == title) + 1}"
        keys.append(key)
        out[f"tasks/done/{key}"] = done
        out[f"tasks/state/{key}"] = state if done or progress else UNKNOWN
        out[f"tasks/when/{key}"] = when
        out[f"tasks/details/{key}"] = details
    out["tasks/titles"] = sorted(keys)


def _schedule(out: Meaning, schedule: str | None, era: str | None, language: str) -> None:
    """V1's "Aikajänne" is a client-side chart: only the schedule row's name (from the embedded data) is known
    there; no schedule, a date range or "Jatkuva" cannot be told. Later eras show all of it."""
    value = schedule_meaning(schedule, language)
    if can_show(era, "schedule") or (value is not None and can_show(era, "schedule.named")):
        out["schedule"] = value
    else:
        out["schedule"] = UNKNOWN


def _links(out: Meaning, links: list[Mapping[str, Any]], era: str | None) -> None:
    """URLs as a set. An era without the "Lue lisää" block shows only the description's anchors: a part of the
    links, compared with what other such pages showed (`links/anchors`), never with a whole list."""
    urls = sorted({str(link.get("url")) for link in links if link.get("url")})
    if can_show(era, "links"):
        out["links"] = urls
    else:
        out["links"] = UNKNOWN
        out["links/anchors"] = urls


def _extra_sections(out: Meaning, sections: Mapping[str, Any], era: str | None) -> None:
    """Each section's text is known where it is shown; which sections exist is known only where the era can show
    all of them (V1 shows no other category types): there, the sections shown are compared among V1 pages."""
    keys = sorted(collapse(k) or "" for k in sections)
    if can_show(era, "extra_sections.others"):
        out["extra_sections/keys"] = keys
    else:
        out["extra_sections/keys"] = UNKNOWN
        out["extra_sections/shown"] = keys
    for key, text in sections.items():
        out[f"extra_sections/value/{collapse(key) or ''}"] = collapse(text)


# ------------------------------------------------------------------------------------------------------------
# comparing


def same(path: str, old: Any, new: Any) -> bool:
    """Equal meaning. A task date V1 printed as a day ("~2021-06-01") matches the month or year a later era
    shows for the same task ("2021-06", "2021"): compared at the coarser precision."""
    if old == new:
        return True
    if "/when/" in path and isinstance(old, str) and isinstance(new, str) and "~" in (old[:1], new[:1]):
        a, b = old.lstrip("~"), new.lstrip("~")
        if ISO_PREFIX.fullmatch(a) and ISO_PREFIX.fullmatch(b):
            n = min(len(a), len(b))
            return a[:n] == b[:n]
        return a == b
    return False


@dataclass(frozen=True)
class Step:
    """The outcome of one new record: the record fields whose meaning changed (record order) and the known
    meaning after it (every fact's last known value, JSON-ready)."""

    changed: tuple[str, ...]
    known: dict[str, Any]


def advance(known: Mapping[str, Any] | None, action: Action | Mapping[str, Any], front_end: str | None) -> Step:
    """Compare a new record (shown by `front_end`) with the action's known meaning so far.

    A fact the era cannot show is skipped (the last known value stands); a fact never known before is first
    knowledge, not a change (an era that shows roles for the first time did not change them). `known=None`
    means the action's first record: nothing changed."""
    meaning = project(action, front_end)
    shown = {path: value for path, value in meaning.items() if value is not UNKNOWN}
    if known is None:
        return Step((), dict(shown))
    changed = {field_of(p) for p, v in shown.items() if p in known and not same(p, known[p], v)}
    after = dict(known)
    after.update(shown)
    order = {name: n for n, name in enumerate(_FIELD_ORDER)}
    return Step(tuple(sorted(changed, key=lambda f: order.get(f, len(order)))), after)


def fold(records: Iterable[tuple[Action | Mapping[str, Any], str | None]]) -> tuple[list[tuple[str, ...]], Meaning]:
    """An action's records in order with their eras → the fields that changed at each, and the known meaning
    after the last one (what `advance` carries)."""
    known: dict[str, Any] | None = None
    steps: list[tuple[str, ...]] = []
    for record, era in records:
        step = advance(known, record, era)
        steps.append(step.changed)
        known = step.known
    return steps, known or {}


def meaning_changed(
    known: Mapping[str, Any] | None, action: Action | Mapping[str, Any], front_end: str | None
) -> tuple[str, ...]:
    """Just the fields whose meaning changed (see `advance`)."""
    return advance(known, action, front_end).changed


# ------------------------------------------------------------------------------------------------------------
# the table in docs/record.md


def reach_table() -> str:
    """The reach table as Markdown (docs/record.md holds this text; a test keeps the two the same)."""
    lines = ["| what the page shows | field | v1early | v1 | v2 | v3 |", "|---|---|---|---|---|---|"]
    for facet in FACETS:
        marks = " | ".join("✓" if era in facet.eras else "—" for era in ERAS)
        fields = ", ".join(f"`{name}`" for name in facet.field.split(", "))
        lines.append(f"| {facet.label} | {fields} | {marks} |")
    return "\n".join(lines)

