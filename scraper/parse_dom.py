"""What the visible page shows, read by labels and heading structure.

The result holds only what the page shows: a key is present when its section (or its field) is on the page,
so the merge can tell "shown empty" from "not shown" and let embedded data fill only the latter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from schemas import vocab
from schemas.action import ParseWarning
from schemas.dates import parse_day
from schemas.text import clean_inline
from scraper import dom_items, dom_orgs
from scraper.dom_furniture import in_page_furniture
from scraper.dom_infer import infer_renamed_headings
from scraper.dom_leading import leading_description
from scraper.dom_pager import read_pager
from scraper.dom_status import PERCENT, phase_after, read_status
from scraper.html_text import inside_anchor
from scraper.index_find import top_most
from scraper.index_text import block_text, entries_block_text, inline_text
from scraper.page_index import HEADING_TAGS, Heading, PageIndex, Section
from scraper.parse_categories import category_type_key
from scraper.parse_layers import CategoryBlock, Embedded, Shown, ShownCategory, TaskItem
from scraper.urls import action_location

_IDENTIFIER = re.compile(r"^[A-Za-z]{0,4}\d+(?:[.\-]\d+)*[A-Za-z]?\.?$")
_GROUP_STATE = {"tasks_done": "done", "tasks_in_progress": "in_progress", "tasks_todo": "todo"}
_LI_STATE = re.compile(r"state--([A-Za-z_]+)")
_READ_BY_ITEM = frozenset({"official_description", "status", "completion", "links", "status_updates", "tasks"})
_STRIP = ["script", "style", "noscript", "svg", "template", "iframe"]


@dataclass
class DomResult:
    shown: Shown = field(default_factory=Shown)
    extra_sections: dict[str, str] = field(default_factory=dict)
    warnings: list[ParseWarning] = field(default_factory=list)
    evidence: int = 0
    updated_line: int | None = None  # index entry of the "Tietoja päivitetty" line: a boundary no text crosses


def read_dom(tree: LexborHTMLParser, url: str, language: str, embedded: Embedded | None = None) -> DomResult:
    result = DomResult()
    tree.strip_tags(_STRIP)
    body = tree.body or tree.root
    if body is None:
        return result
    action_root = tree.css_first('[data-testid="action-page"]')
    root = action_root or body
    result.evidence += 2 if action_root is not None else 0
    _test_banner(body, result)
    result.evidence += read_pager(body, url, result.shown)
    index = PageIndex(root)
    infer_renamed_headings(index, embedded or Embedded())
    h1 = _title_heading(index)
    if h1 is not None:
        _identifier_and_name(index, h1, url, result)
    _updated_at(index, language, result)
    sections = _sections(index, h1)
    claimed: list[tuple[int, int]] = []
    for section in sections:
        if section.heading.field in (None, vocab.CHROME):
            continue
        _read_section(index, section, url, language, result)
        claimed.append((section.heading.entry, section.end))
        result.evidence += 1
    _task_groups(index, sections, language, result)
    _categories(index, sections, result)
    if result.shown.description is None and h1 is not None:
        described = leading_description(index, h1, sections, url, result.shown, result.updated_line)
        if described is not None:
            claimed.append(described)  # its sub-headings are the description's, not sections of their own
    if result.shown.lead is None and h1 is not None:
        _bold_lead(index, h1, sections, claimed, result)
    _extra_sections(index, sections, claimed, result)
    return result


# --- page-level signals ---------------------------------------------------------------------------------------
def _test_banner(body: LexborNode, result: DomResult) -> None:
    text = (body.text(deep=True, separator=" ") or "").casefold()
    if any(word in text for word in vocab.TEST_BANNER_WORDS):
        result.shown.test_instance = True


def _title_heading(index: PageIndex) -> LexborNode | None:
    for heading in index.headings:
        if heading.level == 1 and heading.field != vocab.CHROME:
            return index.nodes[heading.entry]
    return None


def _identifier_and_name(index: PageIndex, h1: LexborNode, url: str, result: DomResult) -> None:
    pieces: list[str] = []
    for child in h1.iter(include_text=True):
        text = clean_inline(child.text_content or "") if child.tag == "-text" else inline_text(index, child)
        if text:
            pieces.append(text)
    location = action_location(url)
    url_id = location.identifier if location else None
    identifier = None
    if len(pieces) >= 2 and (pieces[0].rstrip(".") == url_id or _IDENTIFIER.match(pieces[0])):
        identifier = pieces[0].rstrip(".")
        name = " ".join(pieces[1:])
    else:
        name = " ".join(pieces)
        rest = name[len(url_id or "") :]
        # "111Julkisten …" is the number glued to the name; "2 000 uutta …" is a name starting with a number
        if url_id and name.startswith(url_id) and not rest[:1].isdigit() and not rest.lstrip(". ")[:1].isdigit():
            identifier, name = url_id, name[len(url_id) :].lstrip(". ")
    if identifier:
        result.shown.identifier = identifier
    if name:
        result.shown.name = clean_inline(name)


def _updated_at(index: PageIndex, language: str, result: DomResult) -> None:
    for k, raw in enumerate(index.texts):
        if "ivitetty" not in raw and "pdat" not in raw:  # cheap filter before cleaning every text of the page
            continue
        text = clean_inline(raw).casefold()
        if not any(text.startswith(prefix) for prefix in vocab.UPDATED_PREFIXES):
            continue
        parent = index.nodes[k].parent
        for _ in range(3):
            if parent is None:
                break
            shown = inline_text(index, parent)
            day = parse_day(shown, language)
            if day is not None:
                result.shown.updated_at = day
                result.updated_line = index.by_id[parent.mem_id]
                result.evidence += 1
                return
            parent = parent.parent


# --- sections ---------------------------------------------------------------------------------------------------
def _sections(index: PageIndex, h1: LexborNode | None) -> list[Section]:
    out = []
    h1_entry = index.index_of(h1) if h1 is not None else -1
    for heading in index.headings:
        if heading.entry == h1_entry:
            continue
        if in_page_furniture(index, heading.entry):
            continue
        out.append(index.section(heading))
    return out


def _read_section(index: PageIndex, section: Section, url: str, language: str, result: DomResult) -> None:
    name = section.heading.field
    tops = index.tops_in(section.start, section.end)
    nodes = [index.nodes[k] for k in tops]
    # the section's whole text only where a field is that text or an empty marker decides: task lists, status
    # blocks and link lists are read item by item
    text = "" if name in _READ_BY_ITEM else entries_block_text(index, tops)
    empty = text.casefold() in vocab.EMPTY_MARKERS or not text
    shown = result.shown
    if name == "description":
        shown.description = text
        shown.description_links = dom_items.read_links(index, tops, url)
    elif name == "lead":
        shown.lead = text or None
        shown.lead_links = dom_items.read_links(index, tops, url)
    elif name == "official_description":
        _official(index, nodes, shown)
    elif name in ("status", "completion"):
        note = read_status(index, nodes, shown, completion_only=name == "completion")
        if name == "status" and shown.implementation_phase is None:
            phase_after(index, section, shown)
        if note:  # V3 manualStatusReason: a paragraph under the badge, kept under the heading it stands under
            result.extra_sections[section.heading.text] = note
    elif name == "implementation_phase":
        shown.implementation_phase = clean_inline(text) or None
    elif name == "schedule":  # "1.1.2020 →" and "31.12.2023" sit in separate spans: one arrow, spaced
        shown.schedule = re.sub(r"\s*→\s*", " → ", clean_inline(text.replace("\n", " "))).strip()
    elif name == "impact":
        value = clean_inline(text.replace("\n", " "))
        value = re.sub(r"\s+(vaikutus|impact|påverkan)$", "", value, flags=re.I)
        shown.impact = value or None
    elif name == "responsible_organizations":
        shown.responsible_organizations = [] if empty else dom_orgs.read_organizations(index, nodes)
    elif name == "contact_persons":
        shown.contact_persons = [] if empty else dom_items.read_contacts(index, nodes)
    elif name == "indicators":
        shown.indicators = [] if empty else dom_items.read_indicators(index, nodes, url)
    elif name == "links":
        shown.links = dom_items.read_links(index, tops, url)
    elif name == "status_updates":
        shown.status_updates = dom_items.read_status_updates(index, nodes, language)
    elif name == "tasks":
        if shown.tasks is None:
            shown.tasks = []
    elif name == "updated_at":
        day = parse_day(text, language)
        if day:
            shown.updated_at = day


def _official(index: PageIndex, nodes: list[LexborNode], shown: Shown) -> None:
    skip: set[int] = set()
    label = source = None
    for node in nodes:
        if node.tag == "-text":
            continue
        for cand in [node, *node.css("strong, b, small, p, div, span")]:
            text = inline_text(index, cand)
            lowered = text.casefold()
            if label is None and cand.tag in ("strong", "b", "p", "div", "span") and any(
                lowered == p or lowered == p + ":" for p in vocab.OFFICIAL_LABEL_PREFIXES
            ):
                label = text
                skip.add(cand.mem_id)
            elif (
                source is None
                and cand.tag in ("small", "p", "div", "span")
                and text.startswith("(")
                and text.endswith(")")
                and (cand.tag == "small" or not cand.css("div, p"))
            ):
                source = text
                skip.add(cand.mem_id)
    shown.official_description = _without(index, nodes, frozenset(skip))
    shown.official_description_label = label
    shown.official_description_source = source


def _without(index: PageIndex, nodes: list[LexborNode], skip: frozenset[int]) -> str:
    return "\n\n".join(p for p in (block_text(index, n, skip) if n.tag != "-text" else clean_inline(n.text_content or "")
                                   for n in nodes) if p)


def _task_groups(
    index: PageIndex, sections: list[Section], language: str, result: DomResult
) -> None:
    tasks: list[TaskItem] = []
    shown = result.shown.tasks is not None
    grouped = False
    for section in sections:
        state = _GROUP_STATE.get(section.heading.field or "")
        if state is None:
            continue
        grouped = shown = True
        for li in top_most(index, index.nodes_in(section.start, section.end), "li"):
            task = dom_items.read_task(index, li, state, language)
            if task:
                tasks.append(task)
    span = next(((s.start, s.end) for s in reversed(sections) if s.heading.field == "tasks"), None)
    if not grouped and span is not None:
        for li in top_most(index, index.nodes_in(*span), "li"):
            match = _LI_STATE.search(li.attributes.get("class") or "")
            raw = (match.group(1) if match else "").upper()
            state = {"COMPLETED": "done", "IN_PROGRESS": "in_progress"}.get(raw, "todo")
            task = dom_items.read_task(index, li, state, language)
            if task:
                tasks.append(task)
    if shown:
        result.shown.tasks = tasks


def _categories(index: PageIndex, sections: list[Section], result: DomResult) -> None:
    """Breadcrumb links and V1 hero badges before the first labelled block; category-type blocks in the aside."""
    first_section = min((s.heading.entry for s in sections if s.heading.field not in (None, vocab.CHROME)),
                        default=len(index.nodes))
    shown = result.shown.categories
    badges = index.with_class("badge")
    for k, tag in enumerate(index.tags[:first_section]):
        if tag == "-text":
            continue
        node = index.nodes[k]
        if tag == "a":
            key = category_type_key(index.attrs(k).get("href") or "")
            if key is not None:
                shown.crumbs.append(ShownCategory(inline_text(index, node), key))
        elif k in badges:
            text = inline_text(index, node)
            if text and not inside_anchor(node) and vocab.label_field(text) != vocab.CHROME:
                shown.crumbs.append(ShownCategory(text, None))
    for section in sections:
        if section.heading.field is not None:
            continue
        anchors = index.anchors_in(index.tops_in(section.start, section.end))
        keys = [category_type_key(a.attributes.get("href") or "") for a in anchors]
        if anchors and all(k is not None for k in keys):
            values = [ShownCategory(inline_text(index, a), k) for a, k in zip(anchors, keys, strict=True)]
            shown.blocks.append(CategoryBlock(section.heading.text, values))


def _bold_lead(
    index: PageIndex, h1: LexborNode, sections: list[Section], claimed: list[tuple[int, int]], result: DomResult
) -> None:
    """V2 printed the lead paragraph as a bare `<strong>` block with no heading, after the hero and before the
    (hidden-headed) description: a block of its own that is all bold, outside every labelled section."""
    start = index.ends[index.index_of(h1)]
    end = next((s.heading.entry for s in sections if s.heading.field == "description" and s.heading.entry > start), None)
    if end is None:
        return
    status = {(s.heading.entry, s.end): s.heading.text for s in sections if s.heading.field in ("status", "completion")}
    for k in range(start, end):
        node = index.nodes[k]
        if node.tag not in ("strong", "b") or node.css_first("a") is not None:
            continue
        # a flat V2 layout runs the "Eteneminen" section on into the lead: the lead may lie in a status range
        inside = [span for span in claimed if span[0] <= k < span[1]]
        if any(span not in status for span in inside):
            continue
        parent = node.parent
        text = inline_text(index, node)
        if parent is None or not text or in_page_furniture(index, k) or inline_text(index, parent) != text:
            continue
        if vocab.label_field(text) is not None or PERCENT.search(text):
            continue
        result.shown.lead = lead = block_text(index, node) or text
        result.shown.lead_links = []
        for span in inside:
            note = result.extra_sections.pop(status[span], "")
            kept = "\n\n".join(p for p in note.split("\n\n") if clean_inline(p) != clean_inline(lead))
            if kept:
                result.extra_sections[status[span]] = kept
        return


def _extra_sections(index: PageIndex, sections: list[Section], claimed: list[tuple[int, int]], result: DomResult) -> None:
    category_headings = {block.heading for block in result.shown.categories.blocks}
    taken = list(claimed)
    # the causal chain's nodes are indicator names set as headings: part of the chain, not sections of the action
    taken += [(s.heading.entry, s.end) for s in sections if s.heading.text.casefold() in vocab.CAUSAL_HEADINGS]
    headings_at = {s.heading.entry: s.heading for s in sections}
    for section in sections:
        heading: Heading = section.heading
        if heading.field is not None or heading.hidden:
            continue
        if any(start < heading.entry < end for start, end in taken):
            continue
        taken.append((heading.entry, section.end))
        if heading.text in category_headings:
            continue
        text = index.text_in(section.start, section.end)
        following = headings_at.get(section.end)
        if not text and following is not None and following.level > heading.level:
            continue  # an admin's section title over blocks of its own (ActionContentSectionBlock): no content itself
        key = heading.text
        if key in result.extra_sections:
            result.extra_sections[key] = result.extra_sections[key] + "\n\n" + text if text else result.extra_sections[key]
        else:
            result.extra_sections[key] = text


__all__ = ["HEADING_TAGS", "DomResult", "read_dom"]
