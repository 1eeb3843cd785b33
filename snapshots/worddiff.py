"""Word-level diffs of long text, so a reader sees the three words a city rewrote, not two whole paragraphs.

Tokens are words, single punctuation marks and runs of whitespace; whitespace tokens are compared by kind only
(a space equals a space, a paragraph break equals a paragraph break) so re-wrapping never shows up as an edit.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from schemas.text import clean_block

SegmentOp = Literal["equal", "insert", "delete"]

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    op: SegmentOp
    text: str

    def to_json(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def tokenize(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _key(token: str) -> str:
    """What a token is compared as: whitespace by kind (paragraph break, line break, space), words as is."""
    if token.isspace():
        if "\n\n" in token:
            return "\n\n"
        return "\n" if "\n" in token else " "
    return token


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """Segments that turn `old` into `new`; adjacent segments of the same op are merged, and a replaced run is
    given as its deletion followed by its insertion (the order a reader expects)."""
    a = tokenize(clean_block(old or ""))
    b = tokenize(clean_block(new or ""))
    matcher = difflib.SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], autojunk=False)
    out: list[Segment] = []

    def push(op: SegmentOp, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            push("equal", b[j1:j2])
        else:
            if i2 > i1:
                push("delete", a[i1:i2])
            if j2 > j1:
                push("insert", b[j1:j2])
    return _absorb_spaces(out)


def _absorb_spaces(segments: list[Segment]) -> list[Segment]:
    """A lone space kept as 'equal' between two edits makes `~~a~~ **b** ~~c~~ **d**` soup; fold it into the
    edits so that a replaced phrase reads as one deletion and one insertion."""
    changed = True
    while changed:
        changed = False
        for i in range(1, len(segments) - 1):
            seg = segments[i]
            if seg.op == "equal" and seg.text.isspace() and "\n" not in seg.text:
                before, after = segments[i - 1], segments[i + 1]
                if before.op != "equal" and after.op != "equal":
                    merged = _fold(segments[: i - 1], before, seg.text, after, segments[i + 2 :])
                    if merged is not None:
                        segments = merged
                        changed = True
                        break
    return segments


def _fold(
    head: list[Segment], before: Segment, space: str, after: Segment, tail: list[Segment]
) -> list[Segment] | None:
    # Collect the run of edits around the space on each side, rebuilt as one deletion and one insertion.
    dels: list[str] = []
    inss: list[str] = []
    while head and head[-1].op != "equal":
        seg = head.pop()
        (dels if seg.op == "delete" else inss).insert(0, seg.text)
    (dels if before.op == "delete" else inss).append(before.text)
    dels.append(space)
    inss.append(space)
    rest = list(tail)
    (dels if after.op == "delete" else inss).append(after.text)
    while rest and rest[0].op != "equal":
        seg = rest.pop(0)
        (dels if seg.op == "delete" else inss).append(seg.text)
    d, n = "".join(dels), "".join(inss)
    if d.isspace() or n.isspace():
        return None
    return [*head, Segment("delete", d), Segment("insert", n), *rest]


def is_long_text(value: object) -> bool:
    """Long enough that a word diff helps more than showing old and new whole."""
    return isinstance(value, str) and (len(value) > 80 or "\n" in value)


def clip(segments: list[Segment], context: int = 8) -> list[Segment]:
    """Keep only the edits and `context` words around each, eliding the unchanged middle of a long text with
    '…' so a one-word edit in a long description reads in one line."""
    out: list[Segment] = []
    for i, seg in enumerate(segments):
        if seg.op != "equal":
            out.append(seg)
            continue
        tokens = tokenize(seg.text)
        words = [t for t in tokens if not t.isspace()]
        if len(words) <= 2 * context + 2:
            out.append(seg)
            continue
        first, last = i == 0, i == len(segments) - 1
        keep_head = [] if first else _take(tokens, context)
        keep_tail = [] if last else _take(tokens[::-1], context)[::-1]
        text = "".join(keep_head).rstrip() + " … " + "".join(keep_tail).lstrip()
        if first:
            text = "… " + "".join(keep_tail).lstrip()
        if last:
            text = "".join(keep_head).rstrip() + " …"
        out.append(Segment("equal", text))
    return out


def _take(tokens: list[str], words: int) -> list[str]:
    taken: list[str] = []
    count = 0
    for token in tokens:
        if not token.isspace():
            if count == words:
                break
            count += 1
        taken.append(token)
    return taken
