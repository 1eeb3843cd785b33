"""One site crawled in Finnish and in English on two days: runs pair by plan and language everywhere.

A Finnish and an English crawl of the same plan share no action key, so pairing the last two runs of a *site*
read as "14 added · 14 removed". The replica serves the same plan under /lumo/ and /en/lumo/; `vahti crawl`
walks both on day 7 and on day 8 (Finnish first, so the site's last two runs are of different languages), and
every reader must report only the replica's own edits of day 8: `diff` (text and JSON, by default, by date and
by run id), the report's "Latest changes", its chart and stories, `history`, and for `vahti ci` the digest and
the alarms' baseline.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from schemas.errors import UsageError, VahtiError
from scraper.ci.job import CiOptions
from scraper.ci.run import CiResult, run_ci
from scraper.ci.sites import SiteSpec
from scraper.cli.app import app, load_commands
from scraper.fetch import FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.alarms import check_run
from snapshots.promote import LocalDirBackend
from snapshots.report import build_report
from snapshots.report_read import get_run

load_commands()
runner = CliRunner()

LANGUAGES = ("fi", "en")
#: two replica days whose edits include a merge (one action removed): a wrong pairing reads as all removed
BEFORE, AFTER = 7, 8


@dataclass
class TwoLanguages:
    db: Path
    #: (day, language) -> run id
    runs: dict[tuple[int, str], int]
    #: the replica's edits between the two days, as `changes(BEFORE, AFTER)` lists them
    changes: list[Any]
    urls: dict[str, str]


def _urls(srv: ReplicaServer) -> dict[str, str]:
    assert srv.site is not None
    return {lang: srv.base_url + srv.site.site_for(lang).list_path() for lang in LANGUAGES}


def _last_run(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT max(id) FROM runs").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module")
def two_languages(tmp_path_factory: pytest.TempPathFactory) -> TwoLanguages:
    db = tmp_path_factory.mktemp("languages") / "vahti.duckdb"
    runs: dict[tuple[int, str], int] = {}
    with ReplicaServer(ReplicaConfig(plan="tampere")) as srv:
        urls = _urls(srv)
        for day in (BEFORE, AFTER):
            srv.set_day(day)
            for lang in LANGUAGES:
                result = runner.invoke(app, ["crawl", urls[lang], "--delay", "0", "--db", str(db)])
                assert result.exit_code == 0, result.output
                runs[(day, lang)] = _last_run(db)
        changes = srv.changes(BEFORE, AFTER)
    return TwoLanguages(db, runs, changes, urls)


def _expected(changes: list[Any]) -> tuple[set[str], set[str], set[str]]:
    """(identifiers changed, identifiers removed, identifiers added) by the replica's edits; whitespace-only
    edits change nothing, a merge removes one action and edits the one it went into."""
    changed = {c.identifier for c in changes if c.kind != "whitespace_only"}
    changed |= {str(c.new) for c in changes if c.kind == "merged"}
    removed = {c.identifier for c in changes if c.kind in ("removed", "merged")}
    added = {c.identifier for c in changes if c.kind == "added"}
    return changed, removed, added


def _of(diff: dict[str, Any], kind: str | None = None) -> set[str]:
    return {c["identifier"] for c in diff["changes"] if kind is None or c["change"] == kind}


def _fail(*args: str) -> VahtiError:
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, VahtiError), result.output
    assert "\n" not in str(result.exception)
    return result.exception


def _diff_json(db: Path, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["diff", "--format", "json", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_the_replica_edits_something_and_merges_an_action(two_languages: TwoLanguages) -> None:
    changed, removed, _ = _expected(two_languages.changes)
    assert changed and removed, "the chosen days must hold edits and a removal, or the test proves nothing"


def test_a_plain_diff_asks_which_language(two_languages: TwoLanguages) -> None:
    error = _fail("diff", "--db", str(two_languages.db))
    assert isinstance(error, UsageError)
    assert "--language" in str(error) and "(fi)" in str(error) and "(en)" in str(error)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_diff_pairs_the_last_two_runs_of_one_language(two_languages: TwoLanguages, lang: str) -> None:
    t = two_languages
    changed, removed, added = _expected(t.changes)
    data = _diff_json(t.db, "--language", lang)
    assert (data["from"]["id"], data["to"]["id"]) == (t.runs[(BEFORE, lang)], t.runs[(AFTER, lang)])
    assert _of(data) == changed
    assert _of(data, "removed") == removed and _of(data, "added") == added
    text = runner.invoke(app, ["diff", "--language", lang, "--db", str(t.db)])
    assert text.exit_code == 0, text.output
    assert f"{len(added)} added, {len(removed)} removed" in text.output
    assert f"run {t.runs[(BEFORE, lang)]} " in text.output and f"run {t.runs[(AFTER, lang)]} " in text.output
    assert not re.search(r"\b14 (added|removed)\b", text.output)


def test_run_ids_name_their_language_and_mixed_languages_are_refused(two_languages: TwoLanguages) -> None:
    t = two_languages
    # --to alone: the complete run before it *in its language*, though a Finnish run started in between
    data = _diff_json(t.db, "--to", str(t.runs[(AFTER, "en")]))
    assert data["from"]["id"] == t.runs[(BEFORE, "en")]
    data = _diff_json(t.db, "--from", str(t.runs[(BEFORE, "fi")]))
    assert data["to"]["id"] == t.runs[(AFTER, "fi")]
    error = _fail("diff", "--from", str(t.runs[(BEFORE, "fi")]), "--to", str(t.runs[(AFTER, "en")]),
                  "--db", str(t.db))
    assert "different plans or languages" in str(error)
    error = _fail("diff", "--language", "fi", "--to", str(t.runs[(AFTER, "en")]), "--db", str(t.db))
    assert "(en)" in str(error) and "(fi)" in str(error)
    error = _fail("diff", "--language", "sv", "--db", str(t.db))
    assert "/lumo (en)" in str(error) and "/lumo (fi)" in str(error)
    assert "plan" in str(_fail("diff", "--plan", "/other", "--language", "fi", "--db", str(t.db)))


def test_a_date_means_a_run_of_the_chosen_language(two_languages: TwoLanguages) -> None:
    t = two_languages
    # the instant the Finnish crawl of day 8 began: the last English run by then is day 7's
    con = duckdb.connect(str(t.db), read_only=True)
    try:
        fi_after = get_run(con, t.runs[(AFTER, "fi")])
    finally:
        con.close()
    assert fi_after.started_at is not None
    instant = fi_after.started_at.isoformat()
    assert _diff_json(t.db, "--language", "en", "--from", instant)["from"]["id"] == t.runs[(BEFORE, "en")]
    data = _diff_json(t.db, "--language", "fi", "--to", instant)
    assert (data["from"]["id"], data["to"]["id"]) == (t.runs[(BEFORE, "fi")], t.runs[(AFTER, "fi")])
    # --plan / (or lumo, /lumo/) is spelled as the user likes
    assert _diff_json(t.db, "--plan", "lumo/", "--language", "en")["to"]["id"] == t.runs[(AFTER, "en")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_pairs_latest_changes_and_counts_by_language(
    two_languages: TwoLanguages, lang: str, tmp_path: Path
) -> None:
    t = two_languages
    changed, removed, _ = _expected(t.changes)
    con = duckdb.connect(str(t.db), read_only=True)
    try:
        site = get_run(con, t.runs[(BEFORE, lang)]).site
        report = build_report(con, site, language=lang)
    finally:
        con.close()
    assert [r.id for r in report.runs] == [t.runs[(BEFORE, lang)], t.runs[(AFTER, lang)]]
    assert report.language == lang and report.plan_path == "/lumo"
    assert report.latest is not None
    assert (report.latest.from_run.id, report.latest.to_run.id) == (t.runs[(BEFORE, lang)], t.runs[(AFTER, lang)])
    latest = {c.identifier for c in report.latest.changes}
    assert latest == changed
    assert {c.identifier for c in report.latest.changes if c.change == "removed"} == removed
    # the chart counts each run's own actions once (14 on day 7), not both languages' together
    assert sum(report.status_over_time[0].counts.values()) == 14
    assert {h.language for h in report.histories} == {lang}
    # every changed action has its story (its neighbours too: their prev/next links moved), told by our runs
    assert changed <= {h.identifier for h in report.histories}
    assert {s.first_run.id for h in report.histories for s in h.steps if s.first_run} == {t.runs[(AFTER, lang)]}
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--language", lang, "--out", str(out), "--db", str(t.db)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert f"/lumo ({lang})</h1>" in html
    assert "Latest changes" in html and not re.search(r"\b14 (added|removed)\b", html)
    error = _fail("report", "--out", str(tmp_path / "no.html"), "--db", str(t.db))
    assert "--language" in str(error)
    error = _fail("report", "--from", str(t.runs[(BEFORE, "fi")]), "--to", str(t.runs[(AFTER, "en")]),
                  "--out", str(tmp_path / "no.html"), "--db", str(t.db))
    assert "different plans or languages" in str(error)


def test_history_is_of_one_language_and_its_runs(two_languages: TwoLanguages) -> None:
    t = two_languages
    ident = next(c.identifier for c in t.changes if c.kind == "status")
    assert "--language" in str(_fail("history", ident, "--db", str(t.db)))
    for lang in LANGUAGES:
        result = runner.invoke(app, ["history", ident, "--language", lang, "--format", "json", "--db", str(t.db)])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["language"] == lang and len(data["versions"]) == 2
        ours = {t.runs[(BEFORE, lang)], t.runs[(AFTER, lang)]}
        shown = {run["id"] for v in data["versions"] for run in (v["window"]["last_seen_old"],
                                                                  v["window"]["first_seen_new"], v["last_run"]) if run}
        assert shown and shown <= ours
    result = runner.invoke(app, ["show", ident, "--language", "en", "--at", str(t.runs[(BEFORE, "en")]),
                                 "--format", "json", "--db", str(t.db)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["language"] == "en"
    assert "--language" in str(_fail("show", ident, "--db", str(t.db)))


# --- the daily job: digest and alarms -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ci_days(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[CiResult], ReplicaServer, Path]]:
    """`vahti ci` over the same site in Finnish and English, on day 7 and day 8 (a fresh work dir each day)."""
    root = tmp_path_factory.mktemp("ci-languages")
    results: list[CiResult] = []
    with ReplicaServer(ReplicaConfig(plan="tampere")) as srv:
        urls = _urls(srv)
        specs = [SiteSpec(f"tampere-{lang}", urls[lang], delay=0.0, max_failures=2, attempts=1)
                 for lang in LANGUAGES]
        for n, day in enumerate((BEFORE, AFTER)):
            srv.set_day(day)
            work = root / "work"
            if work.exists():
                for path in work.iterdir():
                    path.unlink()
            date = dt.date(2024, 3, 1) + dt.timedelta(days=n)
            results.append(run_ci(specs, CiOptions(
                db=work / "vahti.duckdb", publish_dir=root / "publish" / date.isoformat(),
                backend=LocalDirBackend(root / "store"), changes_dir=root / "changes",
                policy=FetchPolicy(delay=0.0, attempts=1), day=date, step_summary=root / "summary.md",
                say=lambda line: None,
            )))
        yield results, srv, root / "store" / "vahti.duckdb"


def test_digest_and_alarms_compare_like_with_like(
    ci_days: tuple[list[CiResult], ReplicaServer, Path],
) -> None:
    results, srv, archive = ci_days
    changed, removed, added = _expected(srv.changes(BEFORE, AFTER))
    first, second = results
    assert all(s.accepted for r in results for s in r.sites), [s.problem() for r in results for s in r.sites]
    before = {s.spec.name: s.run_id for s in first.sites}
    con = duckdb.connect(str(archive), read_only=True)
    try:
        for site in second.sites:
            # the alarms' baseline is yesterday's run of the same language, though the other language ran since
            assert site.baseline == before[site.spec.name] and not site.alarms
            assert site.run_id is not None
            report = check_run(con, site.run_id)
            assert report.baseline is not None and report.baseline.run_id == before[site.spec.name]
            assert get_run(con, report.baseline.run_id).language == get_run(con, site.run_id).language
    finally:
        con.close()
    assert second.published is not None
    digest = second.published.digest.markdown
    # the second crawl of each language: its changes are held back until a third confirms them (docs/ci.md), and
    # each language counts only its own: the same number in both, never every action removed and added
    sections = dict(re.findall(r"^## (tampere-\w+): changes held back\n(.*?)(?=^## |\Z)", digest, re.M | re.S))
    assert set(sections) == {f"tampere-{lang}" for lang in LANGUAGES}, digest
    counts = {lang: re.search(r"(\d+) action\(s\) changed since run (\d+)", body) for lang, body in sections.items()}
    assert all(counts.values()), sections
    for lang in LANGUAGES:
        found = counts[f"tampere-{lang}"]
        assert found is not None and int(found.group(2)) == before[f"tampere-{lang}"]
        assert 0 < int(found.group(1)) <= len(changed) + len(added) + len(removed)
