"""What goes into `vahti report`: the period's runs, the plan's status mix at each run, the latest diff and every
action's changes in the period. Rendering is `snapshots.report_html`'s job."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from schemas.errors import UsageError
from snapshots.agreement import AgreementSummary, latest_agreement
from snapshots.change_model import History, PlanDiff, RunInfo
from snapshots.diff import natural_key
from snapshots.history import build_history
from snapshots.plan_diff import diff_runs
from snapshots.report_read import (
    Key,
    VersionRow,
    choose_plan,
    is_run_id,
    list_runs,
    plan_state,
    resolve_when,
    same_plan,
    versions_of,
)
from snapshots.stories import Story, plan_stories

#: The bucket for actions a run could not see (not reached, fetch or parse failed).
UNKNOWN = "(unknown: not observed)"
NO_STATUS = "(no status shown)"


@dataclass
class StatusPoint:
    run: RunInfo
    counts: dict[str, int]


@dataclass
class Report:
    site: str
    plan_path: str
    runs: list[RunInfo]
    status_over_time: list[StatusPoint]
    status_identifiers: dict[str, str]
    current: dict[str, int]
    current_run: RunInfo | None
    latest: PlanDiff | None
    histories: list[History] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    #: each run's agreement with the plan's own API, where `vahti verify` checked it
    agreement: dict[int, AgreementSummary] = field(default_factory=dict)
    #: the language of the plan's runs (every run of a report is of one plan in one language)
    language: str = "fi"
    #: silent edits, date-only updates and flip-flops seen in the period (snapshots.stories)
    stories: list[Story] = field(default_factory=list)

    @property
    def period(self) -> tuple[RunInfo, RunInfo] | None:
        return (self.runs[0], self.runs[-1]) if self.runs else None


def _in_period(run: RunInfo, start: RunInfo | None, end: RunInfo | None) -> bool:
    key = (run.started_at, run.id)
    if start is not None and key < (start.started_at, start.id):
        return False
    return not (end is not None and key > (end.started_at, end.id))


def build_report(
    con: duckdb.DuckDBPyConnection,
    site: str,
    when_from: str | None = None,
    when_to: str | None = None,
    all_changes: bool = False,
    plan_path: str | None = None,
    language: str | None = None,
) -> Report:
    """The report of one plan in one language (`choose_plan`): its status chart counts, its "Latest changes"
    pairs and its histories follow only that plan's runs, so a site crawled in Finnish and in English never
    reads as every action removed and added, nor counts each action twice."""
    scope = choose_plan(con, site, plan_path, language, (when_from, when_to))

    def resolve(when: str) -> RunInfo:
        return resolve_when(con, when, site, *((plan_path, language) if is_run_id(when) else scope))

    start = resolve(when_from) if when_from else None
    end = resolve(when_to) if when_to else None
    if start is not None and end is not None:
        same_plan(start, end)
    all_runs = list_runs(con, site, *scope)
    runs = [r for r in all_runs if _in_period(r, start, end)]
    if not runs:
        raise UsageError(f"no runs of {site} in that period")
    identifiers: dict[str, str] = {}
    points: list[StatusPoint] = []
    for run in runs:
        state = plan_state(con, run)
        counts: Counter[str] = Counter()
        for version in state.versions.values():
            status = version.record.get("status") or {}
            label = str(status.get("label") or NO_STATUS)
            identifiers.setdefault(label, str(status.get("identifier") or ""))
            counts[label] += 1
        if state.unknown:
            counts[UNKNOWN] += len(state.unknown)
        points.append(StatusPoint(run, dict(counts)))
    complete = [r for r in runs if r.complete]
    current_run = complete[-1] if complete else None
    current: dict[str, int] = {}
    if current_run is not None:
        current = next(p.counts for p in points if p.run.id == current_run.id)
    latest = diff_runs(con, complete[-2], complete[-1], all_changes=all_changes) if len(complete) >= 2 else None
    histories = _changed_histories(con, (site, *scope), runs, all_runs, all_changes)
    before = [r for r in all_runs if (r.started_at, r.id) < (runs[0].started_at, runs[0].id)]
    stories = plan_stories(con, site, scope[0], scope[1], before[-1].started_at if before else None,
                           runs[-1].started_at)
    return Report(site, scope[0], runs, points, identifiers, current, current_run, latest, histories,
                  agreement=latest_agreement(con, [r.id for r in runs]), language=scope[1], stories=stories)


def _changed_histories(
    con: duckdb.DuckDBPyConnection,
    plan: tuple[str, str, str],
    runs: list[RunInfo],
    all_runs: list[RunInfo],
    all_changes: bool,
) -> list[History]:
    """Histories of the actions of one plan in one language (site, plan_path, language) that changed in the
    period, keeping only the steps inside it (reparse and markup steps only when `all_changes`)."""
    by_id = {r.id: r for r in all_runs}
    period_ids = {r.id for r in runs}
    first = runs[0]
    grouped: dict[Key, list[VersionRow]] = {}
    for version in versions_of(con, "site = ? AND plan_path = ? AND language = ?", list(plan), meaning=True):
        grouped.setdefault(version.key, []).append(version)
    out: list[History] = []
    for key, versions in grouped.items():
        steps = [
            s
            for s in build_history(versions, by_id, all_changes)
            if (s.change is not None or s.record is None or s.version == 1)
            and s.first_run is not None
            and s.first_run.id in period_ids
            and s.first_run.id != first.id
        ]
        if not steps:
            continue
        latest = versions[-1].record
        out.append(History(key[3], str(latest.get("name") or ""), key[0], key[1], key[2], latest.get("url"), steps))
    out.sort(key=lambda h: (natural_key(h.identifier), h.language))
    return out
