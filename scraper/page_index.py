"""A document-order index over a page and the sections its headings open.

Kausal Watch markup wraps the same content differently in every era and every admin-configured layout, so the
parser does not follow class names or fixed nesting: it finds headings by their text and takes what comes after
them in reading order, up to the next heading of the same or higher rank, and never past the heading's own
container. Ranges are intervals of document order, which makes "is this inside that section" a comparison.

The index is the parser's one walk over the tree: every later stage reads these flat lists (tag, parent, subtree
end, raw text) instead of asking lexbor again, because each lexbor call builds a new Python node object and a page
used to be walked some forty times.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_inline
from scraper.html_text import SKIP_TAGS, any_text

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: Labels that open sub-sections of a field (task groups) rather than a field of their own.
GROUP_FIELDS = frozenset({"tasks_done", "tasks_todo", "tasks_in_progress"})
#: Rich-text fields: headings inside them belong to the text, only the container ends them.
RICH_FIELDS = frozenset({"description", "lead"})
TEXT = "-text"
_LABEL_TAGS = frozenset({"strong", "b", "dt", "th", "label", "div", "span", "p"})
_LEAF_TAGS = frozenset({TEXT, "br"})
_CONTENT_TAGS = frozenset({"img", "a", "li", "time", "progress", *HEADING_TAGS})


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
    """Entry k is the k-th indexed node in document order; `ends[k]` is one past its subtree, `parents[k]` the
    entry of its parent (-1 at the root). Skipped elements (head, form controls, media) are left out with
    everything inside them; a button or an image stays, for what it holds or labels."""

    def __init__(self, root: LexborNode) -> None:
        self.root = root
        self.nodes: list[LexborNode] = []
        self.tags: list[str] = []
        self.parents: list[int] = []
        self.ends: list[int] = []
        self.texts: list[str] = []  # a text node's raw text; "" for an element
        self.by_id: dict[int, int] = {}
        #: elements with a child left out of the index that is not a comment (an icon, a form control)
        self.odd_children: set[int] = set()
        self._build(root)
        self._attrs: dict[int, dict[str, str | None]] = {}
        self._classes: dict[int, list[str]] = {}
        self._memo: dict[tuple[str, int], object] = {}
        self.headings = self._headings()
        self._position = {h.entry: k for k, h in enumerate(self.headings)}

    def _build(self, root: LexborNode) -> None:
        """One pass in document order (lexbor's own traversal), then subtree ends from the back: Python touches
        each node once."""
        nodes, tags, parents, texts, by_id = self.nodes, self.tags, self.parents, self.texts, self.by_id
        skipped: set[int] = set()
        for node in root.traverse(include_text=True):
            tag = node.tag or ""
            parent_node = node.parent
            parent_id = parent_node.mem_id if parent_node is not None else -1
            if parent_id in skipped:
                skipped.add(node.mem_id)
                continue
            if (tag[:1] == "-" and tag != TEXT) or (tag in SKIP_TAGS and tag != "button" and tag != "img"):
                skipped.add(node.mem_id)
                if tag != "-comment" and parent_id in by_id:
                    self.odd_children.add(by_id[parent_id])
                continue
            by_id[node.mem_id] = len(nodes)
            parents.append(by_id.get(parent_id, -1) if nodes else -1)
            nodes.append(node)
            tags.append(tag)
            texts.append((node.text_content or "") if tag == TEXT else "")
        ends = list(range(1, len(nodes) + 1))
        for k in range(len(nodes) - 1, 0, -1):
            p = parents[k]
            if p >= 0 and ends[k] > ends[p]:
                ends[p] = ends[k]
        self.ends = ends

    # --- per-node facts, read from lexbor once and only when asked --------------------------------------
    def attrs(self, k: int) -> dict[str, str | None]:
        found = self._attrs.get(k)
        if found is None:
            found = self._attrs[k] = self.nodes[k].attributes
        return found

    def classes(self, k: int) -> list[str]:
        found = self._classes.get(k)
        if found is None:
            found = self._classes[k] = (self.attrs(k).get("class") or "").split()
        return found

    def memo(self, kind: str, k: int) -> object:
        return self._memo.get((kind, k), _MISSING)

    def remember(self, kind: str, k: int, value: object) -> None:
        self._memo[(kind, k)] = value

    def leaf_text(self, k: int) -> str:
        """Raw text of an element that holds only text and line breaks (a leaf-ish label)."""
        return "".join(self.texts[k + 1 : self.ends[k]])

    def _headings(self) -> list[Heading]:
        found = []
        tags, nodes, ends = self.tags, self.nodes, self.ends
        inside_heading_until = -1
        by_id = self.by_id
        role_headings = {by_id[n.mem_id] for n in self.root.css('[role="heading"]') if n.mem_id in by_id}
        for i, tag in enumerate(tags):
            if tag == TEXT:
                continue
            level = HEADING_TAGS.get(tag)
            if level is None:
                if i < inside_heading_until:
                    continue
                if i in role_headings:
                    node = nodes[i]
                    raw = node.text(deep=True) or ""
                    if not raw or len(raw) > 200:
                        continue
                    text = any_text(node)
                elif self._leafish(i, tag):
                    raw = self.leaf_text(i)
                    if not raw or len(raw) > 200:
                        continue
                    text = clean_inline(" ".join(self.texts[i + 1 : ends[i]]))
                else:
                    continue
                field = vocab.label_field(text) if 0 < len(text) <= 60 else None
                if field is None or field == vocab.CHROME or not _outside_controls(nodes[i]):
                    continue
                # a label set in bold or in a plain div ("<strong>Aikajänne:</strong> Jatkuva") opens a section too,
                # ranked below every real heading
                level = _aria_level(nodes[i]) or 7
            else:
                text = any_text(nodes[i])
                if not text:
                    continue
                field = vocab.label_field(text)
                inside_heading_until = ends[i]
            found.append(Heading(entry=i, level=level, text=text, field=field, hidden=self.is_hidden(i)))
        return found

    def _leafish(self, i: int, tag: str) -> bool:
        """Only leaf-ish elements can be a label: the innermost element carrying the text (text and line breaks
        inside, nothing else). The index rules most elements out at their first child."""
        end = self.ends[i]
        if tag not in _LABEL_TAGS or end == i + 1:
            return False
        tags = self.tags
        for k in range(i + 1, end):
            if tags[k] not in _LEAF_TAGS:
                return False
        return i not in self.odd_children

    def is_hidden(self, k: int) -> bool:
        return any(c in ("visually-hidden", "sr-only") for c in self.classes(k))

    # --- navigation -------------------------------------------------------------------------------------
    def index_of(self, node: LexborNode) -> int:
        return self.by_id[node.mem_id]

    def container_end(self, i: int) -> int:
        """End of the nearest ancestor that holds something after entry i (the entry's own block)."""
        ends, parents = self.ends, self.parents
        end_i = ends[i]
        p = parents[i]
        while p >= 0:
            if ends[p] > end_i and self._has_content(end_i, ends[p]):
                return ends[p]
            p = parents[p]
        return len(self.nodes)

    def _has_content(self, start: int, end: int) -> bool:
        tags, texts = self.tags, self.texts
        for k in range(start, end):
            tag = tags[k]
            if tag == TEXT:
                if texts[k].strip():
                    return True
            elif tag in _CONTENT_TAGS:
                return True
        return False

    def section(self, h: Heading) -> Section:
        start = self.ends[h.entry]
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

    def tops_in(self, start: int, end: int) -> list[int]:
        """The top-most entries lying wholly inside [start, end)."""
        out = []
        ends = self.ends
        k = start
        while k < end:
            if ends[k] <= end:
                out.append(k)
                k = ends[k]
            else:
                k += 1
        return out

    def nodes_in(self, start: int, end: int) -> list[LexborNode]:
        """The top-most nodes lying wholly inside [start, end)."""
        nodes = self.nodes
        return [nodes[k] for k in self.tops_in(start, end)]

    def elements_in(self, start: int, end: int, tags: set[str] | frozenset[str]) -> list[LexborNode]:
        own, ends, nodes = self.tags, self.ends, self.nodes
        return [nodes[k] for k in range(start, min(end, len(own))) if own[k] in tags and ends[k] <= end]

    def text_in(self, start: int, end: int) -> str:
        from scraper.index_text import entries_block_text

        return entries_block_text(self, self.tops_in(start, end))

    def inside(self, k: int, start: int, end: int) -> bool:
        return start <= k < end


_MISSING = object()


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
