"""Simulated days through the scheduled job: good days promote, a half-way failure and a redesign do not."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scraper.replica import ReplicaServer
from snapshots.alarms import Thresholds
from tests.scraper.helpers import Job, site_of

SHOWN_KINDS = {"status", "task_completed", "name", "date_moved", "contact", "organization"}


def changed_headings(markdown: str) -> set[str]:
    """Identifiers of the actions the digest lists as changed (### [ID name](url))."""
    return {m.group(1) for m in re.finditer(r"^### (?:Added: |Removed: )?\[([^\s\]]+) ", markdown, re.M)}


def test_good_partial_good_keeps_every_good_day(job: Job, replica: ReplicaServer) -> None:
    site = site_of(replica)

    # day 0: the first crawl promotes, and the digest, the changes file and the exports are written
    first = job.run([site])
    assert first.exit_code == 0, first.sites[0].problem()
    assert first.promoted_to == str(job.archive)
    published = first.published
    assert published is not None and published.changes_file is not None
    assert "first crawl" in published.digest.markdown and "14 actions" in published.digest.markdown
    assert published.changes_file.read_text(encoding="utf-8") == published.digest.markdown
    assert (published.digest_file.parent / "exports" / "current.parquet").stat().st_size > 0
    assert any((published.digest_file.parent / "exports" / "history").rglob("*.parquet"))
    assert published.failure_file is None
    good_versions = job.versions()
    assert len(good_versions) == 14

    # day 1: the replica answers 503 from the 5th action page on: partial, rejected, archive kept
    replica.set_day(1)
    replica.set_faults("halfway=5")
    partial = job.run([site])
    assert partial.exit_code == 0  # the first partial day after a good one does not fail the job (docs/ci.md)
    verdict = partial.sites[0]
    assert verdict.verdict == "partial" and not verdict.accepted and verdict.tolerated
    assert job.versions() == good_versions  # no version opened, none closed
    assert job.query("SELECT outcome FROM runs ORDER BY id") == [("complete",), ("partial",)]
    kept = job.query("SELECT count(*) FROM pages WHERE run_id = ?", [verdict.run_id])[0][0]
    assert kept >= 5  # its raw pages are kept as evidence
    assert job.query("SELECT count(*) FROM observations WHERE run_id = ? AND version_id IS NOT NULL",
                     [verdict.run_id]) == [(0,)]
    assert partial.published is not None
    digest = partial.published.digest.markdown
    assert "changes unknown" in digest and "Unknown, not" in digest
    assert "No changes" not in digest and "no changes" not in digest.replace('not "no changes"', "")
    assert partial.published.changes_file is None  # nothing known changed: no file to commit
    assert "a first partial day in a row does not fail the job" in digest  # a notice, not a failure
    assert partial.published.failure_file is None

    # day 2: the site is back; the digest compares with the last good day, so day 1's edits are not lost: they are
    # held back until a crawl confirms them (docs/ci.md: a change is told once it has lasted two crawls) ...
    replica.set_day(2)
    replica.set_faults("")
    good = job.run([site])
    assert good.exit_code == 0, good.sites[0].problem()
    assert good.sites[0].baseline == first.sites[0].run_id
    assert good.published is not None and "changes held back" in good.published.digest.markdown
    runs = job.query("SELECT id, outcome FROM runs ORDER BY id")
    assert [r[1] for r in runs] == ["complete", "partial", "complete"]
    assert {v[0] for v in good_versions} <= {v[0] for v in job.versions()}  # every good day still there
    # ... and told with the next good day, all but those the next day changed again
    replica.set_day(3)
    confirmed = job.run([site])
    assert confirmed.exit_code == 0 and confirmed.published is not None
    assert confirmed.published.changes_file is not None
    again = {c.identifier for c in replica.changes(2, 3)}
    expected = {c.identifier for c in replica.changes(0, 2) if c.kind in SHOWN_KINDS} - again
    assert expected and expected <= changed_headings(confirmed.published.digest.markdown)
    summary = (job.root / "step_summary.md").read_text(encoding="utf-8")
    assert summary.count("# vahti daily digest") == 4


def test_redesign_alarms_and_creates_no_versions(job: Job, replica: ReplicaServer) -> None:
    site = site_of(replica)
    assert job.run([site]).exit_code == 0
    before = job.versions()

    replica.set_day(1)
    replica.cfg.redesign = True  # headings renamed, embedded data dropped
    result = job.run([site])
    assert result.exit_code == 1
    verdict = result.sites[0]
    assert verdict.outcome == "complete" and verdict.verdict == "alarmed"
    assert {a.kind for a in verdict.alarms} == {"layout"}
    text = " ".join(a.message for a in verdict.alarms)
    assert "fill rate fell" in text and "status" in text and "new extra_sections label" in text
    assert job.versions() == before
    assert job.query("SELECT outcome, reason LIKE 'rejected by vahti ci%' FROM runs WHERE id = ?",
                     [verdict.run_id]) == [("failed", True)]
    assert job.query("SELECT count(*) FROM pages WHERE run_id = ?", [verdict.run_id])[0][0] >= 14
    assert result.published is not None and "changes unknown" in result.published.digest.markdown

    # the rejected day's pages are evidence only: a reparse never turns them into versions
    from scraper.parse import parse_action
    from snapshots.reparse import reparse
    from snapshots.store import Archive

    with Archive(job.archive) as archive:
        report = reparse(archive, parse_action)
    assert report.added == 0 and report.changed == 0
    assert job.versions() == before

    # a human who checked the site can keep the day anyway (workflow input accept_alarms)
    accepted = job.run([site], accept_alarms=True)
    assert accepted.exit_code == 0 and accepted.sites[0].alarms and accepted.sites[0].accepted
    assert accepted.published is not None and "accepted by hand" in accepted.published.digest.markdown
    assert len(job.versions()) > len(before)


def _skip_chain(replica: ReplicaServer) -> str:
    """A fault that links the 2nd action straight to the 4th from last: the chain loses most of its middle."""
    chain = replica.chain()
    return f"{urlsplit(replica.action_url(chain[1])).path}=next:{chain[-4]}"


def test_chain_shrink_alarms(job: Job, replica: ReplicaServer) -> None:
    site = site_of(replica)
    job.run([site])
    before = job.versions()
    replica.set_faults(_skip_chain(replica))
    result = job.run([site])
    verdict = result.sites[0]
    assert result.exit_code == 1 and verdict.outcome == "complete"
    assert [a.kind for a in verdict.alarms] == ["chain"]
    assert "chain shrank from 14 to 6" in verdict.alarms[0].message
    assert job.versions() == before
    # the threshold is configurable: the same shrink passes a looser limit
    job.thresholds = Thresholds(chain_drop_percent=60)
    looser = job.run([site])
    assert looser.exit_code == 0 and not looser.sites[0].alarms


def test_two_sites_one_failing_does_not_stop_the_other(job: Job, replica: ReplicaServer) -> None:
    broken = site_of(replica, "broken")
    broken = type(broken)("broken", "http://127.0.0.1:9/actions", 0.0, None, 1, 1)  # nothing listens on port 9
    result = job.run([broken, site_of(replica)])
    assert result.exit_code == 1
    assert [s.verdict for s in result.sites] == ["failed", "ok"]
    assert result.promoted_to == str(job.archive)  # the good site's day is kept
    assert len(job.versions()) == 14
    assert result.published is not None
    digest = result.published.digest.markdown
    assert "broken: changes unknown" in digest and "tampere: first crawl" in digest


def test_a_staging_copy_that_fails_loses_the_day_not_the_archive(
    job: Job, replica: ReplicaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sites are crawled side by side into one staging copy: when it cannot be made, no site is crawled, each
    says why, and the archive is promoted as it was."""
    import scraper.ci.run as ci_run

    assert job.run([site_of(replica)]).exit_code == 0
    before = job.versions()
    real_copy = ci_run.copy_archive

    def failing_staging(src: Path, dst: Path) -> None:
        if ".staging." in dst.name:
            raise OSError("disk full while copying the archive")
        real_copy(src, dst)

    monkeypatch.setattr(ci_run, "copy_archive", failing_staging)
    result = job.run([site_of(replica, "first"), site_of(replica)])
    assert result.exit_code == 1
    assert [s.verdict for s in result.sites] == ["failed", "failed"]
    assert all("disk full" in (s.reason or "") for s in result.sites)
    assert result.promoted_to == str(job.archive) and job.versions() == before
    assert result.published is not None and "first: changes unknown" in result.published.digest.markdown
