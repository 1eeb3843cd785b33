"""What goes into a version row beside the record JSON, and which fields differ between two versions.

Change detection compares `Action.record_hash()` (the normalised record without `parser_version`), so markup
or whitespace that the parser already normalised away never opens a version, and a parser upgrade alone never
does. Whether a new version means a change of the plan is decided on its meaning (snapshots.causes).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from schemas.action import Action

#: Columns of action_versions filled from the record, in table order after `record`.
TYPED_COLUMNS: tuple[str, ...] = (
    "url",
    "name",
    "lead",
    "description",
    "official_description",
    "official_description_label",
    "official_description_source",
    "status_label",
    "status_identifier",
    "implementation_phase",
    "completion",
    "impact",
    "schedule",
    "updated_at",
    "previous_url",
    "next_url",
    "test_instance",
    "categories",
    "tasks_total",
    "tasks_done",
    "tasks_in_progress",
    "tasks_todo",
)


def typed_values(action: Action) -> list[Any]:
    """The scalar columns researchers filter on, so common questions need no JSON functions."""
    tasks = action.tasks
    return [
        action.url,
        action.name,
        action.lead,
        action.description,
        action.official_description,
        action.official_description_label,
        action.official_description_source,
        action.status.label if action.status else None,
        action.status.identifier if action.status else None,
        action.implementation_phase,
        action.completion,
        action.impact,
        action.schedule,
        action.updated_at,
        action.previous_url,
        action.next_url,
        action.test_instance,
        list(action.categories),
        len(tasks),
        sum(1 for t in tasks if t.state == "done"),
        sum(1 for t in tasks if t.state == "in_progress"),
        sum(1 for t in tasks if t.state == "todo"),
    ]


def record_json(action: Action) -> str:
    return json.dumps(action.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def version_row(
    version_id: int,
    action: Action,
    record_hash: str,
    valid_from: dt.datetime,
    run_id: int | None,
    cause: str,
    front_end: str | None = None,
    meaning: str | None = None,
    text: str | None = None,
    packed: tuple[bytes | None, int | None] = (None, None),
) -> list[Any]:
    """One action_versions row: `front_end` is the era of the page read, `meaning` the action's known meaning
    after this record (JSON, see snapshots.causes); `text` is `record_json(action)` when the caller has it, and
    `packed` its (record_zstd, record_base) (snapshots/records.py; filled later by `repack` when absent)."""
    return [
        version_id,
        action.site,
        action.plan_path,
        action.language,
        action.identifier,
        valid_from,
        None,
        run_id,
        run_id,
        None,
        record_hash,
        action.parser_version,
        cause,
        None,
        text if text is not None else record_json(action),
        *typed_values(action),
        front_end,
        meaning,
        *packed,
    ]


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every content field whose value differs; `parser_version` is not content."""
    out = []
    for field in new.keys() | old.keys():
        if field == "parser_version":
            continue
        if old.get(field) != new.get(field):
            out.append((field, old.get(field), new.get(field)))
    order = list(new.keys())
    out.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return out


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
