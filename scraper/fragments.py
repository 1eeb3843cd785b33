"""Text and links of the HTML fragments in embedded data (descriptions, task details, update bodies).

A lexbor document costs ~90 µs and ~1 MB of arena before it holds anything, which was more than reading the
fragment; a page has several. Every fragment of a page is therefore parsed into one detached element of the page's
own tree (`inner_html`, the HTML fragment algorithm in body context, which reads a fragment as `<body>…</body>`
does), so its memory goes when the page's does, and read from a flat index like the page itself.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from schemas.text import clean_inline
from scraper.flat_tree import FlatTree
from scraper.index_text import entries_block_text, inline_text


class FragmentReader:
    """Reads fragments into a host element of `tree` (a small document of its own when there is no page)."""

    def __init__(self, tree: LexborHTMLParser | None = None) -> None:
        self._tree = tree
        self._host: LexborNode | None = None

    def _parsed(self, html: str) -> FlatTree:
        if self._host is None:
            if self._tree is None:
                self._tree = LexborHTMLParser("<body></body>")
            self._host = self._tree.create_node("div")
        self._host.inner_html = html
        return FlatTree(self._host)

    def text(self, html: str | None) -> str | None:
        return self.text_and_links(html, links=False)[0]

    def text_and_links(self, html: str | None, links: bool = True) -> tuple[str | None, list[tuple[str, str]]]:
        """Both readings of one fragment from a single parse: a description needs its text and its links."""
        if html is None:
            return None, []
        if "<" not in html and "&" not in html:
            return clean_inline(html), []  # plain text shown in HTML: a source newline is a space, as a browser does
        flat = self._parsed(html)
        found: list[tuple[str, str]] = []
        if links and "<a" in html.lower():
            nodes = flat.nodes
            # an anchor in a left-out subtree (a `<noscript>`) still counts, in document order, as a selector has it
            anchors = flat.root.css("a[href]") if flat.odd_children else [
                nodes[k] for k, tag in enumerate(flat.tags) if tag == "a"]
            for anchor in anchors:
                href = (anchor.attributes.get("href") or "").strip()
                title = inline_text(flat, anchor)
                if href and title:
                    found.append((title, href))
        # the host is a block of its own: its children are what `<body>` held
        return entries_block_text(flat, flat.tops_in(1, len(flat.tags))), found
