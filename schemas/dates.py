"""Dates as Kausal Watch prints them, in every era and language.

Finnish pages print `15.10.2019` (padded or not), `3.2019` (month) or `2019` (year); Swedish dayjs `L` prints
`2019-10-15`; English prints `04/14/2025` (en-US) or `14/04/2025` (en-GB). Only a full day becomes a `date`; a
month or a year stays text, because inventing a day would be a fact the page never stated.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from schemas.text import clean_inline

HELSINKI = ZoneInfo("Europe/Helsinki")

_DMY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_SLASH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_MONTH_YEAR = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{4})(?![\d.])")
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.])")

DATE_TEXT = re.compile(
    r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"  # a day: fi, sv (ISO), en
    r"|\d{1,2}\.\d{4}|\d{4}-\d{1,2}(?![\d-])|\d{1,2}/\d{4}"  # a month: fi 3.2019, sv 2019-03, en 3/2019
    r"|(?:19|20)\d{2}"  # a year
)


def sort_key(day: dt.date | None, text: str) -> str:
    """An ISO-like key for a date as shown: a month or a year sorts as its first day, no date last."""
    if day is not None:
        return day.isoformat()
    text = clean_inline(text)
    if m := _MONTH_YEAR.fullmatch(text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text):
        return f"{int(m[2]):04d}-{int(m[1]):02d}-01"
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return f"{int(m[1]):04d}-{int(m[2]):02d}-01"
    if m := _YEAR.fullmatch(text):
        return f"{m[1]}-01-01"
    return "9999"


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_day(text: str, language: str = "fi") -> dt.date | None:
    """The full day in `text`, or None when it shows less than a day (or no date at all).

    On English pages `a/b/yyyy` is month first (en-US, the Kausal default) unless that is impossible."""
    text = clean_inline(text)
    if m := _DMY.search(text):
        return _safe(int(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.search(text):
        return _safe(int(m[1]), int(m[2]), int(m[3]))
    if m := _SLASH.search(text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if language == "en":
            return _safe(year, a, b) or _safe(year, b, a)
        return _safe(year, b, a) or _safe(year, a, b)
    return None


def parse_iso_day(value: str | None) -> dt.date | None:
    """A GraphQL date (`2019-10-15`) or timestamp; a timestamp's day is taken in Europe/Helsinki."""
    if not value:
        return None
    value = value.strip()
    try:
        if "T" in value or " " in value:
            stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if stamp.tzinfo is None:
                return stamp.date()
            return stamp.astimezone(HELSINKI).date()
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def format_fi(day: dt.date, padded: bool = True) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}" if padded else f"{day.day}.{day.month}.{day.year}"
