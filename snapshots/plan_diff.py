"""`vahti diff`: what changed across a plan between two runs, built on what each run observed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb

from schemas.errors import UsageError
from snapshots.change_model import PlanDiff, RunInfo
from snapshots.diff import diff_plans, natural_key
from snapshots.report_read import (
    Key,
    last_complete_runs,
    plan_state,
    resolve_when,
    versions_of,
)

#: When a change went through several versions between two runs, the cause a reader should see.
_CAUSE_RANK = ("crawl", "import", "reparse")


def pick_runs(
    con: duckdb.DuckDBPyConnection, site: str, when_from: str | None, when_to: str | None
) -> tuple[RunInfo, RunInfo]:
    """Default: the last two complete runs; --to alone compares with the complete run before it."""
    if when_from is None and when_to is None:
        runs = last_complete_runs(con, site, 2)
        if len(runs) < 2:
            raise UsageError(f"{site} has fewer than two complete runs; nothing to compare yet")
        return runs[0], runs[1]
    to_run = resolve_when(con, when_to, site) if when_to else last_complete_runs(con, site, 1)[-1]
    if when_from is not None:
        from_run = resolve_when(con, when_from, site)
    else:
        row = con.execute(
            "SELECT id FROM runs WHERE site = ? AND outcome = 'complete' AND"
            " (started_at < ? OR (started_at = ? AND id < ?)) ORDER BY started_at DESC, id DESC LIMIT 1",
            [site, to_run.started_at, to_run.started_at, to_run.id],
        ).fetchone()
        if row is None:
            raise UsageError(f"no complete run of {site} before run {to_run.id}")
        from_run = resolve_when(con, str(row[0]), site)
    return from_run, to_run


def _causes(con: duckdb.DuckDBPyConnection, site: str, a: RunInfo, b: RunInfo) -> dict[Key, set[str]]:
    """Per action, the causes of the versions that began after run `a` and no later than run `b`."""
    out: dict[Key, set[str]] = {}
    if a.started_at is None or b.started_at is None:
        return out
    for version in versions_of(
        con, "site = ? AND valid_from > ? AND valid_from <= ?", [site, a.started_at, b.started_at]
    ):
        out.setdefault(version.key, set()).add(version.cause)
    return out


def diff_runs(
    con: duckdb.DuckDBPyConnection,
    from_run: RunInfo,
    to_run: RunInfo,
    *,
    include_reparse: bool = False,
    ignore: Iterable[str] = (),
) -> PlanDiff:
    a, b = plan_state(con, from_run), plan_state(con, to_run)
    unknown = a.unknown | b.unknown
    old: dict[Key, dict[str, Any]] = {k: v.record for k, v in a.versions.items()}
    new: dict[Key, dict[str, Any]] = {}
    for key, version in b.versions.items():
        # The same version on both sides is no change, whatever the records say after a re-parse.
        new[key] = old[key] if key in a.versions and a.versions[key].id == version.id else version.record
    causes_seen = _causes(con, to_run.site, from_run, to_run)
    causes = {key: next((c for c in _CAUSE_RANK if c in seen), "crawl") for key, seen in causes_seen.items()}
    # An action removed between the runs: its reason is what the later run recorded.
    reasons = {key: why for key, why in b.gone.items()}
    everything = diff_plans(
        old, new, reasons=reasons, causes=causes, unknown=unknown, include_reparse=True, ignore=ignore
    )
    shown = [c for c in everything if include_reparse or c.cause != "reparse"]
    unknown_ids = sorted({k[3] for k in unknown}, key=natural_key)
    return PlanDiff(from_run, to_run, shown, unknown_ids, hidden_reparse=len(everything) - len(shown))
