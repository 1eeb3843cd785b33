"""WHEN as a user writes it: a run id, or an ISO date/time; a bare date means "by the end of that day in Helsinki",
because that is the day a reader of the Finnish site means.

Only the words are read here; which run they name is the archive's read model's answer
(`snapshots.report_read.resolve_when`), so every command reads WHEN the same way.
"""

from __future__ import annotations

import datetime as dt

from schemas.dates import HELSINKI
from schemas.errors import UsageError


def parse_when(text: str) -> int | dt.datetime:
    """A run id, or the instant a date/time points at (end of the day for a bare date; naive = Helsinki)."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), HELSINKI) - dt.timedelta(
                microseconds=1
            )
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"bad WHEN {text!r}: give a run id or an ISO date/time such as 2024-05-01 or 2024-05-01T12:00"
        ) from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=HELSINKI)
