"""V1's description: printed with no heading, so where it ends is found from the page's structure."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_inline
from scraper import dom_items
from scraper.index_text import block_text
from scraper.page_index import TEXT, PageIndex, Section
from scraper.parse_categories import is_category_href
from scraper.parse_layers import Shown
from scraper.urls import absolute, action_location


def leading_description(
    index: PageIndex, h1: LexborNode, sections: list[Section], url: str, shown: Shown, updated_line: int | None
) -> tuple[int, int] | None:
    """V1 printed the description with no heading, after the hero. It is the block holding the first prose after
    the title, with its following siblings, and nothing beyond: not past a labelled block, not past the
    "Tietoja päivitetty" line, not across into the sidebar column (the earliest V1 layout can put that line right
    after the description column when there is no official description). Sub-headings inside it stay in it."""
    h1_entry = index.index_of(h1)
    start = index.ends[h1_entry]
    limit = min((s.heading.entry for s in sections if s.heading.field is not None and s.heading.entry > start),
                default=len(index.nodes))
    if updated_line is not None and updated_line >= start:
        limit = min(limit, updated_line)
    skip: set[int] = set()  # entries of badges and of links to actions or categories: never the description
    first: int | None = None
    tags, texts = index.tags, index.texts
    badges = index.with_class("badge")
    for k in range(start, limit):
        tag = tags[k]
        if tag != TEXT:
            if k in badges:
                skip.add(k)
            elif tag == "a":
                href = index.attrs(k).get("href") or ""
                if action_location(absolute(url, href)) or is_category_href(href):
                    skip.add(k)
            continue
        line = clean_inline(texts[k])
        if first is None and line and not _inside(index, k, skip) and _is_prose(line):
            first = k
    if first is None:
        return None
    block = index.parents[first]
    while True:
        parent = index.parents[block]
        if parent < 0 or parent <= h1_entry or index.ends[parent] > limit:
            break
        block = parent
    nodes = [index.nodes[block]]
    sibling = nodes[0].next
    while sibling is not None:
        entry = index.by_id.get(sibling.mem_id)
        if entry is not None and index.ends[entry] > limit:
            break
        if entry is not None:  # comments and skipped tags are not in the index
            nodes.append(sibling)
        sibling = sibling.next
    skip_ids = frozenset(index.nodes[k].mem_id for k in skip)
    paragraphs = []
    for node in nodes:
        text = block_text(index, node, skip_ids) if node.tag != "-text" else clean_inline(node.text_content or "")
        paragraphs += [para for para in text.split("\n\n") if _is_prose(clean_inline(para))]
    if not paragraphs:
        return None
    shown.description = "\n\n".join(paragraphs)
    by_id = index.by_id
    shown.description_links = dom_items.read_links(
        index, [by_id[n.mem_id] for n in nodes if n.tag != "-text" and n.mem_id not in skip_ids], url
    )
    last = next((index.by_id[n.mem_id] for n in reversed(nodes) if n.mem_id in index.by_id), block)
    return block, index.ends[last]


def _inside(index: PageIndex, k: int, skip: set[int]) -> bool:
    parents = index.parents
    parent = parents[k]
    while parent >= 0:
        if parent in skip:
            return True
        parent = parents[parent]
    return False


def _is_prose(line: str) -> bool:
    return bool(line) and vocab.label_field(line) != vocab.CHROME and not is_furniture_line(line)


def is_furniture_line(line: str) -> bool:
    lowered = line.casefold()
    return lowered.startswith(("kuva:", "bild:", "image:", "photo:")) or lowered in ("|",)
