"""Does the BeautifulSoup baseline read the same values as vahti? A speed ratio means nothing if the slower side
extracts more, or the faster side extracts wrong values, so the parse benchmark reports this agreement too."""

from __future__ import annotations

from typing import Any

from schemas.action import Action


def vahti_view(a: Action, era: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "identifier": a.identifier,
        "name": a.name,
        "description": _norm(a.description),
        "status": a.status.label if a.status else None,
        "responsible_organizations": sorted(o.abbreviation or o.name for o in a.responsible_organizations),
        "contact_persons": sorted((c.name, c.title, c.organization) for c in a.contact_persons),
        "tasks": sorted((t.state, t.title, t.date_text) for t in a.tasks),
        "previous_url": a.previous_url,
        "next_url": a.next_url,
    }
    if era in ("v1early", "v1"):  # V2/V3 print the UTC date; vahti takes the Helsinki date from the embedded data
        out["updated_at"] = a.updated_at.isoformat() if a.updated_at else None
    return out


def baseline_view(b: dict[str, Any], era: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "identifier": b.get("identifier"),
        "name": b.get("name"),
        "description": _norm(b.get("description")),
        "status": b.get("status"),
        "responsible_organizations": sorted(b.get("responsible_organizations", [])),
        "contact_persons": sorted((c["name"], c["title"], c["organization"]) for c in b.get("contact_persons", [])),
        "tasks": sorted((t["state"], t["title"], t["date_text"]) for t in b.get("tasks", [])),
        "previous_url": b.get("previous_url"),
        "next_url": b.get("next_url"),
    }
    if era in ("v1early", "v1"):
        out["updated_at"] = b.get("updated_at")
    return out


def differing_fields(a: Action, b: dict[str, Any], era: str) -> list[str]:
    want, got = vahti_view(a, era), baseline_view(b, era)
    return [k for k in want if want[k] != got[k]]


def _norm(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None
