"""Agreement with the source: what `vahti verify` found when it asked a plan's GraphQL API about one run.

A run's records are what the pages said; the API is what the pages were made from. The archive keeps, per
verification of a run, the agreement of every compared field (`agreement`: the share of compared actions whose
value agrees) and every action's outcome with the facts that differed (`agreement_actions`), so a reader can
tell how far each field of each day can be trusted, and which actions to look at. Pure reads and writes: the
network side is `scraper.verify`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb

from schemas.errors import UsageError
from snapshots.change_model import RunInfo
from snapshots.records import RecordReader
from snapshots.report_read import get_run, list_runs, resolve_when

#: The tables (applied by the archive's migration list, `snapshots.schema`).
TABLES = [
    """CREATE TABLE verifications (
        id BIGINT NOT NULL,
        run_id BIGINT NOT NULL,
        site VARCHAR NOT NULL,
        plan_path VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        verified_at TIMESTAMPTZ NOT NULL,
        api_url VARCHAR NOT NULL,
        plan_identifier VARCHAR,
        actions_compared INTEGER,
        actions_agreed INTEGER,
        changed_since_crawl INTEGER,
        lowest_field VARCHAR,
        lowest_agreement DOUBLE)""",
    """CREATE TABLE agreement (
        verification_id BIGINT NOT NULL,
        run_id BIGINT NOT NULL,
        site VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        compared INTEGER NOT NULL,
        agreed INTEGER NOT NULL,
        share DOUBLE)""",
    """CREATE TABLE agreement_actions (
        verification_id BIGINT NOT NULL,
        run_id BIGINT NOT NULL,
        site VARCHAR NOT NULL,
        plan_path VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        identifier VARCHAR NOT NULL,
        verdict VARCHAR NOT NULL,
        fields VARCHAR[],
        changed_fields VARCHAR[],
        note VARCHAR,
        detail JSON)""",
]

#: What one action's comparison came to.
VERDICTS = ("agrees", "disagrees", "changed_since_crawl", "only_in_crawl", "only_in_api")


@dataclass(frozen=True)
class StoredRecord:
    identifier: str
    url: str
    record: dict[str, Any]
    front_end: str | None
    page_id: int | None


@dataclass
class RunSnapshot:
    """What a run stored, as verify needs it: its records with the era of each page, and the plan's API
    identifier when a response header named it."""

    run_id: int
    site: str
    plan_path: str
    language: str
    start_url: str
    started_at: dt.datetime
    outcome: str
    records: dict[str, StoredRecord]
    plan_identifier: str | None
    page_ids: list[int]


@dataclass
class FieldAgreement:
    field: str
    compared: int = 0
    agreed: int = 0

    @property
    def share(self) -> float | None:
        """Percent of compared actions that agree; None when no action was compared."""
        return round(100.0 * self.agreed / self.compared, 2) if self.compared else None


@dataclass
class ActionAgreement:
    identifier: str
    verdict: str
    fields: list[str] = field(default_factory=list)  # drift: compared and different, page re-read too
    changed_fields: list[str] = field(default_factory=list)  # different, but the page now says what the API says
    note: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # field -> {fact: {"page", "api"}}


@dataclass
class Verification:
    run_id: int
    site: str
    plan_path: str
    language: str
    api_url: str
    plan_identifier: str | None
    verified_at: dt.datetime
    fields: list[FieldAgreement]
    actions: list[ActionAgreement]

    @property
    def lowest(self) -> FieldAgreement | None:
        compared = [f for f in self.fields if f.share is not None]
        return min(compared, key=lambda f: (f.share, f.field)) if compared else None

    @property
    def changed_since_crawl(self) -> int:
        return sum(1 for a in self.actions if a.verdict == "changed_since_crawl")


def runs_to_verify(con: duckdb.DuckDBPyConnection, when: str | None, site: str | None) -> list[int]:
    """The run WHEN names (a date: the last complete run by then, else the latest of any kind), or the last
    complete run of each plan (site, base path, language)."""
    if when is not None:
        return [resolve_when(con, when, site, prefer_complete=True).id]
    last: dict[tuple[str, str, str], int] = {}
    for run in list_runs(con, site):  # oldest first: the last complete run of a plan is the one left standing
        if run.complete:
            last[(run.site, run.plan_path, run.language or "")] = run.id
    if not last:
        raise UsageError("no complete run to verify" + (f" of {site}" if site else "") + " (crawl first)")
    return [last[plan] for plan in sorted(last)]


def load_run(con: duckdb.DuckDBPyConnection, run_id: int) -> RunSnapshot:
    run = get_run(con, run_id)
    rows = con.execute(
        "SELECT o.identifier, o.url, v.id, o.front_end, o.page_id, v.record_zstd, v.record_base FROM observations o"
        " JOIN action_versions v ON v.id = o.version_id"
        " WHERE o.run_id = ? AND o.outcome IN ('parsed', 'unchanged') AND o.identifier IS NOT NULL"
        " QUALIFY row_number() OVER (PARTITION BY o.identifier ORDER BY o.id DESC) = 1 ORDER BY o.position, o.id",
        [run_id],
    ).fetchall()
    decoded = RecordReader(con).decode((int(r[2]), r[5], r[6]) for r in rows)
    records = {str(r[0]): StoredRecord(str(r[0]), str(r[1]), decoded[int(r[2])], r[3],
                                       int(r[4]) if r[4] is not None else None) for r in rows}
    plan_identifier = None
    for (headers,) in con.execute(
        "SELECT headers FROM pages WHERE run_id = ? AND lower(CAST(headers AS VARCHAR)) LIKE '%x-plan-identifier%'"
        " ORDER BY id LIMIT 1", [run_id]
    ).fetchall():
        lower = {str(k).lower(): v for k, v in json.loads(headers or "{}").items()}
        plan_identifier = str(lower.get("x-plan-identifier") or "") or None
    page_ids = [r.page_id for r in records.values() if r.page_id is not None]
    return RunSnapshot(run_id, run.site, run.plan_path, run.language or "", run.start_url or "",
                       _started(run), run.outcome, records, plan_identifier, page_ids)


def _started(run: RunInfo) -> dt.datetime:
    """`runs.started_at` is NOT NULL; RunInfo allows None only for the runs a renderer makes by hand."""
    if run.started_at is None:
        raise UsageError(f"run {run.id} has no start time")
    return run.started_at


def store_verification(con: duckdb.DuckDBPyConnection, v: Verification) -> int:
    """Write one verification in one transaction; returns its id."""
    con.execute("BEGIN TRANSACTION")
    try:
        found = con.execute("SELECT coalesce(max(id), 0) + 1 FROM verifications").fetchone()
        vid = int(found[0]) if found else 1
        lowest = v.lowest
        compared = [a for a in v.actions if a.verdict in ("agrees", "disagrees", "only_in_crawl", "only_in_api")]
        con.execute(
            "INSERT INTO verifications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [vid, v.run_id, v.site, v.plan_path, v.language, v.verified_at, v.api_url, v.plan_identifier,
             len(compared), sum(1 for a in compared if a.verdict == "agrees"), v.changed_since_crawl,
             lowest.field if lowest else None, lowest.share if lowest else None],
        )
        con.executemany(
            "INSERT INTO agreement VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[vid, v.run_id, v.site, f.field, f.compared, f.agreed, f.share] for f in v.fields],
        )
        if v.actions:
            con.executemany(
                "INSERT INTO agreement_actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[vid, v.run_id, v.site, v.plan_path, v.language, a.identifier, a.verdict, a.fields,
                  a.changed_fields, a.note, json.dumps(a.detail, ensure_ascii=False, default=str)]
                 for a in v.actions],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return vid


@dataclass(frozen=True)
class AgreementSummary:
    """The latest verification of a run, as `vahti runs`, the report and the digest show it."""

    run_id: int
    verified_at: dt.datetime
    lowest_field: str | None
    lowest_agreement: float | None
    actions_compared: int
    actions_agreed: int
    changed_since_crawl: int

    def words(self) -> str:
        """"98.5 % (tasks)", "100 %", or "nothing compared"."""
        if self.lowest_agreement is None:
            return "nothing compared"
        share = f"{self.lowest_agreement:.4g} %"
        return share if self.lowest_agreement >= 100 else f"{share} ({self.lowest_field})"


def latest_agreement(con: duckdb.DuckDBPyConnection, run_ids: Iterable[int]) -> dict[int, AgreementSummary]:
    """The latest verification of each run that has one (an archive from before verify has none)."""
    ids = list(run_ids)
    if not ids or not _has_tables(con):
        return {}
    rows = con.execute(
        "SELECT run_id, verified_at, lowest_field, lowest_agreement, actions_compared, actions_agreed,"
        " changed_since_crawl FROM verifications WHERE run_id IN (SELECT unnest(?::BIGINT[]))"
        " QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY verified_at DESC, id DESC) = 1",
        [ids],
    ).fetchall()
    return {int(r[0]): AgreementSummary(int(r[0]), r[1], r[2], r[3], int(r[4] or 0), int(r[5] or 0), int(r[6] or 0))
            for r in rows}


def previous_lowest(con: duckdb.DuckDBPyConnection, site: str, plan_path: str, language: str,
                    before_run: int) -> float | None:
    """The lowest field agreement of the plan's last verified run before this one (for the drop rule)."""
    if not _has_tables(con):
        return None
    row = con.execute(
        "SELECT lowest_agreement FROM verifications WHERE site = ? AND plan_path = ? AND language = ?"
        " AND run_id < ? AND lowest_agreement IS NOT NULL ORDER BY run_id DESC, id DESC LIMIT 1",
        [site, plan_path, language, before_run],
    ).fetchone()
    return float(row[0]) if row else None


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'verifications'").fetchone()
    return bool(found and found[0])


def as_json(v: Verification, skipped: Mapping[str, str]) -> dict[str, Any]:
    """The stable JSON shape of one verification (what `vahti verify --format json` prints per run)."""
    lowest = v.lowest
    return {
        "run": v.run_id, "site": v.site, "plan_path": v.plan_path, "language": v.language, "api_url": v.api_url,
        "plan_identifier": v.plan_identifier, "verified_at": v.verified_at.isoformat(),
        "lowest": {"field": lowest.field, "agreement": lowest.share} if lowest else None,
        "fields": {f.field: {"compared": f.compared, "agreed": f.agreed, "agreement": f.share} for f in v.fields},
        "changed_since_crawl": v.changed_since_crawl,
        "actions": [{"identifier": a.identifier, "verdict": a.verdict, "fields": a.fields,
                     "changed_fields": a.changed_fields, "note": a.note, "detail": a.detail} for a in v.actions],
        "skipped": dict(skipped),
    }
