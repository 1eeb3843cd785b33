"""The scheduled job: fetch the archive, crawl every site into a staging copy, keep only what passed, publish.

Order matters for safety. The downloaded archive is kept aside untouched; the day's sites are crawled side by side
into one staging copy of the working archive (`scraper.ci.side_by_side`: one writer, each site its own politeness
and time budget), then checked one by one: a run that is complete and raised no alarm keeps its versions, any other
keeps only its raw pages (`snapshots.promote.reject_run`), and the copy becomes the working archive. The backend
stores the result only after `snapshots.promote` verified it still holds everything the downloaded archive held.
Digest and exports are written whatever happened, and say "unknown" for a site whose day was rejected.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from schemas.errors import ArchiveError, VahtiError
from scraper.ci.job import CiOptions, SiteResult
from scraper.ci.publish import Published, publish
from scraper.ci.side_by_side import crawl_side_by_side
from scraper.ci.sites import SiteSpec
from scraper.ci.verify_step import verify_site
from scraper.crawl import CrawlOptions
from scraper.urls import check_start_url
from snapshots.alarms import check_run
from snapshots.compact import compact, free_share
from snapshots.db import WriteLock, connect_read
from snapshots.promote import copy_archive, prepare, promote, reject_run, run_scopes
from snapshots.shared_writer import SharedWriter
from snapshots.store import open_writer


@dataclass
class CiResult:
    sites: list[SiteResult]
    published: Published | None = None
    promoted_to: str | None = None
    promote_error: str | None = None

    @property
    def exit_code(self) -> int:
        ok = all(s.accepted or s.tolerated for s in self.sites) and self.promote_error is None
        return 0 if ok else 1


def _cleanup(db: Path) -> None:
    for suffix in ("", ".wal", ".lock", ".readers"):
        with contextlib.suppress(FileNotFoundError):
            db.with_name(db.name + suffix).unlink()


def _crawl(specs: list[SiteSpec], staging: Path, options: CiOptions, results: list[SiteResult]) -> None:
    """Every site side by side into the staging copy, through one writer."""
    with SharedWriter(open_writer(staging)) as writer:
        crawls = crawl_side_by_side(specs, writer, options.policy, CrawlOptions(), parallel=options.parallel,
                                    board=options.board(), say=options.say)
    for result, crawl in zip(results, crawls, strict=True):
        result.run_id, result.outcome, result.reason = crawl.run_id, crawl.outcome, crawl.reason


def _check(staging: Path, options: CiOptions, result: SiteResult) -> None:
    """A complete run against the alarms and the plan's API; sets whether it is accepted."""
    if result.outcome != "complete" or result.run_id is None:
        return
    con = connect_read(staging)
    try:
        report = check_run(con, result.run_id, options.thresholds)
    finally:
        con.close()
    result.alarms, result.baseline = report.alarms, report.baseline.run_id if report.baseline else None
    verify_site(staging, options, result)  # before promotion: drift from the plan's API is an alarm too
    result.accepted = not result.alarms or options.accept_alarms


def _shared_plans(staging: Path, results: list[SiteResult]) -> None:
    """A rejected run's versions are undone plan by plan: an accepted run of the same plan (a sites file naming one
    plan twice) would be undone with it, so it is rejected too, and says why."""
    con = connect_read(staging)
    try:
        scopes = {id(r): run_scopes(con, r.run_id) for r in results if r.run_id is not None}
    finally:
        con.close()
    changed = True
    while changed:
        changed = False
        for bad in [r for r in results if not r.accepted and r.run_id is not None]:
            for good in [r for r in results if r.accepted and r.run_id is not None]:
                if scopes[id(bad)] & scopes[id(good)]:
                    good.accepted, good.outcome = False, "failed"
                    good.reason = f"crawled the same plan as {bad.spec.name}, whose run was rejected"
                    changed = True


def crawl_sites(specs: list[SiteSpec], options: CiOptions) -> list[SiteResult]:
    """The day's crawl: one staging copy, every site into it side by side, each run checked, the rejected ones
    reduced to their evidence, then the copy becomes the working archive. A site failing never stops another; a
    staging copy that cannot be made or finished loses the day's crawl, never the archive."""
    results = [SiteResult(spec) for spec in specs]
    staging = options.db.with_name(f"{options.db.stem}.staging{options.db.suffix}")
    _cleanup(staging)
    try:
        copy_archive(options.db, staging)
        _crawl(specs, staging, options, results)
        for result in results:
            try:
                _check(staging, options, result)
            except Exception as exc:  # this site's checks could not run: its day is rejected, not the others'
                result.accepted, result.outcome = False, "failed"
                result.reason = f"checks failed: {type(exc).__name__}: {exc}"
        _shared_plans(staging, results)
        for result in results:
            if not result.accepted and result.run_id is not None:
                reject_run(staging, options.db, result.run_id, _kept_outcome(result), _kept_reason(result))
        if staging.with_name(staging.name + ".wal").exists():
            raise ArchiveError(f"{staging} was not checkpointed; not promoting it")
        os.replace(staging, options.db)
    except Exception as exc:  # the staging copy failed: nothing of the day is kept, the archive is as it was
        for result in results:
            crawl = f"; crawl: {result.outcome}" + (f" ({result.reason})" if result.reason else "") \
                if result.run_id is not None else ""
            result.accepted, result.outcome = False, "failed"
            result.reason = f"the day's staging archive failed ({type(exc).__name__}: {exc}){crawl}"
    finally:
        _cleanup(staging)
    return results


def _previous_outcomes(db: Path, specs: list[SiteSpec]) -> list[str | None]:
    """Each plan's last finished crawl before today, by start URL (None: never crawled): what decides whether
    today's partial day fails the job."""
    con = connect_read(db)
    try:
        out: list[str | None] = []
        for spec in specs:
            try:
                url = check_start_url(spec.start_url)
            except VahtiError:
                out.append(None)
                continue
            row = con.execute(
                "SELECT outcome FROM runs WHERE start_url = ? AND cause = 'crawl'"
                " AND outcome NOT IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1", [url]
            ).fetchone()
            out.append(str(row[0]) if row else None)
        return out
    finally:
        con.close()


def tolerate_first_partial(results: list[SiteResult], previous: list[str | None]) -> None:
    """One site that hangs must not turn every day red: a partial day fails the job only when the plan's previous
    run was not complete either (partial, failed or rejected). A first partial day is rejected like any other (its
    pages kept, no versions) and the digest says so, as a notice."""
    for result, before in zip(results, previous, strict=True):
        result.tolerated = result.verdict == "partial" and before in (None, "complete")


def _kept_outcome(result: SiteResult) -> str:
    return "partial" if result.outcome == "partial" else "failed"


def _kept_reason(result: SiteResult) -> str:
    return f"rejected by vahti ci ({result.problem()}); raw pages kept, no versions"


@contextlib.contextmanager
def _held(db: Path) -> Iterator[None]:
    lock = WriteLock(db)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _compact_if_due(db: Path, options: CiOptions) -> None:
    """DuckDB never gives free blocks back (every page a crawl writes leaves some): when they pass `compact_at` of
    the file, rewrite it (`snapshots.compact`; the job holds the write lock). A compaction that cannot run (no
    disk space) costs the day nothing: the archive stays as it was and is promoted as usual."""
    if options.compact_at is None or not db.exists():
        return
    try:
        share = free_share(db)
        if share < options.compact_at:
            return
        options.say(f"archive {share:.0%} free space (threshold {options.compact_at:.0%}): compacting")
        compact(db, locked=True, say=options.say)
    except VahtiError as exc:
        options.say(f"archive not compacted: {exc}")


def run_ci(sites: list[SiteSpec], options: CiOptions) -> CiResult:
    """Every site side by side (one failing never stops another), then one verified promotion."""
    db = options.db
    db.parent.mkdir(parents=True, exist_ok=True)
    before = db.with_name(f"{db.stem}.before{db.suffix}")
    with options.backend.lock(), _held(db):
        _cleanup(before)
        had = options.backend.fetch(db)
        if had:
            copy_archive(db, before)
        prepare(db)
        previous = _previous_outcomes(db, sites)
        results = crawl_sites(sites, options)
        tolerate_first_partial(results, previous)
        for result in results:
            run = f"run {result.run_id}" if result.run_id is not None else "no run"
            why = "" if result.accepted else f" ({result.problem()})"
            later = "; a first partial day in a row: not failing the job (a second one does)" if result.tolerated else ""
            options.say(f"== {result.spec.name}: {run}, {result.verdict}{why}{later}")
        outcome = CiResult(results)
        _compact_if_due(db, options)
        try:
            outcome.promoted_to = promote(db, before if had else None, options.backend)
            options.say(f"archive promoted to {outcome.promoted_to}")
        except VahtiError as exc:
            outcome.promote_error = str(exc)
            options.say(f"archive NOT promoted: {exc}")
        finally:
            _cleanup(before)
        outcome.published = publish(outcome.sites, db, options.publish_target(), outcome.promote_error)
    return outcome
