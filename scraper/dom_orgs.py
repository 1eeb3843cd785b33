"""Responsible organisations of an action: the block's items, their full names and their roles.

An item is a list item, a link or a badge; its aria-label may reveal the full name the badge abbreviates, and a
V3 block may split its items under role sub-headings.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_inline
from scraper.index_find import entry_of, first_of, top_most
from scraper.index_text import inline_text
from scraper.page_index import HEADING_TAGS, TEXT, PageIndex
from scraper.parse_layers import OrgItem

_ARIA_PREFIX = re.compile(
    r"^(?:päävastuuorganisaatio|päävastuutaho|huvudansvarig|main responsible|pääyhteyshenkilö|"
    r"huvudkontaktperson|main contact person)\s*:?\s*",
    re.I,
)
ORG_SUFFIX_SKIP = ("sähköposti", "e-post", "e-mail")


def read_organizations(index: PageIndex, nodes: list[LexborNode]) -> list[OrgItem]:
    items = top_most(index, nodes, "li") or top_most(index, nodes, "a") or _badges(index, nodes)
    roles = _roles_by_subheading(index, nodes)
    labels = [_aria_label(index, item) for item in items]
    # 2019 labels are the full name ("Päävastuutaho: Helen Oy"); V3 labels are "{abbreviation} {name}"
    full_name_labels = any(label and label.casefold().startswith("päävastuutaho") for label in labels)
    orgs: list[OrgItem] = []
    for item, label in zip(items, labels, strict=True):
        anchor = item if item.tag == "a" else first_of(index, item, "a")
        shown_node = anchor or (_badges(index, [item]) or [item])[0]
        shown = inline_text(index, shown_node)
        if not shown or shown.casefold() in vocab.EMPTY_MARKERS or shown.casefold().startswith(ORG_SUFFIX_SKIP):
            continue
        full = full_name_from_label(label, shown, label_is_full_name=full_name_labels)
        orgs.append({"name": full or shown, "abbreviation": shown if full else None, "role": roles.get(item.mem_id)})
    return orgs


def _roles_by_subheading(index: PageIndex, nodes: list[LexborNode]) -> dict[int, str]:
    """V3 can split the block under "Päävastuutahot" / "Yhteistyötahot": each item takes the role above it."""
    roles: dict[int, str] = {}
    role: str | None = None
    tags = index.tags
    for node in nodes:
        if node.tag == "-text":
            continue
        k = entry_of(index, node, tags_only=True)
        elements = node.traverse() if k is None else (index.nodes[j] for j in range(k, index.ends[k])
                                                        if tags[j] != TEXT)
        for el in elements:
            if el.tag in HEADING_TAGS or el.tag in ("strong", "b", "dt"):
                role = vocab.ROLE_HEADINGS.get(inline_text(index, el).rstrip(":").casefold(), role)
            elif role is not None and el.tag in ("li", "a"):
                roles.setdefault(el.mem_id, role)
    return roles


def _aria_label(index: PageIndex, item: LexborNode) -> str | None:
    k = entry_of(index, item, tags_only=False)
    if k is None:
        candidates = [item, item.css_first("a"), *item.css("[aria-label]")]
    else:
        end = index.ends[k]
        candidates = [item, first_of(index, item, "a"),
                      *(index.nodes[j] for j in index.with_attr("aria-label") if k <= j < end)]
    for candidate in candidates:
        if candidate is not None and candidate.attributes.get("aria-label") is not None:
            return candidate.attributes.get("aria-label")
    return None


def full_name_from_label(label: str | None, shown: str, label_is_full_name: bool = False) -> str | None:
    """The full organisation name an aria-label reveals, or None when it says nothing more than the badge."""
    if label is None:
        return None
    rest = _ARIA_PREFIX.sub("", label)
    if rest.startswith("null "):
        rest = rest[5:]
    rest = clean_inline(rest)
    if not label_is_full_name and rest.startswith(shown + " "):
        rest = rest[len(shown) + 1 :].strip()
    if not rest or rest == shown:
        return None
    return rest


def _badges(index: PageIndex, nodes: list[LexborNode]) -> list[LexborNode]:
    """Elements with the class badge, as `[node, *node.css(".badge")]` lists them (a badge root twice)."""
    found = []
    badges = index.with_class("badge")
    for node in nodes:
        if node.tag == "-text":
            continue
        k = entry_of(index, node, tags_only=False)
        if k is None:
            for cand in [node, *node.css(".badge")]:
                if "badge" in (cand.attributes.get("class") or "").split():
                    found.append(cand)
            continue
        if k in badges:
            found.append(node)
        found.extend(index.nodes[j] for j in range(k, index.ends[k]) if j in badges)
    return found
