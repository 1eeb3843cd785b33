"""The Scrapy baseline of the crawl benchmark: a spider that walks the same prev/next chain as vahti and writes one
JSON line per action page (Scrapy's feed export). Run by bench_crawl.py as

    scrapy runspider bench/crawl_spider.py -a start_url=URL -O out.jsonl

It reads the 8 fields of bs4_extract.py (name, identifier, description, status, organisations, contacts, tasks,
updated date; previous/next to walk on) with Scrapy's own selectors (parsel: XPath over lxml), the way a Scrapy
author would, anchored on the same Finnish headings with the same rules, so both give the same values
(`extract(selector, url) == bs4_extract.extract(body, url)` on every replica page; tests/bench checks a few).
`-a extract=links` only follows the "Seuraava" link: Scrapy's own floor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import Response

_NEXT = '//a[starts-with(normalize-space(.), "Seuraava")]/@href'
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DONE_GROUPS = ("Mitä on tehty?",)
_NOW_GROUPS = ("Mitä nyt tehdään?",)


def _has_class(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def _clean(text: str) -> str:
    return " ".join(text.replace("\xad", "").split())


def _iso(text: str) -> str | None:
    m = _DATE.search(text)
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else None


def _text(node: Selector, sep: str = "") -> str:
    return _clean(sep.join(node.xpath(".//text()").getall()))


def _text_br(node: Selector) -> str:
    """Text with each <br> as a line break (which _clean folds into a space), as bs4_extract reads paragraphs."""
    parts = node.xpath(".//text() | .//br")
    return _clean("".join(p.get() if isinstance(p.root, str) else "\n" for p in parts))


def _paragraphs(container: Selector) -> str:
    blocks = [_text_br(b) for b in container.xpath(".//p | .//li")]
    return "\n\n".join(b for b in blocks if b)


def _first(nodes: SelectorList[Selector]) -> Selector | None:
    return nodes[0] if nodes else None


def extract(page: Selector, url: str) -> dict[str, Any]:
    headings: dict[str, Selector] = {}
    for h in page.xpath("//h2 | //h3 | //h5"):
        headings.setdefault(_text(h), h)

    out: dict[str, Any] = {"url": url}
    h1 = _first(page.xpath("//h1"))
    if h1 is not None:
        spans = h1.xpath("./span")
        out["identifier"] = _text(spans[0]) if spans else None
        if len(spans) > 1:
            out["name"] = _text(spans[1])
        else:
            out["name"] = _text(h1, " ")[len(out["identifier"] or ""):].strip()

    out["description"] = _description(page, headings)
    out["status"] = _status(headings)
    out["responsible_organizations"] = _orgs(headings)
    out["contact_persons"] = _contacts(headings)
    out["tasks"] = _tasks(headings)
    updated = _first(page.xpath('//text()[contains(., "Tietoja päivitetty")][not(parent::script or parent::template)]'
                                "/.."))
    out["updated_at"] = _iso(_text(updated, " ")) if updated is not None else None
    out["previous_url"] = out["next_url"] = None
    for a in page.xpath("//a[@href]"):
        text = _text(a, " ")
        if text.startswith("Edellinen") and out["previous_url"] is None:
            out["previous_url"] = urljoin(url, a.attrib["href"])
        elif text.startswith("Seuraava") and out["next_url"] is None:
            out["next_url"] = urljoin(url, a.attrib["href"])
    return out


def _section(heading: Selector) -> Selector:
    parent = _first(heading.xpath(".."))
    return parent if parent is not None else heading


def _description(page: Selector, headings: dict[str, Selector]) -> str | None:
    hidden = headings.get("Kuvaus")  # V3: a visually hidden heading inside the text block
    if hidden is not None:
        return _paragraphs(_section(hidden))
    first = _first(page.xpath(f"(//div[{_has_class('col-md-7')}])[1]//div"))  # V1/V2: the main column's first section
    return _paragraphs(first) if first is not None else None


def _status(headings: dict[str, Selector]) -> str | None:
    h = headings.get("Eteneminen")
    if h is None:
        return None
    strings = [s for s in (_clean(t) for t in _section(h).xpath(".//text()").getall()) if s]
    return strings[-1] if len(strings) > 1 else None


def _orgs(headings: dict[str, Selector]) -> list[str]:
    h = headings.get("Vastuuorganisaatiot")
    if h is None:
        return []
    return [_text(b) for b in _section(h).css(".badge")]


def _contacts(headings: dict[str, Selector]) -> list[dict[str, str | None]]:
    h = headings.get("Yhteyshenkilöt")
    if h is None:
        return []
    people = []
    for li in _section(h).xpath(".//li"):
        alt = li.xpath("(.//img)[1]/@alt").get()
        has_avatar = bool(li.xpath('.//*[@role="img"]'))
        lines = [_text(p) for p in li.xpath(".//*[self::p or self::div][not(.//p or .//div)]")]
        lines = [x for x in lines if x and x != "Yhteystiedot"]
        name = alt if alt is not None else (lines[0] if lines else "")
        if has_avatar and lines:
            name = lines[0]
        role = _first(li.xpath('.//*[contains(@class, "PersonRole")]'))
        org = _first(li.xpath('.//*[contains(@class, "PersonOrg")]'))
        if role is not None or org is not None:  # class names still say which line is which (V1, V3)
            title = _text(role) if role is not None else None
            organization = _text(org) if org is not None else None
        else:  # hashed classes (V2): by position
            rest = [x for x in lines if x != name]
            title, organization = (rest[0] if rest else None), (rest[1] if len(rest) > 1 else None)
        people.append({"name": name, "title": title, "organization": organization})
    return people


def _tasks(headings: dict[str, Selector]) -> list[dict[str, str | None]]:
    h = headings.get("Tehtävät")
    if h is None:
        return []
    container = _first(h.xpath(f"ancestor::div[{_has_class('container')}][1]"))
    if container is None:
        container = _first(h.xpath('ancestor::div[contains(@class, "MainBottom")][1]'))
    if container is None:
        return []
    tasks = []
    for li in container.xpath(f".//li[{_has_class('list-group-item')}]"):
        group = _first(li.xpath("(preceding::*[self::h3 or self::h5] | ancestor::*[self::h3 or self::h5])[last()]"))
        label = _text(group) if group is not None else ""
        state = "done" if label in _DONE_GROUPS else "in_progress" if label in _NOW_GROUPS else "todo"
        spans = li.xpath(".//span")
        date = spans[0] if spans else None
        title = _first(li.xpath("(.//*[self::h4 or self::h6])[1]"))
        if title is None and len(spans) > 1:
            title = spans[1]
        details = _first(li.xpath('(.//*[self::small or self::div][contains(@class, "task-details")])[1]'))
        if details is None:
            details = _first(li.xpath("(.//small)[1]"))
        date_text = _text(date) if date is not None else ""
        tasks.append({
            "state": state,
            "title": _text(title) if title is not None else "",
            "date_text": date_text,
            "date": _iso(date_text) if date_text.count(".") == 2 else None,
            "details": _paragraphs(details) if details is not None else None,
        })
    return tasks


class ChainSpider(scrapy.Spider):
    name = "chain"
    custom_settings: ClassVar[dict[str, Any]] = {
        "ROBOTSTXT_OBEY": True,  # vahti obeys robots.txt too
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "COOKIES_ENABLED": False,
        "USER_AGENT": "vahti-bench-scrapy (+https://example.invalid/bench)",
    }

    def __init__(self, start_url: str, extract: str = "selectors", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.mode = extract

    def parse(self, response: Response) -> Iterator[Any]:
        """The list page: start the walk at its first action."""
        first = response.xpath('//a[contains(@href, "/actions/")]/@href').get()
        if first:
            yield response.follow(first, callback=self.parse_action)

    def parse_action(self, response: Response) -> Iterator[Any]:
        if self.mode == "selectors":
            item = extract(response.selector, response.url)
            nxt = item.get("next_url")
        else:
            nxt = response.xpath(_NEXT).get()
            item = {"url": response.url, "bytes": len(response.body)}
        yield item
        if nxt:
            yield response.follow(nxt, callback=self.parse_action)
