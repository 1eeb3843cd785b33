"""Rich text from the API (HTML fragments) as the record's plain text, with the links inside it.

Deliberately not the parser's reader (`scraper.html_text`): verify checks the parser, so it reads the API's HTML
with code of its own, written from docs/record.md, on the standard library's tokenizer. Paragraphs, headings and
list items are paragraphs; a table is one paragraph, a row a line, cells joined by " | "; `<br>` is a newline; a
paragraph or a `<br>` inside a cell is a space.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from schemas.text import clean_block, clean_inline

_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
                     "table", "section", "article", "pre"})
_CELLS = frozenset({"td", "th"})


@dataclass
class Plain:
    text: str | None
    links: list[tuple[str, str]] = field(default_factory=list)  # (title, href as written)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._cell_depth = 0
        self._cells_in_row = 0
        self._row: list[str] = []
        self._rows: list[str] = []
        self._table_depth = 0
        self._anchor: tuple[str, list[str]] | None = None

    def _emit(self, text: str) -> None:
        if self._cell_depth:
            self._row.append(text)
        elif not self._table_depth:
            self.out.append(text)
        if self._anchor is not None:
            self._anchor[1].append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            self._anchor = (href, []) if href else None
        elif tag == "br":
            self._emit(" " if self._cell_depth else "\n")
        elif tag == "table":
            self._table_depth += 1
            self._rows = []
        elif tag == "tr":
            self._row, self._cells_in_row = [], 0
        elif tag in _CELLS:
            if self._cells_in_row:
                self._row.append(" | ")
            self._cells_in_row += 1
            self._cell_depth += 1
        elif tag in _BLOCKS:
            self._emit(" " if self._cell_depth else "\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            href, parts = self._anchor
            self.links.append((clean_inline("".join(parts)), href))
            self._anchor = None
        elif tag in _CELLS:
            self._cell_depth = max(0, self._cell_depth - 1)
        elif tag == "tr":
            line = clean_inline("".join(self._row))
            if line.strip(" |"):
                self._rows.append(line)
            self._row = []
        elif tag == "table":
            self._table_depth = max(0, self._table_depth - 1)
            if not self._table_depth:
                self.out.append("\n\n" + "\n".join(self._rows) + "\n\n")
        elif tag in _BLOCKS:
            self._emit(" " if self._cell_depth else "\n\n")

    def handle_data(self, data: str) -> None:
        self._emit(data)


def plain(html: str | None) -> Plain:
    """The text of an HTML fragment as the record holds it (`None` for nothing) and its anchors."""
    if not html:
        return Plain(None)
    reader = _Reader()
    reader.feed(html)
    reader.close()
    text = clean_block("".join(reader.out))
    return Plain(text or None, reader.links)
