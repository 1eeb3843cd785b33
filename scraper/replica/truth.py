"""The ground truth: the Action record a correct parser must return for a page, computed from the plan state
and the era's view (never by parsing the page), following docs/record.md field by field.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin

from schemas.action import Action, ContactPerson, Indicator, Link, Organization, Status, StatusUpdate, Task
from schemas.text import clean_block, clean_inline
from scraper.replica.model import Block, RichText
from scraper.replica.view import ActionView

_STATE_RANK = {"done": 0, "in_progress": 1, "todo": 2}


def paragraph_text(inlines: list[tuple[str, ...]]) -> str:
    parts = []
    for piece in inlines:
        if piece[0] == "text" or piece[0] == "link":
            parts.append(piece[1])
        elif piece[0] == "br":
            parts.append("\n")
    return "".join(parts)


def table_text(block: Block) -> str:
    """A table is one paragraph: a line per row (header kept), cells joined by " | ", so that no cell runs into
    the next ("202510 %")."""
    lines = [" | ".join(clean_inline(paragraph_text(cell)) for cell in row) for row in block.rows]
    return "\n".join(line for line in lines if line.strip(" |"))


def rich_text(rt: RichText | None) -> str | None:
    """Plain text of rich text as record.md says: paragraphs, sub-headings and list items are paragraphs,
    a table one paragraph of its own, `<br>` a newline."""
    if rt is None:
        return None
    paragraphs = []
    for block in rt:
        texts = [table_text(block)] if block.kind == "table" else [clean_block(paragraph_text(i)) for i in block.items]
        paragraphs += [text for text in texts if text]
    return "\n\n".join(paragraphs)


def _inlines(rt: RichText) -> list[list[tuple[str, ...]]]:
    return [run for block in rt for run in (block.items + [cell for row in block.rows for cell in row])]


def rich_links(rt: RichText, page_url: str) -> list[tuple[str, str]]:
    out = []
    for item in _inlines(rt):
        for piece in item:
            if piece[0] == "link":
                out.append((clean_inline(piece[1]), urljoin(page_url, piece[2])))
    return out


def _date_sort_key(task: Task) -> dt.date:
    if task.date is not None:
        return task.date
    text = task.date_text
    digits = [p for p in text.replace("/", ".").replace("-", ".").split(".") if p]
    try:
        if len(digits) == 1:
            return dt.date(int(digits[0]), 1, 1)
        if len(digits) == 2:
            year, month = (int(digits[0]), int(digits[1])) if len(digits[0]) == 4 else (int(digits[1]),
                                                                                           int(digits[0]))
            return dt.date(year, month, 1)
    except ValueError:
        pass
    return dt.date.max


def canonical_tasks(tasks: list[Task]) -> list[Task]:
    return sorted(tasks, key=lambda x: (_STATE_RANK[x.state], _date_sort_key(x), x.title))


def expected_record(view: ActionView, site: str, plan_path: str, embedded: bool = True) -> Action:
    """The record for one page. `embedded=False` (a redesign drops the embedded data) makes the visible
    "Tietoja päivitetty" date authoritative and leaves nothing but the page's text."""
    url = view.url
    links: list[Link] = []
    seen: set[str] = set()
    for title, href in [(clean_inline(a), urljoin(url, b)) for a, b in view.block_links] + rich_links(
        view.description, url
    ):
        if href not in seen:
            seen.add(href)
            links.append(Link(title=title, url=href))
    tasks = [Task(state=x.state, date=x.date, date_text=x.date_text, title=clean_inline(x.title),  # type: ignore[arg-type]
                  details=rich_text(x.details) or None) for x in view.tasks]
    orgs = [Organization(name=o.full_name or o.shown, abbreviation=o.shown if o.full_name else None,
                         role=o.role) for o in view.orgs]  # type: ignore[arg-type]
    updated = view.updated_local
    if not embedded:
        from schemas.dates import parse_day

        updated = parse_day(view.updated_shown, view.lang) or updated
    status = Status(label=view.status[0], identifier=view.status[1]) if view.status else None
    return Action(
        site=site,
        plan_path=plan_path,
        url=url,
        identifier=view.identifier,
        name=clean_inline(view.name),
        lead=clean_block(view.lead) if view.lead else None,
        description=rich_text(view.description) or None,
        official_description=view.official_text,
        official_description_label=view.official_label,
        official_description_source=view.official_source,
        categories=list(dict.fromkeys(view.categories)),
        responsible_organizations=orgs,
        contact_persons=[ContactPerson(name=n, title=ti, organization=o) for n, ti, o, _ in view.contacts],
        status=status,
        implementation_phase=view.phase,
        completion=view.completion,
        impact=view.impact,
        schedule=view.schedule,
        tasks=canonical_tasks(tasks),
        indicators=[Indicator(name=n, url=u) for n, u, _ in view.indicators],
        links=links,
        status_updates=[StatusUpdate(date=u.date, author=u.author, title=clean_inline(u.title),
                                     body=rich_text(u.body) or None) for u in view.updates],
        updated_at=updated,
        previous_url=view.prev_url,
        next_url=view.next_url,
        test_instance=view.test_instance,
        language=view.lang,  # type: ignore[arg-type]
        extra_sections={clean_inline(k): clean_block(v) for k, v in view.extra.items()},
    )
