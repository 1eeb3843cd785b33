"""Checks that tell a site redesign or a shrunken chain from an ordinary day, computed from the archive.

A crawl can finish "complete" and still be wrong: when the site renames its headings or drops its embedded data,
the parser keeps producing records, only half-empty, and archiving them would open a version for every action
as if the city had deleted half its plan. So before a day's versions are kept, the run is compared with the
previous complete run of the same plan: fill rate of every field, parse warnings per page, labels newly pushed
into `extra_sections`, and the length of the prev/next chain.

A move to another front-end era is not a layout failure when the records mean what they meant: a field whose fill
rate fell only because the new era cannot show it (V1 shows no lead) changed no action's meaning, and a label
an era shows for the first time (other category types) is first knowledge, not news. So a fill drop counts only
in fields whose meaning the run changed somewhere, and a new label only where a record's sections changed in
meaning; lists filled from the embedded data are information for the digest, never a warning that fails a day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from snapshots.report_read import previous_complete_runs
from snapshots.run_notes import FILLS_SQL

#: Record fields whose fill rate is watched (identity fields and the free-form extra_sections are not).
WATCHED_FIELDS: tuple[str, ...] = (
    "name", "lead", "description", "official_description", "categories", "responsible_organizations",
    "contact_persons", "status", "implementation_phase", "completion", "impact", "schedule", "tasks",
    "indicators", "links", "status_updates", "updated_at", "previous_url", "next_url",
)  # fmt: skip


@dataclass(frozen=True)
class Thresholds:
    """Defaults from the scheduled-crawl issue; every one can be set in sites.toml or on the command line."""

    #: a field's fill rate may fall by at most this many percentage points
    fill_drop_points: float = 20.0
    #: parse warnings (and parse failures) per action page may rise by at most this much
    warnings_jump: float = 0.5
    #: at most this many labels may appear in extra_sections that the previous complete run never showed
    new_extra_labels: int = 2
    #: the prev/next chain may shrink by at most this many percent
    chain_drop_percent: float = 10.0
    #: fill rates are compared only when both runs have at least this many records (small samples are noise)
    min_records: int = 5
    #: `vahti verify`: the lowest field's agreement with the plan's API may not fall below this percent …
    min_agreement: float = 98.0
    #: … nor by more than this many points from the previous verified run (when min_records actions compared)
    agreement_drop_points: float = 2.0

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Thresholds:
        """Build from a TOML table; unknown keys are an error so a typo never silently disables a check."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown threshold(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"threshold {key} must be a non-negative number, got {value!r}")
            values[key] = int(value) if key in ("new_extra_labels", "min_records") else float(value)
        return cls(**values)


@dataclass
class RunMetrics:
    run_id: int
    outcome: str
    records: int
    fill: dict[str, float]
    warnings_per_page: float
    extra_labels: set[str]
    chain: int | None
    #: fields whose meaning changed in some version this run opened (action_changes)
    meaning_fields: set[str] = field(default_factory=set)
    #: extra_sections labels of records whose sections may be news: not of a version this run opened that kept
    #: the sections' meaning (a label an era shows for the first time is not a new section)
    news_labels: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Alarm:
    kind: str  # "layout" | "chain"
    message: str


@dataclass
class AlarmReport:
    run: RunMetrics
    baseline: RunMetrics | None
    alarms: list[Alarm] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.alarms


def _filled(name: str) -> str:
    """SQL: 1 when the record shows the field (not null, not "", not an empty list), else 0."""
    path = f"'$.{name}'"
    return (
        f"CASE WHEN json_type(v.record, {path}) IS NULL OR json_type(v.record, {path}) = 'NULL' THEN 0"
        f" WHEN json_type(v.record, {path}) = 'ARRAY' THEN (json_array_length(v.record, {path}) > 0)::INT"
        f" WHEN json_type(v.record, {path}) = 'VARCHAR' THEN (v.record ->> {path} <> '')::INT ELSE 1 END"
    )


#: The records a run observed: one per action (its last observation that points at a version).
_RUN_RECORDS = """
    SELECT v.record FROM observations o JOIN action_versions v ON v.id = o.version_id
    WHERE o.run_id = ? AND o.identifier IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY o.site, o.plan_path, o.language, o.identifier ORDER BY o.id DESC) = 1
"""
#: The same, with the version's id, first run and cause.
_RUN_RECORDS_V = _RUN_RECORDS.replace("SELECT v.record", "SELECT v.id, v.record, v.first_run, v.cause")


def run_metrics(con: duckdb.DuckDBPyConnection, run_id: int) -> RunMetrics:
    head = con.execute("SELECT outcome, counts FROM runs WHERE id = ?", [run_id]).fetchone()
    if head is None:
        raise ValueError(f"no run {run_id} in the archive")
    outcome, counts = head[0], json.loads(head[1]) if head[1] else {}
    rates = ", ".join(f"avg({_filled(name)}) * 100" for name in WATCHED_FIELDS)
    row = con.execute(f"SELECT count(*), {rates} FROM ({_RUN_RECORDS}) v", [run_id]).fetchone()
    records = int(row[0]) if row else 0
    fill = {name: float(row[i + 1] or 0.0) for i, name in enumerate(WATCHED_FIELDS)} if row and records else {}
    problems = con.execute(
        f"SELECT count(*), coalesce(sum(coalesce(json_array_length(warnings), 0) - {FILLS_SQL}), 0),"
        " count(*) FILTER (WHERE outcome = 'parse_failed')"
        " FROM observations WHERE run_id = ? AND outcome IN ('parsed', 'unchanged', 'parse_failed')",
        [run_id],
    ).fetchone()
    pages = int(problems[0]) if problems else 0
    per_page = (int(problems[1]) + int(problems[2])) / pages if problems and pages else 0.0
    labels = {
        str(r[0])
        for r in con.execute(
            f"SELECT DISTINCT unnest(json_keys(v.record, '$.extra_sections')) FROM ({_RUN_RECORDS}) v", [run_id]
        ).fetchall()
    }
    chain = counts.get("chain")
    meaning = {str(r[0]) for r in con.execute(
        "SELECT DISTINCT field FROM action_changes WHERE run_id = ? AND cause <> 'reparse'", [run_id]).fetchall()}
    news = {
        str(r[0])
        for r in con.execute(
            f"SELECT DISTINCT unnest(json_keys(v.record, '$.extra_sections')) FROM ({_RUN_RECORDS_V}) v"
            " WHERE v.first_run IS DISTINCT FROM ? OR EXISTS (SELECT 1 FROM action_changes c"
            "  WHERE c.new_version = v.id AND c.field = 'extra_sections')"
            " OR (v.cause <> 'markup' AND NOT EXISTS (SELECT 1 FROM action_changes c WHERE c.new_version = v.id))",
            [run_id, run_id],
        ).fetchall()
    }
    return RunMetrics(run_id, outcome, records, fill, per_page, labels, int(chain) if chain is not None else None,
                      meaning, news)


def previous_complete_run(con: duckdb.DuckDBPyConnection, run_id: int) -> int | None:
    """The last complete crawl of the same plan (site, path, language) that began before this run."""
    before = previous_complete_runs(con, run_id, 1)
    return before[0] if before else None


def compare(current: RunMetrics, baseline: RunMetrics, limits: Thresholds) -> list[Alarm]:
    alarms: list[Alarm] = []
    if current.records >= limits.min_records and baseline.records >= limits.min_records:
        drops = [
            (name, baseline.fill[name], current.fill.get(name, 0.0))
            for name in WATCHED_FIELDS
            if name in baseline.fill and baseline.fill[name] - current.fill.get(name, 0.0) > limits.fill_drop_points
            and name in current.meaning_fields  # else: the era cannot show it, no action's meaning changed
        ]
        if drops:
            shown = ", ".join(f"{n} {old:.0f}% → {new:.0f}%" for n, old, new in drops)
            alarms.append(Alarm("layout", f"fill rate fell by more than {limits.fill_drop_points:g} points: {shown}"))
    jump = current.warnings_per_page - baseline.warnings_per_page
    if jump > limits.warnings_jump:
        alarms.append(Alarm(
            "layout",
            f"parse warnings per page rose from {baseline.warnings_per_page:.2f} to {current.warnings_per_page:.2f}"
            f" (limit +{limits.warnings_jump:g})",
        ))
    new_labels = sorted(current.news_labels - baseline.extra_labels)
    if len(new_labels) > limits.new_extra_labels:
        alarms.append(Alarm(
            "layout",
            f"{len(new_labels)} new extra_sections label(s) (limit {limits.new_extra_labels}): "
            + ", ".join(repr(label) for label in new_labels[:8]) + (" …" if len(new_labels) > 8 else ""),
        ))
    if baseline.chain and current.chain is not None:
        shrink = (baseline.chain - current.chain) / baseline.chain * 100
        if shrink > limits.chain_drop_percent:
            alarms.append(Alarm(
                "chain",
                f"prev/next chain shrank from {baseline.chain} to {current.chain} actions ({shrink:.0f}%,"
                f" limit {limits.chain_drop_percent:g}%)",
            ))
    return alarms


def check_run(con: duckdb.DuckDBPyConnection, run_id: int, limits: Thresholds | None = None) -> AlarmReport:
    """Compare a run with the previous complete run of its plan; the first run of a plan has nothing to fail."""
    current = run_metrics(con, run_id)
    before = previous_complete_run(con, run_id)
    if before is None:
        return AlarmReport(current, None)
    baseline = run_metrics(con, before)
    return AlarmReport(current, baseline, compare(current, baseline, limits or Thresholds()))
