"""What one action page shows in a given era and language: the single source both the renderers and the
ground truth read, so that "what the page says" is decided once, here, following docs/record.md.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin

from schemas.text import clean_block, clean_inline
from scraper.replica.locale import fmt_intl, fmt_l, t
from scraper.replica.model import ActionData, PlanData, RichText, TaskData

ERAS = ("v1early", "v1", "v2", "v3")
LANGS = ("fi", "sv", "en")
UTC = dt.UTC


@dataclass
class Site:
    """Where the plan is served: everything needed to build absolute URLs."""

    base_url: str  # "http://127.0.0.1:PORT"
    lang: str
    prefix: str  # "/actions" or "/action"
    plan_path: str  # "" or "/lumo"

    @property
    def root(self) -> str:
        """Path prefix of every plan page: language (when not Finnish) + plan base path."""
        return ("" if self.lang == "fi" else f"/{self.lang}") + self.plan_path

    def action_path(self, identifier: str) -> str:
        return f"{self.root}{self.prefix}/{quote(identifier, safe='.')}"

    def action_url(self, identifier: str) -> str:
        return self.base_url + self.action_path(identifier)

    def list_path(self) -> str:
        return f"{self.root}/actions"

    def indicator_path(self, pk: int) -> str:
        return f"{self.root}/indicators/{pk}"


@dataclass
class OrgView:
    shown: str
    full_name: str | None  # None when the page never tells a distinct full name
    role: str | None  # "primary" | "collaborator" | None
    pk: int
    raw_abbreviation: str | None
    raw_name: str
    specifier: str | None = None


@dataclass
class TaskView:
    state: str  # record state: done / in_progress / todo
    date: dt.date | None
    date_text: str
    title: str
    details: RichText | None
    raw: TaskData


@dataclass
class UpdateView:
    date: dt.date
    date_text: str
    author: str
    title: str
    body: RichText | None


@dataclass
class ActionView:
    era: str
    lang: str
    action: ActionData
    url: str
    identifier: str
    name: str
    prev_ident: str | None
    next_ident: str | None
    prev_url: str | None
    next_url: str | None
    lead: str | None
    description: RichText
    official_text: str | None  # as the record holds it
    official_label: str | None
    official_source: str | None
    categories: list[str]  # as the record holds them
    category_pks: list[int]  # the primary type's, in data order
    crumb_pks: list[int]  # the same in the V3 breadcrumb's order
    orgs: list[OrgView]
    contacts: list[tuple[str, str | None, str | None, int]]  # name, title, organization, pk
    status: tuple[str, str] | None
    phase: str | None
    completion: int | None
    impact: str | None
    schedule: str | None
    tasks: list[TaskView]  # in page order
    indicators: list[tuple[str, str, int]]  # name, absolute url, pk
    block_links: list[tuple[str, str]]
    updates: list[UpdateView]
    updated_local: dt.date
    updated_shown: str
    test_instance: bool
    extra: dict[str, str] = field(default_factory=dict)
    merged: list[ActionData] = field(default_factory=list)


def schedule_text(action: ActionData, era: str, lang: str) -> str | None:
    sched = action.schedule
    if sched is None:
        return None
    if era in ("v1early", "v1"):
        return sched.name if sched.kind == "rows" else None
    if sched.kind == "rows":
        assert sched.begins and sched.ends
        return f"{t(lang, 'action-timeline-between')} {sched.begins.year} - {sched.ends.year}"
    if sched.kind == "dates":
        assert sched.begins and sched.ends
        return f"{fmt_intl(sched.begins, lang, 'FULL')} → {fmt_intl(sched.ends, lang, 'FULL')}"
    return t(lang, "action-continuous")


def _task_views(plan: PlanData, action: ActionData, era: str, lang: str) -> list[TaskView]:
    visible = [task for task in action.tasks if task.state != "CANCELLED"]
    if era in ("v1early", "v1"):
        done = sorted((x for x in visible if x.completed_at), key=lambda x: x.completed_at or x.due_at)
        todo = sorted((x for x in visible if not x.completed_at), key=lambda x: x.due_at)
        out = [TaskView("done", x.completed_at, fmt_l(x.completed_at or x.due_at, lang), x.name, x.details, x)
               for x in done]
        out += [TaskView("todo", x.due_at, fmt_l(x.due_at, lang), x.name, x.details, x) for x in todo]
        return out
    out = []
    for state, rec_state in (("NOT_STARTED", "todo"), ("IN_PROGRESS", "in_progress")):
        for x in sorted((x for x in visible if x.state == state), key=lambda x: x.due_at):
            fmt = x.date_format or plan.task_date_format
            out.append(TaskView(rec_state, x.due_at if fmt == "FULL" else None, fmt_intl(x.due_at, lang, fmt),
                                x.name, x.details, x))
    done = sorted((x for x in visible if x.state == "COMPLETED"), key=lambda x: x.completed_at or x.due_at,
                  reverse=True)
    for x in done:
        day = x.completed_at or x.due_at
        out.append(TaskView("done", day, fmt_l(day, lang), x.name, x.details, x))
    return out


def breadcrumb_order(pks: list[int], identifier: str) -> list[int]:
    """The V3 hero breadcrumb's order of the primary categories: a per-page shuffle that differs from the data
    order whenever there are two or more, as the real breadcrumb's order does."""
    order = list(pks)
    random.Random(f"crumbs:{identifier}").shuffle(order)
    if len(order) > 1 and order == pks:
        order = order[1:] + order[:1]
    return order


def trail(plan: PlanData, pk: int) -> list[int]:
    """A V2 breadcrumb trail: the category's ancestors, root first, then the category."""
    chain = [pk]
    while (parent := plan.categories[chain[0]].parent_pk) is not None:
        chain.insert(0, parent)
    return chain


def shown_categories(plan: PlanData, cat_pks: list[int], crumbs: list[int], era: str, block: bool) -> list[str]:
    """Every primary category the page shows (record.md): the aside block's (data order) first, then what only a
    breadcrumb shows (V2's trails show unassigned parents); V3 without that block: the breadcrumb's order."""
    if era == "v3" and not block:
        order = crumbs
    elif era == "v2":
        order = cat_pks + [pk for own in cat_pks for pk in trail(plan, own)]
    else:
        order = cat_pks
    return list(dict.fromkeys(plan.categories[pk].name for pk in order))


def official_text(action: ActionData, era: str) -> str | None:
    if action.official_name is None:
        return None
    if era == "v1early":  # newlines were not converted to <br>: HTML collapses them to spaces
        return clean_block(action.official_name.replace("\n", " "))
    return clean_block(action.official_name)


def build_view(plan: PlanData, action: ActionData, site: Site, era: str, test_banner: bool,
               redesign: bool = False, category_block: bool = True) -> ActionView:
    """`category_block=False`: the V3 layout shows no aside block of the primary category type, so the
    breadcrumb alone tells the categories, in its own order."""
    lang = site.lang
    chain = plan.live_actions()
    idx = next(i for i, a in enumerate(chain) if a.identifier == action.identifier)
    prev_a = chain[idx - 1] if idx > 0 else None
    next_a = chain[idx + 1] if idx + 1 < len(chain) else None
    v1 = era in ("v1early", "v1")
    primary = plan.primary_type().identifier
    cat_pks = [pk for pk in action.category_pks if plan.categories[pk].type_identifier == primary]
    crumbs = breadcrumb_order(cat_pks, action.identifier)
    orgs = []
    for party in action.responsible:
        org = plan.orgs[party.org_pk]
        shown = org.abbreviation or org.name
        full = org.name if org.name != shown else None
        role = None if v1 else {"PRIMARY": "primary", "COLLABORATOR": "collaborator"}.get(party.role or "")
        orgs.append(OrgView(shown, full, role, org.pk, org.abbreviation, org.name, party.specifier))
    contacts = [(p.full_name, p.title, p.organization, p.pk)
                for p in (plan.persons[pk] for pk in action.contact_pks)]
    extra: dict[str, str] = {}
    merged = [a for a in plan.actions if a.merged_with == action.identifier]
    if not v1:
        for ctype in plan.category_types:
            if ctype.primary:
                continue
            names = [plan.categories[pk].name for pk in action.category_pks
                     if plan.categories[pk].type_identifier == ctype.identifier]
            if names:
                extra[ctype.name] = ", ".join(names)
        extra.update(action.attributes)
        if merged:
            # one line each: the merged list prints the official name as text, its newlines read as spaces
            extra[t(lang, "action-merged")] = "\n\n".join(f"{m.identifier} {clean_inline(m.official_name or m.name)}"
                                                          for m in merged)
    status = None
    if action.status_id:
        status = (plan.statuses[action.status_id], action.status_id)
    phase = None if v1 or action.phase_id is None else dict(plan.phases)[action.phase_id]
    if phase is not None and action.phase_id == plan.phases[-1][0] and action.schedule is not None \
            and action.schedule.kind == "continuous":
        phase = t(lang, "action-continuous")  # the timeline's last phase reads "Jatkuva" for a continuous action
    updates = []
    if era != "v1early":
        for u in action.status_updates:
            author = plan.persons[u.author_pk].full_name
            updates.append(UpdateView(u.date, fmt_l(u.date, lang), author, u.title, u.content))
    local = action.updated_at.astimezone(plan_tz()).date()
    shown_day = action.updated_at.astimezone(UTC).date() if era in ("v2", "v3") else local
    official_label = None
    if action.official_name is not None and era != "v3":
        official_label = t(lang, "action-as-in-plan", era)
    return ActionView(
        era=era, lang=lang, action=action, url=site.action_url(action.identifier),
        identifier=action.identifier, name=action.name,
        prev_ident=prev_a.identifier if prev_a else None, next_ident=next_a.identifier if next_a else None,
        prev_url=site.action_url(prev_a.identifier) if prev_a else None,
        next_url=site.action_url(next_a.identifier) if next_a else None,
        lead=(action.lead or None) if not v1 else None,
        description=action.description,
        official_text=official_text(action, era),
        official_label=official_label,
        official_source=f"({plan.official_name_description})" if action.official_name is not None else None,
        categories=shown_categories(plan, cat_pks, crumbs, era, category_block),
        category_pks=cat_pks, crumb_pks=crumbs,
        orgs=orgs, contacts=contacts, status=status, phase=phase,
        completion=action.completion if action.completion else None,
        impact=plan.impacts[action.impact_id] if action.impact_id else None,
        schedule=schedule_text(action, era, lang),
        tasks=_task_views(plan, action, era, lang),
        indicators=[(plan.indicators[pk].name, site.base_url + site.indicator_path(pk), pk)
                    for pk in action.indicator_pks],
        block_links=[] if v1 else list(action.links),
        updates=updates,
        updated_local=local,
        updated_shown=fmt_l(shown_day, lang),
        test_instance=test_banner,
        extra=extra,
        merged=merged,
    )


def plan_tz() -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Helsinki")


def absolute(page_url: str, href: str) -> str:
    return urljoin(page_url, href)
