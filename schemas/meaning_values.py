"""Canonical forms of values that front-end eras print differently: whitespace, dates, schedules, neighbours.

Kept apart from `schemas.meaning` (which decides what is compared) so each file holds one idea.
"""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from schemas.dates import parse_day

#: "2021", "2021-06", "2021-06-01": a date at year, month or day precision; prefixes compare across precisions
ISO_PREFIX: Final = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")

_DAY = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}")
_MONTH_FIRST = re.compile(r"(\d{1,2})[./](\d{4})")  # fi "6.2021", en "6/2021", "06/2021"
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})")  # sv "2021-06"
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")
#: the words V2/V3 print before a schedule row's years (reference 11.2, 12.6; replica locale)
_SCHEDULE_PREFIXES = ("toteutetaan aikavälillä", "tidsram mellan", "timeframe between")
_CONTINUOUS = frozenset({"jatkuva", "ständig", "continuous"})


def collapse(value: Any) -> str | None:
    """Text with every run of whitespace one space; "" and None both mean nothing. A newline inside a paragraph,
    "\\n" versus "\\n\\n" between paragraphs and double spaces are presentation, never meaning."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def date_point(text: str, language: str = "fi") -> str:
    """A printed date as ISO at the precision shown: "01.03.2019" and "1.3.2019" → "2019-03-01"; "6.2021",
    "06/2021", "2021-06" → "2021-06"; "2021" → "2021". Anything else is kept as (collapsed) text."""
    t = " ".join(text.split())
    if _DAY.fullmatch(t):
        day = parse_day(t, language)
        if day is not None:
            return day.isoformat()
    if (m := _MONTH_FIRST.fullmatch(t)) and 1 <= int(m[1]) <= 12:
        return f"{int(m[2]):04d}-{int(m[1]):02d}"
    if (m := _YEAR_FIRST.fullmatch(t)) and 1 <= int(m[2]) <= 12:
        return f"{int(m[1]):04d}-{int(m[2]):02d}"
    return t  # a year ("2021") is already its ISO form; other text stays as shown


def when_meaning(date: Any, date_text: str, language: str = "fi") -> str | None:
    """A task's date: the full day when the record has one (its printed form does not matter), else the printed
    month or year in ISO form, else the text as shown."""
    if date:
        return str(date)
    text = collapse(date_text)
    return None if text is None else date_point(text, language)


def schedule_meaning(text: str | None, language: str = "fi") -> str | None:
    """One form for a schedule whatever the era printed: years "2019–2021" (V1's row name "2019–2021", V2/V3's
    "Toteutetaan aikavälillä 2019 - 2021", sv "Tidsram mellan", en "Timeframe between"), "continuous" ("Jatkuva",
    "Ständig", "Continuous"), ISO dates "2020-01-01–2023-12-31" ("1.1.2020 → 31.12.2023"). "" is nothing."""
    t = collapse(text)
    if t is None:
        return None
    low = t.casefold()
    for prefix in _SCHEDULE_PREFIXES:
        if low.startswith(prefix):
            t = t[len(prefix):].strip(" :")
            low = t.casefold()
            break
    if not t:
        return None
    if low in _CONTINUOUS:
        return "continuous"
    if "→" in t:
        return "–".join(date_point(part.strip(), language) for part in t.split("→"))
    return _YEARS.sub(r"\1–\2", t)


def neighbour(url: Any) -> str | None:
    """A previous/next link as the identifier it points at: the URL's form (host, language prefix, /action or
    /actions) is presentation, which action is next is not."""
    if not url:
        return None
    return unquote(urlsplit(str(url)).path.rstrip("/").rsplit("/", 1)[-1]) or None
