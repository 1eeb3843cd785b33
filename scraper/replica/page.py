"""What every renderer needs for one page: the view, the site, the variation and the switches."""

from __future__ import annotations

from dataclasses import dataclass, field

from scraper.replica.locale import t
from scraper.replica.markup import Variation
from scraper.replica.model import PlanData
from scraper.replica.view import ActionView, Site


@dataclass
class PageCtx:
    plan: PlanData
    site: Site
    var: Variation
    era: str
    build_seed: int
    varied: bool
    test_banner: bool = False
    redesign: bool = False
    hide_pager: bool = False
    view: ActionView | None = None
    #: fault overrides of the "Seuraava" link: an href (maybe on another host) and, for cycles, the identifier
    next_href: str | None = None
    next_ident: str | None = None
    extra_head: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.site.lang

    def t(self, key: str) -> str:
        return t(self.site.lang, key, self.era, self.redesign)

    def action_href(self, identifier: str) -> str:
        return self.site.action_path(identifier)

    def prev_href(self) -> str | None:
        assert self.view is not None
        return self.action_href(self.view.prev_ident) if self.view.prev_ident else None

    def next_link(self) -> str | None:
        assert self.view is not None
        if self.next_href is not None:
            return self.next_href
        return self.action_href(self.view.next_ident) if self.view.next_ident else None

    def list_href(self) -> str:
        return self.site.list_path()

    def home_href(self) -> str:
        return self.site.root or "/"


def banner(ctx: PageCtx, era: str) -> str:
    if not ctx.test_banner:
        return ""
    v = ctx.var
    label = ctx.t("testing-label").upper()
    return (f'<div class="{v.cls("ApplicationStateBanner-Banner")}"><div class="container">'
            f"<strong>{v.esc(label)}</strong> {v.esc(ctx.t('testing-message'))}</div></div>")
