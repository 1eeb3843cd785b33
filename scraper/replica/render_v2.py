"""V2 action page (pages router, 2020-08 … 2024-01, as of end 2021; reference section 2): `__NEXT_DATA__` with an
Apollo 3 cache (`{"__ref": …}`), `nav aria-label="Actions Pager"` with a CSS-only pipe, h3 sidebar headings,
a "Lue lisää" links block and category breadcrumbs.
"""

from __future__ import annotations

from typing import Any

from scraper.replica import render_v1
from scraper.replica.embedded import action_object, apollo_state
from scraper.replica.page import PageCtx
from scraper.replica.render_v3_blocks import BLOCKS, eteneminen, status_updates
from scraper.replica.view import ActionView, trail

MAIN = ["ActionLeadParagraphBlock", "ActionDescriptionBlock", "ActionOfficialNameBlock", "ActionLinksBlock",
        "ActionMergedActionsBlock"]
BOTTOM = ["ActionTasksBlock", "ActionRelatedIndicatorsBlock"]
ASIDE = ["ActionImpactBlock", "ActionCompletionBlock", "ActionScheduleBlock", "ActionResponsiblePartiesBlock",
         "ActionContentCategoryTypeBlock", "ActionContentAttributeTypeBlock", "ActionContactPersonsBlock"]


def _hero(ctx: PageCtx, view: ActionView) -> str:
    v = ctx.var
    prev, nxt = ctx.prev_href(), ctx.next_link()
    links = []
    if prev:
        links.append(f'<a href="{v.attr(prev)}"><svg class="icon"></svg> {v.esc(ctx.t("previous"))}</a>')
    if prev and nxt:
        links.append(f'<span class="{v.cls("ActionHero-NavDivider")}"></span>')
    if nxt:
        links.append(f'<a href="{v.attr(nxt)}">{v.esc(ctx.t("next"))} <svg class="icon"></svg></a>')
    crumbs = []
    for pk in view.category_pks:
        chain = [ctx.plan.categories[c] for c in trail(ctx.plan, pk)]
        crumbs.append(f'<div class="{v.cls("ActionHero-Breadcrumb")}">' + "".join(
            f'<span><a href="{ctx.list_href()}?category={c.pk}">{v.esc(c.name)}</a>&nbsp;/ </span>' for c in chain)
            + "</div>")
    card = v.join([
        f'<nav aria-label="Actions Pager"><a href="{ctx.list_href()}"><span class="{v.cls("ActionHero-IndexLink")}">'
        f'{v.esc(ctx.t("actions"))}</span></a><div>{"".join(links)}</div></nav>',
        v.wrap("".join(crumbs)),
        f'<h1><span class="{v.cls("ActionHero-ActionNumber")}">{v.esc(view.identifier)}</span>'
        f"<span>{v.esc(view.name)}</span></h1>",
    ])
    return (f'<div class="{v.cls("ActionHero-Hero")}"><div class="container"><div class="row"><div class="col-lg-8">'
            f'<div class="card {v.cls("ActionHero-ActionCard")}"><div class="card-body">{card}</div></div></div>'
            f"</div></div></div>")


def _block(name: str) -> dict[str, Any]:
    return {"id": name, "fieldLabel": None, "__typename": name}


def render_action(ctx: PageCtx) -> str:
    view = ctx.view
    assert view is not None
    v = ctx.var
    main = [eteneminen(ctx, view)] + [BLOCKS[n](ctx, view, _block(n)) for n in MAIN]
    main.append(status_updates(ctx, view))
    main += [BLOCKS[n](ctx, view, _block(n)) for n in BOTTOM]
    aside = [f'<h2 class="visually-hidden">{v.esc(ctx.t("action-meta-header"))}</h2>']
    aside += [BLOCKS[n](ctx, view, _block(n)) for n in ASIDE]
    aside.append(f'<div class="{v.cls("ActionContent-LastUpdated")}">{v.esc(ctx.t("action-last-updated"))} '
                 f"{v.esc(view.updated_shown)}</div>")
    prev, nxt = ctx.prev_href(), ctx.next_link()
    pager = ""
    if prev:
        pager += (f'<div><a href="{v.attr(prev)}"><button class="btn btn-outline-primary"><svg class="icon"></svg> '
                  f'{v.esc(ctx.t("action-previous"))}</button></a></div>')
    if nxt:
        pager += (f'<div><a href="{v.attr(nxt)}"><button class="btn btn-outline-primary">{v.esc(ctx.t("action-next"))}'
                  f' <svg class="icon"></svg></button></a></div>')
    body = v.join([
        _hero(ctx, view),
        f'<div class="container"><div class="row"><div class="col-md-7 col-lg-8">'
        f'{v.join([v.wrap(x) for x in main if x])}</div><div class="col-md-5 col-lg-4">'
        f"{v.join([v.wrap(x) for x in aside if x])}</div></div></div>",
        f'<div class="container"><div class="{v.cls("ActionPager-Pager")}">{pager}</div></div>',
    ])
    obj = action_object(ctx.plan, view, "v2")
    if ctx.next_ident is not None:
        obj["nextAction"] = {"id": "0", "identifier": ctx.next_ident, "__typename": "Action"}
    next_data: dict[str, object] = {
        "props": {"pageProps": {"id": view.identifier},
                  "apolloState": {"data": apollo_state(ctx.plan, obj, "apollo3")},
                  "plan": {"identifier": ctx.plan.identifier, "name": ctx.plan.name, "__typename": "Plan"},
                  "siteContext": {"instanceType": "testing" if ctx.test_banner else "production"},
                  "themeProps": {"name": ctx.plan.identifier}},
        "page": "/actions/[id]", "query": {"id": view.identifier}, "buildId": f"b{ctx.build_seed}",
    }
    title = f"{ctx.t('action')} {view.identifier} | {ctx.plan.name}"
    return render_v1.document(ctx, title, view.name, f"<main>{body}</main>", next_data)
