"""A document-order index over a page and the sections its headings open.

Kausal Watch markup wraps the same content differently in every era and every admin-configured layout, so the
parser does not follow class names or fixed nesting: it finds headings by their text and takes what comes after
them in reading order, up to the next heading of the same or higher rank, and never past the heading's own
container. Ranges are intervals of document order, which makes "is this inside that section" a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from schemas import vocab
from scraper.html_text import SKIP_TAGS, any_text, nodes_block_text

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: Labels that open sub-sections of a field (task groups) rather than a field of their own.
GROUP_FIELDS = frozenset({"tasks_done", "tasks_todo", "tasks_in_progress"})
#: Rich-text fields: headings inside them belong to the text, only the container ends them.
RICH_FIELDS = frozenset({"description", "lead"})


@dataclass(slots=True)
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


class PageIndex:
    def __init__(self, root: LexborNode) -> None:
        self.root = root
        self.entries: list[Entry] = []
        self.by_id: dict[int, int] = {}
        self._build(root)
        self.headings = self._headings()
        self._position = {h.entry: k for k, h in enumerate(self.headings)}

    def _build(self, root: LexborNode) -> None:
        """One pass in document order (lexbor's own traversal), then subtree ends from the back: Python touches
        each node once. Skipped elements (head, form controls, media) are left out with everything inside them;
        a button or an image stays, for what it holds or labels."""
        entries = self.entries
        by_id = self.by_id
        skipped: set[int] = set()
        for node in root.traverse(include_text=True):
            tag = node.tag or ""
            parent_node = node.parent
            parent_id = parent_node.mem_id if parent_node is not None else -1
            if parent_id in skipped:
                skipped.add(node.mem_id)
                continue
            if (tag[:1] == "-" and tag != "-text") or (tag in SKIP_TAGS and tag not in ("button", "img")):
                skipped.add(node.mem_id)
                continue
            index = len(entries)
            by_id[node.mem_id] = index
            entries.append(Entry(node, index, index + 1, by_id.get(parent_id, -1) if entries else -1))
        for entry in reversed(entries):
            if entry.parent >= 0 and entry.end > entries[entry.parent].end:
                entries[entry.parent].end = entry.end

    def _headings(self) -> list[Heading]:
        found = []
        entries = self.entries
        inside_heading_until = -1
        role_headings = {n.mem_id for n in self.root.css('[role="heading"]')}
        for i, entry in enumerate(entries):
            node = entry.node
            tag = node.tag or ""
            if tag == "-text":
                continue
            level = HEADING_TAGS.get(tag)
            if level is None:
                if i < inside_heading_until:
                    continue
                if node.mem_id not in role_headings and not self._leafish(i, tag):
                    continue
                raw = node.text(deep=True) or ""
                if not raw or len(raw) > 200:
                    continue
                text = any_text(node)
                field = vocab.label_field(text) if 0 < len(text) <= 60 else None
                if field is None or field == vocab.CHROME or not _outside_controls(node):
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

    def _leafish(self, i: int, tag: str) -> bool:
        """Only leaf-ish elements can be a label: the innermost element carrying the text (text and line breaks
        inside, nothing else). The index rules most elements out at their first child; the node itself decides."""
        entries = self.entries
        end = entries[i].end
        if tag not in _LABEL_TAGS or end == i + 1:
            return False
        if any(entries[k].node.tag not in ("-text", "br") for k in range(i + 1, end)):
            return False
        return all(child.tag in ("-text", "-comment", "br") for child in entries[i].node.iter(include_text=True))

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


def _outside_controls(node: LexborNode) -> bool:
    """A label is never the text of a link, a button or a list item (a category badge named "Energia")."""
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
