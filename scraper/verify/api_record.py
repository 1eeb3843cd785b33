"""An action as the plan's GraphQL API gives it, turned into an Action record: what a page printed from that data
would have to say, field by field, following docs/record.md.

Written from the API's shapes (reference 4.3, 11.3) and docs/record.md, and **not** shared with the parser's
embedded-data mapping (`scraper.embedded_fields`): the embedded data is this same API result, so a bug shared by
both sides would agree with itself and hide. Only the record's own text normalisation (`schemas.text`) is common.

The page's era matters only where an era shows the same data another way and the meaning projection cannot tell
(`schemas.meaning` handles the rest: what an era cannot show is unknown there):
- V2's breadcrumb trails show each category's parents, so a V2 page's categories include the ancestors;
- V1 has no "Lue lisää" block: only the description's anchors are links;
- V1's schedule is the schedule row's name, later eras print the row's years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urljoin

from schemas.action import Action, ContactPerson, Indicator, Link, Organization, Status, StatusUpdate, Task
from schemas.dates import HELSINKI
from schemas.text import clean_block, clean_inline
from scraper.verify.html_plain import plain

JSON = Mapping[str, Any]

_ROLES = {"PRIMARY": "primary", "COLLABORATOR": "collaborator"}
_STATES = {"COMPLETED": "done", "IN_PROGRESS": "in_progress", "NOT_STARTED": "todo"}
_V1 = ("v1early", "v1")


def _text(value: Any) -> str:
    return clean_inline(str(value)) if value is not None else ""


def _day(value: Any) -> dt.date | None:
    """A GraphQL Date ("2021-06-15") or DateTime ("2021-06-15T10:00:00+03:00") as a day; None when absent."""
    if not value:
        return None
    text = str(value)
    try:
        if len(text) > 10:
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return stamp.astimezone(HELSINKI).date() if stamp.tzinfo else stamp.date()
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _categories(api: JSON, primary: str | None, era: str | None) -> list[str]:
    names: list[str] = []
    for cat in api.get("categories") or []:
        ctype = (cat.get("type") or {}).get("identifier")
        if primary is not None and ctype is not None and ctype != primary:
            continue
        names.append(_text(cat.get("name")))
        if era == "v2":  # a V2 trail: "Liikenne / Pyöräily" shows the parent too
            parent = cat.get("parent")
            while parent:
                names.append(_text(parent.get("name")))
                parent = parent.get("parent")
    return [n for n in dict.fromkeys(names) if n]


def _organizations(api: JSON) -> list[Organization]:
    out = []
    for party in api.get("responsibleParties") or []:
        org = party.get("organization") or {}
        name = _text(org.get("name"))
        shown = _text(org.get("abbreviation")) or name
        full = name if name and name != shown else None
        role = _ROLES.get(str(party.get("role") or ""))
        out.append(Organization(name=full or shown, abbreviation=shown if full else None, role=role))  # type: ignore[arg-type]
    return out


def _contacts(api: JSON) -> list[ContactPerson]:
    out = []
    for row in api.get("contactPersons") or []:
        person = row.get("person") or {}
        name = _text(f"{person.get('firstName') or ''} {person.get('lastName') or ''}")
        org = (person.get("organization") or {}).get("name")
        out.append(ContactPerson(name=name, title=_text(person.get("title")) or None, organization=_text(org) or None))
    return out


def _status(api: JSON) -> Status | None:
    """`status.name`; an action without a status has `statusSummary` UNDEFINED, which no page shows."""
    status = api.get("status")
    if status and status.get("name"):
        return Status(label=_text(status["name"]), identifier=status.get("identifier"))
    summary = api.get("statusSummary") or {}
    if summary.get("label") and str(summary.get("identifier") or "UNDEFINED").upper() != "UNDEFINED":
        return Status(label=_text(summary["label"]), identifier=str(summary["identifier"]).lower())
    return None


def _schedule(api: JSON, era: str | None) -> str | None:
    """One form `schemas.meaning_values.schedule_meaning` reads: years "2019–2021", ISO dates joined by an arrow,
    or "Continuous"."""
    if api.get("scheduleContinuous"):
        return "Continuous"
    start, end = _day(api.get("startDate")), _day(api.get("endDate"))
    if start and end:
        return f"{start.isoformat()} → {end.isoformat()}"
    for row in api.get("schedule") or []:
        begins, ends = _day(row.get("beginsAt")), _day(row.get("endsAt"))
        if era not in _V1 and begins and ends:
            return f"{begins.year}–{ends.year}"
        if row.get("name"):
            return _text(row["name"])
    return None


def _tasks(api: JSON, task_format: str | None) -> list[Task]:
    out = []
    for task in api.get("tasks") or []:
        if task.get("state") == "CANCELLED":  # never shown after 2020-08, never in a record
            continue
        # a task of the 2019 schema has no state: done when completed
        state = _STATES.get(str(task.get("state") or "")) or ("done" if task.get("completedAt") else "todo")
        details = plain(task.get("details") if "details" in task else task.get("comment")).text
        if state == "done":
            day = _day(task.get("completedAt")) or _day(task.get("dueAt"))
            out.append(Task(state="done", date=day, date_text=day.isoformat() if day else "",
                            title=_text(task.get("name")), details=details))
            continue
        due = _day(task.get("dueAt"))
        fmt = task.get("dateFormat") or task_format or "FULL"
        text = "" if due is None else (due.isoformat() if fmt == "FULL" else
                                       f"{due.year:04d}-{due.month:02d}" if fmt == "MONTH_YEAR" else str(due.year))
        out.append(Task(state=state, date=due if fmt == "FULL" else None, date_text=text,  # type: ignore[arg-type]
                        title=_text(task.get("name")), details=details))
    return out


def _links(api: JSON, url: str, era: str | None, description_links: list[tuple[str, str]],
           lead_links: list[tuple[str, str]]) -> list[Link]:
    pairs: list[tuple[str, str]] = []
    if era not in _V1:
        pairs += [(_text(x.get("title")) or str(x.get("url")), str(x.get("url"))) for x in api.get("links") or []
                  if x.get("url")]
        pairs += lead_links
    pairs += description_links
    out: dict[str, Link] = {}
    for title, href in pairs:
        absolute = urljoin(url, href)
        out.setdefault(absolute, Link(title=title or absolute, url=absolute))
    return list(out.values())


def _neighbour(url: str, target: Any) -> str | None:
    ident = (target or {}).get("identifier") if isinstance(target, Mapping) else None
    if not ident:
        return None
    return url.rsplit("/", 1)[0] + "/" + quote(str(ident), safe=".")


def api_record(api: JSON, *, site: str, plan_path: str, url: str, language: str, era: str | None,
               primary_type: str | None = None, task_format: str | None = None) -> Action:
    """The record a page of `era` at `url` printed from this API action must hold (for the fields verify
    compares; `extra_sections` and presentation fields are left empty)."""
    description = plain(api.get("description"))
    lead = plain(api.get("leadParagraph")) if era not in _V1 else None
    completion = api.get("completion")
    official = api.get("officialName")
    return Action(
        site=site, plan_path=plan_path, url=url, language=language,  # type: ignore[arg-type]
        identifier=str(api.get("identifier")),
        name=_text(api.get("name")) or str(api.get("identifier")),
        lead=lead.text if lead is not None else None,
        description=description.text,
        official_description=clean_block(str(official)) or None if official else None,
        categories=_categories(api, primary_type, era),
        responsible_organizations=_organizations(api),
        contact_persons=_contacts(api),
        status=_status(api),
        implementation_phase=_text((api.get("implementationPhase") or {}).get("name")) or None,
        completion=completion if isinstance(completion, int) and 0 < completion <= 100 else None,
        impact=_text((api.get("impact") or {}).get("name")) or None,
        schedule=_schedule(api, era),
        tasks=_tasks(api, task_format),
        indicators=[Indicator(name=_text((x.get("indicator") or {}).get("name")))
                    for x in api.get("relatedIndicators") or [] if (x.get("indicator") or {}).get("name")],
        links=_links(api, url, era, description.links, lead.links if lead is not None else []),
        status_updates=[
            StatusUpdate(date=_day(u.get("date")), title=_text(u.get("title")),
                         author=_text(f"{(u.get('author') or {}).get('firstName') or ''} "
                                      f"{(u.get('author') or {}).get('lastName') or ''}") or None,
                         body=plain(u.get("content")).text)
            for u in api.get("statusUpdates") or []
        ],
        updated_at=_day(api.get("updatedAt")),
        previous_url=_neighbour(url, api.get("previousAction")),
        next_url=_neighbour(url, api.get("nextAction")),
    )
