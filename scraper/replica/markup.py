"""Markup variation: the same content written many ways, as real builds and editors write it.

A `Variation` is seeded per build (class-name hashes, block layout: stable across the pages of one site build)
and per page (wrappers, whitespace, entities, comments: different on every page), so a parser that passes on
several seeds anchors on what is really stable.
"""

from __future__ import annotations

import hashlib
import random

from scraper.replica.model import Inline, RichText

_ENTITY_VARIANTS = {
    "ä": ("ä", "&auml;", "&#228;", "&#xe4;"),
    "ö": ("ö", "&ouml;", "&#246;"),
    "Ä": ("Ä", "&Auml;"),
    "\u00a0": ("&nbsp;", "&#160;", "\u00a0"),
    "–": ("–", "&ndash;", "&#8211;"),
    "€": ("€", "&euro;"),
    "\u00ad": ("\u00ad", "&shy;", "&#173;"),
}
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _hash(*parts: object, n: int = 6) -> str:
    digest = hashlib.sha1(":".join(map(str, parts)).encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] if i % 3 else "0123456789"[b % 10] for i, b in enumerate(digest))[:n]


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
        h = _hash(self.build_seed, label, self.era)
        if self.era == "v3":
            name = f"mui-{h.lower()}-{label} e{_hash(label, n=5).lower()}{sum(map(ord, label)) % 20}"
        elif self.era == "v2":
            name = f"sc-{_hash(label, 'sc', n=6)} {_hash(self.build_seed, label, 'r', n=6)}"
        else:
            file, _, comp = label.partition("-")
            name = f"{file}__{comp or file}-sc-{h.lower()}-{sum(map(ord, label)) % 9} {_hash(label, 'x', n=6)}"
        return f"{name} {extra}".strip()

    def css(self, label: str = "") -> str:
        """An Emotion `css-<hash>` class, optionally with a label suffix."""
        h = _hash(self.build_seed, "css", label, n=7).lower()
        return f"css-{h}-{label}" if label and self.rng.random() < 0.5 else f"css-{h}"

    # --- text --------------------------------------------------------------------------------------------
    def esc(self, text: str) -> str:
        """HTML-escape text, spelling some characters as entities at random."""
        out = []
        for ch in text:
            if ch == "&":
                out.append("&amp;")
            elif ch == "<":
                out.append("&lt;")
            elif ch == ">":
                out.append("&gt;")
            elif ch == '"':
                out.append("&quot;")
            elif ch == "'":
                out.append("&#x27;")
            elif ch in _ENTITY_VARIANTS and self.enabled and self.rng.random() < 0.3:
                out.append(self.rng.choice(_ENTITY_VARIANTS[ch]))
            elif ch == "\u00a0":
                out.append("&nbsp;")
            else:
                out.append(ch)
        return "".join(out)

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
                out.append(self.esc(piece[1]))
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
            else:
                items = "".join(f"{self.ws()}<li>{self.inline(item)}</li>" for item in block.items)
                parts.append(f"<ul>{items}{self.ws()}</ul>")
        return self.join(parts)

    @staticmethod
    def plain_rich(rt: RichText, noise: int = 0) -> str:
        """Canonical rich-text HTML (what the API returns inside embedded data)."""
        plain = Variation(0, "", "v3", enabled=False)
        return plain.rich(rt, noise)
