"""The shapes every renderer (text, Markdown, JSON, HTML) draws from: runs, a plan diff, an action's history.

Kept apart from the queries so that renderers can be tested on hand-made data and the JSON contract lives in
one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from schemas.dates import HELSINKI
from snapshots.diff import ActionChange
from snapshots.silent import DATE_ONLY, SILENT_EDIT

KIND_TITLES = {SILENT_EDIT: "Silent edit", DATE_ONLY: "Date-only update", "flip_flop": "Flip-flop",
               "language_behind": "Language left behind"}


@dataclass(frozen=True)
class Story:
    """One change that is news in itself (snapshots.stories gathers them): its action, one line, and when."""

    kind: str  # silent_edit, date_only, flip_flop, language_behind
    identifier: str
    name: str
    text: str
    at: dt.datetime  # when it was seen (a flip-flop: when it settled; a language: when it became a story)

    @property
    def title(self) -> str:
        return KIND_TITLES.get(self.kind, self.kind)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "identifier": self.identifier, "name": self.name, "text": self.text,
                "at": self.at.isoformat()}



@dataclass(frozen=True)
class RunInfo:
    """One run as every reader sees it (`snapshots.report_read` reads it; renderers take hand-made ones too)."""

    id: int
    site: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None = None
    outcome: str = "complete"
    plan_path: str = ""
    start_url: str | None = None
    reason: str | None = None
    cause: str = "crawl"
    language: str | None = None
    resumed_from: int | None = None
    #: what the run counted, by `runs` column (pages, parsed, unchanged … versions_added): `vahti runs` lists them
    counts: Mapping[str, int | None] = field(default_factory=dict, compare=False, hash=False)

    @property
    def complete(self) -> bool:
        return self.outcome == "complete"

    def when(self) -> str:
        """The run's start in Helsinki time, to the minute: what a reader compares with the site's dates."""
        return local_time(self.started_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "site": self.site,
            "plan_path": self.plan_path,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "outcome": self.outcome,
        }


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class AsOf:
    """A date or date-time in WHEN: the plan as last seen on or before `at`. Kept as the reader wrote it, since
    "2021-03-12" is what a journalist asked about, not 23:59:59.999999 that evening."""

    asked: str
    at: dt.datetime

    def label(self) -> str:
        """The day as asked for a bare date, else the instant in Helsinki time to the minute."""
        return self.asked if len(self.asked) == 10 else local_time(self.at)

    def to_json(self) -> dict[str, Any]:
        return {"asked": self.asked, "at": self.at.isoformat()}


def local_time(value: dt.datetime | None) -> str:
    if value is None:
        return "?"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M")


@dataclass
class PlanDiff:
    """What changed across a plan between two runs. `unknown` lists actions whose state a partial or failed
    run could not tell; `complete` is False whenever either side is not a complete run, and renderers then
    say "unknown", never "no changes"."""

    from_run: RunInfo
    to_run: RunInfo
    changes: list[ActionChange]
    unknown: list[str] = field(default_factory=list)
    hidden_reparse: int = 0
    #: changes of presentation only (another front end printed the same plan): left out unless asked
    hidden_markup: int = 0
    #: a side given as a date: the plan as last seen by then (its run is the latest run at or before it)
    from_at: AsOf | None = None
    to_at: AsOf | None = None
    #: what is worth a look among the changes: silent edits, date-only updates, flip-flops (snapshots.stories)
    stories: list[Story] = field(default_factory=list)
    #: the plan's own name, as its site titles its pages (snapshots.plan_title); None when no page says it
    title: str | None = None

    @property
    def complete(self) -> bool:
        return self.from_run.complete and self.to_run.complete

    def incomplete_runs(self) -> list[RunInfo]:
        """The sides given as runs that did not complete: their unreached actions are unknown. A side given as
        a date is never that: each action there is as last seen by then, whatever the latest run reached."""
        return [run for run, at in ((self.from_run, self.from_at), (self.to_run, self.to_at))
                if at is None and not run.complete]

    def counts(self) -> dict[str, int]:
        return {
            "status": sum(1 for c in self.changes if c.status_changed),
            "added": sum(1 for c in self.changes if c.change == "added"),
            "removed": sum(1 for c in self.changes if c.change == "removed"),
            # disjoint from "status": the other edits
            "modified": sum(1 for c in self.changes if c.change == "modified" and not c.status_changed),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "from": _side(self.from_run, self.from_at),
            "to": _side(self.to_run, self.to_at),
            "complete": self.complete,
            "unknown": self.unknown,
            "hidden_reparse_changes": self.hidden_reparse,
            "hidden_markup_changes": self.hidden_markup,
            "changes": [c.to_json() for c in self.changes],
            "stories": [s.to_json() for s in self.stories],
        }


def _side(run: RunInfo, at: AsOf | None) -> dict[str, Any]:
    """A diff's side: its run's fields (what consumers read before dates meant "as last seen"), plus, for a date,
    the date asked for and the instant it means."""
    return {**run.to_json(), **(at.to_json() if at is not None else {})}


@dataclass
class HistoryStep:
    """One version of an action and how it came to be: the change from the previous version (None for the
    first one), and the window in which that change happened: the last run that saw the old value and the
    first run that saw the new one. The change happened somewhere between the two; no archive can know
    better."""

    version: int
    record: dict[str, Any] | None
    valid_from: dt.datetime | None
    valid_to: dt.datetime | None
    first_run: RunInfo | None
    last_run: RunInfo | None
    cause: str
    change: ActionChange | None
    last_seen_old: RunInfo | None = None
    gone_reason: str | None = None

    @property
    def updated_at(self) -> str | None:
        return None if self.record is None else self.record.get("updated_at")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": self.version,
            "kind": "removed"
            if self.record is None
            else ("first" if self.change is None else self.change.change),
            "valid_from": _iso(self.valid_from),
            "valid_to": _iso(self.valid_to),
            "cause": self.cause,
            "updated_at": self.updated_at,
            "window": {
                "last_seen_old": None if self.last_seen_old is None else self.last_seen_old.to_json(),
                "first_seen_new": None if self.first_run is None else self.first_run.to_json(),
            },
            "last_run": None if self.last_run is None else self.last_run.to_json(),
            "fields": {} if self.change is None else {k: v.to_json() for k, v in self.change.fields.items()},
        }
        if self.record is None:
            out["reason"] = self.gone_reason
        else:
            out["record"] = self.record
        return out


@dataclass
class History:
    identifier: str
    name: str
    site: str
    plan_path: str
    language: str
    url: str | None
    steps: list[HistoryStep]

    def to_json(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "name": self.name,
            "site": self.site,
            "plan_path": self.plan_path,
            "language": self.language,
            "url": self.url,
            "versions": [s.to_json() for s in self.steps],
        }
