"""Merge the visible page with the embedded data into one record, noting every disagreement.

The visible text wins for what the page shows (it is what readers saw and what a citation quotes); embedded data
fills what the page does not show (full organisation names, roles, schedule, prev/next when hidden) and decides
the update date, because V3 prints the server's UTC date, which can be a day off from Helsinki's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from schemas import vocab
from schemas.action import EMBEDDED_FILL, ParseWarning
from schemas.dates import sort_key
from schemas.text import clean_inline
from scraper.urls import absolute, action_location

_TASK_ORDER = {"done": 0, "in_progress": 1, "todo": 2}
_SIMPLE = (
    "lead", "description", "official_description", "completion", "implementation_phase", "impact",
)


def merge(dom: dict[str, Any], emb: dict[str, Any] | None, url: str, warnings: list[ParseWarning]) -> dict[str, Any]:
    emb = emb or {}
    out: dict[str, Any] = {}

    def warn(field: str, message: str) -> None:
        warnings.append(ParseWarning(field=field, message=message))

    location = action_location(url)
    url_id = location.identifier if location else None
    identifier = emb.get("identifier") or dom.get("identifier") or url_id
    if dom.get("identifier") and identifier and dom["identifier"] != identifier:
        warn("identifier", f"page shows {dom['identifier']!r}, embedded data says {identifier!r}")
    out["identifier"] = identifier
    out["name"] = dom.get("name") or emb.get("name")
    if dom.get("name") and emb.get("name") and dom["name"] != emb["name"]:
        warn("name", f"page shows {dom['name']!r}, embedded data says {emb['name']!r}")

    for field in _SIMPLE:
        shown = field in dom and dom[field] not in (None, "")
        out[field] = dom[field] if shown else (emb.get(field) if emb.get(field) is not None else dom.get(field))
        if shown and emb.get(field) not in (None, "") and _differs(dom[field], emb[field]):
            warn(field, "visible text differs from embedded data")
    out["official_description_label"] = dom.get("official_description_label")
    out["official_description_source"] = dom.get("official_description_source")

    schedule = dom.get("schedule")
    out["schedule"] = schedule if schedule else (emb.get("schedule") or schedule)

    out["status"] = _status(dom, emb, warn)
    out["responsible_organizations"] = _organizations(dom, emb, warn)
    out["contact_persons"] = _contacts(dom, emb, warn)
    out["tasks"] = _tasks(dom, emb, warn)
    out["indicators"] = _indicators(dom, emb, url)
    out["links"] = _links(dom, emb, url)
    out["status_updates"] = dom["status_updates"] if "status_updates" in dom else emb.get("status_updates", [])

    shown_day: dt.date | None = dom.get("updated_at")
    embedded_day: dt.date | None = emb.get("updated_at")
    out["updated_at"] = embedded_day or shown_day
    if shown_day and embedded_day and shown_day != embedded_day:
        warn("updated_at", f"page shows {shown_day}, embedded timestamp is {embedded_day} in Europe/Helsinki")

    for key, emb_key in (("previous_url", "previous_identifier"), ("next_url", "next_identifier")):
        shown_url = dom.get(key)
        embedded_url = _sibling_url(url, emb[emb_key]) if emb.get(emb_key) else None
        out[key] = shown_url or embedded_url
        if shown_url and embedded_url and shown_url != embedded_url:
            shown_loc, emb_loc = action_location(shown_url), action_location(embedded_url)
            if not (shown_loc and emb_loc and shown_loc.identifier == emb_loc.identifier):
                warn(key, f"page links {shown_url}, embedded data says {embedded_url}")
        if out[key] and action_location(out[key]) and action_location(out[key]).identifier == identifier:  # type: ignore[union-attr]
            warn(key, "the page links to itself")
    return out


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return clean_inline(a).casefold() != clean_inline(b).casefold()
    return bool(a != b)


def _status(dom: dict[str, Any], emb: dict[str, Any], warn: Any) -> dict[str, Any] | None:
    label = dom.get("status_label")
    if label is None:
        if emb.get("status_label"):
            return {"label": emb["status_label"], "identifier": emb.get("status_identifier")}
        return None
    identifier = None
    known: dict[str, str | None] = emb.get("status_labels", {})
    matching = [k for k in known if not _differs(label, k)]
    if matching:
        identifier = known[matching[0]] or emb.get("status_identifier")
    elif known:
        warn("status", f"page shows {label!r}, embedded data says {emb.get('status_label')!r}")
    identifier = identifier or dom.get("status_identifier_dom") or vocab.status_identifier(label)
    return {"label": label, "identifier": identifier}


def _shorter(field: str, shown: list[Any], embedded: list[Any], warn: Any, what: str) -> bool:
    """The merge rule for lists the embedded data carries as the page renders them: a visible reading that is
    empty or shorter means the reader missed something on the page (the text of V3's badge buttons, once), so the
    record takes the embedded items and says so."""
    if len(shown) >= len(embedded):
        return False
    warn(field, f"{EMBEDDED_FILL}: page shows {len(shown)} {what}, embedded data has {len(embedded)}")
    return True


def _organizations(dom: dict[str, Any], emb: dict[str, Any], warn: Any) -> list[dict[str, Any]]:
    embedded = emb.get("responsible_organizations", [])
    if "responsible_organizations" not in dom:
        return list(embedded)
    if _shorter("responsible_organizations", dom["responsible_organizations"], embedded, warn, "organisations"):
        return list(embedded)
    merged = []
    for org in dom["responsible_organizations"]:
        shown = org["abbreviation"] or org["name"]
        match = next(
            (e for e in embedded if shown in (e.get("abbreviation"), e["name"]) or org["name"] == e["name"]), None
        )
        if match is None:
            if embedded:
                warn("responsible_organizations", f"{shown!r} is not in the embedded data")
            merged.append(org)
            continue
        full = match["name"]
        abbreviation = match.get("abbreviation")
        if org["abbreviation"] and full != org["name"]:
            warn("responsible_organizations", f"aria-label names {org['name']!r}, embedded data {full!r}")
        if abbreviation is None and full != shown:
            abbreviation = shown
        merged.append({"name": full, "abbreviation": abbreviation if abbreviation != full else None,
                       "role": match.get("role")})
    return merged


def _contacts(dom: dict[str, Any], emb: dict[str, Any], warn: Any) -> list[dict[str, Any]]:
    embedded = emb.get("contact_persons", [])
    if "contact_persons" not in dom:
        return list(embedded)
    if _shorter("contact_persons", dom["contact_persons"], embedded, warn, "contacts"):
        return list(embedded)
    out = []
    for person in dom["contact_persons"]:
        match = next((e for e in embedded if e["name"] == person["name"]), None)
        if match and person["organization"] is None and person["title"] and person["title"] == match["organization"]:
            person = {**person, "title": match["title"], "organization": match["organization"]}
        out.append(person)
    if embedded and len(embedded) != len(out):
        warn("contact_persons", f"page shows {len(out)} contacts, embedded data has {len(embedded)}")  # more shown
    return out


def task_sort_key(task: dict[str, Any]) -> tuple[int, str, str]:
    return (_TASK_ORDER.get(task["state"], 3), sort_key(task.get("date"), task.get("date_text") or ""), task["title"])


def _tasks(dom: dict[str, Any], emb: dict[str, Any], warn: Any) -> list[dict[str, Any]]:
    embedded = emb.get("tasks", [])
    tasks = dom["tasks"] if "tasks" in dom else list(embedded)
    if "tasks" in dom and _shorter("tasks", dom["tasks"], embedded, warn, "tasks"):
        tasks = list(embedded)  # cancelled tasks are never rendered and never in `embedded`
    elif "tasks" in dom and embedded:
        shown_titles = sorted(t["title"] for t in dom["tasks"])
        embedded_titles = sorted(t["title"] for t in embedded)
        if shown_titles != embedded_titles:
            warn("tasks", f"page shows {len(shown_titles)} tasks, embedded data has {len(embedded_titles)}")
    return sorted(tasks, key=task_sort_key)


def _indicators(dom: dict[str, Any], emb: dict[str, Any], url: str) -> list[dict[str, Any]]:
    if "indicators" in dom:
        return list(dom["indicators"])
    out = []
    for ind in emb.get("indicators", []):
        link = _prefixed(url, f"/indicators/{ind['id']}") if ind.get("id") is not None else None
        out.append({"name": ind["name"], "url": link})
    return out


def _links(dom: dict[str, Any], emb: dict[str, Any], url: str) -> list[dict[str, str]]:
    candidates: list[dict[str, str]] = []
    if "links" in dom:
        candidates += dom["links"]
    else:
        candidates += emb.get("links", [])
    inline = dom.get("lead_links", []) + dom.get("description_links", [])
    if "description" not in dom:
        inline += [{"title": t, "url": u} for t, u in emb.get("description_links", [])]
    candidates += inline
    out: list[dict[str, str]] = []
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
