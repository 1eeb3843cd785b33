"""Action URLs from a plan's list page (`/actions`) and its `sitemap.xml`: the crawl's cross-check of the chain.

The prev/next chain is the order the site gives; the list says which actions exist. Every era puts the cards in
server-rendered HTML as `<a href="/actions/<identifier>">` (V3 inside a hidden streamed div, which an HTML parser
still sees), and V1/V2 also embed `planActions` in `__NEXT_DATA__`, V3 in Apollo's SSR transport script. We read all
of them: cards give the order, embedded data catches actions whose cards a theme renders client-side only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from selectolax.lexbor import LexborHTMLParser

from scraper.urls import absolute, action_location, action_url_key, origin_of, plan_prefix


@dataclass(frozen=True)
class PlanScope:
    """Which action URLs belong to the plan being crawled: same origin, same language prefix, same plan path."""

    origin: tuple[str, str]
    prefix: str  # path before /actions, e.g. "" or "/en/lumo"

    @classmethod
    def of(cls, url: str) -> PlanScope:
        return cls(origin=origin_of(url), prefix=plan_prefix(url) or "")

    def contains(self, url: str) -> bool:
        return origin_of(url) == self.origin and action_location(url) is not None and plan_prefix(url) == self.prefix

    def action_url(self, identifier: str) -> str:
        scheme, site = self.origin
        return f"{scheme}://{site}{self.prefix}/actions/{quote(identifier, safe='')}"


def action_urls_from_list(body: bytes, page_url: str, scope: PlanScope) -> list[str]:
    """Canonical action URLs of the plan, in the list page's order, without duplicates."""
    tree = LexborHTMLParser(body)
    urls: list[str] = []
    for anchor in tree.css("a[href]"):
        href = anchor.attributes.get("href")
        if href:
            urls.append(action_url_key(absolute(page_url, href)))
    for script in tree.css("script"):
        text = script.text() or ""
        if "planActions" not in text:
            continue
        urls.extend(scope.action_url(ident) for ident in _embedded_identifiers(text))
    return _dedupe(u for u in urls if scope.contains(u))


def action_urls_from_sitemap(body: bytes, scope: PlanScope) -> tuple[list[str], list[str]]:
    """(action URLs of the plan, nested sitemap URLs) from a sitemap or a sitemap index."""
    text = body.decode("utf-8", errors="replace")
    nested: list[str] = []
    actions: list[str] = []
    for block in re.finditer(r"<(url|sitemap)\b[^>]*>(.*?)</\1\s*>", text, re.DOTALL | re.IGNORECASE):
        loc = re.search(r"<loc>\s*(.*?)\s*</loc>", block.group(2), re.DOTALL | re.IGNORECASE)
        if not loc:
            continue
        url = _xml_unescape(loc.group(1))
        if block.group(1).lower() == "sitemap":
            nested.append(url)
        else:
            actions.append(action_url_key(url))
    return _dedupe(u for u in actions if scope.contains(u)), _dedupe(nested)


# -- embedded data -------------------------------------------------------------------------------------------

_PLAN_ACTIONS = re.compile(r'"planActions(?:\([^"]*\))?"\s*:\s*')


def _embedded_identifiers(script: str) -> list[str]:
    """Identifiers from every `planActions` list in a script: `__NEXT_DATA__` JSON (Apollo cache, refs resolved)
    or V3's SSR transport (a JS object literal: bare `undefined` is read as null)."""
    stripped = script.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if data is not None:
            return _identifiers_from_json(data)
    found: list[str] = []
    decoder = json.JSONDecoder()
    for match in _PLAN_ACTIONS.finditer(script):
        tail = re.sub(r"(?<=[:\[,])\s*undefined\b", "null", script[match.end():])
        try:
            value, _ = decoder.raw_decode(tail)
        except ValueError:
            continue
        found.extend(_identifiers_of(value, {}))
    return found


def _identifiers_from_json(data: Any) -> list[str]:
    cache = _apollo_cache(data)
    found: list[str] = []
    for key, value in _walk_items(data):
        if key.startswith("planActions") and isinstance(value, list):
            found.extend(_identifiers_of(value, cache))
    return found


def _apollo_cache(data: Any) -> dict[str, Any]:
    """The normalised Apollo cache (`props.apolloState.data` or `props.apolloState`), for resolving refs."""
    try:
        state = data["props"]["apolloState"]
    except (KeyError, TypeError):
        return {}
    if isinstance(state, dict) and isinstance(state.get("data"), dict):
        return dict(state["data"])
    return state if isinstance(state, dict) else {}


def _identifiers_of(items: Any, cache: dict[str, Any]) -> Iterator[str]:
    if not isinstance(items, list):
        return
    for item in items:
        obj = _resolve(item, cache)
        if isinstance(obj, dict):
            ident = obj.get("identifier")
            if isinstance(ident, str) and ident:
                yield ident


def _resolve(item: Any, cache: dict[str, Any]) -> Any:
    if isinstance(item, dict):
        ref = item.get("__ref") or (item.get("id") if item.get("type") == "id" else None)
        if isinstance(ref, str) and ref in cache:
            return cache[ref]
    return item


def _walk_items(value: Any) -> Iterator[tuple[str, Any]]:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, child in current.items():
                yield key, child
                stack.append(child)
        elif isinstance(current, list):
            stack.extend(current)


def _dedupe(urls: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for url in urls:
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
        .replace("&amp;", "&")
    )


_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2})", re.IGNORECASE)


def page_language(body: bytes) -> str | None:
    """The two-letter language of `<html lang>`, if it is one vahti records (fi, sv, en)."""
    match = _HTML_LANG.search(body[:4096])
    if not match:
        return None
    language = match.group(1).decode("ascii").lower()
    return language if language in ("fi", "sv", "en") else None
