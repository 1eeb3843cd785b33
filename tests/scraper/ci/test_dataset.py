"""The public dataset: built from a real archive of the replica (its years backfilled from the replica's web
archive, then four simulated days of crawls, one of them partial), it answers the three questions a researcher
asks with DuckDB alone, and the answers are what vahti's own commands say."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from schemas.dates import HELSINKI
from schemas.errors import ArchiveError, UsageError
from scraper.ci.dataset_release import DatasetRelease
from scraper.cli.app import app, load_commands
from scraper.cli.demo_cmd import DatedWriter
from scraper.crawl import Crawl, CrawlOptions
from scraper.fetch import Fetcher, FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.dataset import release_files
from snapshots.dataset_tables import SITE, TABLES
from snapshots.schema import SCHEMA_VERSION
from snapshots.store import open_writer

load_commands()
runner = CliRunner()
RESEARCHER = Path(__file__).with_name("researcher.py")
#: the simulated days of crawling, after the web archive's captures end (06:00 Helsinki each)
DAYS = [dt.date(2025, 9, 1) + dt.timedelta(days=n) for n in range(4)]
PARTIAL_DAY = 2


def vahti(*args: str) -> str:
    """One of vahti's own commands, in-process."""
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return str(result.stdout)


@dataclass
class Built:
    db: Path
    dataset: Path
    site: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("dataset")
    db = root / "vahti.duckdb"
    with ReplicaServer(ReplicaConfig(plan="tampere", archive_port=0, archive_rate=0.05)) as srv:
        vahti("backfill", srv.start_url, "--archive-url", srv.archive_url, "--delay", "0", "--db", str(db))
        first = srv.archive.captures()[-1].day + 1  # the live site goes on from where the captures end
        for n, day in enumerate(DAYS):
            srv.set_day(first + n)
            options = CrawlOptions(max_pages=4) if n == PARTIAL_DAY else CrawlOptions()
            when = dt.datetime.combine(day, dt.time(6, 0), HELSINKI)
            with open_writer(db) as archive, Fetcher(srv.start_url, FetchPolicy(delay=0)) as fetcher:
                summary = Crawl(fetcher, DatedWriter(archive, when), srv.start_url, options).run()
            assert summary.outcome == ("partial" if n == PARTIAL_DAY else "complete"), summary.reason
        site = srv.start_url.split("/")[2]
    dataset = root / "published"
    vahti("export", "--format", "dataset", "--out", str(dataset), "--db", str(db))
    return Built(db, dataset, site)


def test_the_dataset_holds_every_table_of_every_site_with_every_column_documented(built: Built) -> None:
    doc = (built.dataset / "DATASET.md").read_text(encoding="utf-8")
    con = duckdb.connect()
    try:
        for table in TABLES:
            files = sorted((built.dataset / table.name).glob("site=*/part-0.parquet"))
            assert [f.parent.name for f in files] == [f"site={built.site.replace(':', '%3A')}"]
            columns = [r[0] for r in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet('{files[0]}', hive_partitioning = true)").fetchall()]
            assert columns == [c.name for c in table.columns] + [SITE.name]
            for column in columns:
                assert f"| `{column}` |" in doc.split(f"### `{table.name}`")[1].split("###")[0], (table.name, column)
    finally:
        con.close()
    for words in ("Unknown is not unchanged", "Presentation is not a change of the plan", "`markup`",
                  "capture time", "`capture_url`", f"schema version is **{SCHEMA_VERSION}**", f"### {built.site}",
                  f"<http://{built.site}/lumo/actions>", "Licence: not known", "backfill run(s)"):
        assert words in doc, words


def test_a_researcher_answers_the_three_questions_with_duckdb_alone(built: Built) -> None:
    days = ["2022-06-30", DAYS[PARTIAL_DAY].isoformat(), DAYS[-1].isoformat()]
    done = subprocess.run([sys.executable, "-I", str(RESEARCHER), ".", *days], cwd=built.dataset,
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert answers["vahti_modules_loaded"] == []
    assert answers["plan"] == {"site": built.site, "plan_path": "/lumo", "language": "fi"}
    db = str(built.db)

    # 1. the history of one action: the versions and, step by step, the fields that changed
    told = json.loads(vahti("history", answers["action"], "--format", "json", "--db", db))
    shown = [v for v in told["versions"] if "record" in v]
    assert [(h["valid_from"], h["valid_to"], h["cause"], h["name"], h["status_label"]) for h in answers["history"]] \
        == [(_iso(v["valid_from"]), _iso(v["valid_to"]), v["cause"], v["record"]["name"],
             (v["record"]["status"] or {}).get("label")) for v in shown]
    assert len(shown) >= 3 and {h["cause"] for h in answers["history"]} >= {"backfill", "crawl"}
    fields: dict[int, set[str]] = {}
    for change in answers["changes"]:
        fields.setdefault(change["new_version"], set()).add(change["field"])
    assert [fields.get(h["id"], set()) for h in answers["history"]] == [set(v.get("fields", {})) for v in shown]
    gone = [v for v in told["versions"] if v["kind"] == "removed"]
    assert len(gone) == sum(1 for h in answers["history"] if h["gone_reason"])

    # 2. the status counts per run: a complete run's are the plan as that run saw it (`export --at RUN`); any
    # other run counts what it saw (parsed or unchanged), as `vahti runs` counts it
    counted: dict[int, Counter[str | None]] = {}
    for row in answers["status_counts"]:
        counted.setdefault(row["run"], Counter())[row["status_label"]] += row["actions"]
    runs = json.loads(vahti("runs", "--format", "json", "--db", db))
    assert {r["outcome"] for r in runs} == {"complete", "partial"}
    for run in runs:
        if run["outcome"] == "complete":
            assert counted[run["id"]] == Counter(r["status"]["label"] if r["status"] else None
                                                 for r in _export_at(db, str(run["id"]))), run["id"]
        else:
            assert sum(counted.get(run["id"], Counter()).values()) == run["parsed"] + run["unchanged"], run
    assert set(counted) == {r["id"] for r in runs if r["parsed"] + r["unchanged"]}  # (some capture days hold
    # only the list page)

    # 3. the plan as of a date: a backfilled day, the day the crawl was partial (unreached actions keep what an
    # earlier run saw), the last day
    for day in days:
        want = [(r["identifier"], r["name"], r["status"]["label"] if r["status"] else None, r["completion"],
                 sum(t["state"] == "done" for t in r["tasks"]), len(r["tasks"]), _iso(r["last_seen"]))
                for r in _export_at(db, day)]
        got = [(r["identifier"], r["name"], r["status_label"], r["completion"], r["tasks_done"], r["tasks_total"],
                _iso(r["last_seen"])) for r in answers["as_of"][day]]
        assert got == sorted(want), day
        assert got, day
    partial_day = answers["as_of"][DAYS[PARTIAL_DAY].isoformat()]
    assert {r["last_seen"][:10] for r in partial_day} == {DAYS[PARTIAL_DAY - 1].isoformat(),
                                                        DAYS[PARTIAL_DAY].isoformat()}  # "unknown" is not "gone"


def _export_at(db: str, when: str) -> list[dict[str, Any]]:
    out = Path(db).with_name(f"export-{when}.jsonl")
    runner.invoke(app, ["export", "--format", "jsonl", "--at", when, "--out", str(out), "--db", db])
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _iso(value: str | None) -> str | None:
    """Both sides' timestamps as one spelling (UTC, ISO)."""
    return None if value is None else dt.datetime.fromisoformat(value).astimezone(dt.UTC).isoformat()


def test_release_files_are_flat_one_zip_and_one_file_per_table_with_the_site_as_a_column(
    built: Built, tmp_path: Path
) -> None:
    files = release_files(built.dataset, tmp_path / "assets")
    assert [f.name for f in files] == ["DATASET.md", "runs.parquet", "observations.parquet", "versions.parquet",
                                       "changes.parquet", "vahti-dataset.zip"]
    con = duckdb.connect()
    try:
        for table in TABLES:
            flat = tmp_path / "assets" / f"{table.name}.parquet"
            hive = built.dataset / table.name / "*" / "*.parquet"
            assert con.execute(f"SELECT DISTINCT site FROM '{flat}'").fetchall() == [(built.site,)]
            assert con.execute(f"SELECT count(*) FROM '{flat}'").fetchone() == con.execute(
                f"SELECT count(*) FROM read_parquet('{hive}', hive_partitioning = true)").fetchone()
            assert con.execute(f"DESCRIBE SELECT * FROM '{flat}'").fetchall()[0][0] == "site"
    finally:
        con.close()
    with zipfile.ZipFile(tmp_path / "assets" / "vahti-dataset.zip") as zf:
        names = set(zf.namelist())
    assert "vahti-dataset/DATASET.md" in names
    assert {n.split("/")[1] for n in names if n.endswith(".parquet")} == {t.name for t in TABLES}


def test_export_dataset_takes_licences_from_a_sites_file_and_never_replaces_another_folder(
    built: Built, tmp_path: Path
) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "replica"\nstart_url = "http://{built.site}/lumo/actions"\n'
                     'licence = "CC BY 4.0"\n', encoding="utf-8")
    out = tmp_path / "ds"
    vahti("export", "--format", "dataset", "--out", str(out), "--sites", str(sites), "--db", str(built.db))
    doc = (out / "DATASET.md").read_text(encoding="utf-8")
    assert "Licence: CC BY 4.0 (as its publisher states it)." in doc and "not known" not in doc
    vahti("export", "--format", "dataset", "--out", str(out), "--db", str(built.db))  # a dataset is replaced whole
    assert "Licence: not known" in (out / "DATASET.md").read_text(encoding="utf-8")

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    for args, message in [
        (["--out", str(mine)], "holds no DATASET.md"),
        (["--out", str(out), "--at", "1"], "do not apply"),
        (["--out", str(out), "--history"], "do not apply"),
    ]:
        refused(message, "export", "--format", "dataset", *args, "--db", str(built.db))
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    refused("--sites is for --format dataset", "export", "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"),
            "--sites", str(sites), "--db", str(built.db))


def refused(message: str, *args: str) -> None:
    """A usage error (exit code 2 once the CLI's error boundary turns it into one line)."""
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, UsageError) and message in str(result.exception), result.output


class FakeReleases:
    """Scripted `gh` for the dataset release: assets with ids, the REST calls the uploader makes."""

    def __init__(self, assets: dict[str, int] | None) -> None:
        self.assets = None if assets is None else {name: (n + 1, size) for n, (name, size) in enumerate(assets.items())}
        self.next_id = 100
        self.calls: list[list[str]] = []

    def __call__(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        self.calls.append(args)
        ok = subprocess.CompletedProcess(args, 0, "", "")
        if args[:2] == ["release", "create"]:
            self.assets = {}
            return ok
        if self.assets is None:
            return subprocess.CompletedProcess(args, 1, '{"message":"Not Found"}', "gh: Not Found (HTTP 404)")
        if args[:2] == ["release", "upload"]:
            path = Path(args[3])
            self.next_id += 1
            self.assets[path.name] = (self.next_id, path.stat().st_size)
        elif args[0] == "api" and len(args) == 2:
            listed = [{"id": i, "name": n, "size": s, "state": "uploaded"} for n, (i, s) in self.assets.items()]
            return subprocess.CompletedProcess(args, 0, json.dumps({"assets": listed}), "")
        elif args[:3] == ["api", "-X", "DELETE"]:
            ident = int(args[3].rsplit("/", 1)[1])
            self.assets = {n: v for n, v in self.assets.items() if v[0] != ident}
        elif args[:3] == ["api", "-X", "PATCH"]:
            ident, name = int(args[3].rsplit("/", 1)[1]), args[5].removeprefix("name=")
            old = next(n for n, v in self.assets.items() if v[0] == ident)
            self.assets[name] = self.assets.pop(old)
        return ok


def test_the_dataset_release_uploads_each_file_before_it_replaces_the_old_one(tmp_path: Path) -> None:
    files = []
    for name, size in (("DATASET.md", 3), ("versions.parquet", 7)):
        files.append(tmp_path / name)
        files[-1].write_bytes(b"x" * size)
    gh = FakeReleases({"DATASET.md": 1, "versions.parquet": 2, "versions.parquet.next": 9, "notes.txt": 4})
    DatasetRelease("owner/repo", "dataset", runner=gh).publish(files)
    assert gh.assets is not None
    assert {n: s for n, (_, s) in gh.assets.items()} == {"DATASET.md": 3, "versions.parquet": 7, "notes.txt": 4}
    steps = [" ".join(c[:3]) for c in gh.calls]
    upload = next(i for i, c in enumerate(gh.calls) if c[:2] == ["release", "upload"] and c[3].endswith(
        "versions.parquet.next"))
    deleted = [i for i, c in enumerate(gh.calls) if c[:3] == ["api", "-X", "DELETE"]]
    assert deleted[0] < upload < deleted[-1], steps  # the stale staged file first, the old asset only after upload
    assert all(c[-2:] == ["--repo", "owner/repo"] for c in gh.calls if c[0] == "release")

    first = FakeReleases(None)  # the first day creates the release
    DatasetRelease("owner/repo", "dataset", runner=first).publish(files)
    assert first.calls[1][:3] == ["release", "create", "dataset"] and "--latest=false" in first.calls[1]
    assert first.assets is not None and set(first.assets) == {"DATASET.md", "versions.parquet"}

    broken = FakeReleases({"DATASET.md": 1})
    real = broken.__call__

    def failing_upload(args: list[str]) -> subprocess.CompletedProcess[str]:
        if args[:2] == ["release", "upload"]:
            return subprocess.CompletedProcess(args, 1, "", "HTTP 502: upload failed")
        return real(args)

    with pytest.raises(ArchiveError, match=r"uploading DATASET\.md failed"):
        DatasetRelease("owner/repo", "dataset", runner=failing_upload).publish(files)
    assert broken.assets == {"DATASET.md": (1, 1)}  # yesterday's file stays


def test_ci_writes_the_dataset_and_refuses_a_dataset_release_without_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.scraper.ci.test_cli import ci_args, run_main
    from tests.scraper.helpers import sites_toml

    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    with ReplicaServer(ReplicaConfig(plan="tampere")) as srv:
        sites_toml(tmp_path / "sites.toml", srv.start_url)
        code, _, err = run_main(ci_args(tmp_path, "--dataset-release", "dataset"), capsys)
        assert code == 2 and "--dataset-release needs --repo" in err
        code, out, err = run_main(ci_args(tmp_path), capsys)
    assert code == 0, err
    folder = tmp_path / "publish" / "dataset"
    assert f"wrote {folder}" in out
    assert (folder / "DATASET.md").exists() and len(list(folder.glob("*/site=*/part-0.parquet"))) == 4
