"""Content blocks of the V2/V3 action page (reference section 3 table and 11.2). V2 shares them with small
differences (heading levels, the "Toimenpideohjelman mukaan" line), switched on `ctx.era`.

Empty blocks render nothing at all, heading included.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from scraper.replica.page import PageCtx
from scraper.replica.render_v3_badges import category_block, org_aria_label, org_item
from scraper.replica.view import ActionView

Block = dict[str, Any]


#: what V3's JSX formatting leaves inside a heading (reference 12.1): always some, never the same for every text
_V3_HEADING_WS = (("\n\t\t", ""), ("\n\t\t", "\n\t"), ("\n\t\t\t", "\n\t\t"))


def heading(ctx: PageCtx, level: int, text: str, hidden: bool = False) -> str:
    cls = ' class="visually-hidden"' if hidden else ""
    before = after = ""
    if ctx.era == "v3":
        before, after = _V3_HEADING_WS[zlib.crc32(text.encode()) % len(_V3_HEADING_WS)]
    return f"<h{level}{cls}>{before}{ctx.var.esc(text)}{after}</h{level}>"


def eteneminen(ctx: PageCtx, view: ActionView) -> str:
    """Status badge and phase timeline: the first section of MainTop when the plan has phases."""
    v = ctx.var
    if view.status is None and (ctx.era == "v3" or not ctx.plan.phases):
        return ""  # V3 renders nothing at all for an action without status; V2 kept heading and timeline
    badge = ""
    if view.status:
        badge = (f'<div class="{v.cls("StatusBadge-StatusBadge")}"><div><div class="{v.cls("StatusBadge-Indicator")}'
                 f' bg-{view.status[1]}"></div><div class="{v.cls("StatusBadge-StatusLabel")}">'
                 f"{v.esc(view.status[0])}</div></div></div>")
    continuous = view.action.schedule is not None and view.action.schedule.kind == "continuous"
    items = []
    for n, (ident, name) in enumerate(ctx.plan.phases):
        if continuous and n == len(ctx.plan.phases) - 1:
            name = ctx.t("action-continuous")
        active = ident == view.action.phase_id
        cur = ' aria-current="step"' if active else ""
        items.append(f'<li class="{v.cls("PhaseTimeline-Phase")}{" active" if active else ""}"{cur}>'
                     f'<div class="phase-name">{v.esc(name)}</div></li>')
    level = 2 if ctx.era == "v3" else 3
    return (f'<div class="{v.cls("ActionContent-ProgressSection")}">{heading(ctx, level, ctx.t("action-progress"))}'
            f'{badge}</div><div class="{v.cls("ActionContent-ProgressCard")}"><ul class="{v.cls("PhaseTimeline-List")}">'
            f"{''.join(items)}</ul></div>")


def lead(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.lead:
        return ""
    v = ctx.var
    if ctx.era == "v2":
        return f'<p class="{v.cls("ActionContent-LeadParagraph")}"><strong>{v.esc(view.lead)}</strong></p>'
    return (f'<div class="text-content">{heading(ctx, 2, block.get("fieldLabel") or ctx.t("lead"), True)}'
            f'<div class="{v.cls("ActionContent-LeadParagraph")}">{v.esc(view.lead)}</div></div>')


def description(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.description:
        return ""
    label = block.get("fieldLabel")
    title = heading(ctx, 2, label, False) if label else heading(ctx, 2, ctx.t("action-description"), True)
    return f'<div class="text-content">{title}{ctx.var.rich(view.description, view.action.whitespace_noise)}</div>'


def official(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if view.official_text is None or view.action.official_name is None:
        return ""
    v = ctx.var
    body = v.br().join(v.esc(line) for line in view.action.official_name.split("\n"))
    as_in_plan = f"<strong>{v.esc(view.official_label)}</strong>" if view.official_label else ""
    return (f'<div class="{v.cls("ActionContent-OfficialText")}">{heading(ctx, 2, block.get("fieldLabel") or ctx.t("action-description-official"))}'
            f'{as_in_plan}<div class="official-text-content"><div>{body}</div><small>{v.esc(view.official_source or "")}'
            f"</small></div></div>")


def links(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.block_links:
        return ""
    v = ctx.var
    items = "".join(f'<li><a href="{v.attr(url)}" target="_blank" rel="noreferrer">{v.esc(title)}</a></li>'
                    for title, url in view.block_links)
    level = 3 if ctx.era == "v3" else 4
    return f'<div class="{v.cls("ActionLinksBlock-Links")}">{heading(ctx, level, ctx.t("read-more"))}<ul>{items}</ul></div>'


def merged(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.merged:
        return ""
    v = ctx.var
    rows = "".join(f'<div><span class="badge">{v.esc(m.identifier)}</span> {v.esc(m.official_name or m.name)}</div>'
                   for m in view.merged)
    return f'<div class="{v.cls("MergedActions-Section")}">{heading(ctx, 2, ctx.t("action-merged"))}{rows}</div>'


def status_updates(ctx: PageCtx, view: ActionView) -> str:
    if not view.updates:
        return ""
    v = ctx.var
    items = []
    for u in view.updates:
        body = f'<div class="text-content">{v.rich(u.body)}</div>' if u.body else ""
        items.append(f'<div class="card mb-3 {v.cls("ActionUpdatesList-Update")}"><div class="card-body">'
                     f'<div class="d-flex"><img class="rounded-circle" alt="name" src="/static/images/default-avatar.png"'
                     f' width="50"/><div><div class="{v.cls("ActionUpdatesList-Author")}">{v.esc(u.author)}</div>'
                     f'<time datetime="{u.date.isoformat()}">{v.esc(u.date_text)}</time></div></div>'
                     f"{heading(ctx, 3, u.title)}{body}</div></div>")
    return f"<div>{heading(ctx, 2, ctx.t('action-status-updates'))}{''.join(items)}</div>"


def tasks(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.tasks:
        return ""
    v = ctx.var
    groups = []
    for state, key, css_state in (("todo", "action-tasks-todo", "NOT_STARTED"),
                                  ("in_progress", "action-tasks-doing", "IN_PROGRESS"),
                                  ("done", "action-tasks-done", "COMPLETED")):
        items = []
        for task in (x for x in view.tasks if x.state == state):
            icon = ctx.t("action-task-done" if state == "done" else "action-task-todo")
            details = ""
            if task.details:
                details = (f'<button type="button" class="btn btn-link btn-sm">{v.esc(ctx.t("action-task-show-details"))}'
                           f'</button><div class="collapse"><div class="task-details">{v.rich(task.details)}</div></div>')
            items.append(f'<li class="state--{css_state} {v.cls("TaskList-StyledTaskItem")} list-group-item">'
                         f'<div class="d-flex"><div class="{v.cls("TaskList-TaskMeta")}"><svg aria-hidden="false" '
                         f'class="icon"><title>{v.esc(icon)}</title><path d="M0 0h24v24H0z"></path></svg>'
                         f'<span class="{v.cls("TaskList-StyledDate")}">{v.esc(task.date_text)}</span></div>'
                         f'<div class="{v.cls("TaskList-TaskContent")}"><h4 class="task-title">{v.esc(task.title)}</h4>'
                         f"{details}</div></div></li>")
        if items:
            groups.append(f"{heading(ctx, 3, ctx.t(key))}<ul class=\"mb-5 {v.cls('TaskList-List')} list-group\">"
                          f"{''.join(items)}</ul>")
    title = block.get("fieldLabel") or ctx.t("action-tasks")
    return (f'<div class="row"><div class="col">{heading(ctx, 2, title)}</div></div>'
            f'<div class="row"><div class="col">{v.join(groups)}</div></div>')


def indicators(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.indicators:
        return ""
    v = ctx.var
    cards = []
    for name, _url, pk in view.indicators:
        others = [a for a in ctx.plan.live_actions() if pk in a.indicator_pks and a.identifier != view.identifier][:3]
        footer = "".join(f'<a href="{ctx.action_href(a.identifier)}"><span class="badge">{v.esc(a.identifier)}. '
                         f"{v.esc(a.name)}</span></a>" for a in others)
        cards.append(f'<div class="card {v.cls("IndicatorCard-Card")}"><a href="{ctx.site.indicator_path(pk)}">'
                     f'<h3>{v.esc(name)} <svg aria-hidden="true" class="icon"></svg></h3></a>'
                     f'<div class="{v.cls("IndicatorCard-Chart")}"><template data-dgst="BAILOUT_TO_CLIENT_SIDE_RENDERING">'
                     f"</template></div>"
                     + (f'<div class="card-footer" title="{v.attr(ctx.t("indicator-also-for-actions"))}">{footer}</div>'
                        if footer else "") + "</div>")
    return f"<div>{heading(ctx, 2, ctx.t('indicators'))}{v.join(cards)}</div>"


def impact(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.impact:
        return ""
    v = ctx.var
    return (f"<div>{heading(ctx, 3, ctx.t('action-impact'))}<div class=\"{v.cls('ActionImpact-Icons')}\">"
            f'<svg class="icon"></svg><svg class="icon"></svg></div><span>{v.esc(view.impact)} '
            f"{v.esc(ctx.t('impact'))}</span></div>")


def completion(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.completion:
        return ""
    v = ctx.var
    bar = ""
    if view.status:
        bar = (f'<div class="progress bg-{view.status[1]}"><div class="progress-bar" role="progressbar" '
               f'aria-valuenow="{view.completion}" style="width:{view.completion}%"></div></div>')
    return (f"<div>{heading(ctx, 3, ctx.t('action-completion-percentage'))}<strong>{view.completion}% "
            f"{v.esc(ctx.t('action-percent-ready'))}</strong>{bar}</div>")


def schedule(ctx: PageCtx, view: ActionView, block: Block) -> str:
    sched = view.action.schedule
    if sched is None or view.schedule is None:
        return ""
    v = ctx.var
    title = heading(ctx, 3, block.get("fieldLabel") or ctx.t("action-timeline"))
    if sched.kind == "rows":
        body = (f'<span class="visually-hidden">{v.esc(view.schedule)}</span>'
                f'<template data-dgst="BAILOUT_TO_CLIENT_SIDE_RENDERING"></template>')
    elif sched.kind == "dates":
        start, _, end = view.schedule.partition(" → ")
        body = f'<div class="{v.cls("ScheduleTimeline-Dates")}"><span>{v.esc(start)} →</span> <span>{v.esc(end)}</span></div>'
    else:
        body = f'<span class="badge bg-">{v.esc(view.schedule)}</span>'
    return f"<div>{title}{body}</div>"


def responsible(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.orgs:
        return ""
    v = ctx.var
    items = []
    for org in view.orgs:
        if ctx.era == "v3":
            items.append(org_item(ctx, org))
            continue
        size = {"primary": "lg", "collaborator": "sm"}.get(org.role or "", "md")
        items.append(f'<li><a href="{ctx.site.root}/organizations/{org.pk}"><span class="badge {size} '
                     f'{v.cls("OrganizationChip-Chip")}" aria-label="{v.attr(org_aria_label(ctx, org))}">'
                     f"{v.esc(org.shown)}</span></a></li>")
    title = block.get("heading") or ctx.t("responsible-parties")
    return f"<div>{heading(ctx, 3, title)}<ul class=\"{v.cls('ResponsibleList-List')}\">{''.join(items)}</ul></div>"


def categories(ctx: PageCtx, view: ActionView, block: Block) -> str:
    """V3: the block of one category type (the layout has one per type). V2: every type in one block."""
    v = ctx.var
    if ctx.era == "v3":
        ident = block["categoryType"]["identifier"]
        ctype = next(t for t in ctx.plan.category_types if t.identifier == ident)
        return category_block(ctx, view, ctype, heading(ctx, 3, ctype.name))
    out = []
    for ctype in ctx.plan.category_types:
        pks = [pk for pk in view.action.category_pks if ctx.plan.categories[pk].type_identifier == ctype.identifier]
        if not pks:
            continue
        badges = "".join(f'<a href="{ctx.list_href()}?cat-{ctype.identifier}={pk}"><span class="badge '
                         f'{v.cls("CategoryTags-Badge")}">{v.esc(ctx.plan.categories[pk].name)}</span></a> '
                         for pk in pks)
        out.append(f"<div>{heading(ctx, 3, ctype.name)}<div>{badges.strip()}</div></div>")
    return "".join(out)


def attributes(ctx: PageCtx, view: ActionView, block: Block) -> str:
    v = ctx.var
    return "".join(f'<div>{heading(ctx, 3, name)}<div class="{v.cls("AttributesBlock-Value")}">{v.esc(value)}</div></div>'
                   for name, value in view.action.attributes.items())


def contacts(ctx: PageCtx, view: ActionView, block: Block) -> str:
    if not view.contacts:
        return ""
    v = ctx.var
    items = []
    for n, (name, title, org, pk) in enumerate(view.contacts):
        aria = f"{ctx.t('contact-person-main')} {name}" if n == 0 else name
        parts = [f'<div class="{v.cls("ContactPerson-Name")}">{v.esc(name)}</div>']
        if title:
            parts.append(f'<div class="{v.cls("ContactPerson-PersonRole")}">{v.esc(title)}</div>')
        if org:
            parts.append(f'<div class="{v.cls("ContactPerson-PersonOrg")}">{v.esc(org)}</div>')
        items.append(f'<li><div class="d-flex"><div role="img" aria-label="{v.attr(aria)}" '
                     f'class="{v.cls("ContactPerson-Avatar")}"></div><div>{"".join(parts)}'
                     f'<button type="button" class="btn btn-link btn-sm" aria-expanded="false" '
                     f'aria-controls="contact-{pk}">{v.esc(ctx.t("contact-info"))}</button>'
                     f'<div id="contact-{pk}" class="collapse"></div></div></div></li>')
    return f"<div>{heading(ctx, 3, ctx.t('contact-persons'))}<ul>{''.join(items)}</ul></div>"


BLOCKS: dict[str, Callable[[PageCtx, ActionView, Block], str]] = {
    "ActionLeadParagraphBlock": lead,
    "ActionDescriptionBlock": description,
    "ActionOfficialNameBlock": official,
    "ActionLinksBlock": links,
    "ActionMergedActionsBlock": merged,
    "ActionTasksBlock": tasks,
    "ActionRelatedIndicatorsBlock": indicators,
    "ActionImpactBlock": impact,
    "ActionCompletionBlock": completion,
    "ActionScheduleBlock": schedule,
    "ActionResponsiblePartiesBlock": responsible,
    "ActionContentCategoryTypeBlock": categories,
    "ActionContentAttributeTypeBlock": attributes,
    "ActionContactPersonsBlock": contacts,
}
