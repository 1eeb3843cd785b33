"""`languages` in sites.toml: each language of a plan is a crawl of its own start URL (`/en/lumo/actions`), in
`vahti crawl --sites` and in `vahti ci`, and the digest reports every language's outcome."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from scraper.ci.sites import parse_sites
from scraper.replica import ReplicaServer
from tests.scraper.ci.test_cli import run_main
from tests.scraper.helpers import Job

LANGS = ("fi", "en", "sv")


def _sites(replica: ReplicaServer, languages: tuple[str, ...] = LANGS) -> str:
    return ("[defaults]\ndelay = 0\nattempts = 1\nmax_failures = 2\n[[site]]\nname = \"tampere\"\n"
            f"start_url = {json.dumps(replica.start_url)}\nlanguages = {json.dumps(list(languages))}\n")


def test_crawl_sites_walks_each_language_under_its_prefix(
    tmp_path: Path, replica: ReplicaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sites.toml").write_text(_sites(replica), encoding="utf-8")
    db = tmp_path / "langs.duckdb"
    code, out, err = run_main(["crawl", "--sites", str(tmp_path / "sites.toml"), "--db", str(db)], capsys)
    assert code == 0, err
    base = replica.start_url.removesuffix("/lumo/actions")
    for lang in LANGS:
        prefix = "" if lang == "fi" else f"/{lang}"
        assert f"== tampere ({lang}): {base}{prefix}/lumo/actions" in out
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.execute("SELECT language, plan_path, start_url, outcome FROM runs ORDER BY id").fetchall()
        records = {lang: dict(con.execute(
            "SELECT identifier, record_hash FROM action_versions WHERE language = ? AND valid_to IS NULL", [lang]
        ).fetchall()) for lang in LANGS}
    finally:
        con.close()
    assert runs == [(lang, "/lumo", f"{base}{'' if lang == 'fi' else '/' + lang}/lumo/actions", "complete")
                    for lang in LANGS]
    for lang in LANGS:  # each language's records are that language's pages, as the replica's ground truth has them
        truth = {ident: action.record_hash() for ident, action in replica.expected_records(lang).items()}
        assert records[lang] == truth, lang
    assert len({frozenset(r.values()) for r in records.values()}) == 3  # three histories, not one


def test_ci_crawls_every_language_and_the_digest_reports_each(job: Job, replica: ReplicaServer) -> None:
    specs = parse_sites(_sites(replica, ("fi", "en"))).resolved()
    first = job.run(specs)
    assert first.exit_code == 0, [s.problem() for s in first.sites]
    assert [(s.spec.name, s.verdict) for s in first.sites] == [("tampere (fi)", "ok"), ("tampere (en)", "ok")]
    assert first.published is not None
    digest = first.published.digest.markdown
    # (Markdown escapes the parentheses of the names; they render as "tampere (fi)")
    assert r"| tampere \(fi\) | 1 | ✅ ok |" in digest and r"| tampere \(en\) | 2 | ✅ ok |" in digest
    assert r"## tampere \(fi\): first crawl" in digest and r"## tampere \(en\): first crawl" in digest

    replica.set_day(1)  # the next day each language is compared with its own previous run, never with the other
    replica.set_faults("halfway=5")  # 503 from the 5th action page on: Finnish ends partial, English finds no page
    second = job.run(specs)
    assert [(s.spec.name, s.verdict) for s in second.sites] == [("tampere (fi)", "partial"),
                                                                ("tampere (en)", "failed")]
    assert second.published is not None and second.published.failure_file is not None
    failure = second.published.failure_file.read_text(encoding="utf-8")
    # a first partial day is a notice, not a failure (docs/ci.md, "When a partial site fails the job")
    assert "tampere (en): failed" in failure and "tampere (fi): partial" not in failure
    assert "tampere (fi): partial today" in " ".join(second.published.digest.notices)

    replica.set_faults("")
    third = job.run(specs)
    assert third.exit_code == 0
    assert third.published is not None
    digest = third.published.digest.markdown
    for lang in ("fi", "en"):
        assert rf"## tampere \({lang}\): changes" in digest
    assert job.query("SELECT DISTINCT language FROM action_versions ORDER BY 1") == [("en",), ("fi",)]
