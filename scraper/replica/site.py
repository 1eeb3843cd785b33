"""The replica's pages: routing a path to a rendered page for the current day, with a render cache, and the
ground truth for the same state. No sockets here (see server.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import unquote

from schemas.action import Action
from scraper.replica import render_list, render_v1, render_v2, render_v3
from scraper.replica.config import ReplicaConfig
from scraper.replica.days import Change, DayBook
from scraper.replica.markup import Variation
from scraper.replica.model import PlanData
from scraper.replica.page import PageCtx
from scraper.replica.plan_gen import build_plan
from scraper.replica.truth import expected_record
from scraper.replica.v3_http import CACHE_CONTROL, TRACE_MARK, build_keys, link_header
from scraper.replica.view import ERAS, LANGS, Site, build_view

CACHE_SIZE = 400


@dataclass(frozen=True)
class Page:
    """A rendered response body and what goes with it. V1/V2 pages have validators; a V3 page has none, and
    instead a place (`trace_at`) where every response splices its own tracing tags, and its fixed headers."""

    status: int
    content_type: str
    body: bytes
    etag: str | None
    last_modified: str | None
    is_action: bool = False
    location: str | None = None
    v3: bool = False
    trace_at: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    lang: str = "fi"


class ReplicaSite:
    def __init__(self, cfg: ReplicaConfig, base_url: str, book: DayBook | None = None) -> None:
        """`book`: the plan's days when another site already computed them (the web archive renders every era of
        the same days; a year of days is worth computing once)."""
        cfg.validate()
        self.cfg = cfg
        self.base_url = base_url
        self.book = book if book is not None else DayBook(build_plan(cfg.plan, cfg.seed), cfg.seed, cfg.stories,
                                                             cfg.translation_lag)
        self.day = cfg.day
        self.book.state(self.day)
        self._cache: OrderedDict[tuple[object, ...], Page] = OrderedDict()
        self._lock = threading.Lock()
        self.closed = False  # set when the server stops: background prewarming ends
        self.trace_keys = build_keys(cfg.variation_seed if cfg.variation_seed is not None else cfg.seed)

    # --- state ---------------------------------------------------------------------------------------------
    @property
    def plan(self) -> PlanData:
        return self.book.state(self.day)

    def plan_for(self, lang: str) -> PlanData:
        """The plan as the pages of one language show it today (a lagging translation shows an older state)."""
        return self.book.state_for(self.day, lang)

    def set_day(self, day: int) -> None:
        if day < 0:
            raise ValueError("day must be >= 0")
        self.book.state(day)
        self.day = day
        self.prewarm()

    def set_era(self, era: str) -> None:
        """Serve another front-end era of the same plan state: what a site's redesign looks like to a crawler
        that comes back to the same URLs."""
        if era not in ERAS:
            raise ValueError(f"unknown era {era!r}; expected one of {', '.join(ERAS)}")
        with self._lock:
            self.cfg.era = era
            self._cache.clear()
        self.prewarm()

    def prewarm(self) -> None:
        """Render the current day's pages in a background thread, so a crawl finds them ready."""
        day, era = self.day, self.cfg.era
        paths = [self.site_for(self.cfg.lang).list_path()] + [
            self.site_for(self.cfg.lang).action_path(i) for i in self.chain()]

        def work() -> None:
            for path in paths:
                if self.day != day or self.cfg.era != era or self.closed:
                    return
                self.page(path)

        threading.Thread(target=work, name="replica-prewarm", daemon=True).start()

    def changes(self, day_a: int, day_b: int) -> list[Change]:
        return self.book.changes(day_a, day_b)

    def site_for(self, lang: str) -> Site:
        return Site(self.base_url, lang, self.cfg.prefix, self.plan.base_path)

    def chain(self) -> list[str]:
        return [a.identifier for a in self.plan.live_actions()]

    def expected_records(self, lang: str | None = None) -> dict[str, Action]:
        lang = lang or self.cfg.lang
        plan, site = self.plan_for(lang), self.site_for(lang)
        host = self.base_url.split("://", 1)[1]
        out = {}
        for action in plan.live_actions():
            view = build_view(plan, action, site, self.cfg.era, self.cfg.test_banner, self.cfg.redesign,
                              self._category_block(lang))
            out[action.identifier] = expected_record(view, host, plan.base_path, embedded=not self.cfg.redesign)
        return out

    def _category_block(self, lang: str) -> bool:
        """Whether this build's V3 layout has an aside block for the primary category type."""
        if self.cfg.era != "v3":
            return True
        varied = self.cfg.variation_seed is not None
        build = self.cfg.variation_seed if self.cfg.variation_seed is not None else self.cfg.seed
        return render_v3.shows_primary_category_block(self.plan, render_v3.layout(self.plan, build, varied, lang))

    def _page(self, status: int, text: str, ctype: str, path: str, is_action: bool = False) -> Page:
        body = text.encode("utf-8")
        if self.cfg.era != "v3":
            day = self.plan.today
            etag = '"' + hashlib.sha1(body).hexdigest()[:24] + '"'
            stamp = dt.datetime(day.year, day.month, day.day, 4, 0, tzinfo=dt.UTC)
            return Page(status, ctype, body, etag, format_datetime(stamp, usegmt=True), is_action)
        mark = TRACE_MARK.encode()
        at = body.find(mark)
        if at >= 0:
            body = body[:at] + body[at + len(mark):]
        lang, inner = self.split(path)
        headers = [("Cache-Control", CACHE_CONTROL), ("x-plan-identifier", self.plan.identifier),
                   ("x-plan-domain", self.base_url.split("://", 1)[1].rsplit(":", 1)[0])]
        if ctype.startswith("text/html") and not inner.startswith("/__outside_plan__"):
            urls = [(code, self.base_url + self.site_for(code).root + inner) for code in LANGS]
            headers.append(("link", link_header([*urls, ("x-default", urls[0][1])])))
        return Page(status, ctype, body, None, None, is_action, v3=True, trace_at=at if at >= 0 else None,
                    headers=tuple(headers), lang=lang)

    # --- rendering -----------------------------------------------------------------------------------------
    def _ctx(self, lang: str, page_key: str) -> PageCtx:
        varied = self.cfg.variation_seed is not None
        build = self.cfg.variation_seed if self.cfg.variation_seed is not None else self.cfg.seed
        return PageCtx(plan=self.plan_for(lang), site=self.site_for(lang), var=Variation(build, page_key, self.cfg.era, varied),
                       era=self.cfg.era, build_seed=build, varied=varied, test_banner=self.cfg.test_banner,
                       redesign=self.cfg.redesign, hide_pager=self.cfg.hide_pager)

    def split(self, path: str) -> tuple[str, str]:
        """(language, path inside the plan) for a request path, e.g. "/sv/lumo/actions/1" → ("sv", "/actions/1")."""
        lang = "fi"
        for code in LANGS:
            if path == f"/{code}" or path.startswith(f"/{code}/"):
                lang, path = code, path[len(code) + 1:] or "/"
                break
        base = self.plan.base_path
        if base and (path == base or path.startswith(base + "/")):
            path = path[len(base):] or "/"
        elif base and path not in ("/robots.txt", "/sitemap.xml"):
            return lang, "/__outside_plan__" + path
        return lang, path

    def page(self, path: str, next_href: str | None = None, next_ident: str | None = None) -> Page:
        key = (self.day, self.cfg.era, self.cfg.redesign, self.cfg.test_banner, path, next_href, next_ident)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        page = self._render(path, next_href, next_ident)
        with self._lock:
            if self.cfg.era != key[1]:  # the era switched while rendering: serve it once, never cache it
                return page
            self._cache[key] = page
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return page

    def action_identifier(self, path: str) -> str | None:
        """The identifier when `path` is an action page path of this site (whatever the action's fate)."""
        _, inner = self.split(path)
        prefix = self.cfg.prefix + "/"
        if inner.startswith(prefix) and "/" not in inner[len(prefix):].strip("/"):
            return unquote(inner[len(prefix):].strip("/"))
        return None

    def _render(self, path: str, next_href: str | None, next_ident: str | None) -> Page:
        plan, era = self.plan, self.cfg.era
        mark = TRACE_MARK if era == "v3" else ""
        if path == "/robots.txt":
            return self._page(200, self._robots(), "text/plain; charset=utf-8", path)
        if path == "/sitemap.xml":
            if era == "v3":
                return self._not_found(path, "fi", action=False)
            return self._page(200, self._sitemap(), "application/xml; charset=utf-8", path)
        lang, inner = self.split(path)
        plan = self.plan_for(lang)
        html = "text/html; charset=utf-8"
        ident = self.action_identifier(path)
        if ident is not None:
            action = plan.find(ident)
            if action is None or action.merged_with is not None:
                return self._not_found(path, lang, action=True)
            ctx = self._ctx(lang, path)
            ctx.view = build_view(plan, action, ctx.site, era, self.cfg.test_banner, self.cfg.redesign,
                                  self._category_block(lang))
            ctx.next_href, ctx.next_ident = next_href, next_ident
            renderer = {"v1early": render_v1, "v1": render_v1, "v2": render_v2, "v3": render_v3}[era]
            return self._page(200, renderer.render_action(ctx), html, path, is_action=True)
        if inner in ("/actions", "/actions/"):
            ctx = self._ctx(lang, path)
            text = render_list.render_v3_list(ctx) if era == "v3" else render_list.render_v1_list(ctx)
            return self._page(200, text, html, path)
        if inner == "/":
            ctx = self._ctx(lang, path)
            link = f'<a href="{ctx.list_href()}">{ctx.t("actions")}</a>'
            return self._page(200, f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{mark}<title>'
                              f"{plan.site_title}</title></head><body><h1>{plan.name}</h1>{link}</body></html>",
                              html, path)
        for section in ("/indicators/", "/organizations/"):
            if inner.startswith(section) and inner[len(section):].isdigit():
                return self._page(200, f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{mark}<title>'
                                  f"{plan.site_title}</title></head><body><h1>{section.strip('/')} "
                                  f"{inner[len(section):]}</h1></body></html>", html, path)
        return self._not_found(path, lang, action=False)

    def _not_found(self, path: str, lang: str, action: bool) -> Page:
        ctx = self._ctx(lang, path)
        if self.cfg.era == "v3":
            # V3 answers a missing action with 200 and a marker; other unknown paths too (App Router not-found)
            return self._page(200 if action else 404, render_v3.render_not_found(ctx), "text/html; charset=utf-8",
                              path)
        return self._page(404, render_v1.render_not_found(ctx), "text/html; charset=utf-8", path)

    def _robots(self) -> str:
        lines = ["User-agent: *", "Disallow: /admin", "Disallow: /api/"]
        if self.cfg.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.cfg.crawl_delay:g}")
        if self.cfg.era != "v3":
            lines.append(f"Sitemap: {self.base_url}/sitemap.xml")
        return "\n".join(lines) + "\n"

    def _sitemap(self) -> str:
        site = self.site_for(self.cfg.lang)
        urls = [self.base_url + site.list_path()] + [site.action_url(i) for i in self.chain()]
        body = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{body}</urlset>")
