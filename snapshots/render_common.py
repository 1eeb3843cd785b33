"""Words shared by every renderer: field names a reader understands, values as the page showed them, and one
sentence per list operation ("completed on 3.11.2020", "deadline moved from 31.12.2020 to 30.6.2021").

Everything here returns plain, unescaped text; each renderer escapes for its own medium.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from schemas.dates import HELSINKI
from snapshots.change_model import AsOf, RunInfo
from snapshots.diff import FieldChange
from snapshots.worddiff import is_long_text

FIELD_LABELS: dict[str, str] = {
    "status": "Status",
    "name": "Name",
    "implementation_phase": "Phase",
    "completion": "Completion",
    "schedule": "Schedule",
    "tasks": "Tasks",
    "responsible_organizations": "Responsible organisations",
    "contact_persons": "Contact persons",
    "impact": "Impact",
    "lead": "Lead",
    "description": "Description",
    "official_description": "Official description",
    "official_description_label": "Official description label",
    "official_description_source": "Official description source",
    "categories": "Categories",
    "indicators": "Indicators",
    "links": "Links",
    "status_updates": "Status updates",
    "extra_sections": "Other sections",
    "order": "Place in the plan's order",
    "updated_at": "Tietoja päivitetty",
    "test_instance": "Test instance banner",
    "url": "Page address",
    "previous_url": "Previous-action link",
    "next_url": "Next-action link",
}

STATE_WORDS = {"done": "done", "in_progress": "in progress", "todo": "to do"}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def fmt_value(name: str, value: Any) -> str:
    """A value as a short phrase: `None` = not shown on the page, `""` = shown empty."""
    if value is None:
        return "(not shown)"
    if value == "":
        return "(empty)"
    if name == "status" and isinstance(value, dict):
        return str(value.get("label") or value.get("identifier") or "?")
    if name == "completion":
        return f"{value} %"
    if name == "order":
        return f"#{value}"
    if name in ("updated_at", "date"):
        return shown_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "(none)"
    return str(value)


def status_detail(change: FieldChange) -> tuple[str, str]:
    """Old and new status; when only the identifier changed, show it so the line is not 'X → X'."""
    old, new = fmt_value("status", change.old), fmt_value("status", change.new)
    if old == new and isinstance(change.old, dict) and isinstance(change.new, dict):
        old = f"{old} ({change.old.get('identifier')})"
        new = f"{new} ({change.new.get('identifier')})"
    return old, new


def uses_word_diff(change: FieldChange) -> bool:
    return change.items is None and (is_long_text(change.old) or is_long_text(change.new))


@dataclass(frozen=True)
class ItemLine:
    """One list operation as words: `verb` ("completed on 3.11.2020"), `label` (the task title or the name),
    `detail` (what else changed, may be empty)."""

    op: str
    symbol: str
    verb: str
    label: str
    detail: str = ""


_SYMBOLS = {"added": "+", "removed": "-", "completed": "✓", "moved": "→", "changed": "~", "reordered": "↕"}


def _task_bits(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    bits = [STATE_WORDS.get(str(item.get("state")), str(item.get("state") or ""))]
    when = item.get("date_text") or item.get("date")
    if when:
        bits.append(str(when))
    return ", ".join(b for b in bits if b)


def _changed_detail(field: str, op: dict[str, Any]) -> str:
    old, new = op.get("old"), op.get("new")
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ""
    parts = []
    for key in op.get("changed", []):
        o, n = old.get(key), new.get(key)
        if key == "state":
            o, n = STATE_WORDS.get(str(o), o), STATE_WORDS.get(str(n), n)
        if key in ("details", "body") and (is_long_text(o) or is_long_text(n)):
            parts.append(f"{key} edited")
            continue
        parts.append(f"{key}: {fmt_value(key, o)} → {fmt_value(key, n)}")
    return "; ".join(parts)


def describe_item(field: str, op: dict[str, Any]) -> ItemLine:
    kind = str(op.get("op"))
    symbol = _SYMBOLS.get(kind, "*")
    label = str(op.get("label") or "")
    if kind == "completed":
        when = op.get("date_text") or op.get("date")
        verb = f"completed on {when}" if when else "completed (no date shown)"
        detail = f"was: {op['old_label']}" if op.get("old_label") else ""
        return ItemLine(kind, symbol, verb, label, detail)
    if kind == "moved":
        return ItemLine(kind, symbol, f"deadline moved from {op.get('from') or '?'} to {op.get('to') or '?'}", label)
    if kind == "added":
        detail = _task_bits(op.get("new")) if field == "tasks" else _extra(field, op.get("new"))
        return ItemLine(kind, symbol, "added", label, detail)
    if kind == "removed":
        detail = _task_bits(op.get("old")) if field == "tasks" else ""
        return ItemLine(kind, symbol, "removed", label, detail)
    if kind == "reordered":
        return ItemLine(kind, symbol, "order changed", " · ".join(str(x) for x in op.get("new", [])))
    detail = _changed_detail(field, op)
    if op.get("old_label"):
        detail = f"was: {op['old_label']}" + (f"; {detail}" if detail else "")
    if field == "extra_sections" and not detail:
        detail = f"{fmt_value('', op.get('old'))} → {fmt_value('', op.get('new'))}"
    return ItemLine(kind, symbol, "changed", label, detail)


def _extra(field: str, item: Any) -> str:
    if field == "contact_persons" and isinstance(item, dict):
        return ", ".join(str(item[k]) for k in ("title", "organization") if item.get(k))
    if field == "responsible_organizations" and isinstance(item, dict):
        return ", ".join(str(item[k]) for k in ("abbreviation", "role") if item.get(k))
    if field == "extra_sections":
        return fmt_value("", item)
    return ""


def safe_url(url: Any) -> str | None:
    """A URL fit to be a link: http(s) only, so a hostile `javascript:` or `data:` URL is never clickable."""
    if not isinstance(url, str):
        return None
    stripped = url.strip()
    lowered = "".join(stripped.split()).lower()
    if lowered.startswith(("http://", "https://")) and not any(c in stripped for c in "\"'<>` "):
        return stripped
    return None


def shown_date(value: Any) -> str:
    """An ISO date as the Finnish site prints it (2019-10-15 → 15.10.2019); anything else unchanged."""
    text = "" if value is None else str(value)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day}.{day.month}.{day.year}"


def provenance(cause: str, seen: dt.datetime | None = None) -> str | None:
    """Where a version came from, in a reader's words; None for an ordinary crawl (nothing to say). A backfilled
    version was seen in a web-archive capture, not by vahti: the reader should know, and when."""
    if cause == "crawl":
        return None
    if cause == "backfill":
        when = f" of {shown_date(seen.astimezone(HELSINKI).date().isoformat())}" if seen else ""
        return f"seen in a web-archive capture{when}"
    return f"cause: {cause}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def hidden_note(reparse: int, markup: int) -> str | None:
    """What a diff left out and how to see it: re-parses, and records that only another front end printed."""
    parts = []
    if reparse:
        parts.append(f"{plural(reparse, 'change')} from re-parsing")
    if markup:
        parts.append(f"{plural(markup, 'change')} of presentation only (a new front end, the same plan)")
    return " and ".join(parts) + " hidden; --all-changes shows them" if parts else None


def summary_counts(counts: dict[str, int], sep: str = ", ") -> str:
    """'1 status change, 2 added, 0 removed, 5 with other edits': the line a reader decides from whether to read on.
    The four groups are disjoint and add up to the number of actions changed."""
    return sep.join(
        [
            plural(counts.get("status", 0), "status change"),
            f"{counts.get('added', 0)} added",
            f"{counts.get('removed', 0)} removed",
            f"{counts.get('modified', 0)} with other edits",
        ]
    )


def added_summary(fields: dict[str, FieldChange]) -> str:
    """A few facts about a newly added action: its status and how many tasks it lists."""
    bits = []
    status = fields.get("status")
    if status is not None and status.new:
        bits.append(f"status {fmt_value('status', status.new)}")
    tasks = fields.get("tasks")
    if tasks is not None and tasks.new:
        bits.append(plural(len(tasks.new), "task"))
    return ", ".join(bits)


#: Said once under a diff's header when a side is a date, so that a reader knows what "as of" stands for.
AS_OF_NOTE = ("As of a date: each action as last seen on or before it, by crawls, imports and backfills alike;"
              " an action the latest run did not reach is shown as an earlier run saw it.")


def side_words(run: RunInfo, at: AsOf | None) -> str:
    """One side of a diff as a reader says it: "run 12 (2024-05-01 06:00, complete)", or for a date "the plan as
    of 2021-03-12 (latest run 4, 2021-03-12 06:00, partial)"."""
    if at is None:
        return f"run {run.id} ({run.when()}, {run.outcome})"
    return f"the plan as of {at.label()} (latest run {run.id}, {run.when()}, {run.outcome})"
