"""Merge the visible page with the embedded data into one record, noting every disagreement.

The visible text wins for what the page shows (it is what readers saw and what a citation quotes); embedded data
fills what the page does not show (full organisation names, roles, schedule, prev/next when hidden) and decides
the update date, because V3 prints the server's UTC date, which can be a day off from Helsinki's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from schemas import vocab
from schemas.action import EMBEDDED_FILL, ParseWarning
from schemas.dates import sort_key
from schemas.text import clean_inline
from scraper.parse_layers import ContactItem, Embedded, IndicatorItem, LinkItem, OrgItem, Shown, TaskItem
from scraper.urls import absolute, action_location

Warn = Callable[[str, str], None]
_TASK_ORDER = {"done": 0, "in_progress": 1, "todo": 2}
_SIMPLE = (
    "lead", "description", "official_description", "completion", "implementation_phase", "impact",
)


def merge(dom: Shown, emb: Embedded | None, url: str, warnings: list[ParseWarning]) -> dict[str, Any]:
    """The record's fields (all but categories, extra sections and the page-level ones) from both readings."""
    emb = emb or Embedded()
    out: dict[str, Any] = {}

    def warn(field: str, message: str) -> None:
        warnings.append(ParseWarning(field=field, message=message))

    location = action_location(url)
    url_id = location.identifier if location else None
    identifier = emb.identifier or dom.identifier or url_id
    if dom.identifier and identifier and dom.identifier != identifier:
        warn("identifier", f"page shows {dom.identifier!r}, embedded data says {identifier!r}")
    out["identifier"] = identifier
    out["name"] = dom.name or emb.name
    if dom.name and emb.name and dom.name != emb.name:
        warn("name", f"page shows {dom.name!r}, embedded data says {emb.name!r}")

    for field in _SIMPLE:
        shown_value, embedded_value = getattr(dom, field), getattr(emb, field)
        shown = shown_value not in (None, "")
        out[field] = shown_value if shown or embedded_value is None else embedded_value
        if shown and embedded_value not in (None, "") and _differs(shown_value, embedded_value):
            warn(field, "visible text differs from embedded data")
    out["official_description_label"] = dom.official_description_label
    out["official_description_source"] = dom.official_description_source
    out["schedule"] = dom.schedule if dom.schedule else (emb.schedule or dom.schedule)

    out["status"] = _status(dom, emb, warn)
    out["responsible_organizations"] = _organizations(dom, emb, warn)
    out["contact_persons"] = _contacts(dom, emb, warn)
    out["tasks"] = _tasks(dom, emb, warn)
    out["indicators"] = _indicators(dom, emb, url)
    out["links"] = _links(dom, emb, url)
    out["status_updates"] = dom.status_updates if dom.status_updates is not None else emb.status_updates

    out["updated_at"] = emb.updated_at or dom.updated_at
    if dom.updated_at and emb.updated_at and dom.updated_at != emb.updated_at:
        warn("updated_at", f"page shows {dom.updated_at}, embedded timestamp is {emb.updated_at} in Europe/Helsinki")

    for key, emb_ident in (("previous_url", emb.previous_identifier), ("next_url", emb.next_identifier)):
        shown_url: str | None = getattr(dom, key)
        embedded_url = _sibling_url(url, emb_ident) if emb_ident else None
        out[key] = shown_url or embedded_url
        if shown_url and embedded_url and shown_url != embedded_url:
            shown_loc, emb_loc = action_location(shown_url), action_location(embedded_url)
            if not (shown_loc and emb_loc and shown_loc.identifier == emb_loc.identifier):
                warn(key, f"page links {shown_url}, embedded data says {embedded_url}")
        target = action_location(out[key]) if out[key] else None
        if target is not None and target.identifier == identifier:
            warn(key, "the page links to itself")
    return out


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return clean_inline(a).casefold() != clean_inline(b).casefold()
    return bool(a != b)


def _status(dom: Shown, emb: Embedded, warn: Warn) -> dict[str, str | None] | None:
    label = dom.status_label
    if label is None:
        if emb.status_label:
            return {"label": emb.status_label, "identifier": emb.status_identifier}
        return None
    identifier = None
    matching = [k for k in emb.status_labels if not _differs(label, k)]
    if matching:
        identifier = emb.status_labels[matching[0]] or emb.status_identifier
    elif emb.status_labels:
        warn("status", f"page shows {label!r}, embedded data says {emb.status_label!r}")
    identifier = identifier or dom.status_identifier or vocab.status_identifier(label)
    return {"label": label, "identifier": identifier}


def _shorter(field: str, shown: Sequence[object], embedded: Sequence[object], warn: Warn, what: str) -> bool:
    """The merge rule for lists the embedded data carries as the page renders them: a visible reading that is
    empty or shorter means the reader missed something on the page (the text of V3's badge buttons, once), so the
    record takes the embedded items and says so."""
    if len(shown) >= len(embedded):
        return False
    warn(field, f"{EMBEDDED_FILL}: page shows {len(shown)} {what}, embedded data has {len(embedded)}")
    return True


def _organizations(dom: Shown, emb: Embedded, warn: Warn) -> list[OrgItem]:
    embedded = emb.responsible_organizations
    if dom.responsible_organizations is None:
        return list(embedded)
    if _shorter("responsible_organizations", dom.responsible_organizations, embedded, warn, "organisations"):
        return list(embedded)
    merged: list[OrgItem] = []
    for org in dom.responsible_organizations:
        shown = org["abbreviation"] or org["name"]
        match = next(
            (e for e in embedded if shown in (e["abbreviation"], e["name"]) or org["name"] == e["name"]), None
        )
        if match is None:
            if embedded:
                warn("responsible_organizations", f"{shown!r} is not in the embedded data")
            merged.append(org)
            continue
        full = match["name"]
        abbreviation = match["abbreviation"]
        if org["abbreviation"] and full != org["name"]:
            warn("responsible_organizations", f"aria-label names {org['name']!r}, embedded data {full!r}")
        if abbreviation is None and full != shown:
            abbreviation = shown
        merged.append({"name": full, "abbreviation": abbreviation if abbreviation != full else None,
                       "role": match["role"]})
    return merged


def _contacts(dom: Shown, emb: Embedded, warn: Warn) -> list[ContactItem]:
    embedded = emb.contact_persons
    if dom.contact_persons is None:
        return list(embedded)
    if _shorter("contact_persons", dom.contact_persons, embedded, warn, "contacts"):
        return list(embedded)
    out: list[ContactItem] = []
    for person in dom.contact_persons:
        match = next((e for e in embedded if e["name"] == person["name"]), None)
        if match and person["organization"] is None and person["title"] and person["title"] == match["organization"]:
            person = {**person, "title": match["title"], "organization": match["organization"]}
        out.append(person)
    if embedded and len(embedded) != len(out):
        warn("contact_persons", f"page shows {len(out)} contacts, embedded data has {len(embedded)}")
    return out


def task_sort_key(task: TaskItem) -> tuple[int, str, str]:
    return (_TASK_ORDER.get(task["state"], 3), sort_key(task["date"], task["date_text"] or ""), task["title"])


def _tasks(dom: Shown, emb: Embedded, warn: Warn) -> list[TaskItem]:
    embedded = emb.tasks
    tasks = dom.tasks if dom.tasks is not None else list(embedded)
    if dom.tasks is not None and _shorter("tasks", dom.tasks, embedded, warn, "tasks"):
        tasks = list(embedded)  # cancelled tasks are never rendered and never in `embedded`
    elif dom.tasks is not None and embedded:
        shown_titles = sorted(t["title"] for t in dom.tasks)
        embedded_titles = sorted(t["title"] for t in embedded)
        if shown_titles != embedded_titles:
            warn("tasks", f"page shows {len(shown_titles)} tasks, embedded data has {len(embedded_titles)}")
    return sorted(tasks, key=task_sort_key)


def _indicators(dom: Shown, emb: Embedded, url: str) -> list[IndicatorItem]:
    if dom.indicators is not None:
        return list(dom.indicators)
    return [{"name": ind["name"], "url": _prefixed(url, f"/indicators/{ind['id']}") if ind["id"] is not None else None}
            for ind in emb.indicators]


def _links(dom: Shown, emb: Embedded, url: str) -> list[LinkItem]:
    candidates: list[LinkItem] = list(dom.links if dom.links is not None else emb.links)
    candidates += dom.lead_links + dom.description_links
    if dom.description is None:
        candidates += [{"title": t, "url": u} for t, u in emb.description_links]
    out: list[LinkItem] = []
    seen: set[str] = set()
    for link in candidates:
        absolute_url = absolute(url, link["url"])
        if absolute_url in seen:
            continue
        seen.add(absolute_url)
        out.append({"title": link["title"], "url": absolute_url})
    return out


def _sibling_url(url: str, identifier: str) -> str:
    """The URL of another action of the same plan, in the same language and URL shape."""
    parts = urlsplit(url)
    segments = parts.path.rstrip("/").split("/")
    segments[-1] = quote(identifier, safe=".-_~")
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segments), "", ""))


def _prefixed(url: str, path: str) -> str:
    """An absolute URL for a site path, keeping the language and plan prefix of the action's URL."""
    parts = urlsplit(url)
    location = action_location(url)
    prefix = ""
    if location is not None:
        before = parts.path.split(f"/{location.kind}/", 1)[0]
        prefix = before
    return urlunsplit((parts.scheme, parts.netloc, prefix + path, "", ""))
