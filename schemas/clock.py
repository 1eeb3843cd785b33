"""The time vahti stamps on what it writes, and a way to set it for replays and tests.

A run is dated by the moment it starts (`runs.started_at`), a page by the moment it arrived. Stories that span
weeks (a status that flips and returns within 14 days, a translation that follows a month late) can only be
replayed or tested with runs dated weeks apart, so `VAHTI_NOW` (an ISO date/time; naive = Helsinki, a bare date =
06:00 Helsinki) sets the clock at which a process starts: every later reading moves on with real time from there.
Unset, the clock is the system's.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

from schemas.errors import UsageError

ENV = "VAHTI_NOW"
_HELSINKI = ZoneInfo("Europe/Helsinki")
_start: tuple[str, dt.datetime, float] | None = None


class ClockError(UsageError):
    """VAHTI_NOW does not hold a date or date/time: a usage error (exit code 2)."""


def now() -> dt.datetime:
    """The current instant (aware, UTC), from VAHTI_NOW when it is set."""
    global _start
    text = os.environ.get(ENV, "").strip()
    if not text:
        return dt.datetime.now(dt.UTC)
    if _start is None or _start[0] != text:
        _start = (text, _parse(text), time.monotonic())
    return _start[1] + dt.timedelta(seconds=time.monotonic() - _start[2])


def _parse(text: str) -> dt.datetime:
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(6), _HELSINKI).astimezone(dt.UTC)
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(f"{ENV}={text!r} is not a date or date/time (e.g. 2026-03-01 or 2026-03-01T06:00)") from None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=_HELSINKI)).astimezone(dt.UTC)
