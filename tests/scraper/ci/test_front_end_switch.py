"""The scheduled job meets a new front end (the replica switches era over its control call, real HTTP): the day
is accepted, no layout alarm fires, the digest says it once as information and lists no change."""

from __future__ import annotations

import re

import httpx

from scraper.replica import ReplicaServer
from tests.scraper.helpers import Job, site_of


def _era(replica: ReplicaServer, era: str) -> None:
    httpx.post(f"{replica.base_url}/__replica__/era/{era}", timeout=10).raise_for_status()


def test_a_new_front_end_is_information_not_a_failure(job: Job, replica: ReplicaServer) -> None:
    site = site_of(replica)
    _era(replica, "v2")
    assert job.run([site]).exit_code == 0
    for era in ("v3", "v1", "v3"):  # the redesign, then (as a web archive would) the 2019 pages and back
        _era(replica, era)
        result = job.run([site])
        verdict = result.sites[0]
        assert result.exit_code == 0, f"{era}: {verdict.problem()}"
        assert verdict.alarms == [], f"{era}: {[a.message for a in verdict.alarms]}"
        assert result.published is not None
        digest = result.published.digest.markdown
        assert "tampere: no changes" in digest, digest
        said = re.findall(r"Front end changed on (\d+) pages?", digest)
        opened = job.query("SELECT count(*) FROM action_versions WHERE first_run = ? AND cause = 'markup'",
                           [verdict.run_id])[0][0]
        assert said == [str(opened)] and 0 < opened <= 14, digest  # pages whose record changed, said once
        assert result.published.changes_file is None  # nothing changed in the plan: no changes file
    assert job.query("SELECT DISTINCT cause FROM action_versions ORDER BY 1") == [("crawl",), ("markup",)]
    assert job.query("SELECT count(*) FROM action_versions WHERE cause = 'crawl'") == [(14,)]
