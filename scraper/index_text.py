"""Readable text of indexed nodes, read from the page index's flat lists instead of walking lexbor again.

The rules are `scraper.html_text`'s (block elements are paragraphs, `<br>` a line break, tables keep their grid,
icons and action buttons disappear); only the walk differs: a subtree is a range of the index, and an element's
end is where its closing break goes. A node the index does not hold (outside the action root) is read the slow
way, by `html_text`, so every caller gets the same text either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate

from selectolax.lexbor import LexborNode

from schemas.text import clean_block, clean_inline
from scraper import html_text
from scraper.flat_tree import TEXT, FlatTree
from scraper.html_text import BLOCK_TAGS

_CELL, _ROW, _GROUP, _BLOCK, _BR, _SKIP, _BUTTON = range(7)
_KIND = {"td": _CELL, "th": _CELL, "tr": _ROW, "thead": _GROUP, "tbody": _GROUP, "tfoot": _GROUP, "br": _BR,
         "img": _SKIP, "button": _BUTTON, **{t: _BLOCK for t in BLOCK_TAGS if t not in ("tr", "thead", "tbody", "tfoot")}}


def _flat(text: str) -> str:
    """A text node as `html_text` pieces it (every whitespace run one space), where it matters: a newline in a
    text node is a space, never a line break. Runs of other whitespace collapse in `clean_block` anyway."""
    if "\n" not in text and "\r" not in text:
        return text
    words = text.split()
    if not words:
        return " "
    return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")


def _shows_badge(index: FlatTree, k: int) -> bool:
    found = index.memo("badge", k)
    if not isinstance(found, bool):
        found = html_text._shows_badge(index.nodes[k])
        index.remember("badge", k, found)
    return found


def _special_counts(index: FlatTree, badges: set[int]) -> list[int]:
    """counts[i]: entries before i that break, skip or mark their text (blocks, cells, buttons, badges, …); an
    element with none inside reads as the plain run of its texts, in one step."""
    found = index.memo("special", -1)
    if not isinstance(found, list):
        found = [0, *accumulate(tag in _KIND or k in badges for k, tag in enumerate(index.tags))]
        index.remember("special", -1, found)
    return found


def pieces(index: FlatTree, roots: Iterable[int], skip: set[int] | frozenset[int] = frozenset()) -> list[str]:
    """The pieces `html_text._pieces` gives for these entries (skip: entries whose subtree is left out)."""
    tags, ends, texts = index.tags, index.ends, index.texts
    badges = index.with_class("badge")
    special = None if skip else _special_counts(index, badges)
    out: list[str] = []
    append = out.append
    cell_depth = 0
    row_cells: list[int] = []
    for root in roots:
        k = root
        stop = ends[root]
        exits: list[tuple[int, int]] = []  # (end, entry) of elements that close with a break
        while True:
            while exits and (k >= exits[-1][0] or k >= stop):
                _, e = exits.pop()
                tag = tags[e]
                if tag == "td" or tag == "th":
                    cell_depth -= 1
                    append(" ")
                elif tag == "tr":
                    row_cells.pop()
                else:
                    append("\n\n" if tag in BLOCK_TAGS and not cell_depth else " ")
            if k >= stop:
                break
            tag = tags[k]
            if tag == TEXT:
                append(_flat(texts[k]))
                k += 1
                continue
            if k in skip:
                k = ends[k]
                continue
            kind = _KIND.get(tag)
            if kind is None and special is not None and k not in badges:
                end = ends[k]
                if special[end] == special[k + 1]:  # plain inline text inside: its texts are its pieces
                    out.extend(map(_flat, texts[k + 1 : end]))
                    k = end
                    continue
            if kind == _SKIP or (kind == _BUTTON and not _shows_badge(index, k)):
                k = ends[k]
                continue
            if kind == _BR:
                append(" " if cell_depth else "\n")
            elif kind == _CELL:
                if row_cells:
                    if row_cells[-1]:
                        append(" | ")
                    row_cells[-1] += 1
                cell_depth += 1
                exits.append((ends[k], k))
            elif kind == _ROW:
                row_cells.append(0)
                append("\n")
                exits.append((ends[k], k))
            elif kind == _BLOCK:
                append(" " if cell_depth else "\n\n")
                exits.append((ends[k], k))
            elif kind != _GROUP and k in badges:
                exits.append((ends[k], k))  # a badge is a pill of its own: "40" + "Name" reads "40 Name"
            k += 1
    return out


def entries_block_text(index: FlatTree, roots: list[int], skip: set[int] | frozenset[int] = frozenset()) -> str:
    return clean_block("".join(pieces(index, roots, skip)))


def _entries(index: FlatTree, nodes: list[LexborNode]) -> list[int] | None:
    by_id = index.by_id
    found = [by_id.get(n.mem_id, -1) for n in nodes]
    return None if -1 in found else found


def _skip_entries(index: FlatTree, skip_roots: frozenset[int]) -> set[int]:
    by_id = index.by_id
    return {by_id[m] for m in skip_roots if m in by_id}


def block_text(index: FlatTree, node: LexborNode | None, skip_roots: frozenset[int] = frozenset()) -> str:
    """`html_text.block_text`, from the index."""
    if node is None:
        return ""
    k = index.by_id.get(node.mem_id)
    if k is None:
        return html_text.block_text(node, skip_roots)
    return clean_block("".join(pieces(index, (k,), _skip_entries(index, skip_roots) if skip_roots else frozenset())))


def nodes_block_text(index: FlatTree, nodes: list[LexborNode], skip_roots: frozenset[int] = frozenset()) -> str:
    """`html_text.nodes_block_text`, from the index."""
    roots = _entries(index, nodes)
    if roots is None:
        return html_text.nodes_block_text(nodes, skip_roots)
    return clean_block("".join(pieces(index, roots, _skip_entries(index, skip_roots) if skip_roots else frozenset())))


def inline_text(index: FlatTree, node: LexborNode | None) -> str:
    """`html_text.inline_text`, from the index."""
    if node is None:
        return ""
    k = index.by_id.get(node.mem_id)
    if k is None:
        return html_text.inline_text(node)
    found = index.memo("inline", k)
    if not isinstance(found, str):
        found = clean_inline(" ".join(pieces(index, (k,))).replace("\n", " "))
        index.remember("inline", k, found)
    return found
