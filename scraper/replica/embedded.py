"""The data a page embeds: the GraphQL action object (V3 flight prop, V1/V2 Apollo cache) and the Apollo
normalised caches of both generations (reference section 4).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scraper.replica.locale import t
from scraper.replica.markup import Variation
from scraper.replica.model import ActionData, PlanData
from scraper.replica.view import ActionView

JSON = dict[str, Any]

_SUMMARY = {"on_time": ("ON_TIME", "POSITIVE"), "late": ("LATE", "NEGATIVE"), "completed": ("COMPLETED", "POSITIVE"),
            "not_started": ("NOT_STARTED", "NEUTRAL")}
_COLORS = {"on_time": "green", "late": "yellow", "completed": "green", "not_started": "grey"}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _org(plan: PlanData, pk: int, with_email: bool) -> JSON:
    org = plan.orgs[pk]
    data: JSON = {"id": str(pk), "abbreviation": org.abbreviation, "name": org.name, "__typename": "Organization"}
    if with_email:
        data["email"] = ""
    return data


def _category(plan: PlanData, pk: int, era: str) -> JSON:
    cat = plan.categories[pk]
    parent = _category(plan, cat.parent_pk, era) if cat.parent_pk else None
    data: JSON = {"id": str(pk), "identifier": cat.identifier, "name": cat.name, "parent": parent}
    if era != "v1":
        ctype = next(t for t in plan.category_types if t.identifier == cat.type_identifier)
        data["type"] = {"id": ctype.identifier, "identifier": ctype.identifier, "name": ctype.name,
                        "__typename": "CategoryType"}
    else:
        data["imageUrl"] = None
    data["__typename"] = "Category"
    return data


def action_object(plan: PlanData, view: ActionView, era: str) -> JSON:
    """The action as the page's GraphQL query returned it. `era` is "v1" (2019 query), "v2" or "v3"."""
    a: ActionData = view.action
    v1 = era == "v1"
    noise = a.whitespace_noise
    tasks = []
    for task in a.tasks:
        if v1 and task.state == "CANCELLED":
            continue
        row: JSON = {"id": str(task.pk), "name": task.name, "dueAt": _iso(task.due_at),
                     "completedAt": _iso(task.completed_at)}
        details = Variation.plain_rich(task.details) if task.details else ("" if not v1 else None)
        if v1:
            row["comment"] = details
        else:
            row.update({"dateFormat": task.date_format, "details": details, "state": task.state})
        row["__typename"] = "ActionTask"
        tasks.append(row)
    status = None
    if a.status_id:
        status = {"id": a.status_id, "identifier": a.status_id, "name": plan.statuses[a.status_id],
                  "__typename": "ActionStatus"}
        if not v1:
            status["color"] = _COLORS.get(a.status_id, "grey")
    schedule = []
    if a.schedule and a.schedule.kind == "rows":
        schedule.append({"id": f"s{a.schedule.name}", "name": a.schedule.name, "beginsAt": _iso(a.schedule.begins),
                         "endsAt": _iso(a.schedule.ends), "__typename": "ActionSchedule"})
    primary = plan.primary_type().identifier
    cat_pks = a.category_pks if not v1 else [pk for pk in a.category_pks
                                             if plan.categories[pk].type_identifier == primary]
    obj: JSON = {
        "id": str(a.pk),
        "identifier": a.identifier,
        "name": a.name,
        "officialName": a.official_name,
        "description": Variation.plain_rich(a.description, noise),
        "completion": a.completion,
        "imageUrl": None,
        "updatedAt": a.updated_at.isoformat(),
        "categories": [_category(plan, pk, era) for pk in cat_pks],
        "contactPersons": [
            {"id": f"{a.pk}-{pk}", **({} if v1 else {"primaryContact": n == 0}),
             "person": {"id": str(pk), "firstName": plan.persons[pk].first_name,
                        "lastName": plan.persons[pk].last_name, "avatarUrl": None, "title": plan.persons[pk].title,
                        "organization": ({"id": f"u{plan.persons[pk].organization}",
                                          "name": plan.persons[pk].organization, "__typename": "Organization"}
                                         if plan.persons[pk].organization else None),
                        "__typename": "Person"},
             "__typename": "ActionContactPerson"}
            for n, pk in enumerate(a.contact_pks)
        ],
        "responsibleParties": [
            {"id": f"{a.pk}-{p.org_pk}", **({} if v1 else {"role": p.role, "specifier": p.specifier or ""}),
             "organization": _org(plan, p.org_pk, not v1), "__typename": "ActionResponsibleParty"}
            for p in a.responsible
        ],
        "tasks": tasks,
        "status": status,
        "schedule": schedule,
        "impact": ({"id": a.impact_id, "identifier": a.impact_id, "name": plan.impacts[a.impact_id],
                    "__typename": "ActionImpact"} if a.impact_id else None),
        "relatedIndicators": [
            {"id": f"{a.pk}-{pk}", "indicator": {"id": str(pk), "name": plan.indicators[pk].name,
                                                 "__typename": "Indicator"},
             "__typename": "ActionIndicator"} for pk in a.indicator_pks
        ],
        "nextAction": {"id": "n", "identifier": view.next_ident, "__typename": "Action"} if view.next_ident else None,
        "previousAction": ({"id": "p", "identifier": view.prev_ident, "__typename": "Action"}
                           if view.prev_ident else None),
        "__typename": "Action",
    }
    if view.era != "v1early":
        obj["statusUpdates"] = [
            {"id": str(u.pk), "title": u.title, "date": _iso(u.date),
             "author": {"id": str(u.author_pk), "firstName": plan.persons[u.author_pk].first_name,
                        "lastName": plan.persons[u.author_pk].last_name, "avatarUrl": None, "__typename": "Person"},
             "content": Variation.plain_rich(u.content) if u.content else None, "__typename": "StatusUpdate"}
            for u in a.status_updates
        ]
    else:
        obj["statusUpdates"] = []
    for nxt in ("nextAction", "previousAction"):
        if obj[nxt]:
            target = plan.find(obj[nxt]["identifier"])
            obj[nxt]["id"] = str(target.pk) if target else "0"
    if v1:
        return obj
    summary, sentiment = _SUMMARY.get(a.status_id or "", ("UNDEFINED", "NEUTRAL"))
    phase = dict(plan.phases).get(a.phase_id or "")
    sched = a.schedule
    obj.update({
        "leadParagraph": a.lead,
        "links": [{"id": f"l{n}", "url": url, "title": title, "__typename": "ActionLink"}
                  for n, (title, url) in enumerate(a.links)],
        "statusSummary": {"identifier": summary,
                          "label": plan.statuses[a.status_id] if a.status_id else t(view.lang, "status-undefined"),
                          "color": _COLORS.get(a.status_id or "", "grey"), "sentiment": sentiment,
                          "isCompleted": a.status_id == "completed", "isActive": a.status_id != "completed",
                          "__typename": "ActionStatusSummary"},
        "manualStatusReason": None,
        "implementationPhase": ({"id": a.phase_id, "identifier": a.phase_id, "name": phase,
                                 "__typename": "ActionImplementationPhase"} if phase else None),
        "scheduleContinuous": bool(sched and sched.kind == "continuous"),
        "startDate": _iso(sched.begins) if sched and sched.kind == "dates" else None,
        "endDate": _iso(sched.ends) if sched and sched.kind == "dates" else None,
        "dateFormat": "FULL",
        "mergedActions": [{"id": str(m.pk), "identifier": m.identifier, "name": m.name,
                           "officialName": m.official_name, "__typename": "Action"} for m in view.merged],
        "mergedWith": None,
        "attributes": [{"id": f"at{n}", "type": {"identifier": f"attr{n}", "name": key,
                                                 "__typename": "AttributeType"},
                        "value": value, "__typename": "AttributeText"}
                       for n, (key, value) in enumerate(a.attributes.items())],
        "primaryOrg": None,
        "plan": {"id": plan.identifier, "hideActionIdentifiers": False, "__typename": "Plan"},
    })
    typename = obj.pop("__typename")
    obj["__typename"] = typename
    return obj


def normalise(obj: Any, store: JSON, style: str) -> Any:
    """Apollo's normalised cache: objects with `__typename` and `id` stored under "Type:id", replaced by a ref
    (`{"type":"id","id":…,"generated":false}` in apollo-cache-inmemory 1.x, `{"__ref":…}` in Apollo 3)."""
    if isinstance(obj, list):
        return [normalise(x, store, style) for x in obj]
    if not isinstance(obj, dict):
        return obj
    data = {k: normalise(v, store, style) for k, v in obj.items()}
    if "__typename" in obj and obj.get("id") is not None:
        key = f"{obj['__typename']}:{obj['id']}"
        store.setdefault(key, {}).update(data)
        return {"type": "id", "id": key, "generated": False} if style == "apollo1" else {"__ref": key}
    return data


def apollo_state(plan: PlanData, action_obj: JSON, style: str) -> JSON:
    store: JSON = {}
    ref = normalise(action_obj, store, style)
    plan_obj = {"id": plan.identifier, "identifier": plan.identifier, "name": plan.name,
                "generalContent": {"officialNameDescription": plan.official_name_description,
                                   "__typename": "SiteGeneralContent"},
                "__typename": "Plan"}
    plan_ref = normalise(plan_obj, store, style)
    root = {
        f'plan({{"id":"{plan.identifier}"}})': plan_ref,
        f'action({{"identifier":"{action_obj["identifier"]}","plan":"{plan.identifier}"}})': ref,
    }
    return {"ROOT_QUERY": root, **store}
