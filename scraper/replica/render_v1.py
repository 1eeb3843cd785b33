"""V1 action page (Next 9 pages router, 2019), in both layouts: `v1early` (before 2019-10-15: hard-coded
strings, `01.03.2019 | name` tasks, "Toimenpideohjelman mukaisesti") and `v1` (as of 2019-10-29: i18n strings,
h6 task names, aria-label full org names, Mittarit section, status updates). Reference section 1.
"""

from __future__ import annotations

import json

from scraper.replica.embedded import action_object, apollo_state
from scraper.replica.locale import STRINGS
from scraper.replica.page import PageCtx, banner
from scraper.replica.view import ActionView

#: strings the 2019 components hard-coded in Finnish, whatever the page language
HARD_CODED = {k: STRINGS["fi"][k] for k in ("indicator-details", "no-defined-indicators")}


def _hero(ctx: PageCtx, view: ActionView) -> str:
    v = ctx.var
    early = ctx.era == "v1early"
    back = f"{ctx.home_href().rstrip('/')}/#actions" if early else ctx.list_href()
    prev, nxt = ctx.prev_href(), ctx.next_link()
    pager = []
    if prev:
        pager.append(f'<a href="{v.attr(prev)}"><svg class="icon"></svg> {v.esc(ctx.t("previous"))}</a>')
    if prev and nxt:
        pager.append("<span> | </span>")
    if nxt:
        pager.append(f'<a href="{v.attr(nxt)}">{v.esc(ctx.t("next"))} <svg class="icon"></svg></a>')
    badges = "" if early else _category_badges(ctx, view)
    inner = v.join([
        f'<a href="{back}"><h4>{v.esc(ctx.t("actions"))}</h4></a>',
        f"<p>{''.join(pager)}</p>",
        f'<h1 class="{v.cls("ActionHero-ActionHeadline")}"><span class="{v.cls("ActionHero-ActionNumber")}">'
        f"{v.esc(view.identifier)}</span>{v.br()}{v.esc(view.name)}</h1>",
        badges,
    ])
    return (f'<div class="{v.cls("ActionHero-Hero")}"><div class="{v.cls("ActionHero-ImgBg")}"><div '
            f'class="{v.cls("ActionHero-OverlayContainer")}"><div class="container"><div class="row">'
            f'<div class="col-md-10">{inner}</div></div></div></div></div></div>')


def _section(ctx: PageCtx, html: str) -> str:
    return f'<div class="{ctx.var.cls("ActionDetails-ActionSection")}">{html}</div>'


def _sidebar(ctx: PageCtx, view: ActionView) -> str:
    v = ctx.var
    out: dict[str, str] = {}
    if view.impact:
        out["impact"] = _section(ctx, f"<h5>{v.esc(ctx.t('action-impact'))}</h5>" + '<svg class="circle"></svg>' * 5
                                 + f"<h6>{v.esc(view.impact)} {v.esc(ctx.t('impact'))}</h6>")
    # the status widget is always there: without a status it is a heading over an empty bar with no label
    ident, label = view.status[1] if view.status else "", view.status[0] if view.status else ""
    bar = {"on_time": "bg-success", "completed": "bg-success", "late": "bg-warning",
           "severely_late": "bg-danger"}.get(ident, "")
    pct = f"<strong>{view.completion}% {v.esc(ctx.t('action-percent-ready'))}</strong>" if view.completion else ""
    out["progress"] = _section(ctx, f"<h5>{v.esc(ctx.t('action-progress'))}</h5>{pct}<div class=\""
                                    f'{v.cls("ActionStatus-Status")}"><div class="progress bg-{ident}"><div '
                                    f'class="progress-bar {bar}" role="progressbar" '
                                    f'aria-valuenow="{view.completion or 0}" style="width:{view.completion or 0}%">'
                                    f'<div class="{v.cls("ActionStatus-StatusTitle")}">{v.esc(label)}</div></div></div>'
                                    "</div>")
    if view.schedule is not None:
        out["schedule"] = _section(ctx, f"<h5>{v.esc(ctx.t('action-timeline'))}</h5><div class=\"plotly-graph\"></div>")
    if view.orgs:
        badges = []
        for n, org in enumerate(view.orgs):
            size = "lg" if n == 0 else "md"
            if ctx.era == "v1early":
                badges.append(f'<span class="{size}"><a class="badge badge-secondary badge-pill" href="#" '
                              f'id="rp-{org.pk}">{v.esc(org.shown)}</a></span>')
            else:
                label = f"Päävastuutaho: {org.raw_name}" if n == 0 else org.raw_name
                badges.append(f'<a href="{ctx.list_href()}?organization={org.pk}"><span class="badge badge-secondary '
                              f'badge-pill {size}" aria-label="{v.attr(label)}">{v.esc(org.shown)}</span></a>')
        orgs = " ".join(badges)
    else:
        orgs = f"<h6>{v.esc(ctx.t('responsible-parties-missing'))}</h6>"
    out["orgs"] = _section(ctx, f'<div class="{v.cls("ActionDetails-Responsibles")}"><h5>'
                                f"{v.esc(ctx.t('responsible-parties'))}</h5>{orgs}</div>")
    if view.contacts:
        items = []
        for name, title, unit, pk in view.contacts:
            ps = [f'<p class="{v.cls("ContactPerson-Name")}">{v.esc(name)}</p>']
            if title:
                ps.append(f'<p class="{v.cls("ContactPerson-PersonRole")}">{v.esc(title)}</p>')
            if unit:
                ps.append(f'<p class="{v.cls("ContactPerson-PersonOrg")}">{v.esc(unit)}</p>')
            items.append(f'<li><div class="{v.cls("ContactPerson-Person")} leader"><div class="media"><div '
                         f'class="media-left"><img class="rounded-circle leader" alt="{v.attr(name)}" '
                         f'src="/static/images/default-avatar.png"/></div><div class="media-body">{"".join(ps)}'
                         f'<button class="btn btn-link btn-sm" aria-expanded="false" aria-controls="contact-{pk}">'
                         f'{v.esc(ctx.t("contact-info"))}</button><div class="collapse" id="contact-{pk}"></div>'
                         f"</div></div></div></li>")
        people = f"<ul>{''.join(items)}</ul>"
    else:
        people = f'<div class="{v.cls("ContactPersons-Note")}">{v.esc(ctx.t("contact-persons-missing"))}</div>'
    out["people"] = _section(ctx, f"<h5>{v.esc(ctx.t('contact-persons'))}</h5>{people}")
    # As on the 2019 seed page, the sidebar opens with "Tietoja päivitetty" (V1-early: then the category badges,
    # then the rest in its own order). With no official description, that line directly follows the description
    # column in document order, with no heading between them.
    out["updated"] = _section(ctx, f'<div class="{v.cls("ActionDetails-LastUpdated")}">'
                                   f"{v.esc(ctx.t('action-last-updated'))} {v.esc(view.updated_shown)}</div>")
    order = ["updated", "impact", "progress", "schedule", "orgs", "people"]
    if ctx.era == "v1early":
        out["categories"] = _section(ctx, _category_badges(ctx, view)) if view.categories else ""
        order = ["updated", "categories", "orgs", "people", "progress", "schedule", "impact"]
    return v.join([v.wrap(out[k]) for k in order if out.get(k)])


def _category_badges(ctx: PageCtx, view: ActionView) -> str:
    v = ctx.var
    return "".join(f'<span class="mr-3 badge badge-secondary {v.cls("ActionHero-CategoryBadge")}">{v.esc(c)}</span>'
                   for c in view.categories)


def _tasks(ctx: PageCtx, view: ActionView) -> str:
    v = ctx.var
    early = ctx.era == "v1early"
    groups = []
    for state, key in (("done", "action-tasks-done"), ("todo", "action-tasks-todo")):
        items = []
        for task in (x for x in view.tasks if x.state == state):
            comment = f"<small><span>{v.rich(task.details)}</span></small>" if task.details else ""
            date = f'<span class="{v.cls("TaskList-Date")}">{v.esc(task.date_text)}</span>'
            if early:
                items.append(f'<li class="list-group-item state--undefined"><div class="task-header"><svg class="icon">'
                             f"</svg> {date} | <span>{v.esc(task.title)}</span></div>"
                             + (f"<div>{comment}</div>" if comment else "") + "</li>")
            else:
                items.append(f'<li class="list-group-item state--undefined"><div class="d-flex"><div '
                             f'class="{v.cls("TaskList-TaskMeta")}"><svg class="icon"></svg> {date}</div><div '
                             f'class="{v.cls("TaskList-TaskContent")}"><h6>{v.esc(task.title)}</h6>'
                             + (f'<div class="text-content">{comment}</div>' if comment else "") + "</div></div></li>")
        if items:
            cls = ' class="mb-3"' if not early else ""
            groups.append(f'<div class="list-group mb-4"><h5{cls}>{v.esc(ctx.t(key))}</h5>{"".join(items)}</div>')
        elif state == "todo":
            groups.append(f"<h5>{v.esc(ctx.t('action-tasks-todo-empty'))}</h5>")
    return (f'<div class="container"><h2 class="{v.cls("ActionDetails-SectionHeader")} mb-5">{v.esc(ctx.t("action-tasks"))}'
            f'</h2><div class="{v.cls("ActionDetails-ActionSection")} mb-5"><div>{v.join(groups)}</div></div></div>')


def _indicators(ctx: PageCtx, view: ActionView) -> str:
    v = ctx.var
    cards = []
    for name, _url, pk in view.indicators:
        others = [a for a in ctx.plan.live_actions() if pk in a.indicator_pks and a.identifier != view.identifier][:3]
        also = ""
        if others:
            also = (f"{v.esc(ctx.t('indicator-also-for-actions'))}: " + " ".join(
                f'<a href="{ctx.action_href(a.identifier)}"><span class="badge">{v.esc(a.identifier)}</span></a>'
                for a in others) + " | ")
        cards.append(f'<div class="card mb-3"><div class="card-body"><h5>{v.esc(name)}</h5></div><div class="card-footer">'
                     f'{also}<a href="{ctx.site.indicator_path(pk)}">{v.esc(HARD_CODED["indicator-details"])} <svg class="icon">'
                     f"</svg></a></div></div>")
    if not cards:
        cards.append(f'<div class="alert alert-light mb-5"><h6>{v.esc(HARD_CODED["no-defined-indicators"])}</h6></div>')
    out = (f'<div class="container"><h2 class="{v.cls("ActionDetails-SectionHeader")} mb-5">{v.esc(ctx.t("indicators"))}'
           f"</h2>{v.join(cards)}</div>")
    if view.indicators:
        out += (f'<div class="container"><h2 class="mb-3">{v.esc(ctx.t("action-what-effect-this-has"))}</h2>'
                f'<div class="causal-network"></div></div>')
    return out


def _updates(ctx: PageCtx, view: ActionView) -> str:
    if not view.updates:
        return ""
    v = ctx.var
    items = []
    for u in view.updates:
        body = f'<div class="text-content">{v.rich(u.body)}</div>' if u.body else ""
        items.append(f'<div class="card mb-3"><div class="card-body"><div class="media"><img class="rounded-circle" '
                     f'alt="name" src="/static/images/default-avatar.png"/><div class="media-body"><div '
                     f'class="{v.cls("ActionUpdatesList-Author")}">{v.esc(u.author)}</div><time '
                     f'datetime="{u.date.isoformat()}">{v.esc(u.date_text)}</time></div></div><h3>{v.esc(u.title)}</h3>'
                     f"{body}</div></div>")
    return (f'<div class="{v.cls("ActionDetails-SolidSection")}"><div class="container"><h2 class="'
            f'{v.cls("ActionDetails-SectionHeader")} mb-5">{v.esc(ctx.t("action-status-updates"))}</h2>'
            f"{''.join(items)}</div></div>")


def _pager(ctx: PageCtx) -> str:
    v = ctx.var
    prev, nxt = ctx.prev_href(), ctx.next_link()
    out = ""
    if prev:
        out += (f'<div class="{v.cls("ActionPager-Previous")}"><a href="{v.attr(prev)}"><button class="btn '
                f'btn-outline-primary"><svg class="icon"></svg> {v.esc(ctx.t("action-previous"))}</button></a></div>')
    if nxt:
        out += (f'<div class="{v.cls("ActionPager-Next")}"><a href="{v.attr(nxt)}"><button class="btn '
                f'btn-outline-primary">{v.esc(ctx.t("action-next"))} <svg class="icon"></svg></button></a></div>')
    return f'<div class="container"><div class="{v.cls("ActionPager-Pager")}">{out}</div></div>'


def header(ctx: PageCtx) -> str:
    v = ctx.var
    return (f"<div>{banner(ctx, 'v1')}<nav class=\"navbar navbar-expand-md navbar-light bg-white\"><a href=\"{ctx.home_href()}\" "
            f'aria-label="{v.attr(ctx.plan.name)}, {v.attr(ctx.t("front-page"))}"><svg class="logo"></svg></a></nav>'
            f'<nav class="navbar navbar-expand-md navbar-dark bg-primary"><a class="navbar-brand" href="{ctx.home_href()}">'
            f'{v.esc(ctx.plan.name)}</a><ul class="navbar-nav"><li class="nav-item"><a class="nav-link" '
            f'href="{ctx.list_href()}">{v.esc(ctx.t("actions"))}</a></li><li class="nav-item"><a class="nav-link" '
            f'href="{ctx.site.root}/indicators">{v.esc(ctx.t("indicators-nav"))}</a></li></ul></nav></div>')


def document(ctx: PageCtx, title: str, og: str, body: str, next_data: dict[str, object] | None) -> str:
    v = ctx.var
    data = ""
    if next_data is not None and not ctx.redesign:
        text = json.dumps(next_data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        data = f'<script id="__NEXT_DATA__" type="application/json">{text}</script>'
    footer = f'<footer class="{v.cls("SiteFooter-Footer")}"><div class="container">{v.esc(ctx.plan.name)}</div></footer>'
    return (f'<!DOCTYPE html><html lang="{ctx.lang}"><head><meta charSet="utf-8"/><title>{v.esc(title)}</title>'
            f'<meta property="og:title" content="{v.attr(og)}"/>{"".join(ctx.extra_head)}'
            f'<style data-styled="" data-styled-version="4.4.0">.x{{}}</style></head><body><div id="__next"><div>'
            f"{header(ctx)}{body}{footer}</div></div>{data}"
            f'<script src="/_next/static/runtime/main-2a3b.js" async=""></script></body></html>')


def render_action(ctx: PageCtx) -> str:
    view = ctx.view
    assert view is not None
    v = ctx.var
    main = [_section(ctx, f'<div class="{"text-content" if ctx.era == "v1" else ""}">'
                          f"{v.rich(view.description, view.action.whitespace_noise)}</div>")]
    if view.official_text is not None and view.action.official_name is not None:
        official = view.action.official_name
        body = v.esc(official) if ctx.era == "v1early" else v.br().join(v.esc(x) for x in official.split("\n"))
        main.append(f'<div class="{v.cls("ActionDetails-OfficialText")}"><h5>{v.esc(ctx.t("action-description-official"))}'
                    f"</h5><strong>{v.esc(view.official_label or '')}</strong><div>{body}</div>"
                    f"<small>{v.esc(view.official_source or '')}</small></div>")
    details = (f'<div class="container"><div class="row"><div class="col-md-7 col-lg-8">{v.join([v.wrap(x) for x in main])}'
               f'</div><div class="col-md-5 col-lg-4">{_sidebar(ctx, view)}</div></div></div>')
    body = v.join([_hero(ctx, view), details, _updates(ctx, view), _tasks(ctx, view), _indicators(ctx, view),
                   _pager(ctx)])
    obj = action_object(ctx.plan, view, "v1")
    if ctx.next_ident is not None:
        obj["nextAction"] = {"id": "0", "identifier": ctx.next_ident, "__typename": "Action"}
    path = ctx.site.action_path(view.identifier)
    next_data: dict[str, object] = {
        "props": {"pageProps": {"id": view.identifier, "namespacesRequired": ["common"]},
                  "currentURL": {"domain": ctx.site.base_url, "path": path},
                  "apolloState": {"data": apollo_state(ctx.plan, obj, "apollo1")},
                  "apollo": None, "initialLanguage": ctx.lang, "i18nServerInstance": None},
        "page": "/actions/[id]", "query": {"id": view.identifier}, "buildId": f"b{ctx.build_seed}",
        "runtimeConfig": {"aplansApiBaseURL": "https://aplans.api.hel.ninja/v1", "planIdentifier": ctx.plan.identifier,
                          "instanceType": "testing" if ctx.test_banner else "production"},
    }
    title = f"{view.name} | {ctx.plan.name}" if ctx.era == "v1early" else f"{ctx.t('action')} {view.identifier} | {ctx.plan.name}"
    return document(ctx, title, view.name if ctx.era == "v1early" else f"{ctx.t('action')} {view.identifier}",
                    f"<div>{body}</div>", next_data)


def render_not_found(ctx: PageCtx) -> str:
    body = ('<div class="container"><h1 class="next-error-h1">404</h1><h2>This page could not be found.</h2></div>')
    return document(ctx, "404: This page could not be found", "404", body,
                    {"props": {"pageProps": {"statusCode": 404}}, "page": "/_error", "query": {},
                     "buildId": f"b{ctx.build_seed}"})
