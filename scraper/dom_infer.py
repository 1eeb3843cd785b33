"""Blocks whose heading an admin renamed (V3 `fieldLabel`), recognised by what they hold.

A heading the vocabulary does not know is either a section vahti does not model (kept in `extra_sections`) or a
modelled block under a site's own wording. Structure decides where it can (task groups inside, links that all go to
organisations or indicators, a schedule's shape), and the embedded data where only the content can tell (the same
description text, a contact's name).
"""

from __future__ import annotations

import re

from schemas import vocab
from schemas.text import clean_inline
from scraper.index_text import entries_block_text
from scraper.page_index import PageIndex, Section
from scraper.parse_layers import Embedded

_ORG_HREF = re.compile(r"/organizations/|[?&](organization|responsible_party)=")
_SCHEDULE_TEXT = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}\s*→|^\d{4}-\d{2}-\d{2}\s*→|^\d{1,2}/\d{1,2}/\d{4}\s*→")


def infer_renamed_headings(index: PageIndex, embedded: Embedded) -> None:
    """V3 admins rename block headings (`fieldLabel`): recognise a block by what it holds, not what it is called."""
    known = [index.section(h) for h in index.headings if h.field not in (None, vocab.CHROME)]
    # the embedded texts are cleaned once a page, not once a heading: a long description under many sub-headings
    # made the page's cost grow with headings × description length
    texts = [(name, clean_inline(value)) for name, value in (
        ("description", embedded.description), ("lead", embedded.lead),
        ("official_description", embedded.official_description)) if value]
    for heading in index.headings:
        if heading.field is not None or heading.level == 1:
            continue
        if any(k.start <= heading.entry < k.end for k in known):
            continue  # a task title, an indicator name, an update's title: part of a known block
        section = index.section(heading)
        inferred = _what_section_holds(index, section, embedded, texts)
        if inferred is not None:
            heading.field = inferred


def _what_section_holds(
    index: PageIndex, section: Section, embedded: Embedded, texts: list[tuple[str, str]]
) -> str | None:
    inner = [h for h in index.headings if section.start <= h.entry < section.end]
    if any(h.field in ("tasks_done", "tasks_todo", "tasks_in_progress") for h in inner):
        return "tasks"
    tops = index.tops_in(section.start, section.end)
    nodes = [index.nodes[k] for k in tops]
    anchors = index.anchors_in(tops)
    hrefs = [a.attributes.get("href") or "" for a in anchors]
    if hrefs and all(_ORG_HREF.search(h) for h in hrefs):
        return "responsible_organizations"
    if hrefs and all("/indicators/" in h for h in hrefs):
        return "indicators"
    text = entries_block_text(index, tops)
    if not text:
        return None
    flat = clean_inline(text)
    paragraphs = text.split("\n\n")
    body: str | None = None
    for field_name, cleaned in texts:
        if cleaned == flat:
            return field_name
        if body is None:
            body = clean_inline("\n\n".join(p for p in paragraphs if not (p.startswith("(") and p.endswith(")"))))
        if cleaned == body:
            return field_name
    lowered = flat.casefold()
    if lowered.startswith(vocab.TIMELINE_BETWEEN) or lowered in vocab.CONTINUOUS_WORDS or _SCHEDULE_TEXT.match(flat):
        return "schedule"
    names = [c["name"] for c in embedded.contact_persons]
    if names and paragraphs and paragraphs[0] in names:
        return "contact_persons"
    for el in (e for n in nodes if n.tag != "-text" for e in n.css("[aria-label]")):
        label = (el.attributes.get("aria-label") or "").casefold()
        if label.startswith(("pääyhteyshenkilö", "huvudkontaktperson", "main contact person")):
            return "contact_persons"
    return None
