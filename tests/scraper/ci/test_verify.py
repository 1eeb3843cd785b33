"""`vahti ci` verifies each day's run against the plan's API before promotion: drift is an alarm that holds the
day back (and the digest says so); an API that cannot be asked is a warning and the day stands."""

from __future__ import annotations

import functools
import socket
from dataclasses import replace
from pathlib import Path

import pytest

import scraper.ci.side_by_side
import scraper.parse
from scraper.ci.sites import SiteSpec
from scraper.crawl import Crawl
from scraper.parse import ParseResult, parse_page
from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import Job, site_of

_real_parse = parse_page


def dropping_organizations(html: bytes, url: str) -> ParseResult:
    """A parser bug on purpose: the final record loses its responsible organisations."""
    result = _real_parse(html, url)
    return ParseResult(result.action.model_copy(update={"responsible_organizations": []}), result.warnings)


@pytest.fixture
def srv() -> ReplicaServer:
    with ReplicaServer(ReplicaConfig(plan="tampere", api_port=0)) as server:
        yield server  # type: ignore[misc]


def _site(srv: ReplicaServer, api_url: str | None) -> SiteSpec:
    return replace(site_of(srv), api_url=api_url)


def test_agreement_is_checked_and_said(job: Job, srv: ReplicaServer) -> None:
    result = job.run([_site(srv, srv.api_url)])
    assert result.exit_code == 0 and result.sites[0].accepted
    assert job.query("SELECT lowest_agreement, actions_compared FROM verifications") == [(100.0, 14)]
    digest = (job.root / "step_summary.md").read_text(encoding="utf-8")
    assert "Agreement with the plan's API: lowest field 100 %, 14 of 14 actions agree" in digest


def test_drift_holds_the_day_back(job: Job, srv: ReplicaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scraper.ci.side_by_side, "Crawl", functools.partial(Crawl, parse=dropping_organizations))
    monkeypatch.setattr(scraper.parse, "parse_page", dropping_organizations)  # the page re-read: same bug
    broken = job.run([_site(srv, srv.api_url)])
    site = broken.sites[0]
    assert broken.exit_code == 1 and not site.accepted and site.verdict == "alarmed"
    assert [a.kind for a in site.alarms] == ["verify"]
    message = site.alarms[0].message
    assert message.startswith("responsible_organizations agrees with the plan's API on 7.14 % of 14 actions")
    assert "(under 98 %)" in message and "1.1.1" in message
    assert job.versions() == []  # nothing promoted
    kept = job.query("SELECT outcome, reason FROM runs WHERE id = ?", [site.run_id])
    assert kept[0][0] == "failed" and "drift from the plan's API" in kept[0][1]
    assert job.query("SELECT count(*) FROM pages WHERE run_id = ?", [site.run_id])[0][0] > 0  # the evidence
    digest = (job.root / "step_summary.md").read_text(encoding="utf-8")
    assert "changes unknown" in digest and "drift from the plan" in digest and "- verify: " in digest
    monkeypatch.undo()  # the parser fixed: the next day is verified and kept
    fixed = job.run([_site(srv, srv.api_url)])
    assert fixed.exit_code == 0 and fixed.sites[0].accepted
    assert job.query("SELECT lowest_agreement FROM verifications") == [(100.0,)]


def test_unreachable_api_warns_and_the_day_stands(job: Job, srv: ReplicaServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lines: list[str] = []
    result = job.run([_site(srv, f"http://127.0.0.1:{port}/v1/graphql/")], say=lines.append)
    site = result.sites[0]
    assert result.exit_code == 0 and site.accepted and not site.alarms
    assert len(site.warnings) == 1 and "cannot be reached" in site.warnings[0]
    assert len([line for line in lines if "warning: not verified" in line]) == 1
    assert job.query("SELECT count(*) FROM action_versions")[0][0] == 14
    digest = (job.root / "step_summary.md").read_text(encoding="utf-8")
    assert "notice(s), not failures" in digest and "unverified" in digest


def test_no_api_configured_no_verify(job: Job, srv: ReplicaServer) -> None:
    result = job.run([_site(srv, None)])
    assert result.sites[0].accepted and not result.sites[0].warnings
    assert job.query("SELECT count(*) FROM verifications") == [(0,)]


def test_accept_alarms_keeps_a_drifting_day(job: Job, srv: ReplicaServer, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setattr(scraper.ci.side_by_side, "Crawl", functools.partial(Crawl, parse=dropping_organizations))
    monkeypatch.setattr(scraper.parse, "parse_page", dropping_organizations)
    result = job.run([_site(srv, srv.api_url)], accept_alarms=True)
    assert result.sites[0].accepted and [a.kind for a in result.sites[0].alarms] == ["verify"]
