"""The previous/next links of an action page (its pager), told from links in the prose that say the same words."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_inline
from scraper.html_text import any_text
from scraper.parse_layers import Shown
from scraper.urls import absolute, action_location

#: A pager link says only its word, maybe with "toimenpide"/"åtgärd"/"action" and arrows: a related action card named
#: "Seuraava vaihe" links to an action too, but it is not the next one.
_PAGER_TEXT = re.compile(r"^[\W_]*(\w+)(?:\s+(?:toimenpide|åtgärd|action))?[\W_]*$")
_RICH_CLASSES = frozenset({"text-content", "official-text-content", "task-details"})


def read_pager(body: LexborNode, url: str, shown: Shown) -> int:
    """Fills the shown previous/next URLs; returns how many were found (evidence that this is an action page)."""
    found = 0
    rich: set[int] | None = None
    for anchor in body.css("a[href]"):
        text = (any_text(anchor) or anchor.attributes.get("aria-label") or anchor.attributes.get("title") or "")
        text = clean_inline(text).casefold()
        if not text or len(text) > 40:
            continue
        match = _PAGER_TEXT.match(text)
        word = match.group(1) if match else ""
        key = "previous_url" if word in vocab.PREVIOUS_WORDS else "next_url" if word in vocab.NEXT_WORDS else None
        if key is None or getattr(shown, key) is not None:
            continue
        if rich is None:
            rich = _rich_text_blocks(body)
        if _in_rich_text(anchor, rich):
            continue
        target = absolute(url, anchor.attributes.get("href") or "")
        if action_location(target) is None:
            continue
        setattr(shown, key, target.split("#")[0].split("?")[0])
        found += 1
    return found


def _rich_text_blocks(body: LexborNode) -> set[int]:
    """The rich-text blocks of the page, by one selector (each checked against its class list as split here)."""
    root = body.parser.root if body.parser is not None else None
    hits = (root or body).css(".text-content, .official-text-content, .task-details")
    return {n.mem_id for n in hits if _RICH_CLASSES & set((n.attributes.get("class") or "").split())}


def _in_rich_text(node: LexborNode, rich: set[int]) -> bool:
    """A link in the description ("katso <a>seuraava</a> vaihe") is the city's prose, never the pager."""
    parent = node.parent
    while parent is not None:
        if parent.mem_id in rich:
            return True
        parent = parent.parent
    return False
