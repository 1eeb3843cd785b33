"""Silent edits: a change of an action's content that its "Tietoja päivitetty" date does not admit, and the reverse.

A Kausal Watch site tells its readers that an action changed by moving the action's updated date. When the content
changes and the date stays, the site's own readers are never told: a silent edit. When the date moves and nothing a
reader can see changed, the site says something happened that nobody can find: a date-only bump. Both are decided
on the fields whose *meaning* changed (presentation is never a change, `snapshots.causes`), and neighbour links and
the plan's order are left out: they move when another action is added, which is not an edit of this one.
"""

from __future__ import annotations

from collections.abc import Iterable

DATE_FIELD = "updated_at"
SILENT_EDIT = "silent_edit"
DATE_ONLY = "date_only"
#: fields that move without anyone editing the action
NOT_EDITS = frozenset({"previous_url", "next_url", "order"})
#: what a reader is told, in the renderers' words
WORDS = {
    SILENT_EDIT: "silent edit: the content changed, “Tietoja päivitetty” did not",
    DATE_ONLY: "date only: “Tietoja päivitetty” moved, nothing else changed",
}


def silence(fields: Iterable[str]) -> str | None:
    """`silent_edit`, `date_only` or None, for the fields whose meaning one change of an action changed."""
    names = set(fields) - NOT_EDITS
    if not names:
        return None
    if DATE_FIELD not in names:
        return SILENT_EDIT
    if names == {DATE_FIELD}:
        return DATE_ONLY
    return None
