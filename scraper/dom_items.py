"""Items inside a section: tasks, contacts, indicators, links, status updates (organisations: `dom_orgs`).

Each reader takes the section's nodes and relies on tags, link targets and text shapes (a date, a heading, a
parenthesised caption), never on hashed class names, so that a redesign that keeps the words keeps the data.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from schemas import vocab
from schemas.dates import DATE_TEXT, parse_day
from schemas.text import clean_block, clean_inline
from scraper.dom_orgs import ORG_SUFFIX_SKIP
from scraper.index_find import entry_of, top_most
from scraper.index_text import block_text, entries_block_text, inline_text
from scraper.page_index import HEADING_TAGS, TEXT, PageIndex
from scraper.parse_layers import ContactItem, IndicatorItem, LinkItem, TaskItem, UpdateItem
from scraper.urls import absolute

_STATE_WORDS = re.compile(r"^(?:tehty|tehtävä|gjort|att göra|done|todo)\s*", re.I)


def lines_of(index: PageIndex, node: LexborNode, skip_roots: frozenset[int] = frozenset()) -> list[str]:
    """Visible text of a node as lines (paragraphs and line breaks), chrome words dropped."""
    text = block_text(index, node, skip_roots)
    out = []
    for para in text.split("\n"):
        line = clean_inline(para)
        if line and vocab.label_field(line) != vocab.CHROME:
            out.append(line)
    return out


# --- tasks ---------------------------------------------------------------------------------------------------
def read_task(index: PageIndex, li: LexborNode, state: str, language: str) -> TaskItem | None:
    heading = _first_heading(index, li)
    if heading is not None:
        title = inline_text(index, heading)
        before, after = _split_around(index, li, heading)
        date_text = _first_date(" ".join(before))
        details = clean_block("\n\n".join(after)) or None
    else:
        # paragraphs of lines: the first line is the task's header; the rest keeps its shape (a table's rows)
        paragraphs = [[ln for ln in (clean_inline(x) for x in para.split("\n"))
                       if ln and vocab.label_field(ln) != vocab.CHROME] for para in block_text(index, li).split("\n\n")]
        paragraphs = [para for para in paragraphs if para]
        if not paragraphs:
            return None
        first = _STATE_WORDS.sub("", paragraphs[0].pop(0))
        date_text = _first_date(first)
        title = first
        if date_text:
            head, tail = first.split(date_text, 1)
            title = clean_inline(tail).lstrip("|•-–: ").strip()
            if not title:  # "• Kylvetään niityt 3.2025": the date closes the line
                title = clean_inline(head).strip("|•-–: ").strip()
            rest = [para for para in paragraphs if para]
            if not title and rest:
                title = rest[0].pop(0)
        details = clean_block("\n\n".join("\n".join(para) for para in paragraphs if para)) or None
    if not title:
        return None
    return {
        "state": state,
        "date": parse_day(date_text, language) if date_text else None,
        "date_text": date_text or "",
        "title": title,
        "details": details,
    }


def _first_date(text: str) -> str | None:
    match = DATE_TEXT.search(_STATE_WORDS.sub("", clean_inline(text)))
    return match.group(0) if match else None


def _first_heading(index: PageIndex, li: LexborNode) -> LexborNode | None:
    k = entry_of(index, li, tags_only=True)
    if k is None:
        return next((n for n in li.traverse() if n.tag in HEADING_TAGS and n.mem_id != li.mem_id), None)
    tags = index.tags
    return next((index.nodes[j] for j in range(k + 1, index.ends[k]) if tags[j] in HEADING_TAGS), None)


def _split_around(index: PageIndex, container: LexborNode, marker: LexborNode) -> tuple[list[str], list[str]]:
    """Text lines of a container before and after one of its descendants (the marker itself excluded)."""
    by_id = index.by_id
    start, at = by_id.get(container.mem_id), by_id.get(marker.mem_id)
    if start is None or at is None or index.left_out_in(start, at):
        return _split_around_nodes(index, container, marker)
    tags, texts, ends = index.tags, index.texts, index.ends
    text_before: list[str] = []
    in_button_until = -1  # a button's text is its label, not the item's
    for j in range(start + 1, at):
        tag = tags[j]
        if tag == TEXT:
            if j >= in_button_until:
                text_before.append(texts[j])
        elif tag == "button" and ends[j] > in_button_until:
            in_button_until = ends[j]
    return ([clean_inline(" ".join(text_before))] if text_before else [], _after_lines_at(index, at, start))


def _after_lines_at(index: PageIndex, at: int, container: int) -> list[str]:
    """`_after_lines` from the index: the siblings after the marker and after each ancestor below the container."""
    tags, texts, ends, parents = index.tags, index.texts, index.ends, index.parents
    out = []
    k = at
    while k != container and k >= 0:
        parent = parents[k]
        stop = ends[parent] if parent >= 0 else len(tags)
        j = ends[k]
        while j < stop:
            if tags[j] == TEXT:
                text = clean_inline(texts[j])
                if text:
                    out.append(text)
            else:
                block = entries_block_text(index, [j])
                lines = [p for p in block.split("\n\n") if vocab.label_field(clean_inline(p)) != vocab.CHROME]
                if lines:
                    out.append("\n\n".join(lines))
            j = ends[j]
        k = parent
    return out


def _split_around_nodes(index: PageIndex, container: LexborNode, marker: LexborNode) -> tuple[list[str], list[str]]:
    text_before: list[str] = []
    text_after: list[str] = []
    passed = False
    marker_ids = {n.mem_id for n in marker.traverse(include_text=True)}
    for node in container.traverse(include_text=True):
        if node.mem_id == marker.mem_id:
            passed = True
            continue
        if node.tag != "-text" or node.mem_id in marker_ids or _in_skipped(node, container):
            continue
        target = text_after if passed else text_before
        target.append(node.text_content or "")
    return ([clean_inline(" ".join(text_before))] if text_before else [], _after_lines(index, marker, container))


def _after_lines(index: PageIndex, marker: LexborNode, container: LexborNode) -> list[str]:
    """Paragraph-aware text of everything after the marker inside the container."""
    out = []
    node: LexborNode | None = marker
    while node is not None and node.mem_id != container.mem_id:
        sibling = node.next
        while sibling is not None:
            if sibling.tag == "-text":
                text = clean_inline(sibling.text_content or "")
                if text:
                    out.append(text)
            elif not (sibling.tag or "").startswith("-"):
                text = block_text(index, sibling)
                lines = [p for p in text.split("\n\n") if vocab.label_field(clean_inline(p)) != vocab.CHROME]
                if lines:
                    out.append("\n\n".join(lines))
            sibling = sibling.next
        node = node.parent
    return out


def _in_skipped(node: LexborNode, stop: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        if parent.tag in ("button", "script", "style", "svg", "template"):
            return True
        parent = parent.parent
    return False


# --- contact persons ----------------------------------------------------------------------------------------
def read_contacts(index: PageIndex, nodes: list[LexborNode]) -> list[ContactItem]:
    items = top_most(index, nodes, "li")
    if not items and _avatar_groups(nodes):
        return [_person(g) for g in _avatar_groups(nodes) if g]
    groups = [lines_of(index, li) for li in items] if items else [_lines_of_nodes(index, nodes)]
    contacts = []
    for lines in groups:
        lines = [
            ln for ln in lines
            if not ln.casefold().startswith(ORG_SUFFIX_SKIP) and "@" not in ln and ln.casefold() != "name"
        ]
        if not items:  # no list structure: three lines a person
            for k in range(0, len(lines), 3):
                contacts.append(_person(lines[k : k + 3]))
            continue
        deduped = [ln for k, ln in enumerate(lines) if k == 0 or ln != lines[k - 1]]
        if deduped and deduped[0].casefold() not in vocab.EMPTY_MARKERS:
            contacts.append(_person(deduped))
    return [c for c in contacts if c["name"]]


def _avatar_groups(nodes: list[LexborNode]) -> list[list[str]]:
    """Without a list, each person starts at an avatar (an `img` or a `role=img` div) and runs to the next one."""
    groups: list[list[str]] = []
    for node in nodes:
        if node.tag == "-text":
            continue
        for item in node.traverse(include_text=True):
            if item.tag == "img" or item.attributes.get("role") == "img":
                groups.append([])
            elif item.tag == "-text" and groups and not _in_skipped(item, node):
                line = clean_inline(item.text_content or "")
                keep = line and vocab.label_field(line) != vocab.CHROME and "@" not in line and line.casefold() != "name"
                if keep and (not groups[-1] or groups[-1][-1] != line):
                    groups[-1].append(line)
    return groups


def _person(lines: list[str]) -> ContactItem:
    return {
        "name": lines[0] if lines else "",
        "title": lines[1] if len(lines) > 1 else None,
        "organization": lines[2] if len(lines) > 2 else None,
    }


def _lines_of_nodes(index: PageIndex, nodes: list[LexborNode]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if node.tag == "-text":
            text = clean_inline(node.text_content or "")
            if text:
                out.append(text)
        else:
            out.extend(lines_of(index, node))
    return out


# --- indicators and links -----------------------------------------------------------------------------------
def read_indicators(index: PageIndex, nodes: list[LexborNode], page_url: str) -> list[IndicatorItem]:
    found: list[IndicatorItem] = []
    seen: set[tuple[str, str | None]] = set()
    for node in nodes:
        if node.tag == "-text":
            continue
        for anchor in index.anchors_in([index.index_of(node)]):
            href = anchor.attributes.get("href") or ""
            if "/indicators/" not in urlsplit(href).path:
                continue
            name: str | None = inline_text(index, anchor)
            if not name or vocab.label_field(name) == vocab.CHROME:
                name = _card_heading(index, anchor)
            if name:
                key = (name, absolute(page_url, href))
                if key not in seen:
                    seen.add(key)
                    found.append({"name": name, "url": key[1]})
        headings = [node] if node.tag in HEADING_TAGS else [h for h in node.traverse() if h.tag in HEADING_TAGS]
        for heading in headings:
            name = inline_text(index, heading)
            if name and not any(f["name"] == name for f in found) and vocab.label_field(name) is None:
                found.append({"name": name, "url": None})
                seen.add((name, None))
    return found


def _card_heading(index: PageIndex, anchor: LexborNode) -> str | None:
    parent = anchor.parent
    for _ in range(6):
        if parent is None:
            return None
        heading = next((h for h in parent.traverse() if h.tag in HEADING_TAGS), None)
        if heading is not None:
            return inline_text(index, heading) or None
        parent = parent.parent
    return None


def read_links(index: PageIndex, roots: list[int], page_url: str) -> list[LinkItem]:
    links: list[LinkItem] = []
    for anchor in index.anchors_in(roots):
        href = (anchor.attributes.get("href") or "").strip()
        title = inline_text(index, anchor)
        if href and title and not href.startswith(("javascript:", "#")):
            links.append({"title": title, "url": absolute(page_url, href)})
    return links


# --- status updates -----------------------------------------------------------------------------------------
def read_status_updates(index: PageIndex, nodes: list[LexborNode], language: str) -> list[UpdateItem]:
    updates: list[UpdateItem] = []
    titles = [h for node in nodes if node.tag != "-text" for h in node.traverse() if h.tag in HEADING_TAGS]
    title_ids = {h.mem_id for h in titles}
    for heading in titles:
        container = heading
        while container.parent is not None:
            parent = container.parent
            if any(h.mem_id in title_ids and h.mem_id != heading.mem_id for h in parent.traverse()):
                break
            if not any(parent.mem_id == n.mem_id for n in nodes) and parent.tag in ("body", "html"):
                break
            container = parent
            if any(container.mem_id == n.mem_id for n in nodes):
                break
        time_node = container.css_first("time")
        day = None
        date_text = ""
        if time_node is not None:
            day = parse_day(time_node.attributes.get("datetime") or "", language)
            date_text = inline_text(index, time_node)
            day = day or parse_day(date_text, language)
        before, after = _split_around(index, container, heading)
        before_text = clean_inline(" ".join(before).replace(date_text, " ")) if date_text else clean_inline(
            " ".join(before)
        )
        if day is None:
            found = _first_date(before_text)
            if found:
                day = parse_day(found, language)
                before_text = clean_inline(before_text.replace(found, " "))
        author = clean_inline(re.sub(r"^name\b", "", before_text)) or None
        updates.append({
            "date": day,
            "author": author,
            "title": inline_text(index, heading),
            "body": clean_block("\n\n".join(after)) or None,
        })
    return updates
