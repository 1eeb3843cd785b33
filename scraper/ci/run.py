"""The scheduled job: fetch the archive, crawl every site into a staging copy, keep only what passed, publish.

Order matters for safety. The downloaded archive is kept aside untouched; each site's crawl goes into a copy of
the working archive and replaces it only when the run is complete and no alarm fired; a rejected run leaves only
its raw pages behind. The backend stores the result only after `snapshots.promote` verified it still holds
everything the downloaded archive held. Digest and exports are written whatever happened, and say "unknown"
for a site whose day was rejected.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from schemas.errors import ArchiveError, VahtiError
from scraper.ci.job import CiOptions, SiteResult
from scraper.ci.publish import Published, publish
from scraper.ci.sites import SiteSpec
from scraper.ci.verify_step import verify_site
from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import Fetcher
from scraper.urls import check_start_url
from snapshots.alarms import check_run
from snapshots.compact import compact, free_share
from snapshots.db import WriteLock, connect_read
from snapshots.promote import copy_archive, keep_pages_only, prepare, promote
from snapshots.store import open_writer


@dataclass
class CiResult:
    sites: list[SiteResult]
    published: Published | None = None
    promoted_to: str | None = None
    promote_error: str | None = None

    @property
    def exit_code(self) -> int:
        ok = all(s.accepted for s in self.sites) and self.promote_error is None
        return 0 if ok else 1


def _cleanup(db: Path) -> None:
    for suffix in ("", ".wal", ".lock", ".readers"):
        with contextlib.suppress(FileNotFoundError):
            db.with_name(db.name + suffix).unlink()


def _crawl(spec: SiteSpec, staging: Path, options: CiOptions, result: SiteResult) -> None:
    url = check_start_url(spec.start_url)
    policy = replace(
        options.policy,
        delay=spec.delay if spec.delay is not None else options.policy.delay,
        user_agent=spec.user_agent or options.policy.user_agent,
        attempts=spec.attempts or options.policy.attempts,
    )
    crawl_options = CrawlOptions(max_pages=spec.max_pages, max_failures=spec.max_failures or 5)
    with open_writer(staging) as writer, Fetcher(url, policy) as fetcher:
        crawl = Crawl(fetcher, writer, url, crawl_options, progress=options.progress())
        try:
            summary = crawl.run()
        except BaseException:
            result.run_id = crawl.summary.run_id or None
            raise
    result.run_id, result.outcome, result.reason = summary.run_id, summary.outcome, summary.reason


def crawl_site(spec: SiteSpec, options: CiOptions) -> SiteResult:
    """One site, one run: crawl into a staging copy, check, then keep it whole or keep only its pages."""
    result = SiteResult(spec)
    staging = options.db.with_name(f"{options.db.stem}.staging{options.db.suffix}")
    _cleanup(staging)
    copy_archive(options.db, staging)
    try:
        try:
            _crawl(spec, staging, options, result)
        except VahtiError as exc:
            result.outcome, result.reason = "failed", str(exc)
        except Exception as exc:  # a bug must not stop the other sites; the job still ends red
            result.outcome, result.reason = "failed", f"internal error: {type(exc).__name__}: {exc}"
        if result.outcome == "complete" and result.run_id is not None:
            con = connect_read(staging)
            try:
                report = check_run(con, result.run_id, options.thresholds)
            finally:
                con.close()
            result.alarms, result.baseline = report.alarms, report.baseline.run_id if report.baseline else None
            verify_site(staging, options, result)  # before promotion: drift from the plan's API is an alarm too
            result.accepted = not result.alarms or options.accept_alarms
        if result.accepted:
            if staging.with_name(staging.name + ".wal").exists():
                raise ArchiveError(f"{staging} was not checkpointed; not promoting it")
            os.replace(staging, options.db)
        elif result.run_id is not None:
            keep_pages_only(staging, options.db, result.run_id, _kept_outcome(result), _kept_reason(result))
    finally:
        _cleanup(staging)
    return result


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
    """Every site in turn (one failing never stops the next), then one verified promotion."""
    db = options.db
    db.parent.mkdir(parents=True, exist_ok=True)
    before = db.with_name(f"{db.stem}.before{db.suffix}")
    with options.backend.lock(), _held(db):
        _cleanup(before)
        had = options.backend.fetch(db)
        if had:
            copy_archive(db, before)
        prepare(db)
        results: list[SiteResult] = []
        for spec in sites:
            options.say(f"== {spec.name}: {spec.start_url}")
            try:
                result = crawl_site(spec, options)
            except Exception as exc:  # staging copy or page keeping failed: this site is lost, not the others
                result = SiteResult(spec)
                result.outcome, result.reason = "failed", f"{type(exc).__name__}: {exc}"
            results.append(result)
            run = f"run {result.run_id}" if result.run_id is not None else "no run"
            options.say(f"== {spec.name}: {run}, {result.verdict}" + ("" if result.accepted else f" ({result.problem()})"))
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


