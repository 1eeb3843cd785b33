"""Text normalisation shared by the parser, the replica's ground truth and the archive's change detection.

Pages carry NBSP, soft hyphens, zero-width characters, decomposed umlauts and arbitrary whitespace; none of these
are edits a reader would notice, so none of them may ever produce a new version.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_PARA_SPLIT = re.compile(r"\n\s*\n+")


def clean_inline(text: str) -> str:
    """One line of text: NFC, invisible characters dropped, every run of whitespace (newlines too) one space."""
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    # str.split() splits on every Unicode space (NBSP, thin spaces, ideographic space) and on newlines
    return " ".join(text.split())


def clean_block(text: str) -> str:
    """Multi-paragraph text: paragraphs separated by one blank line ("\\n\\n"), lines inside a paragraph kept as
    single newlines, all other whitespace collapsed."""
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for para in _PARA_SPLIT.split(text):
        lines = [" ".join(line.split()) for line in para.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)
