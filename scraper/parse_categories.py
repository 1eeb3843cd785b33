"""Which categories an action page shows, type by type.

A page shows categories in up to three places: the hero breadcrumb (V2: one trail per category, parents first;
V3: every category in one container, in an order of its own), V1's hero badges, and the aside's category-type
blocks (V2/V3: a heading with the type's name over its badges). Two sibling categories and a parent/child pair
look the same in a breadcrumb, and the category-type block repeats the primary type, so the record is decided
here: every category of the primary type the page shows (parents included), in the order of that type's block
when there is one, else the breadcrumb's; every other type under its own name in `extra_sections`.

When the embedded data lists more of a type than the page yielded, the reader missed something on the page
(badges inside tooltip buttons did that once): the embedded list is taken and a warning says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from schemas.action import EMBEDDED_FILL as FILLED
from schemas.text import clean_inline
from scraper.parse_layers import CategoryBlock, EmbeddedCategoryType, ShownCategories, ShownCategory

_MEANINGFUL = re.compile(r"\w")


def category_type_key(href: str) -> str | None:
    """The category type a list-filter link names: `cat-<type>` (V3), `category` (V1/V2), else not a category."""
    for key, _ in parse_qsl(urlsplit(href).query):
        if key.startswith("cat-"):
            return key[4:]
        if key == "category":
            return ""
    return None


def is_category_href(href: str) -> bool:
    return category_type_key(href) is not None


def resolve(
    shown: ShownCategories, embedded: list[EmbeddedCategoryType], warn: Callable[[str, str], None]
) -> tuple[list[str], dict[str, str]]:
    """(categories of the primary type, {other type's name: "value, value"})."""
    crumb_names = _names(shown.crumbs)
    crumb_keys: set[str | None] = {c.type_key for c in shown.crumbs if c.type_key}
    primary_block = _primary_block(shown, crumb_keys, set(crumb_names))
    categories = _dedupe((_names(primary_block.values) if primary_block else []) + crumb_names)
    primary_emb = _primary_embedded(embedded, crumb_keys, primary_block, categories)
    if primary_emb is not None:
        categories = _complete_truncated(categories, primary_emb.names)
        if not shown.shown:
            categories = list(primary_emb.names)
        elif len(categories) < len(primary_emb.names):
            warn("categories", f"{FILLED}: page shows {len(categories)} categories, embedded data has "
                               f"{len(primary_emb.names)}")
            categories = _dedupe(categories + list(primary_emb.names))
    extra: dict[str, str] = {}
    for block in shown.blocks:
        if block is primary_block:
            continue
        values = _names(block.values)
        match = _embedded_for_block(embedded, block, primary_emb)
        if match is not None and len(values) < len(match.names):
            warn("extra_sections", f"{FILLED}: {block.heading!r} shows {len(values)} values, embedded data has "
                                   f"{len(match.names)}")
            values = _dedupe(values + list(match.names))
        if values:
            extra[block.heading] = ", ".join(values)
    return categories, extra


def _names(items: list[ShownCategory]) -> list[str]:
    """Names worth keeping: a value is never empty or punctuation only."""
    return _dedupe([clean_inline(c.name) for c in items if _MEANINGFUL.search(c.name)])


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def _primary_block(shown: ShownCategories, crumb_keys: set[str | None], crumb_names: set[str]) -> CategoryBlock | None:
    for block in shown.blocks:
        if crumb_keys and {v.type_key for v in block.values} & crumb_keys:
            return block
    for block in shown.blocks:
        if crumb_names & set(_names(block.values)):
            return block
    if not shown.crumbs and shown.blocks:
        return shown.blocks[0]  # no breadcrumb: the first category type is the plan's primary one
    return None


def _primary_embedded(
    embedded: list[EmbeddedCategoryType], crumb_keys: set[str | None], block: CategoryBlock | None,
    shown_names: list[str],
) -> EmbeddedCategoryType | None:
    if not embedded:
        return None
    for ctype in embedded:
        if ctype.key is not None and ctype.key in crumb_keys:
            return ctype
    if block is not None:
        for ctype in embedded:
            if ctype.name and clean_inline(ctype.name).casefold() == block.heading.casefold():
                return ctype
    for ctype in embedded:
        if set(ctype.names) & set(shown_names):
            return ctype
    return embedded[0]


def _embedded_for_block(
    embedded: list[EmbeddedCategoryType], block: CategoryBlock, primary: EmbeddedCategoryType | None
) -> EmbeddedCategoryType | None:
    keys = {v.type_key for v in block.values if v.type_key}
    for ctype in embedded:
        if ctype is primary:
            continue
        if (ctype.key is not None and ctype.key in keys) or (
            ctype.name and clean_inline(ctype.name).casefold() == block.heading.casefold()
        ):
            return ctype
    return None


def _complete_truncated(shown: list[str], embedded: list[str]) -> list[str]:
    """A long breadcrumb is cut with an ellipsis (the full name only in a tooltip): the embedded name completes it."""
    out = []
    for name in shown:
        stem = name.rstrip(".…").rstrip()
        if stem != name:
            name = next((e for e in embedded if e.startswith(stem)), name)
        out.append(name)
    return _dedupe(out)
