"""V3 (App Router) action page as really served (reference sections 3 and 11): scripts first, the body streamed
into `<div hidden id="S:2">` after the footer, the action object in the flight payload.
"""

from __future__ import annotations

import random
from typing import Any

from scraper.replica import flight
from scraper.replica.embedded import action_object
from scraper.replica.model import CategoryType, PlanData
from scraper.replica.page import PageCtx, banner
from scraper.replica.render_v3_badges import breadcrumb
from scraper.replica.render_v3_blocks import BLOCKS, eteneminen, heading, status_updates
from scraper.replica.v3_http import TRACE_MARK
from scraper.replica.view import ActionView

DEFAULT_LAYOUT = {
    "detailsMainTop": ["ActionLeadParagraphBlock", "ActionDescriptionBlock", "ActionOfficialNameBlock",
                       "ActionLinksBlock", "ActionMergedActionsBlock"],
    "detailsMainBottom": ["ActionTasksBlock", "ActionRelatedIndicatorsBlock"],
    "detailsAside": ["ActionImpactBlock", "ActionCompletionBlock", "ActionScheduleBlock",
                     "ActionResponsiblePartiesBlock", "ActionContentCategoryTypeBlock",
                     "ActionContentAttributeTypeBlock", "ActionContactPersonsBlock"],
}

#: fieldLabel overrides an admin may set (V3 only, Finnish site)
FIELD_LABELS = {
    "ActionDescriptionBlock": ["Toimenpiteen kuvaus", "Mistä on kyse?"],
    "ActionTasksBlock": ["Toimenpiteen tehtävät", "Tehtävät ja aikataulu"],
    "ActionOfficialNameBlock": ["Alkuperäinen kuvaus", "Ohjelman mukainen kuvaus"],
    "ActionScheduleBlock": ["Toteutusaikataulu"],
    "ActionResponsiblePartiesBlock": ["Vastuutahot"],
}


def layout(plan: PlanData, build_seed: int, varied: bool, lang: str) -> dict[str, list[dict[str, Any]]]:
    """The admin-configured block layout of this site build (stable across its pages). The aside has one
    category block per category type; a varied build may configure none for the primary type, and then only the
    hero breadcrumb shows the categories."""
    rng = random.Random(f"layout:{plan.key}:{build_seed}")
    out: dict[str, list[dict[str, Any]]] = {}
    for place, names in DEFAULT_LAYOUT.items():
        names = list(names)
        if varied:
            rng.shuffle(names)
        blocks: list[dict[str, Any]] = []
        for name in names:
            types: list[CategoryType | None] = [None]
            if name == "ActionContentCategoryTypeBlock":
                types = [t for t in plan.category_types if not (t.primary and varied and rng.random() < 0.3)]
            for ctype in types:
                label = None
                if varied and lang == "fi" and name in FIELD_LABELS and rng.random() < 0.5:
                    label = rng.choice(FIELD_LABELS[name])
                block: dict[str, Any] = {"id": f"{place}-{len(blocks)}", "fieldLabel": label, "__typename": name}
                if name == "ActionResponsiblePartiesBlock":
                    block["heading"] = block.pop("fieldLabel")
                if ctype is not None:
                    block["categoryType"] = {"identifier": ctype.identifier, "name": ctype.name,
                                             "__typename": "CategoryType"}
                blocks.append(block)
        out[place] = blocks
    return out


def shows_primary_category_block(plan: PlanData, blocks: dict[str, list[dict[str, Any]]]) -> bool:
    primary = plan.primary_type().identifier
    return any(b["__typename"] == "ActionContentCategoryTypeBlock" and b["categoryType"]["identifier"] == primary
               for place in blocks.values() for b in place)


def _hero(ctx: PageCtx, view: ActionView) -> str:
    v = ctx.var
    pager = ""
    prev, nxt = ctx.prev_href(), ctx.next_link()
    if not ctx.hide_pager and (prev or nxt):
        links = []
        if prev:
            links.append(f'<a href="{v.attr(prev)}"><svg aria-hidden="true" class="icon"><use href="#arrow-left">'
                         f"</use></svg> {v.esc(ctx.t('previous'))}</a>")
        if prev and nxt:
            links.append(f'<span class="{v.cls("ActionHero-NavDivider")}"></span>')
        if nxt:
            links.append(f'<a href="{v.attr(nxt)}">{v.esc(ctx.t("next"))}<svg aria-hidden="true" class="icon">'
                         f'<use href="#arrow-right"></use></svg></a>')
        pager = f"<div>{''.join(links)}</div>"
    h1 = (f'<h1 class="{v.cls("ActionHero-ActionHeadline")}"><span class="{v.cls("ActionHero-ActionNumber")}">'
          f'{v.esc(view.identifier)}</span><span class="{v.cls("ActionHero-ActionName")}">{v.esc(view.name)}'
          f"</span></h1>")
    nav = (f'<nav aria-label="{v.attr(ctx.t("nav-actions-pager"))}"><a href="{ctx.list_href()}"><span '
           f'class="{v.cls("ActionHero-IndexLink")}">{v.esc(ctx.t("actions"))}</span></a>{pager}</nav>')
    card = v.join([nav, v.wrap(breadcrumb(ctx, view)), h1])
    return (f'<header class="{v.cls("ActionHero-Hero")}"><div class="{v.cls("ActionHero-ActionBgImage")}">'
            f'<div class="{v.cls("ActionHero-OverlayContainer")}"><div class="container"><div class="row">'
            f'<div class="col-lg-8"><div class="card {v.cls("ActionHero-ActionCard")}"><div class="card-body">'
            f"{card}</div></div></div></div></div></div></div></header>")


def _bottom_pager(ctx: PageCtx) -> str:
    if ctx.hide_pager:
        return ""
    v = ctx.var
    prev, nxt = ctx.prev_href(), ctx.next_link()
    prev_html = (f'<div class="{v.cls("ActionPager-Previous")}"><a href="{v.attr(prev)}"><button type="button" '
                 f'class="{v.css("Button")} btn btn-outline-primary">{v.esc(ctx.t("action-previous"))}</button>'
                 f"</a></div>") if prev else ""
    nxt_inner = (f'<a href="{v.attr(nxt)}"><button type="button" class="{v.css("Button")} btn btn-outline-primary">'
                 f"{v.esc(ctx.t('action-next'))}</button></a>") if nxt else ""
    return (f'<div class="container"><div class="{v.cls("ActionPager-Pager")}">{prev_html}'
            f'<div class="{v.cls("ActionPager-Next")}">{nxt_inner}</div></div></div>')


def action_body(ctx: PageCtx, view: ActionView, blocks: dict[str, list[dict[str, Any]]]) -> str:
    v = ctx.var
    top = [eteneminen(ctx, view)]
    top += [BLOCKS[b["__typename"]](ctx, view, b) for b in blocks["detailsMainTop"]]
    top.append(status_updates(ctx, view))
    bottom = [BLOCKS[b["__typename"]](ctx, view, b) for b in blocks["detailsMainBottom"]]
    aside = [heading(ctx, 2, ctx.t("action-meta-header"), hidden=True)]
    aside += [BLOCKS[b["__typename"]](ctx, view, b) for b in blocks["detailsAside"]]
    aside.append(f'<div><div class="{v.cls("ActionContent-LastUpdated")}">{v.esc(ctx.t("action-last-updated"))}'
                 f"<!-- --> <!-- -->{v.esc(view.updated_shown)}</div></div>")
    grid = (f'<div class="container {v.cls("ActionContent-ContentGrid")}">'
            f'<div class="{v.cls("ActionContent-MainTop")}">{v.join([v.wrap(x) for x in top if x])}</div>'
            f'<aside class="{v.cls("ActionContent-Aside")}">{v.join([v.wrap(x) for x in aside if x])}</aside>'
            f'<div class="col {v.cls("ActionContent-MainBottom")}">{v.join([v.wrap(x) for x in bottom if x])}'
            f"</div></div>")
    return (f'<div data-testid="action-page" class="{v.cls("ActionContent-ActionPage")}">'
            f"{v.join([_hero(ctx, view), grid, _bottom_pager(ctx)])}</div>")


def plan_context(plan: PlanData, lang: str) -> dict[str, Any]:
    return {"id": plan.identifier, "identifier": plan.identifier, "name": plan.name, "primaryLanguage": "fi",
            "otherLanguages": ["sv", "en"], "basePath": plan.base_path or None,
            "generalContent": {"siteTitle": plan.site_title, "officialNameDescription": plan.official_name_description,
                               "__typename": "SiteGeneralContent"},
            "actionImplementationPhases": [{"identifier": i, "name": n, "__typename": "ActionImplementationPhase"}
                                           for i, n in plan.phases],
            "primaryActionClassification": {"identifier": plan.primary_type().identifier,
                                            "name": plan.primary_type().name, "__typename": "CategoryType"},
            "features": {"hasActionIdentifiers": True, "showAdminLink": False, "__typename": "PlanFeatures"},
            "__typename": "Plan"}


def document(ctx: PageCtx, title: str, description: str, flight_payload: str, body: str,
             main_inner: str | None = None, not_found: bool = False) -> str:
    """The whole V3 HTML document around one streamed body (`S:2`)."""
    v = ctx.var
    rng = random.Random(f"{ctx.build_seed}:{title}")
    pushes = flight.encode_pushes(flight_payload, rng)
    head = [
        '<meta charSet="utf-8"/>', '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        TRACE_MARK,
        '<link rel="stylesheet" href="/_next/static/css/9f1e2a.css" data-precedence="next"/>',
        '<link rel="preload" as="script" fetchPriority="low" href="/_next/static/chunks/webpack-77aa.js"/>',
        '<script src="/_next/static/chunks/4212-8c1f.js" async=""></script>',
        f"<title>{v.esc(title)}</title>",
        f'<meta name="description" content="{v.attr(description)}"/>',
        f'<meta property="og:description" content="{v.attr(description)}"/>',
        *ctx.extra_head,
    ]
    if ctx.test_banner or not_found:
        head.append('<meta name="robots" content="noindex"/>')
    main = main_inner if main_inner is not None else (
        f'<!--$?--><template id="B:2"></template><div role="progressbar" class="{v.css("Loader")}">'
        f"{v.esc(ctx.t('loading'))}</div><!--/$-->")
    header = (f'{banner(ctx, "v3")}<nav class="navbar {v.css("GlobalNav")}"><a class="navbar-brand" '
              f'href="{ctx.home_href()}">{v.esc(ctx.plan.site_title)}</a><ul class="navbar-nav"><li class="nav-item">'
              f'<a class="nav-link" href="{ctx.list_href()}">{v.esc(ctx.t("actions"))}</a></li></ul></nav>')
    style = f'<style data-emotion="mui {v.css("Style")[4:]}">.x{{color:inherit}}</style>'
    parts = [
        f'<!DOCTYPE html><html lang="{ctx.lang}"><head>{"".join(head)}</head><body>',
        '<div hidden=""><!--$--><!--/$--></div>',
        f"<script>{flight.runtime_js()}</script>",
        *pushes,
        '<div id="S:0"><!--$?--><template id="B:1"></template><!--/$-->',
        f'<main id="main" data-testid="root-layout">{main}</main>',
        f'<footer class="{v.css("SiteFooter")}"><div class="container">{v.esc(ctx.plan.name)}</div></footer></div>',
        '<script>$RC=function(b,c,e){c=document.getElementById(c);c.parentNode.removeChild(c);}</script>',
        f'<div hidden id="S:1">{header}</div><script>$RC("B:1","S:1")</script>',
    ]
    if body:
        parts.append(f'<div hidden id="S:2">{style}{body}</div><script>$RC("B:2","S:2")</script>')
    parts.append("</body></html>")
    return "".join(parts)


def render_action(ctx: PageCtx) -> str:
    view = ctx.view
    assert view is not None
    blocks = layout(ctx.plan, ctx.build_seed, ctx.varied, ctx.lang)
    obj = action_object(ctx.plan, view, "v3")
    if ctx.next_ident is not None:
        obj["nextAction"] = {"id": "0", "identifier": ctx.next_ident, "__typename": "Action"}
    props = flight.dollar_escape({"action": obj, "extraPlanData": {"actionListPage": blocks}})
    props.update({"testId": "action-page", "pdfExportConfigured": False})
    row = ["$", "$L33", None, props]
    route = ["", ctx.lang, ctx.plan.identifier, "actions", view.identifier]
    payload = "" if ctx.redesign else flight.payload(ctx.lang, f"b{ctx.build_seed}", route, row,
                                                     plan_context(ctx.plan, ctx.lang))
    title = f"{ctx.t('action')}: {view.identifier} | {ctx.plan.site_title}"
    return document(ctx, title, view.name, payload or "0:null\n", action_body(ctx, view, blocks))


def render_not_found(ctx: PageCtx) -> str:
    v = ctx.var
    main = (f'<template data-dgst="NEXT_HTTP_ERROR_FALLBACK;404"></template><div class="container">'
            f"<h1>{v.esc(ctx.t('action-not-found'))}</h1></div>")
    route = ["", ctx.lang, ctx.plan.identifier, "actions"]
    payload = flight.payload(ctx.lang, f"b{ctx.build_seed}", route, ["$", "$L33", None, {"notFound": True}],
                             plan_context(ctx.plan, ctx.lang))
    return document(ctx, ctx.plan.site_title, ctx.plan.name, payload, "", main_inner=main, not_found=True)
