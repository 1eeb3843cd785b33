"""What changed between two records of an action, and across a whole plan, as a reader would say it.

Lists are compared as lists of things (a task moved from "Mitä on tehtävä?" to "Mitä on tehty?" is
"completed", a moved due date is "moved"), not as text; values are compared in their normalised form so
whitespace or markup never reads as an edit. Pure functions over records (Action or its JSON dict);
the archive queries feed them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from schemas.record_shape import Action
from schemas.text import clean_block
from snapshots.causes import HIDDEN_CAUSES
from snapshots.diff_match import Item, pair_items
from snapshots.silent import silence

ChangeKind = Literal["added", "removed", "modified"]

#: The order fields are shown in: what a journalist looks at first comes first.
FIELD_ORDER: tuple[str, ...] = (
    "status",
    "name",
    "implementation_phase",
    "completion",
    "schedule",
    "tasks",
    "responsible_organizations",
    "contact_persons",
    "impact",
    "lead",
    "description",
    "official_description",
    "official_description_label",
    "official_description_source",
    "categories",
    "indicators",
    "links",
    "status_updates",
    "extra_sections",
    "order",
    "updated_at",
    "test_instance",
    "url",
    "previous_url",
    "next_url",
)

#: Identity and bookkeeping: never a change of content.
NOT_COMPARED = frozenset({"site", "plan_path", "language", "identifier", "parser_version"})


@dataclass
class FieldChange:
    old: Any
    new: Any
    items: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"old": self.old, "new": self.new}
        if self.items is not None:
            out["items"] = self.items
        return out


@dataclass
class ActionChange:
    identifier: str
    name: str
    change: ChangeKind
    fields: dict[str, FieldChange] = field(default_factory=dict)
    reason: str | None = None
    cause: str = "crawl"
    site: str = ""
    plan_path: str = ""
    language: str = "fi"
    url: str | None = None
    #: for a change seen in web-archive captures (cause `backfill`): the capture time of the latest one
    seen_at: dt.datetime | None = None

    @property
    def status_changed(self) -> bool:
        return self.change == "modified" and "status" in self.fields

    @property
    def silent(self) -> str | None:
        """`silent_edit` or `date_only` (snapshots.silent) for a change of the plan; None otherwise. A reparse or
        a new front end (`markup`) is not an edit of the plan, so it is never silent."""
        if self.change != "modified" or self.cause in HIDDEN_CAUSES:
            return None
        return silence(self.fields)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "identifier": self.identifier,
            "name": self.name,
            "change": self.change,
            "cause": self.cause,
            "site": self.site,
            "plan_path": self.plan_path,
            "language": self.language,
            "url": self.url,
        }
        if self.change == "removed":
            out["reason"] = self.reason
        if self.seen_at is not None:
            out["seen_at"] = self.seen_at.isoformat()
        if (quiet := self.silent) is not None:
            out["silent"] = quiet
        out["fields"] = {name: fc.to_json() for name, fc in self.fields.items()}
        return out


def as_dict(record: Action | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    if isinstance(record, Action):
        return record.model_dump(mode="json")
    return dict(record)


@functools.lru_cache(maxsize=16384)
def _clean(text: str) -> str:
    """clean_block, remembered: the versions of one action repeat the same strings (every task title in every
    version), and a history or a month's diff would otherwise clean each of them once per version."""
    return clean_block(text)


def normalised(value: Any) -> Any:
    """The value as compared: every string through the block cleaner (idempotent on already clean text)."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, Mapping):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(v) for v in value]
    return value


def same(old: Any, new: Any) -> bool:
    """normalised(old) == normalised(new), cleaning only the parts that differ: stored records are normalised
    already, so equal parts (most of a task list when one task moved) need no second look."""
    if old == new:
        return True
    if isinstance(old, str) and isinstance(new, str):
        return _clean(old) == _clean(new)
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return old.keys() == new.keys() and all(same(old[k], new[k]) for k in old)
    if isinstance(old, list | tuple) and isinstance(new, list | tuple):
        return len(old) == len(new) and all(same(a, b) for a, b in zip(old, new, strict=True))
    return bool(normalised(old) == normalised(new))


# ----------------------------------------------------------------------------------------------------
# list fields


def _label(field_name: str, item: Any) -> str:
    if isinstance(item, str):
        return item
    if not isinstance(item, Mapping):
        return str(item)
    order = ("title", "name") if field_name in ("tasks", "links", "status_updates") else ("name", "title")
    for key in order:
        if item.get(key):
            return str(item[key])
    return str(item.get("url") or "")


def _task_when(task: Mapping[str, Any]) -> str:
    return str(task.get("date_text") or task.get("date") or "")


def _task_ops(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    base: dict[str, Any] = {"label": new.get("title"), "old": dict(old), "new": dict(new)}
    if old.get("title") != new.get("title"):
        base["old_label"] = old.get("title")
    if old.get("state") != "done" and new.get("state") == "done":
        when = {"date": new.get("date"), "date_text": new.get("date_text") or ""}
        ops.append({"op": "completed", **base, **when})
        return ops
    if old.get("state") == new.get("state") and (old.get("date"), old.get("date_text")) != (
        new.get("date"),
        new.get("date_text"),
    ):
        ops.append({"op": "moved", **base, "from": _task_when(old), "to": _task_when(new)})
        rest = {k for k in _changed_keys(old, new) if k not in ("date", "date_text")}
        if rest:
            ops.append({"op": "changed", **base, "changed": sorted(rest)})
        return ops
    ops.append({"op": "changed", **base, "changed": sorted(_changed_keys(old, new))})
    return ops


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> set[str]:
    return {k for k in set(old) | set(new) if not same(old.get(k), new.get(k))}


def _lower(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


#: Per list field: the keys items are matched by, strongest first; the last pass is fuzzy on the label.
_KEYS: dict[str, list[Callable[[Any], Any]]] = {
    "tasks": [lambda t: _lower(t.get("title"))],
    "responsible_organizations": [
        lambda o: _lower(o.get("name")),
        lambda o: _lower(o.get("abbreviation") or o.get("name")),
    ],
    "contact_persons": [lambda c: _lower(c.get("name"))],
    "categories": [_lower],
    "indicators": [lambda i: _lower(i.get("name")), lambda i: i.get("url") or None],
    "links": [lambda lk: lk.get("url"), lambda lk: _lower(lk.get("title"))],
    "status_updates": [
        lambda s: (s.get("date"), _lower(s.get("title"))),
        lambda s: _lower(s.get("title")),
    ],
}
_FUZZY = frozenset(
    {"tasks", "categories", "contact_persons", "responsible_organizations", "indicators", "status_updates"}
)


def diff_list(field_name: str, old: list[Any], new: list[Any]) -> list[dict[str, Any]]:
    """Item operations turning `old` into `new` (added, removed, completed, moved, changed, reordered)."""
    if same(old, new):
        return []
    old_n, new_n = normalised(old), normalised(new)
    keys = _KEYS.get(field_name, [lambda x: normalised(x)])
    olds = [Item(i, v, _label(field_name, v)) for i, v in enumerate(old_n)]
    news = [Item(i, v, _label(field_name, v)) for i, v in enumerate(new_n)]
    pairs, removed, added = pair_items(olds, news, keys, fuzzy=field_name in _FUZZY)
    ops: list[dict[str, Any]] = []
    for o, n in pairs:
        if o.value == n.value:
            continue
        if field_name == "tasks":
            ops.extend(_task_ops(o.value, n.value))
        else:
            op: dict[str, Any] = {"op": "changed", "label": n.label, "old": o.value, "new": n.value}
            if o.label != n.label:
                op["old_label"] = o.label
            if isinstance(o.value, Mapping) and isinstance(n.value, Mapping):
                op["changed"] = sorted(_changed_keys(o.value, n.value))
            ops.append(op)
    ops.extend({"op": "removed", "label": o.label, "old": o.value} for o in removed)
    ops.extend({"op": "added", "label": n.label, "new": n.value} for n in added)
    if not ops:
        # Same things, new order: a real change of the page, told as such.
        ops.append({"op": "reordered", "old": [o.label for o in olds], "new": [n.label for n in news]})
    return ops


def diff_mapping(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """extra_sections: sections appear, disappear or change text under their heading."""
    ops: list[dict[str, Any]] = []
    for key in list(old) + [k for k in new if k not in old]:
        if same(old.get(key), new.get(key)):
            continue
        o, n = normalised(old.get(key)), normalised(new.get(key))
        if key not in new:
            ops.append({"op": "removed", "label": key, "old": o})
        elif key not in old:
            ops.append({"op": "added", "label": key, "new": n})
        else:
            ops.append({"op": "changed", "label": key, "old": o, "new": n})
    return ops


# ----------------------------------------------------------------------------------------------------
# records


_RANK = {name: n for n, name in enumerate(FIELD_ORDER)}


def _field_rank(name: str) -> tuple[int, str]:
    rank = _RANK.get(name)
    return (rank, "") if rank is not None else (len(FIELD_ORDER), name)


def diff_fields(
    old: Action | Mapping[str, Any] | None,
    new: Action | Mapping[str, Any] | None,
    ignore: Iterable[str] = (),
) -> dict[str, FieldChange]:
    """Field by field, status first; an absent side (added or removed action) compares against nothing."""
    a = as_dict(old) or {}
    b = as_dict(new) or {}
    skip = NOT_COMPARED | set(ignore)
    # stored records are normalised already: equal values need no second look (the common case), and only the
    # fields that differ are put in reading order
    differing = [k for k in a.keys() | b.keys() if k not in skip and a.get(k) != b.get(k)]
    out: dict[str, FieldChange] = {}
    for name in sorted(differing, key=_field_rank):
        o, n = a.get(name), b.get(name)
        if same(o, n):
            continue
        if isinstance(o, list) or isinstance(n, list):
            out[name] = FieldChange(o or [], n or [], diff_list(name, list(o or []), list(n or [])))
        elif name == "extra_sections" and (isinstance(o, Mapping) or isinstance(n, Mapping)):
            out[name] = FieldChange(o or {}, n or {}, diff_mapping(o or {}, n or {}))
        else:
            out[name] = FieldChange(o, n)
    return out


def diff_records(
    old: Action | Mapping[str, Any] | None,
    new: Action | Mapping[str, Any] | None,
    *,
    reason: str | None = None,
    cause: str = "crawl",
    ignore: Iterable[str] = (),
) -> ActionChange | None:
    """One action's change, or None when nothing a reader could see changed."""
    a, b = as_dict(old), as_dict(new)
    if a is None and b is None:
        return None
    ref = b if b is not None else a
    assert ref is not None
    kind: ChangeKind = "added" if a is None else "removed" if b is None else "modified"
    fields = {} if kind == "removed" else diff_fields(a, b, ignore)
    if kind == "modified" and not fields:
        return None
    return ActionChange(
        identifier=str(ref.get("identifier")),
        name=str(ref.get("name") or ""),
        change=kind,
        fields=fields,
        reason=reason if kind == "removed" else None,
        cause=cause,
        site=str(ref.get("site") or ""),
        plan_path=str(ref.get("plan_path") or ""),
        language=str(ref.get("language") or "fi"),
        url=ref.get("url"),
    )


def natural_key(identifier: str) -> tuple[Any, ...]:
    """'2.1.10' after '2.1.9', 'a1147' among its letters: identifiers are never assumed numeric."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", identifier) if p)


def change_order(change: ActionChange) -> tuple[Any, ...]:
    """Status changes first, then additions, removals and the rest; by identifier inside each group."""
    group = 0 if change.status_changed else {"added": 1, "removed": 2, "modified": 3}[change.change]
    return (group, natural_key(change.identifier), change.language)


Key = tuple[str, str, str, str]


def diff_plans(
    old: Mapping[Key, Action | Mapping[str, Any]],
    new: Mapping[Key, Action | Mapping[str, Any]],
    *,
    reasons: Mapping[Key, str] | None = None,
    causes: Mapping[Key, str] | None = None,
    unknown: Iterable[Key] = (),
    all_changes: bool = False,
    ignore: Iterable[str] = (),
) -> list[ActionChange]:
    """Every action added, removed or modified between two states of a plan, in reading order.

    `unknown` keys (not reached by a partial run) are left out: their state is not known, so neither "removed"
    nor "unchanged" would be honest. Changes caused by a reparse or by presentation alone (`markup`) are
    dropped unless asked for (`all_changes`)."""
    reasons = reasons or {}
    causes = causes or {}
    skip = set(unknown)
    ignore = tuple(ignore)
    out: list[ActionChange] = []
    for key in list(old) + [k for k in new if k not in old]:
        if key in skip:
            continue
        change = diff_records(
            old.get(key), new.get(key), reason=reasons.get(key), cause=causes.get(key, "crawl"), ignore=ignore
        )
        if change is None or (change.cause in HIDDEN_CAUSES and not all_changes):
            continue
        out.append(change)
    out.sort(key=change_order)
    return out
