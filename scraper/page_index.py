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
from itertools import accumulate

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_inline
from scraper.flat_tree import TEXT, FlatTree
from scraper.html_text import any_text

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: Labels that open sub-sections of a field (task groups) rather than a field of their own.
GROUP_FIELDS = frozenset({"tasks_done", "tasks_todo", "tasks_in_progress"})
#: Rich-text fields: headings inside them belong to the text, only the container ends them.
RICH_FIELDS = frozenset({"description", "lead"})
_LABEL_TAGS = frozenset({"strong", "b", "dt", "th", "label", "div", "span", "p"})
_LEAF_TAGS = frozenset({TEXT, "br"})
_CANDIDATE_TAGS = frozenset({*_LABEL_TAGS, *HEADING_TAGS})
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


class PageIndex(FlatTree):
    """The page's flat tree with its headings: what opens a section, and where each one ends."""

    def __init__(self, root: LexborNode) -> None:
        super().__init__(root)
        self._container_ends: dict[int, int] = {}
        self.headings = self._headings()
        self._position = {h.entry: k for k, h in enumerate(self.headings)}

    def _headings(self) -> list[Heading]:
        found = []
        tags, nodes, ends, texts, odd = self.tags, self.nodes, self.ends, self.texts, self.odd_children
        inside_heading_until = -1
        role_nodes = self.root.css('[role="heading"]')
        role_headings: set[int] = set()
        if role_nodes:
            by_id = self.by_id
            role_headings = {by_id[n.mem_id] for n in role_nodes if n.mem_id in by_id}
        # only leaf-ish elements can be a label: the innermost element carrying the text (text and line breaks
        # inside, nothing else); other[i] counts the entries before i that are neither, so one subtraction tells
        other = [0, *accumulate(tag not in _LEAF_TAGS for tag in tags)]
        candidates = [i for i, tag in enumerate(tags) if tag in _CANDIDATE_TAGS]
        if role_headings:
            candidates = sorted(role_headings.union(candidates))
        for i in candidates:
            tag = tags[i]
            level = HEADING_TAGS.get(tag)
            if level is None:
                if i < inside_heading_until:
                    continue
                end = ends[i]
                if i in role_headings:
                    node = nodes[i]
                    raw = node.text(deep=True) or ""
                    if not raw or len(raw) > 200:
                        continue
                    text = any_text(node)
                elif tag in _LABEL_TAGS and end > i + 1 and other[end] == other[i + 1] and i not in odd:
                    raw = "".join(texts[i + 1 : end])
                    if not raw or len(raw) > 200:
                        continue
                    text = clean_inline(" ".join(texts[i + 1 : end]))
                else:
                    continue
                field = vocab.label_field(text) if 0 < len(text) <= 60 else None
                if field is None or field == vocab.CHROME or not self._outside_controls(i):
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

    def _outside_controls(self, k: int) -> bool:
        """A label is never the text of a link, a button or a list item (a category badge named "Energia")."""
        parents, tags = self.parents, self.tags
        parent = parents[k]
        for climbed in range(4):
            if parent < 0:  # above the index's root: lexbor knows the rest
                return _outside_controls(self.root, 4 - climbed)
            if tags[parent] in ("a", "button", "li"):
                return False
            parent = parents[parent]
        return True

    def is_hidden(self, k: int) -> bool:
        return k in self.with_class("visually-hidden") or k in self.with_class("sr-only")

    # --- navigation -------------------------------------------------------------------------------------
    def index_of(self, node: LexborNode) -> int:
        return self.by_id[node.mem_id]

    def container_end(self, i: int) -> int:
        """End of the nearest ancestor that holds something after entry i (the entry's own block); kept per
        entry, as the renamed-heading check and the section list both ask for every heading."""
        found = self._container_ends.get(i)
        if found is None:
            found = self._container_ends[i] = self._container_end(i)
        return found

    def _container_end(self, i: int) -> int:
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




def _outside_controls(node: LexborNode, levels: int = 4) -> bool:
    parent = node.parent
    for _ in range(levels):
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
