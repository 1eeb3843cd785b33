"""The Scrapy baseline of the crawl benchmark: a spider that walks the same prev/next chain as vahti and writes one
JSON line per action page (Scrapy's feed export). Run by bench_crawl.py as

    scrapy runspider bench/crawl_spider.py -a start_url=URL -a extract=bs4|links -O out.jsonl

`extract=bs4` reads the fields with the BeautifulSoup extraction of bs4_extract.py (the common Scrapy + BeautifulSoup
scraper); `extract=links` only follows the "Seuraava" link and stores the page's URL and size: Scrapy's own floor.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bs4_extract import extract as bs4_extract

_NEXT = '//a[starts-with(normalize-space(.), "Seuraava")]/@href'


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

    def __init__(self, start_url: str, extract: str = "bs4", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.mode = extract

    def parse(self, response: Response) -> Iterator[Any]:
        """The list page: start the walk at its first action."""
        first = response.xpath('//a[contains(@href, "/actions/")]/@href').get()
        if first:
            yield response.follow(first, callback=self.parse_action)

    def parse_action(self, response: Response) -> Iterator[Any]:
        if self.mode == "bs4":
            item = bs4_extract(response.body, response.url)
            nxt = item.get("next_url")
        else:
            nxt = response.xpath(_NEXT).get()
            item = {"url": response.url, "bytes": len(response.body)}
        yield item
        if nxt:
            yield response.follow(nxt, callback=self.parse_action)
