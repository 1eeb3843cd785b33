"""A document-order index over a page and the sections its headings open.

Kausal Watch markup wraps the same content differently in every era and every admin-configured layout, so the
parser does not follow class names or fixed nesting: it finds headings by their text and takes what comes after
them in reading order, up to the next heading of the same or higher rank, and never past the heading's own
container. Ranges are intervals of document order, which makes "is this inside that section" a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_inline
from scraper.html_text import SKIP_TAGS, any_text, children, nodes_block_text

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: Labels that open sub-sections of a field (task groups) rather than a field of their own.
GROUP_FIELDS = frozenset({"tasks_done", "tasks_todo", "tasks_in_progress"})
#: Rich-text fields: headings inside them belong to the text, only the container ends them.
RICH_FIELDS = frozenset({"description", "lead"})


@dataclass
class Entry:
    node: LexborNode
    start: int
    end: int = 0
    parent: int = -1  # index of the parent entry


@dataclass
class Heading:
    entry: int
    level: int
    text: str
    field: str | None  # a modelled field, vocab.CHROME, or None (unknown label)
    hidden: bool


@dataclass
class Section:
    heading: Heading
    start: int  # exclusive: the heading's own last entry
    end: int  # exclusive
    fields: dict[str, object] = field(default_factory=dict)


class PageIndex:
    def __init__(self, root: LexborNode) -> None:
        self.root = root
        self.entries: list[Entry] = []
        self.by_id: dict[int, int] = {}
        self._build(root)
        self.headings = self._headings()
        self._position = {h.entry: k for k, h in enumerate(self.headings)}

    def _build(self, root: LexborNode) -> None:
        stack: list[tuple[LexborNode, int, bool]] = [(root, -1, True)]
        while stack:
            node, parent, entering = stack.pop()
            if not entering:
                self.entries[self.by_id[node.mem_id]].end = len(self.entries)
                continue
            tag = node.tag or ""
            if tag.startswith("-") and tag != "-text":
                continue
            if tag in SKIP_TAGS and tag not in ("button", "img"):
                continue
            index = len(self.entries)
            self.entries.append(Entry(node=node, start=index, end=index + 1, parent=parent))
            self.by_id[node.mem_id] = index
            if tag == "-text":
                continue
            stack.append((node, parent, False))
            kids = list(children(node))
            stack.extend((kid, index, True) for kid in reversed(kids))

    def _headings(self) -> list[Heading]:
        found = []
        inside_heading_until = -1
        for i, entry in enumerate(self.entries):
            node = entry.node
            tag = node.tag or ""
            level = HEADING_TAGS.get(tag)
            if level is None:
                if i < inside_heading_until or not _may_be_label(node, tag):
                    continue
                raw = node.text(deep=True) or ""
                if not raw or len(raw) > 200:
                    continue
                text = any_text(node)
                field = vocab.label_field(text) if 0 < len(text) <= 60 else None
                if field is None or field == vocab.CHROME:
                    continue
                # a label set in bold or in a plain div ("<strong>Aikajänne:</strong> Jatkuva") opens a section too,
                # ranked below every real heading
                level = _aria_level(node) or 7
            else:
                text = any_text(node)
                if not text:
                    continue
                field = vocab.label_field(text)
                inside_heading_until = entry.end
            found.append(Heading(entry=i, level=level, text=text, field=field, hidden=is_hidden(node)))
        return found

    # --- navigation -------------------------------------------------------------------------------------
    def index_of(self, node: LexborNode) -> int:
        return self.by_id[node.mem_id]

    def container_end(self, i: int) -> int:
        """End of the nearest ancestor that holds something after entry i (the entry's own block)."""
        end_i = self.entries[i].end
        p = self.entries[i].parent
        while p >= 0:
            if self.entries[p].end > end_i and self._has_content(end_i, self.entries[p].end):
                return self.entries[p].end
            p = self.entries[p].parent
        return len(self.entries)

    def _has_content(self, start: int, end: int) -> bool:
        for k in range(start, end):
            node = self.entries[k].node
            if node.tag == "-text":
                if (node.text_content or "").strip():
                    return True
            elif node.tag in ("img", "a", "li", "time", "progress") or node.tag in HEADING_TAGS:
                return True
        return False

    def section(self, h: Heading) -> Section:
        start = self.entries[h.entry].end
        limit = self.container_end(h.entry)
        if h.field not in RICH_FIELDS:
            position = self._position.get(h.entry, 0)
            for other in self.headings[position + 1 :]:
                if other.entry < start:
                    continue
                if other.entry >= limit:
                    break
                top_level_label = other.field not in (None, vocab.CHROME) and other.field not in GROUP_FIELDS
                if other.level <= h.level or top_level_label:
                    limit = other.entry
                    break
        return Section(heading=h, start=start, end=limit)

    def nodes_in(self, start: int, end: int) -> list[LexborNode]:
        """The top-most nodes lying wholly inside [start, end)."""
        out = []
        k = start
        while k < end:
            entry = self.entries[k]
            if entry.end <= end:
                out.append(entry.node)
                k = entry.end
            else:
                k += 1
        return out

    def elements_in(self, start: int, end: int, tags: set[str] | frozenset[str]) -> list[LexborNode]:
        return [e.node for e in self.entries[start:end] if e.node.tag in tags and e.end <= end]

    def text_in(self, start: int, end: int) -> str:
        return nodes_block_text(self.nodes_in(start, end))

    def inside(self, k: int, start: int, end: int) -> bool:
        return start <= k < end


_LABEL_TAGS = frozenset({"strong", "b", "dt", "th", "label", "div", "span", "p"})


def _may_be_label(node: LexborNode, tag: str) -> bool:
    """Only leaf-ish elements can be a label: the innermost element carrying the text, never a link or button."""
    if node.attributes.get("role") == "heading":
        return True
    if tag not in _LABEL_TAGS or node.child is None:
        return False
    if not all(child.tag in ("-text", "-comment", "br") for child in node.iter(include_text=True)):
        return False
    parent = node.parent
    for _ in range(4):
        if parent is None:
            break
        if parent.tag in ("a", "button", "li"):
            return False
        parent = parent.parent
    return True


def _aria_level(node: LexborNode) -> int | None:
    raw = node.attributes.get("aria-level") if node.attributes.get("role") == "heading" else None
    return int(raw) if raw and raw.isdigit() and 1 <= int(raw) <= 6 else None


def is_hidden(node: LexborNode) -> bool:
    classes = (node.attributes.get("class") or "").split()
    return any(c in ("visually-hidden", "sr-only") for c in classes)


def label_key(text: str) -> str:
    return clean_inline(text).rstrip(":").strip()
