"""Map the GraphQL action object (any era) onto Action fields.

Only used to fill what the visible page does not show and to cross-check what it does; values are normalised the
same way visible text is, so that a cross-check compares like with like.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from schemas import vocab
from schemas.dates import format_fi, parse_iso_day
from schemas.text import clean_inline
from scraper.fragments import FragmentReader
from scraper.parse_layers import (
    ContactItem,
    Embedded,
    EmbeddedCategoryType,
    EmbeddedIndicator,
    OrgItem,
    TaskItem,
    UpdateItem,
)

_TASK_STATE = {
    "COMPLETED": "done",
    "IN_PROGRESS": "in_progress",
    "NOT_STARTED": "todo",
    "ACTIVE": "todo",
    "CANCELLED": "cancelled",
}


def _s(value: Any) -> str | None:
    return (clean_inline(value) or None) if isinstance(value, str) else None


def _items(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict) and isinstance(value.get("edges"), list):
        value = [e.get("node") for e in value["edges"] if isinstance(e, dict)]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def person_name(person: dict[str, Any]) -> str | None:
    first, last = _s(person.get("firstName")), _s(person.get("lastName"))
    joined = " ".join(p for p in (first, last) if p)
    return joined or _s(person.get("name"))


def task_date_text(task: dict[str, Any], day: dt.date | None, done: bool) -> str:
    """How the Finnish page would print the date (used only when the page shows no task list)."""
    if day is None:
        return ""
    fmt = str(task.get("dateFormat") or "FULL").upper()
    if done or fmt == "FULL":
        return format_fi(day, padded=done)
    if fmt == "MONTH_YEAR":
        return f"{day.month}.{day.year}"
    return str(day.year)


def map_fields(data: dict[str, Any], fragments: FragmentReader | None = None) -> Embedded:
    """Action-shaped fields (names as in schemas.Action) from the embedded action object; `fragments` reads the
    HTML ones inside the page's own tree."""
    reader = fragments or FragmentReader()
    fragment_text = reader.text
    out = Embedded()
    out.identifier = _s(str(data["identifier"])) if data.get("identifier") is not None else None
    out.name = _s(data.get("name"))
    lead = data.get("leadParagraph")
    out.lead = fragment_text(lead) or None if isinstance(lead, str) else None
    description = data.get("description")
    out.description, out.description_links = reader.text_and_links(
        description if isinstance(description, str) else None
    )
    official = data.get("officialName")
    out.official_description = fragment_text(official.replace("\n", "<br>")) if isinstance(official, str) else None
    completion = data.get("completion")
    out.completion = int(completion) if isinstance(completion, int | float) and completion > 0 else None
    out.updated_at = parse_iso_day(data.get("updatedAt")) if isinstance(data.get("updatedAt"), str) else None

    status, summary = _obj(data.get("status")), _obj(data.get("statusSummary"))
    if str(summary.get("identifier") or "").upper() == "UNDEFINED":
        summary = {}  # "Tuntematon": the back end's word for no status; the page shows none (reference 12.3)
    out.status_label = _s(status.get("name")) or _s(summary.get("label"))
    # a theme may print the plan's own status name or the summary's label: both are the embedded status
    out.status_labels = {
        label: vocab.normalise_status_identifier(ident if isinstance(ident, str) else None)
        for label, ident in ((_s(status.get("name")), status.get("identifier")),
                             (_s(summary.get("label")), summary.get("identifier")))
        if label
    }
    out.status_identifier = vocab.normalise_status_identifier(
        status.get("identifier") if isinstance(status.get("identifier"), str) else summary.get("identifier")
    )
    out.implementation_phase = _s(_obj(data.get("implementationPhase")).get("name"))
    out.impact = _s(_obj(data.get("impact")).get("name"))
    schedule_names = [_s(s.get("name")) for s in _items(data.get("schedule"))]
    out.schedule = ", ".join(n for n in schedule_names if n) or None
    if data.get("scheduleContinuous") is True and not out.schedule:
        out.schedule = "Jatkuva"

    out.category_types = category_types(_items(data.get("categories")))
    orgs: list[OrgItem] = []
    for party in _items(data.get("responsibleParties")):
        org = _obj(party.get("organization")) or party
        name, abbr = _s(org.get("name")), _s(org.get("abbreviation"))
        if not (name or abbr):
            continue
        role = str(party.get("role") or "").lower() or None
        orgs.append({
            "name": name or abbr or "",
            "abbreviation": abbr if abbr and name and abbr != name else None,
            "role": role if role in ("primary", "collaborator") else None,
        })
    out.responsible_organizations = orgs
    contacts: list[ContactItem] = []
    for item in _items(data.get("contactPersons")):
        person = _obj(item.get("person")) or item
        name = person_name(person)
        if name:
            contacts.append({
                "name": name,
                "title": _s(person.get("title")),
                "organization": _s(_obj(person.get("organization")).get("name")),
            })
    out.contact_persons = contacts

    tasks: list[TaskItem] = []
    for task in _items(data.get("tasks")):
        state = _TASK_STATE.get(str(task.get("state") or "").upper())
        completed = parse_iso_day(task.get("completedAt")) if isinstance(task.get("completedAt"), str) else None
        if state is None:
            state = "done" if completed else "todo"
        if state == "cancelled":
            continue
        due = parse_iso_day(task.get("dueAt")) if isinstance(task.get("dueAt"), str) else None
        day = completed if state == "done" else due
        details = task.get("details", task.get("comment"))
        fmt = str(task.get("dateFormat") or "FULL").upper()
        tasks.append({
            "state": state,
            "date": day if (state == "done" or fmt == "FULL") else None,
            "date_text": task_date_text(task, day, state == "done"),
            "title": _s(task.get("name")) or "",
            "details": fragment_text(details) or None if isinstance(details, str) else None,
        })
    out.tasks = [t for t in tasks if t["title"]]

    indicators: list[EmbeddedIndicator] = []
    for item in _items(data.get("relatedIndicators")) + _items(data.get("indicators")):
        ind = _obj(item.get("indicator")) or item
        name = _s(ind.get("name"))
        if name:
            indicators.append({"name": name, "id": ind.get("id")})
    out.indicators = indicators
    out.links = [
        {"title": _s(link.get("title")) or str(link.get("url")).strip(), "url": str(link.get("url")).strip()}
        for link in _items(data.get("links"))
        if isinstance(link.get("url"), str) and link.get("url")
    ]
    updates: list[UpdateItem] = []
    for update in _items(data.get("statusUpdates")):
        title = _s(update.get("title"))
        if not title:
            continue
        content = update.get("content")
        updates.append({
            "date": parse_iso_day(update.get("date")) if isinstance(update.get("date"), str) else None,
            "author": person_name(_obj(update.get("author"))) if update.get("author") else None,
            "title": title,
            "body": fragment_text(content) or None if isinstance(content, str) else None,
        })
    out.status_updates = updates
    out.next_identifier = _ident(data.get("nextAction"))
    out.previous_identifier = _ident(data.get("previousAction"))
    merged = _obj(data.get("mergedWith"))
    out.merged_with = _ident(merged) if merged else None
    return out


def _ident(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("identifier") is not None:
        return str(value["identifier"]).strip() or None
    return None


def category_types(categories: list[dict[str, Any]]) -> list[EmbeddedCategoryType]:
    """The action's categories grouped by type, types in order of first appearance, names in data order."""
    types: dict[str | None, EmbeddedCategoryType] = {}
    for cat in categories:
        name = _s(cat.get("name"))
        if not name:
            continue
        ctype = _obj(cat.get("type"))
        key = _s(ctype.get("identifier")) if ctype else None
        group = types.setdefault(key, EmbeddedCategoryType(key, _s(ctype.get("name")), []))
        if name not in group.names:
            group.names.append(name)
    return list(types.values())
