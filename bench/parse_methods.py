"""The three ways of reading a page that the parse benchmark compares, by name.

`floor` is the least any selectolax-based extraction can cost: the bare `LexborHTMLParser(bytes)`, the tree and
nothing read from it.
`vahti` is the full parser (every field, embedded data, validation into an Action). `bs4` is the BeautifulSoup +
lxml extraction in bs4_extract.py; it is absent when those packages are not installed (run bench/setup).
"""

from __future__ import annotations

from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser

from scraper.parse import parse_page


def floor(body: bytes, url: str) -> object:
    return LexborHTMLParser(body)


def vahti(body: bytes, url: str) -> object:
    return parse_page(body, url).action


METHODS: dict[str, Callable[[bytes, str], object]] = {"floor": floor, "vahti": vahti}

try:
    from bs4_extract import extract as bs4
except ImportError:  # the smoke test runs without the bench-only packages
    BS4_MISSING = "bs4/lxml not installed (run bench/setup)"
else:
    BS4_MISSING = ""
    METHODS["bs4"] = bs4
