"""The baseline a vahti user would otherwise write: the same fields read with BeautifulSoup over lxml.

It is written the way a careful scraper author would write it for the Finnish pages of every front-end era:
one pass over the headings to anchor on their labels (class names are hashed and change with every build), then
each field read from its section. It extracts the fields the benchmark compares (name, identifier, description,
status, organisations, contacts, tasks, updated date, previous/next) and nothing else: no embedded JSON, no
Swedish/English labels, no extra sections, no validation. So it does less work than vahti's parser, which makes
the comparison generous to it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import lxml  # noqa: F401  (the parser BeautifulSoup is given; fail at import when absent)
from bs4 import BeautifulSoup, Tag

_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SECTION_HEADINGS = ("h2", "h3", "h5")
_UPDATED = re.compile("Tietoja päivitetty")
_ROLE = re.compile("PersonRole")
_ORG = re.compile("PersonOrg")


def _clean(text: str) -> str:
    return " ".join(text.replace("\xad", "").split())


def _iso(text: str) -> str | None:
    m = _DATE.search(text)
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else None


def _section(heading: Tag) -> Tag:
    parent = heading.parent
    return parent if isinstance(parent, Tag) else heading


def extract(html: bytes, url: str) -> dict[str, Any]:
    soup = BeautifulSoup(html.decode("utf-8"), "lxml")
    headings: dict[str, Tag] = {}
    for h in soup.find_all(_SECTION_HEADINGS):
        headings.setdefault(_clean(h.get_text()), h)

    out: dict[str, Any] = {"url": url}
    h1 = soup.find("h1")
    if h1 is not None:
        spans = h1.find_all("span", recursive=False)
        out["identifier"] = _clean(spans[0].get_text()) if spans else None
        if len(spans) > 1:
            out["name"] = _clean(spans[1].get_text())
        else:
            full = _clean(h1.get_text(" "))
            out["name"] = full[len(out["identifier"] or ""):].strip()

    out["description"] = _description(soup, headings)
    out["status"] = _status(headings)
    out["responsible_organizations"] = _orgs(headings)
    out["contact_persons"] = _contacts(headings)
    out["tasks"] = _tasks(headings)
    out["updated_at"] = None
    for node in soup.find_all(string=_UPDATED):
        if node.parent is not None and node.parent.name not in ("script", "template"):
            out["updated_at"] = _iso(_clean(node.parent.get_text(" ")))
            break
    out["previous_url"] = out["next_url"] = None
    for a in soup.find_all("a", href=True):
        text = _clean(a.get_text(" "))
        if text.startswith("Edellinen") and out["previous_url"] is None:
            out["previous_url"] = urljoin(url, str(a["href"]))
        elif text.startswith("Seuraava") and out["next_url"] is None:
            out["next_url"] = urljoin(url, str(a["href"]))
    return out


def _paragraphs(container: Tag) -> str:
    for br in container.find_all("br"):
        br.replace_with("\n")
    blocks = [_clean(b.get_text()) for b in container.find_all(["p", "li"])]
    return "\n\n".join(b for b in blocks if b)


def _description(soup: BeautifulSoup, headings: dict[str, Tag]) -> str | None:
    hidden = headings.get("Kuvaus")  # V3: a visually hidden heading inside the text block
    if hidden is not None:
        return _paragraphs(_section(hidden))
    main = soup.select_one("div.col-md-7")  # V1/V2: the first section of the main column
    if main is None:
        return None
    first = main.find("div")
    return _paragraphs(first) if isinstance(first, Tag) else None


def _status(headings: dict[str, Tag]) -> str | None:
    h = headings.get("Eteneminen")
    if h is None:
        return None
    strings = [_clean(x) for x in _section(h).stripped_strings]
    return strings[-1] if len(strings) > 1 else None


def _orgs(headings: dict[str, Tag]) -> list[str]:
    h = headings.get("Vastuuorganisaatiot")
    if h is None:
        return []
    return [_clean(b.get_text()) for b in _section(h).select(".badge")]


def _contacts(headings: dict[str, Tag]) -> list[dict[str, str | None]]:
    h = headings.get("Yhteyshenkilöt")
    if h is None:
        return []
    people = []
    for li in _section(h).find_all("li"):
        img = li.find("img")
        avatar = li.find(attrs={"role": "img"})
        lines = [_clean(p.get_text()) for p in li.find_all(["p", "div"]) if not p.find(["p", "div"])]
        lines = [x for x in lines if x and x != "Yhteystiedot"]
        name = str(img["alt"]) if img is not None else (lines[0] if lines else "")
        if avatar is not None and lines:
            name = lines[0]
        role = li.find(class_=_ROLE)
        org = li.find(class_=_ORG)
        if role is not None or org is not None:  # class names still say which line is which (V1, V3)
            title = _clean(role.get_text()) if role is not None else None
            organization = _clean(org.get_text()) if org is not None else None
        else:  # hashed classes (V2): by position
            rest = [x for x in lines if x != name]
            title, organization = (rest[0] if rest else None), (rest[1] if len(rest) > 1 else None)
        people.append({"name": name, "title": title, "organization": organization})
    return people


_DONE_GROUPS = ("Mitä on tehty?",)
_NOW_GROUPS = ("Mitä nyt tehdään?",)


def _tasks(headings: dict[str, Tag]) -> list[dict[str, str | None]]:
    h = headings.get("Tehtävät")
    if h is None:
        return []
    container = h.find_parent("div", class_="container") or h.find_parent("div", class_=re.compile("MainBottom"))
    if container is None:
        return []
    tasks = []
    for li in container.select("li.list-group-item"):
        group = li.find_previous(["h3", "h5"])
        label = _clean(group.get_text()) if group is not None else ""
        state = "done" if label in _DONE_GROUPS else "in_progress" if label in _NOW_GROUPS else "todo"
        spans = li.find_all("span")
        date = spans[0] if spans else None
        title = li.find(["h4", "h6"]) or (spans[1] if len(spans) > 1 else None)
        details = li.find(["small", "div"], class_=re.compile("task-details")) or li.find("small")
        date_text = _clean(date.get_text()) if date is not None else ""
        tasks.append({
            "state": state,
            "title": _clean(title.get_text()) if title is not None else "",
            "date_text": date_text,
            "date": _iso(date_text) if date_text.count(".") == 2 else None,
            "details": _paragraphs(details) if details is not None else None,
        })
    return tasks
