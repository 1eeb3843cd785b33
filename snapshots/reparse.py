"""Re-derive records from the stored raw pages with the current parser.

The parser lives in `scraper/`, which this package must not import, so the caller hands in `parse`. Only actions
that are current (or were never parsed) are re-derived, from the page of their latest observation; where the new
record differs, a version with cause "reparse" opens at the time of the reparse. History is not rewritten: what
the archive said at an earlier run stays what it said, and a parser improvement is never mistaken for the city
editing its plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from schemas import clock
from schemas.action import Action
from schemas.meaning import sniff_front_end
from snapshots.bodies import PageUnreadable
from snapshots.ledger import RunStamp
from snapshots.records import RecordReader
from snapshots.store import Archive
from snapshots.versions import changed_fields

Parse = Callable[[bytes, str], Action]


@dataclass
class ReparseReport:
    examined: int = 0
    changed: int = 0
    added: int = 0
    failed: int = 0
    fields: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "examined": self.examined,
            "changed": self.changed,
            "added": self.added,
            "failed": self.failed,
            "fields": dict(sorted(self.fields.items())),
        }


_LATEST_PAGES = """
WITH latest AS (
    SELECT o.site, o.plan_path, o.language, o.identifier, o.url, o.run_id, p.sha256,
           row_number() OVER (PARTITION BY o.site, o.plan_path, o.language, o.identifier
                              ORDER BY r.started_at DESC, o.id DESC) AS n
    FROM observations o
    JOIN runs r ON r.id = o.run_id
    JOIN pages p ON p.id = o.page_id
    WHERE o.identifier IS NOT NULL AND p.sha256 IS NOT NULL
      -- a parsed page counts only if it fed a version: a run the scheduled job rejected (a layout change) keeps
      -- its pages as evidence, unlinked, and must not come back through a reparse
      AND (o.outcome = 'parse_failed' OR (o.outcome IN ('parsed', 'unchanged') AND o.version_id IS NOT NULL))
)
SELECT l.site, l.plan_path, l.language, l.identifier, l.url, l.run_id, l.sha256
FROM latest l
WHERE l.n = 1 {site_filter}
ORDER BY l.site, l.plan_path, l.language, l.identifier
"""


def reparse(archive: Archive, parse: Parse, site: str | None = None, now: dt.datetime | None = None) -> ReparseReport:
    """Add a 'reparse' version wherever the current parser reads a stored page differently."""
    con = archive.con()
    report = ReparseReport()
    sql = _LATEST_PAGES.format(site_filter="AND l.site = ?" if site else "")
    rows = con.execute(sql, [site] if site else []).fetchall()
    latest_start = con.execute("SELECT max(started_at) FROM runs").fetchone()
    at = now or clock.now()
    if latest_start and latest_start[0] is not None and latest_start[0] > at:
        at = latest_start[0]
    for site_, plan_path, language, identifier, url, run_id, sha in rows:
        current = archive.ledger.scope_versions((site_, plan_path, language)).get(identifier)
        if current is not None and not current.open:
            continue  # gone: there is no current record to correct
        report.examined += 1
        try:
            body = archive.bodies.body(sha)
        except PageUnreadable as exc:  # that page is lost; the others are re-derived all the same
            report.failed += 1
            report.errors.append(f"{identifier}: {exc}")
            continue
        try:
            record = parse(body, url)
        except Exception as exc:  # the parser's own errors, whatever the parser is
            report.failed += 1
            report.errors.append(f"{identifier}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
            continue
        record_hash = record.record_hash()
        if current is not None and current.record_hash == record_hash:
            continue
        run = archive.run_stamp(int(run_id))
        con.execute("BEGIN TRANSACTION")
        try:
            if current is not None:
                old = RecordReader(con).one(current.version_id)
                for name, _, _ in changed_fields(old, record.model_dump(mode="json")):
                    report.fields[name] += 1
                report.changed += 1
            else:
                report.added += 1
            archive.ledger.record_version(
                RunStamp(run.id, run.site, run.plan_path, run.language, run.started_at, "reparse"),
                record,
                record_hash,
                cause="reparse",
                at=at,
                front_end=sniff_front_end(body),
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            archive.ledger.forget()
            raise
    return report
