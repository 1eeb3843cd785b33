"""Field by field: does the record a page gave mean what the API says?

Both sides go through the canonical projection of `schemas.meaning` with the era of the page the record was read
from, so presentation (a date printed otherwise, a list in another order, "" against nothing) is never a
disagreement, and a fact the page's era cannot show is unknown on both sides and not compared. A field is
compared for an action only where the era shows some of it; which fields are compared, and why the others are
not, is written out in docs/record.md ("Verified against the API").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from schemas.action import Action
from schemas.meaning import UNKNOWN, field_of, project, same

#: Record fields compared with the API, in record order ("identifier": the action is on both sides).
COMPARED: Final = (
    "identifier", "name", "lead", "description", "official_description", "categories",
    "responsible_organizations", "contact_persons", "status", "implementation_phase", "completion", "impact",
    "schedule", "tasks", "indicators", "links", "status_updates", "updated_at", "previous_url", "next_url",
)

#: Record fields never compared, and why (docs/record.md keeps the same list).
SKIPPED: Final = {
    "site, plan_path, url, language": "identity: which page was read; the API is asked for that plan and language",
    "official_description_label": "era wording (\"Toimenpideohjelman mukaisesti\" / \"… mukaan\" / none in V3); "
                                  "the API has no such field",
    "official_description_source": "the plan's caption (plan.generalContent), the same on every page; not a fact "
                                   "of the action",
    "extra_sections": "headings are the site's own labels and layout (other category types, attributes, merged "
                      "actions); the API gives values but not the headings a page puts them under",
    "test_instance": "how the site is deployed (the TESTI banner); the API does not say",
    "parser_version": "how vahti read the page",
}

_MISSING: Final = object()


@dataclass
class FieldDiff:
    """One field of one action: whether page and API agree, and the facts that differ (page value, API value)."""

    agrees: bool
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {path: {"page": page, "api": api} for path, (page, api) in self.differences.items()}


#: how a fact one side does not have at all reads in a difference (null is a value: "no role")
ABSENT: Final = "(absent)"


def _jsonable(value: Any) -> Any:
    return ABSENT if value is _MISSING else None if value is UNKNOWN else value


def compare(page: Action | Mapping[str, Any], api: Action | Mapping[str, Any], era: str | None,
            fields: tuple[str, ...] = COMPARED) -> dict[str, FieldDiff | None]:
    """Per compared field (but `identifier`, decided by presence): its diff, or None when the page's era shows
    nothing of it. A fact one side has and the other lacks (a task only the API lists) is a difference."""
    mine = project(page, era)
    theirs = project(api, era)
    paths: dict[str, list[str]] = {}
    for path in {*mine, *theirs}:
        paths.setdefault(field_of(path), []).append(path)
    out: dict[str, FieldDiff | None] = {}
    for name in fields:
        if name == "identifier":
            continue
        known = [p for p in sorted(paths.get(name, ()))
                 if mine.get(p, _MISSING) is not UNKNOWN and theirs.get(p, _MISSING) is not UNKNOWN]
        if not known:
            out[name] = None
            continue
        diff = FieldDiff(True)
        for path in known:
            a, b = mine.get(path, _MISSING), theirs.get(path, _MISSING)
            if a is _MISSING or b is _MISSING or not same(path, a, b):
                diff.agrees = False
                diff.differences[path] = (_jsonable(a), _jsonable(b))
        out[name] = diff
    return out


def disagreeing(diffs: Mapping[str, FieldDiff | None]) -> list[str]:
    """The fields that were compared and differ, in record order."""
    return [name for name, diff in diffs.items() if diff is not None and not diff.agrees]
