"""V3's badges and breadcrumb as really served (reference 12.1, 12.2): every organisation and category badge sits
inside a react-aria tooltip **button**, so a reader that drops button text (right for "Näytä lisätiedot") loses
them all; the hero breadcrumb holds all primary categories in one container, in an order of its own.
"""

from __future__ import annotations

from scraper.replica.model import Category, CategoryType
from scraper.replica.page import PageCtx
from scraper.replica.view import ActionView, OrgView


def _button(ctx: PageCtx, span_id: str, size: str, text: str, aria: str | None) -> str:
    v = ctx.var
    label = f' aria-label="{v.attr(aria)}"' if aria is not None else ""
    return (f'<span id="{span_id}"><button type="button" class="{v.cls("BadgeTooltip-Button")}" data-rac="">'
            f'<span class="{size} {v.cls("BadgeTooltip-StyledBadge")}"{label}>'
            f'<span class="{v.cls("BadgeTooltip-TruncatedContent")}">{v.esc(text)}</span></span></button></span>')


def org_aria_label(ctx: PageCtx, org: OrgView) -> str:
    """HEAD's OrganizationChip: the COLLABORATOR gets the "main" prefix (the inverted bug), PRIMARY and no role
    none; the abbreviation is printed as the API gives it, so "" leaves a double space and None reads "null"."""
    abbr = "null" if org.raw_abbreviation is None else org.raw_abbreviation
    label = f"{abbr} {org.raw_name}"
    if org.role == "collaborator":
        label = f"{ctx.t('responsible-party-main')}: {label}"
    return label


def org_item(ctx: PageCtx, org: OrgView) -> str:
    v = ctx.var
    size = {"primary": "lg", "collaborator": "sm"}.get(org.role or "", "md")
    badge = _button(ctx, f"bttorg-{org.pk}", size, org.shown, org_aria_label(ctx, org))
    specifier = (f'<div class="{v.cls("ResponsibleList-Specifier")}">{v.esc(org.specifier)}</div>'
                 if org.specifier else "")
    return f'<li><a href="{ctx.site.root}/organizations/{org.pk}">{badge}</a>{specifier}</li>'


def category_badge(ctx: PageCtx, cat: Category) -> str:
    href = f"{ctx.list_href()}?cat-{cat.type_identifier}={cat.pk}"
    return f'<a href="{ctx.var.attr(href)}">{_button(ctx, f"btt{cat.pk}", "md", cat.name, None)}</a>'


def category_block(ctx: PageCtx, view: ActionView, ctype: CategoryType, heading: str) -> str:
    """One aside block per category type: the type's name as heading, the action's categories of that type as
    badges in data order. Nothing at all when the action has none of that type."""
    cats = [ctx.plan.categories[pk] for pk in view.action.category_pks
            if ctx.plan.categories[pk].type_identifier == ctype.identifier]
    if not cats:
        return ""
    badges = "".join(category_badge(ctx, c) for c in cats)
    return f'<div>{heading}<div class="{ctx.var.cls("CategoryTags-Tags")}">{badges}</div></div>'


def breadcrumb(ctx: PageCtx, view: ActionView) -> str:
    """All the action's primary categories, and only those (a parent shows when it is assigned itself), in one
    container, in the breadcrumb's own order."""
    if not view.crumb_pks:
        return ""
    v = ctx.var
    spans = "".join(
        f'<span id="crumb-{pk}"><a href="{v.attr(f"{ctx.list_href()}?cat-{c.type_identifier}={pk}")}">'
        f"{v.esc(c.name)}</a>&nbsp;/ </span>"
        for pk, c in ((pk, ctx.plan.categories[pk]) for pk in view.crumb_pks))
    return f'<div class="{v.cls("ActionHero-Breadcrumbs")}">{spans}</div>'
