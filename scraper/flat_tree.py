"""A lexbor subtree as flat lists in document order, walked once.

Every later reader works on these lists (tag, parent, subtree end, raw text) instead of asking lexbor again,
because each lexbor call builds a new Python node object. The page index and the embedded-data fragments share it.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from scraper.html_text import SKIP_TAGS

TEXT = "-text"


class FlatTree:
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
        self._by_id: dict[int, int] | None = None
        #: entries with a left-out child holding elements a selector still finds (a link in `<object>`)
        self.opaque: list[int] = []
        #: elements with a child left out of the index that is not a comment (an icon, a form control)
        self.odd_children: set[int] = set()
        self._build(root)
        self._attrs: dict[int, dict[str, str | None]] = {}
        self._classes: dict[int, list[str]] = {}
        self._with_class: dict[str, set[int]] = {}
        self._with_attr: dict[str, list[int]] = {}
        self._memo: dict[tuple[str, int], object] = {}

    def _build(self, root: LexborNode) -> None:
        """One walk in document order with the parent on a stack (no `parent` or `mem_id` call per node), each
        node's tag name read once per tag id; a left-out element is stepped over, never entered."""
        nodes, tags, parents, texts, ends = self.nodes, self.tags, self.parents, self.texts, self.ends
        names = _TAG_NAMES
        odd = self.odd_children
        nodes.append(root)
        tags.append(root.tag or "")
        parents.append(-1)
        texts.append("")
        ends.append(0)
        stack: list[tuple[int, LexborNode | None]] = []
        parent = 0
        node = root.first_child
        while True:
            if node is None:
                ends[parent] = len(nodes)
                if not stack:
                    break
                parent, node = stack.pop()
                continue
            tag_id = node.tag_id
            tag = names.get(tag_id)
            if tag is None:
                tag = node.tag or ""
                if tag_id < _STATIC_TAG_IDS:  # lexbor's own tags; a custom element's id is per document
                    names[tag_id] = tag
            if tag == TEXT:
                k = len(nodes)
                nodes.append(node)
                tags.append(tag)
                parents.append(parent)
                texts.append(node.text_content or "")
                ends.append(k + 1)
                node = node.next
            elif tag[:1] == "-" or tag in _LEFT_OUT:
                if tag != "-comment":
                    odd.add(parent)
                    if tag not in _RAW_TEXT and node.first_child is not None:
                        self.opaque.append(parent)
                node = node.next
            else:
                k = len(nodes)
                nodes.append(node)
                tags.append(tag)
                parents.append(parent)
                texts.append("")
                ends.append(0)
                stack.append((parent, node.next))
                parent = k
                node = node.first_child

    @property
    def by_id(self) -> dict[int, int]:
        """Entry of a lexbor node, by its `mem_id`: built only when a reader still holds nodes."""
        if self._by_id is None:
            self._by_id = {node.mem_id: k for k, node in enumerate(self.nodes)}
        return self._by_id

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

    def anchors_in(self, roots: list[int]) -> list[LexborNode]:
        """The `a[href]` elements of these subtrees in document order, each root itself included when it is one,
        as lexbor's selector finds them; read from the index unless a left-out child could hide one."""
        tags, ends, nodes = self.tags, self.ends, self.nodes
        found: list[LexborNode] = []
        for root in roots:
            tag = tags[root]
            if tag == TEXT:
                continue
            if tag == "a":
                found.append(nodes[root])
                continue
            end = ends[root]
            if self.opaque_in(root, end):
                found.extend(nodes[root].css("a[href]"))
                continue
            found.extend(nodes[k] for k in range(root + 1, end) if tags[k] == "a" and "href" in self.attrs(k))
        return found

    def opaque_in(self, start: int, end: int) -> bool:
        """Whether a left-out subtree within [start, end) holds elements: the index cannot answer for it there."""
        return any(start <= k < end for k in self.opaque)

    def left_out_in(self, start: int, end: int) -> bool:
        """Whether any element within [start, end) was left out (an `<input>` may carry a class a selector sees)."""
        return any(start <= k < end for k in self.odd_children)

    def top_most(self, roots: list[int], tag: str) -> list[LexborNode] | None:
        """Elements of `tag` in these subtrees not nested in another one (a root that is one stands for itself),
        in document order; None where a left-out subtree could hold one (the caller asks lexbor then)."""
        tags, ends, nodes = self.tags, self.ends, self.nodes
        found: list[LexborNode] = []
        for root in roots:
            if tags[root] == tag:
                found.append(nodes[root])
                continue
            end = ends[root]
            if self.opaque_in(root, end):
                return None
            k = root + 1
            while k < end:
                if tags[k] == tag:
                    found.append(nodes[k])
                    k = ends[k]
                else:
                    k += 1
        return found

    def with_attr(self, name: str) -> list[int]:
        """Entries carrying attribute `name`, in document order, found by one selector a tree (the root too)."""
        found = self._with_attr.get(name)
        if found is None:
            hits = self.root.css(f"[{name}]")
            by_id = self.by_id if hits else {}
            found = sorted(k for k in (by_id.get(n.mem_id, -1) for n in hits) if k >= 0)
            self._with_attr[name] = found
        return found

    def with_class(self, name: str) -> set[int]:
        """Entries whose class list holds `name`: one selector a tree instead of every element's attributes. Each
        hit is checked against the class list as `classes` splits it, so a quirks-mode match changes nothing."""
        found = self._with_class.get(name)
        if found is None:
            hits = self.root.css("." + name)
            by_id = self.by_id if hits else {}
            found = {k for k in (by_id.get(n.mem_id, -1) for n in hits) if k >= 0 and name in self.classes(k)}
            self._with_class[name] = found
        return found

    def memo(self, kind: str, k: int) -> object:
        return self._memo.get((kind, k), MISSING)

    def remember(self, kind: str, k: int, value: object) -> None:
        self._memo[(kind, k)] = value

    def leaf_text(self, k: int) -> str:
        """Raw text of an element that holds only text and line breaks (a leaf-ish label)."""
        return "".join(self.texts[k + 1 : self.ends[k]])

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


MISSING = object()
#: Tags left out with their subtree; a button stays for the badge it may hold, an image for what it labels.
_LEFT_OUT = SKIP_TAGS - {"button", "img"}
#: left-out tags whose content is text only: nothing a selector finds lies inside them
_RAW_TEXT = frozenset({"title", "textarea", "script", "style"})
#: Tag ids below this are lexbor's static ones, the same in every document.
_STATIC_TAG_IDS = 1024
_TAG_NAMES: dict[int, str] = {}
