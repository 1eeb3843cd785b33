"""Markup variation: the same content written many ways, as real builds and editors write it.

A `Variation` is seeded per build (class-name hashes, block layout: stable across the pages of one site build)
and per page (wrappers, whitespace, entities, comments: different on every page), so a parser that passes on
several seeds anchors on what is really stable.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re

from scraper.replica.model import Block, Inline, RichText

_ENTITY_VARIANTS = {
    "ä": ("ä", "&auml;", "&#228;", "&#xe4;"),
    "ö": ("ö", "&ouml;", "&#246;"),
    "Ä": ("Ä", "&Auml;"),
    "\u00a0": ("&nbsp;", "&#160;", "\u00a0"),
    "–": ("–", "&ndash;", "&#8211;"),
    "€": ("€", "&euro;"),
    "\u00ad": ("\u00ad", "&shy;", "&#173;"),
}
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                          "\u00a0": "&nbsp;"})
_ESCAPES_KEEP_NBSP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})
_VARIANT_RE = re.compile("[" + "".join(_ENTITY_VARIANTS) + "]")
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@functools.lru_cache(maxsize=4096)
def _hash(*parts: object, n: int = 6) -> str:
    digest = hashlib.sha1(":".join(map(str, parts)).encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] if i % 3 else "0123456789"[b % 10] for i, b in enumerate(digest))[:n]


@functools.lru_cache(maxsize=4096)
def _cls(build_seed: int, era: str, label: str, extra: str) -> str:
    h = _hash(build_seed, label, era)
    if era == "v3":
        name = f"mui-{h.lower()}-{label} e{_hash(label, n=5).lower()}{sum(map(ord, label)) % 20}"
    elif era == "v2":
        name = f"sc-{_hash(label, 'sc', n=6)} {_hash(build_seed, label, 'r', n=6)}"
    else:
        file, _, comp = label.partition("-")
        name = f"{file}__{comp or file}-sc-{h.lower()}-{sum(map(ord, label)) % 9} {_hash(label, 'x', n=6)}"
    return f"{name} {extra}".strip()


class Variation:
    """Seeded choices for one page of one build. `enabled=False` writes the plainest markup."""

    def __init__(self, build_seed: int, page_key: str, era: str, enabled: bool = True) -> None:
        self.build_seed = build_seed
        self.era = era
        self.enabled = enabled
        self.rng = random.Random(f"{build_seed}:{page_key}")

    # --- class names -------------------------------------------------------------------------------------
    def cls(self, label: str, extra: str = "") -> str:
        """A hashed class for component `label` ("ActionHero-ActionNumber"), in the era's CSS-in-JS style."""
        return _cls(self.build_seed, self.era, label, extra)

    def css(self, label: str = "") -> str:
        """An Emotion `css-<hash>` class, optionally with a label suffix."""
        h = _hash(self.build_seed, "css", label, n=7).lower()
        return f"css-{h}-{label}" if label and self.rng.random() < 0.5 else f"css-{h}"

    # --- text --------------------------------------------------------------------------------------------
    def esc(self, text: str) -> str:
        """HTML-escape text, spelling some characters as entities at random."""
        if not self.enabled:
            return text.translate(_ESCAPES)
        rng = self.rng

        def pick(match: re.Match[str]) -> str:
            ch = match.group(0)
            if rng.random() < 0.3:
                return rng.choice(_ENTITY_VARIANTS[ch])
            return "&nbsp;" if ch == "\u00a0" else ch

        return _VARIANT_RE.sub(pick, text.translate(_ESCAPES_KEEP_NBSP))

    @staticmethod
    def attr(text: str) -> str:
        return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")

    def ws(self) -> str:
        """Whitespace between block-level tags."""
        if not self.enabled:
            return ""
        return self.rng.choice(["", "", "\n", "\n  ", " ", "\n\t\t"])

    def comment(self) -> str:
        if not self.enabled or self.rng.random() > 0.15:
            return ""
        return self.rng.choice(["<!-- -->", "<!--$-->", "<!--/$-->", "<!-- block -->"])

    def wrap(self, html: str, p: float = 0.25) -> str:
        """Maybe wrap a whole block in one or two neutral elements (never changes what the text says)."""
        if not self.enabled:
            return html
        while self.rng.random() < p:
            tag = self.rng.choice(["div", "div", "section", "span"]) if not html.lstrip().startswith(
                ("<div", "<h", "<ul", "<p", "<section", "<nav")) else self.rng.choice(["div", "section"])
            html = f'<{tag} class="{self.css("Wrapper")}">{self.ws()}{html}{self.ws()}</{tag}>'
            p /= 2
        return html

    def join(self, parts: list[str]) -> str:
        out = []
        for part in parts:
            if part:
                out.append(self.ws() + self.comment() + part)
        return "".join(out) + self.ws()

    def br(self) -> str:
        return self.rng.choice(["<br>", "<br/>", "<br />"]) if self.enabled else "<br/>"

    # --- rich text -----------------------------------------------------------------------------------------
    def inline(self, pieces: list[Inline]) -> str:
        out = []
        for piece in pieces:
            if piece[0] == "text":
                text = piece[1]
                if self.enabled and " " in text and self.rng.random() < 0.1:
                    # editors' HTML wraps long lines: a source newline inside a paragraph is only a space
                    at = self.rng.choice([n for n, ch in enumerate(text) if ch == " "])
                    text = text[:at] + "\n" + text[at + 1:]
                out.append(self.esc(text))
            elif piece[0] == "link":
                out.append(f'<a href="{self.attr(piece[2])}">{self.esc(piece[1])}</a>')
            else:
                out.append(self.br())
        return "".join(out)

    def rich(self, rt: RichText, noise: int = 0) -> str:
        """Rich text as editors' HTML; `noise` adds whitespace-only source changes that no reader sees."""
        parts = []
        for block in rt:
            if block.kind == "p":
                body = self.inline(block.items[0])
                if noise:
                    body = " " * noise + body + "\n" * noise
                    noise = 0
                parts.append(f"<p>{body}</p>")
            elif block.kind == "h3":
                parts.append(f"<h3>{self.inline(block.items[0])}</h3>")
            elif block.kind == "table":
                parts.append(self.table(block))
            else:
                items = "".join(f"{self.ws()}<li>{self.inline(item)}</li>" for item in block.items)
                parts.append(f"<{block.kind}>{items}{self.ws()}</{block.kind}>")
        return self.join(parts)

    def table(self, block: Block) -> str:
        """A table as the admin's rich-text editor writes it: header row in `thead`, the rest in `tbody`."""
        def row(cells: list[list[Inline]], tag: str) -> str:
            return "<tr>" + "".join(f"{self.ws()}<{tag}>{self.inline(c)}</{tag}>" for c in cells) + f"{self.ws()}</tr>"

        head, *body = block.rows
        html = (f"<table>{self.ws()}<thead>{row(head, 'th')}</thead>{self.ws()}<tbody>"
                + "".join(self.ws() + row(r, "td") for r in body) + f"{self.ws()}</tbody></table>")
        if self.enabled and self.rng.random() < 0.5:
            html = f'<figure class="table">{html}</figure>'
        return html

    @staticmethod
    def plain_rich(rt: RichText, noise: int = 0) -> str:
        """Canonical rich-text HTML (what the API returns inside embedded data)."""
        plain = Variation(0, "", "v3", enabled=False)
        return plain.rich(rt, noise)
