"""The progress block of an action page: status label and identifier, implementation phase, percent done.

Eras print it differently (V1's progress bar with a `bg-<identifier>` class, V2/V3's badge beside a phase
timeline, a completion block with only a percent) and some run it on into the next block when there is no status,
so a status is read as what it is: a plan's short word, never a sentence, never a caption beside a bar.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.text import clean_inline
from scraper.index_text import block_text, inline_text
from scraper.page_index import PageIndex, Section
from scraper.parse_layers import Shown

PERCENT = re.compile(r"(\d{1,3})\s*%")
_STATUS_CLASS = re.compile(r"^bg-([a-z_]+)$")


def read_status(index: PageIndex, nodes: list[LexborNode], shown: Shown, completion_only: bool = False) -> str | None:
    """Status label, identifier, phase and percent of an "Eteneminen" or "Valmistumisaste" block; returns a note
    shown under the badge (V3 `manualStatusReason`), which is no status.

    Under "Valmistumisaste" only the progress bar's own label (or a known status word) is a status: a caption
    beside the bar ("Mittarin mukaan") is a note, not the action's status."""
    phase_lists: set[int] = set()
    identifier = None
    active_phase = None
    bar_texts: set[str] = set()
    for node in nodes:
        if node.tag == "-text":
            continue
        for el in [node, *node.css("*")]:
            if "progress" in (el.attributes.get("class") or "").split() or el.attributes.get("role") == "progressbar":
                bar_texts.update(clean_inline(p) for p in block_text(index, el).split("\n") if clean_inline(p))
            for cls in (el.attributes.get("class") or "").split():
                match = _STATUS_CLASS.match(cls)
                if match and match.group(1) in vocab.KNOWN_STATUS_IDENTIFIERS and identifier is None:
                    identifier = match.group(1)
            if el.tag in ("ul", "ol"):
                phase_lists.add(el.mem_id)
                active_phase = active_item(index, el) or active_phase
    lines: list[str] = []
    for node in nodes:
        text = block_text(index, node, frozenset(phase_lists)) if node.tag != "-text" else clean_inline(node.text_content or "")
        lines.extend(clean_inline(p) for p in text.split("\n") if clean_inline(p))
    label = None
    notes: list[str] = []
    for line in lines:
        percent = PERCENT.search(line)
        if (percent and any(w in line.casefold() for w in vocab.PERCENT_READY)) or line.endswith("%"):
            if percent:
                shown.completion = int(percent.group(1))
            continue
        if vocab.label_field(line) == vocab.CHROME:
            continue
        if label is None and (not completion_only or line in bar_texts or vocab.status_identifier(line)) and (
            may_be_status(line)
        ):
            label = line
        elif line != label:
            notes.append(line)
    if label is not None:
        shown.status_label = label
    if identifier:
        shown.status_identifier = identifier
    if active_phase:
        shown.implementation_phase = active_phase
    return "\n\n".join(notes) or None


def may_be_status(line: str) -> bool:
    """A status is a plan's short word ("Ajallaan", "Ei toteuteta tässä vaiheessa"), never a sentence: a V2 page
    without a status runs its "Eteneminen" section on into the lead or the description."""
    if vocab.status_identifier(line):
        return True
    return len(line) <= 50 and not line.rstrip().endswith((".", "!", "?", ":"))


def active_item(index: PageIndex, list_node: LexborNode) -> str | None:
    for li in list_node.css("li"):
        current = li.attributes.get("aria-current")
        classes = (li.attributes.get("class") or "").split()
        if (current and current != "false") or "active" in classes or "current" in classes:
            return inline_text(index, li) or None
    return None


def phase_after(index: PageIndex, section: Section, shown: Shown) -> None:
    """V3 puts the phase timeline in a card of its own right after the "Eteneminen" block, under no heading."""
    following = min((h.entry for h in index.headings if h.entry >= section.end), default=len(index.nodes))
    for node in index.elements_in(section.end, following, frozenset({"ul", "ol"})):
        phase = active_item(index, node)
        if phase:
            shown.implementation_phase = phase
            return
