"""Readable text out of HTML nodes, the way a reader sees the page.

Block elements become paragraphs, `<br>` a line break, and scripts, styles, icons and action buttons disappear:
an icon's `<title>Tehty</title>` or a "Näytä lisätiedot" toggle is not content, and gluing it to a date
("Tehty21.10.2022") is the classic scraping bug. A button is not always an action, though: V3 wraps every
organisation and category badge in a tooltip button (reference 12.1), so a button that holds a badge, or sits in
a link, reads as the text it shows unless that text is a UI word. Tables keep their grid ("Vuosi | Tavoite"), one
row a line. Everything is iterative so hostile nesting depth cannot blow the Python stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_block, clean_inline

BLOCK_TAGS = frozenset(
    ["p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr", "thead", "tbody", "tfoot", "section", "article", "header", "footer", "nav", "aside", "main", "figure", "figcaption", "dl", "dt", "dd", "pre", "form", "fieldset", "address", "hr", "details", "summary"]
)
SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "button", "img", "iframe", "head", "title", "meta", "link", "input", "select", "textarea", "canvas", "video", "audio", "object", "picture", "source"]
)
_WS = re.compile(r"\s+")
_CELL_TAGS = frozenset({"td", "th"})
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})  # rows alone break lines: one "\n" a row, never a blank line


def children(node: LexborNode) -> Iterator[LexborNode]:
    yield from node.iter(include_text=True)


def block_text(node: LexborNode | None, skip_roots: frozenset[int] = frozenset()) -> str:
    """Paragraph-preserving text of a node (paragraphs joined by a blank line)."""
    if node is None:
        return ""
    return clean_block("".join(_pieces([node], skip_roots)))


def nodes_block_text(nodes: list[LexborNode], skip_roots: frozenset[int] = frozenset()) -> str:
    return clean_block("".join(_pieces(nodes, skip_roots)))


def _pieces(nodes: list[LexborNode], skip_roots: frozenset[int]) -> list[str]:
    out: list[str] = []
    # Stack of (node, entering); a block element pushes a paragraph break on entry and on exit. Inside a table
    # cell blocks are plain spaces, so that a cell stays on its row.
    stack: list[tuple[LexborNode, bool]] = [(n, True) for n in reversed(nodes)]
    cell_depth = 0
    row_cells: list[int] = []
    while stack:
        node, entering = stack.pop()
        tag = node.tag or ""
        if not entering:
            if tag in _CELL_TAGS:
                cell_depth -= 1
                out.append(" ")
            elif tag == "tr":
                row_cells.pop()
            else:
                out.append("\n\n" if tag in BLOCK_TAGS and not cell_depth else " ")
            continue
        if tag == "-text":
            out.append(_WS.sub(" ", node.text_content or ""))
            continue
        if tag.startswith("-") or node.mem_id in skip_roots:
            continue
        if tag in SKIP_TAGS and not (tag == "button" and _shows_badge(node)):
            continue
        if tag == "br":
            out.append(" " if cell_depth else "\n")
            continue
        if tag in _CELL_TAGS:
            if row_cells:
                if row_cells[-1]:
                    out.append(" | ")
                row_cells[-1] += 1
            cell_depth += 1
            stack.append((node, False))
        elif tag == "tr":
            row_cells.append(0)
            out.append("\n")
            stack.append((node, False))
        elif tag in _ROW_GROUPS:
            pass
        elif tag in BLOCK_TAGS:
            out.append(" " if cell_depth else "\n\n")
            stack.append((node, False))
        elif "badge" in (node.attributes.get("class") or "").split():
            stack.append((node, False))  # a badge is a pill of its own: "40" + "Name" reads "40 Name", not "40Name"
        kids = list(children(node))
        stack.extend((kid, True) for kid in reversed(kids))
    return out


def _shows_badge(button: LexborNode) -> bool:
    """A tooltip button around a badge (V3 organisations and categories) is content; "Näytä lisätiedot",
    "Yhteystiedot" or a pager's "Seuraava toimenpide" is not."""
    text = clean_inline(button.text(deep=True, separator=" ") or "")
    if not text or vocab.label_field(text) == vocab.CHROME:
        return False
    if any("badge" in (el.attributes.get("class") or "").casefold() for el in button.traverse()):
        return True
    return inside_anchor(button)


def inside_anchor(node: LexborNode, levels: int = 4) -> bool:
    """Badges and tooltip buttons sit a few wrappers deep inside the link that filters by them."""
    parent = node.parent
    for _ in range(levels):
        if parent is None:
            return False
        if parent.tag == "a":
            return True
        parent = parent.parent
    return False


def inline_text(node: LexborNode | None) -> str:
    """All text of a node on one line (skipping scripts, icons and buttons)."""
    if node is None:
        return ""
    return clean_inline(" ".join(_pieces([node], frozenset())).replace("\n", " "))


def any_text(node: LexborNode | None) -> str:
    """Text including buttons (an anchor wrapping `<button>Seuraava toimenpide</button>` is a pager link)."""
    if node is None:
        return ""
    return clean_inline(node.text(deep=True, separator=" ") or "")
