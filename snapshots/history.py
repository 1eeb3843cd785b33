"""`vahti history ID`: every version of one action, oldest first, with what changed at each step and when.

"When" is a window, not a date: the change happened after the last run that saw the old value and no later
than the first run that saw the new one. The site's own "Tietoja päivitetty" is shown beside it, since the two
often disagree (editors fix typos without touching the date, and the date moves without visible edits).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from schemas.errors import UsageError
from snapshots.causes import HIDDEN_CAUSES
from snapshots.change_model import History, HistoryStep, RunInfo
from snapshots.diff import ActionChange, diff_records
from snapshots.report_read import Key, VersionRow, normal_plan_path, plan_words, runs_by_id, versions_of


def _pick_key(
    versions: list[VersionRow], site: str, identifier: str, plan_path: str | None = None, language: str | None = None
) -> Key:
    """The plan and language of the action asked for, from its versions in every plan and language of the site.

    An identifier shared by several plans or languages is asked about (--plan/--language), as `vahti diff` asks:
    the Finnish and the English page of one action are separate histories, and picking one silently would hide
    the other (the English page left behind is the story)."""
    every = sorted({v.key for v in versions}, key=lambda k: (k[1], k[2]))
    if not every:
        raise UsageError(f"no action {identifier!r} in the archive for {site}")
    keys = [k for k in every if (plan_path is None or k[1] == normal_plan_path(plan_path))
            and (language is None or k[2] == language)]
    shown = ", ".join(plan_words(k[1], k[2]) for k in every)
    if not keys:
        raise UsageError(f"action {identifier!r} of {site} is not in that plan or language (it is in: {shown})")
    if len(keys) == 1:
        return keys[0]
    options = [o for o, differ in (("--plan", len({k[1] for k in keys}) > 1),
                                    ("--language", len({k[2] for k in keys}) > 1)) if differ]
    raise UsageError(f"action {identifier!r} exists in several plans or languages of {site} ({shown});"
                     f" pick one with {' and '.join(options)}")


def build_history(
    versions: list[VersionRow], runs: dict[int, RunInfo], all_changes: bool = False
) -> list[HistoryStep]:
    """Steps from the versions of one action (sorted by valid_from), with removals between and after them.

    A step lists the fields whose meaning its version changed; versions caused by a reparse or by presentation
    alone (`markup`: another front end printing the same plan) are left out, unless `all_changes`, which shows
    every version with every field its record changed. The window of the next step still starts at the last
    run that saw the old meaning, which a left-out version kept."""

    def run(run_id: int | None) -> RunInfo | None:
        return None if run_id is None else runs.get(run_id)

    steps: list[HistoryStep] = []
    previous: VersionRow | None = None
    for version in versions:
        if previous is not None and previous.gone_reason and previous.valid_to is not None:
            steps.append(_removed(len(steps) + 1, previous, run))
        change: ActionChange | None = None
        if previous is not None:
            change = diff_records(previous.record, version.record, cause=version.cause)
            if change is not None and not all_changes and version.cause not in HIDDEN_CAUSES:
                change.fields = {k: v for k, v in change.fields.items() if k in version.meaning_fields}
            if change is None:
                change = diff_records(None, version.record, cause=version.cause)
                if change is not None and not previous.gone_reason:
                    change.change = "modified"
                    change.fields = {}
        steps.append(
            HistoryStep(
                version=len(steps) + 1,
                record=version.record,
                valid_from=version.valid_from,
                valid_to=version.valid_to,
                first_run=run(version.first_run),
                last_run=run(version.last_run),
                cause=version.cause,
                change=change,
                last_seen_old=None if previous is None else run(previous.last_run),
            )
        )
        previous = version
    if previous is not None and previous.gone_reason and previous.valid_to is not None:
        steps.append(_removed(len(steps) + 1, previous, run))
    if all_changes:
        return steps
    kept = [s for n, s in enumerate(steps) if n == 0 or s.record is None or s.cause not in HIDDEN_CAUSES]
    for number, step in enumerate(kept, start=1):
        step.version = number
    return kept


def _removed(number: int, version: VersionRow, get: Callable[[int | None], RunInfo | None]) -> HistoryStep:
    return HistoryStep(
        version=number,
        record=None,
        valid_from=version.valid_to,
        valid_to=None,
        first_run=get(version.closed_run),
        last_run=None,
        cause="crawl",
        change=None,
        last_seen_old=get(version.last_run),
        gone_reason=version.gone_reason,
    )


def action_history(
    con: duckdb.DuckDBPyConnection, site: str, identifier: str, all_changes: bool = False,
    plan_path: str | None = None, language: str | None = None,
) -> History:
    """Every version of one action in one plan and language; the runs shown (each step's window) are those its
    versions point at, so they are runs of that plan and language too."""
    every = versions_of(con, "site = ? AND identifier = ?", [site, identifier], meaning=True)
    key = _pick_key(every, site, identifier, plan_path, language)
    versions = [v for v in every if v.key == key]
    runs = runs_by_id(con, (r for v in versions for r in (v.first_run, v.last_run, v.closed_run)))
    steps = build_history(versions, runs, all_changes)
    latest = versions[-1].record
    return History(
        identifier=identifier,
        name=str(latest.get("name") or ""),
        site=key[0],
        plan_path=key[1],
        language=key[2],
        url=latest.get("url"),
        steps=steps,
    )
