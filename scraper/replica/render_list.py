"""The `/actions` list page in each era (reference sections 7 and 11.5): every action is in the server-rendered
cards and in the embedded data (`planActions` in the Apollo cache for V1/V2, Apollo's SSR transport for V3).
"""

from __future__ import annotations

import json
from typing import Any

from scraper.replica import render_v1, render_v3
from scraper.replica.embedded import normalise
from scraper.replica.model import ActionData, PlanData
from scraper.replica.page import PageCtx
from scraper.replica.render_v3_blocks import heading


def _root_category(plan: PlanData, action: ActionData) -> str:
    primary = plan.primary_type().identifier
    for pk in action.category_pks:
        cat = plan.categories[pk]
        if cat.type_identifier == primary:
            while cat.parent_pk is not None:
                cat = plan.categories[cat.parent_pk]
            return cat.name
    return ""


def _list_item(plan: PlanData, a: ActionData, v3: bool) -> dict[str, Any]:
    status = ({"id": a.status_id, "identifier": a.status_id, "name": plan.statuses[a.status_id],
               "__typename": "ActionStatus"} if a.status_id else None)
    item: dict[str, Any] = {
        "id": str(a.pk), "identifier": a.identifier, "name": a.name, "officialName": a.official_name,
        "completion": a.completion, "status": status,
        "categories": [{"id": str(pk), "__typename": "Category"} for pk in a.category_pks],
        "responsibleParties": [{"id": f"{a.pk}-{p.org_pk}", "organization": {
            "id": str(p.org_pk), "abbreviation": plan.orgs[p.org_pk].abbreviation, "name": plan.orgs[p.org_pk].name,
            "__typename": "Organization"}, "__typename": "ActionResponsibleParty"} for p in a.responsible],
        "__typename": "Action",
    }
    if v3:
        phase = dict(plan.phases).get(a.phase_id or "")
        item.update({"updatedAt": a.updated_at.isoformat(),
                     "implementationPhase": {"identifier": a.phase_id, "name": phase,
                                             "__typename": "ActionImplementationPhase"} if phase else None,
                     "statusSummary": {"identifier": (a.status_id or "undefined").upper(),
                                       "__typename": "ActionStatusSummary"}})
    return item


def _cards_v1(ctx: PageCtx, actions: list[ActionData]) -> str:
    v = ctx.var
    groups: dict[str, list[str]] = {}
    for a in actions:
        name = a.name if len(a.name) <= 120 else a.name[:120] + "…"
        status = ctx.plan.statuses.get(a.status_id or "", "")
        card = (f'<div class="col-6 col-sm-4 col-lg-3 col-xl-2 mb-4"><a href="{ctx.action_href(a.identifier)}">'
                f'<div class="card {v.cls("ActionCard-Card")}"><div class="{v.cls("ActionCard-Status")} bg-{a.status_id or ""}">'
                f'<span class="action-number">{v.esc(a.identifier)}</span><div>{v.esc(status)}</div>'
                f'<div class="progress"><div class="progress-bar" style="width:{a.completion or 0}%"></div></div></div>'
                f'<div class="card-body"><div class="card-title">{v.esc(name)}</div></div></div></a></div>')
        groups.setdefault(_root_category(ctx.plan, a), []).append(card)
    return "".join(f'<h2 class="mb-4">{v.esc(g)}</h2><div class="row">{"".join(cards)}</div>'
                   for g, cards in groups.items())


def _filters(ctx: PageCtx) -> str:
    v = ctx.var
    return (f'<form role="search" aria-label="{v.attr(ctx.t("filters-aria"))}">{heading(ctx, 2, ctx.t("filters"))}'
            f'<label for="text">{v.esc(ctx.t("text-search"))}</label><input id="text" type="search" '
            f'placeholder="{v.attr(ctx.t("search-placeholder"))}"/><button type="submit">{v.esc(ctx.t("search"))}'
            f"</button></form>")


def render_v1_list(ctx: PageCtx) -> str:
    v = ctx.var
    actions = ctx.plan.live_actions()
    body = (f'<div class="container"><h1>{v.esc(ctx.t("actions"))}</h1>{_filters(ctx)}<div><span class="count">'
            f'{len(actions)} {v.esc(ctx.t("actions-count"))}</span></div>{_cards_v1(ctx, actions)}</div>')
    style = "apollo1" if ctx.era in ("v1", "v1early") else "apollo3"
    store: dict[str, Any] = {}
    refs = normalise([_list_item(ctx.plan, a, False) for a in actions], store, style)
    data = {"ROOT_QUERY": {f'planActions({{"plan":"{ctx.plan.identifier}"}})': refs}, **store}
    next_data: dict[str, object] = {
        "props": {"pageProps": {"namespacesRequired": ["common"]}, "apolloState": {"data": data}},
        "page": "/actions", "query": {}, "buildId": f"b{ctx.build_seed}"}
    if ctx.era == "v2":
        next_data["props"]["plan"] = {"identifier": ctx.plan.identifier, "name": ctx.plan.name}  # type: ignore[index]
    return render_v1.document(ctx, f"{ctx.t('actions')} | {ctx.plan.name}", ctx.t("actions"), body, next_data)


def render_v3_list(ctx: PageCtx) -> str:
    v = ctx.var
    actions = ctx.plan.live_actions()
    cards = []
    for a in actions:
        phase = dict(ctx.plan.phases).get(a.phase_id or "", "")
        status = ctx.plan.statuses.get(a.status_id or "", "")
        shown = f"{phase} ({status})" if status else phase
        cards.append(f'<div class="col-6 col-sm-4 col-lg-3 col-xl-2"><a href="{ctx.action_href(a.identifier)}">'
                     f'<div class="card {v.cls("ActionCard-Card")}"><div class="{v.cls("ActionCard-ActionNumber")}">'
                     f'{v.esc(a.identifier)}</div><div class="{v.cls("ActionCard-StatusName")}">{v.esc(shown)}</div>'
                     f'<div class="card-title">{v.esc(a.name)}</div></div></a></div>')
    body = (f'<div class="container"><h1>{v.esc(ctx.t("actions"))}</h1>{_filters(ctx)}<span class="count">'
            f'{len(actions)} {v.esc(ctx.t("actions-count"))}</span><div role="tablist"></div>'
            f'<div role="tabpanel" id="list-view" aria-labelledby="list-tab" hidden=""><div class="alert">'
            f'</div></div><div role="tabpanel" id="dashboard-view" aria-labelledby="dashboard-tab"><div class="row">'
            f"{''.join(cards)}</div></div></div>")
    data = {"plan": {"id": ctx.plan.identifier, "__typename": "Plan"},
            "planActions": [_list_item(ctx.plan, a, True) for a in actions]}
    event = json.dumps({"type": "next", "value": {"data": data}}, ensure_ascii=False, separators=(",", ":"))
    event = event.replace("</", "<\\/")
    transport = ('<script>(window[Symbol.for("ApolloSSRDataTransport")] ??= []).push({"rehydrate":{},"events":['
                 '{"type":"started","options":{"query":"query DashboardActionList($plan: ID!) { planActions }",'
                 f'"variables":{{"plan":"{ctx.plan.identifier}"}},"context":undefined}},"id":"1"}},{event},'
                 '{"type":"completed","id":"1","extensions":undefined}]})</script>')
    route = ["", ctx.lang, ctx.plan.identifier, "actions"]
    payload = render_v3.flight.payload(ctx.lang, f"b{ctx.build_seed}", route,
                                       ["$", "$L33", None, {"testId": "action-list"}],
                                       render_v3.plan_context(ctx.plan, ctx.lang))
    html = render_v3.document(ctx, ctx.plan.site_title, ctx.plan.name, payload,
                              f'<div data-testid="action-list-page">{body}</div>')
    return html.replace('<div hidden id="S:2">', transport + '<div hidden id="S:2">', 1)
