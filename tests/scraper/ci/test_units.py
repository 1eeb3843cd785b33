"""Single functions of the scheduled job: alarm arithmetic, sites.toml, exit codes, the GitHub backend's order
of operations (with a scripted `gh`), and the promotion gate on real DuckDB files."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from schemas.errors import ArchiveError, UsageError
from scraper.ci.github_release import GitHubReleaseBackend
from scraper.ci.sites import parse_sites, worst_exit
from snapshots.alarms import WATCHED_FIELDS, RunMetrics, Thresholds, compare
from snapshots.promote import LocalDirBackend, verify_candidate

ROOT = Path(__file__).resolve().parents[3]


def metrics(records: int = 20, chain: int | None = 20, warn: float = 0.0, labels: set[str] | None = None,
            meaning: set[str] | None = None, news: set[str] | None = None, **fill: float) -> RunMetrics:
    """A run's metrics; by default every watched field changed meaning somewhere and every label may be news."""
    rates = {"status": 100.0, "tasks": 80.0, **fill}
    shown = labels or set()
    return RunMetrics(1, "complete", records, rates, warn, shown, chain,
                      set(WATCHED_FIELDS) if meaning is None else meaning, shown if news is None else news)


def test_fill_drop_just_over_the_limit_alarms_and_just_under_does_not() -> None:
    assert compare(metrics(tasks=60.0), metrics(), Thresholds()) == []  # exactly 20 points: allowed
    [alarm] = compare(metrics(tasks=59.0), metrics(), Thresholds())
    assert alarm.kind == "layout" and "tasks 80% → 59%" in alarm.message
    assert compare(metrics(tasks=59.0), metrics(), Thresholds(fill_drop_points=25)) == []


def test_a_fill_drop_no_action_meant_is_an_eras_reach_not_an_alarm() -> None:
    """V3 → V1 captures: the lead and the phase vanish from every record, but V1 cannot show them: no action's
    meaning of those fields changed, so the drop says nothing about the parser."""
    assert compare(metrics(tasks=10.0, meaning={"status"}), metrics(), Thresholds()) == []
    [alarm] = compare(metrics(tasks=10.0, meaning={"tasks"}), metrics(), Thresholds())
    assert "tasks 80% → 10%" in alarm.message


def test_labels_an_era_shows_for_the_first_time_are_not_new_sections() -> None:
    base = metrics(labels={"Teema"})
    first_shown = metrics(labels={"Teema", "A", "B", "C"}, news={"Teema"})
    assert compare(first_shown, base, Thresholds()) == []
    [alarm] = compare(metrics(labels={"Teema", "A", "B", "C"}, news={"A", "B", "C"}), base, Thresholds())
    assert "3 new extra_sections label(s)" in alarm.message


def test_small_samples_are_not_compared_for_fill() -> None:
    assert compare(metrics(records=3, status=0.0), metrics(records=3), Thresholds()) == []
    assert compare(metrics(records=3, status=0.0), metrics(records=3), Thresholds(min_records=3))


def test_warnings_labels_and_chain() -> None:
    assert compare(metrics(warn=0.4), metrics(warn=0.0), Thresholds()) == []
    assert [a.kind for a in compare(metrics(warn=0.7), metrics(warn=0.1), Thresholds())] == ["layout"]
    base = metrics(labels={"Teema"})
    assert compare(metrics(labels={"Teema", "A", "B"}), base, Thresholds()) == []
    [labels] = compare(metrics(labels={"Teema", "A", "B", "C"}), base, Thresholds())
    assert "3 new extra_sections label(s)" in labels.message
    assert compare(metrics(chain=18), metrics(chain=20), Thresholds()) == []  # 10 %: allowed
    [chain] = compare(metrics(chain=17), metrics(chain=20), Thresholds())
    assert chain.kind == "chain" and "from 20 to 17" in chain.message
    assert compare(metrics(chain=5), metrics(chain=None), Thresholds()) == []


def test_thresholds_from_toml_refuse_typos_and_nonsense() -> None:
    assert Thresholds.from_mapping({"chain_drop_percent": 5}).chain_drop_percent == 5.0
    with pytest.raises(ValueError, match="unknown threshold"):
        Thresholds.from_mapping({"chain_drop": 5})
    with pytest.raises(ValueError, match="non-negative"):
        Thresholds.from_mapping({"fill_drop_points": -1})
    with pytest.raises(ValueError, match="non-negative"):
        Thresholds.from_mapping({"fill_drop_points": True})


def test_sites_file_defaults_disabled_sites_and_errors() -> None:
    parsed = parse_sites(
        "[defaults]\ndelay = 2\n[thresholds]\nfill_drop_points = 30\n"
        "[[site]]\nname = 'a'\nstart_url = 'https://a.example/actions'\ndelay = 0.5\n"
        "[[site]]\nstart_url = 'https://b.example/actions'\n"
        "[[site]]\nname = 'c'\nstart_url = 'https://c.example/actions'\nenabled = false\n"
    )
    a, b = parsed.resolved()
    assert (a.name, a.delay) == ("a", 0.5)
    assert (b.name, b.delay) == ("https://b.example/actions", 2.0)
    assert parsed.thresholds.fill_drop_points == 30
    for text, message in [
        ("", "no enabled"),
        ("[[site]]\nname = 'x'\n", "start_url is missing"),
        ("[[site]]\nstart_url = 'https://a/actions'\nspeed = 1\n", "unknown key(s) speed"),
        ("[[site]]\nstart_url = 'https://a/actions'\ndelay = -1\n", "non-negative"),
        ("[site]\nstart_url = 'x'\n", "sites are [[site]] tables"),
        ("[[site]]\nname='a'\nstart_url='https://a/actions'\n[[site]]\nname='a'\nstart_url='https://b/actions'\n",
         "used twice: a"),
        ("[plans]\n", "unknown table"),
    ]:
        with pytest.raises(UsageError, match=re.escape(message)):
            parse_sites(text)


def test_the_shipped_sites_file_crawls_every_plan_of_the_reference_in_its_languages() -> None:
    parsed = parse_sites((ROOT / "sites.toml").read_text(encoding="utf-8"))
    assert [(s.name, s.start_url, s.language) for s in parsed.resolved()] == [
        ("helsinki (fi)", "https://ilmastovahti.hel.fi/actions", "fi"),
        ("tampere (fi)", "https://ilmastovahti.tampere.fi/actions", "fi"),
        ("tampere (en)", "https://ilmastovahti.tampere.fi/en/actions", "en"),
        ("tampere-lumo (fi)", "https://ilmastovahti.tampere.fi/lumo/actions", "fi"),
        ("espoo (fi)", "https://ilmastovahti.espoo.fi/actions", "fi"),
        ("surrey (en)", "https://climateactiontracker.surrey.ca/actions", "en"),
    ]
    assert all(s.licence is None for s in parsed.sites)  # not known: the dataset says so rather than guess
    text = (ROOT / "sites.toml").read_text(encoding="utf-8")
    assert 'name = "sunnydale-demo"' in text and "enabled = false" in text  # no stored action page
    assert parsed.thresholds == Thresholds()  # the file documents the defaults, it does not change them


def test_languages_each_become_a_crawl_of_their_own_start_url() -> None:
    parsed = parse_sites(
        "[[site]]\nname = 't'\nstart_url = 'https://t.example/lumo/actions'\nlanguages = ['fi', 'en', 'sv']\n"
        "[[site]]\nname = 's'\nstart_url = 'https://s.example/actions/L3.2'\nlanguages = ['en']\n"
        "licence = 'CC BY 4.0'\n"
        "[[site]]\nname = 'plain'\nstart_url = 'https://p.example/en/actions'\n"
    )
    assert [(s.name, s.start_url, s.language) for s in parsed.resolved()] == [
        ("t (fi)", "https://t.example/lumo/actions", "fi"),
        ("t (en)", "https://t.example/en/lumo/actions", "en"),
        ("t (sv)", "https://t.example/sv/lumo/actions", "sv"),
        ("s (en)", "https://s.example/actions/L3.2", "en"),  # the first language is the primary: no prefix
        ("plain", "https://p.example/en/actions", None),  # no languages key: the start URL as given
    ]
    assert parsed.resolved()[3].licence == "CC BY 4.0"
    site = "[[site]]\nname = 'x'\nstart_url = 'https://x.example/actions'\n"
    for extra, message in [
        ("languages = 'fi'", "non-empty list"),
        ("languages = []", "non-empty list"),
        ("languages = ['fi', 'de']", "unknown language(s) de"),
        ("languages = ['fi', 'FI']", "listed twice: fi"),
        ("licence = ''", "licence must be a non-empty string"),
    ]:
        with pytest.raises(UsageError, match=re.escape(message)):
            parse_sites(site + extra + "\n")
    with pytest.raises(UsageError, match=re.escape("without /en/")):
        parse_sites("[[site]]\nstart_url = 'https://x.example/en/actions'\nlanguages = ['en']\n")
    with pytest.raises(UsageError, match=re.escape("languages belong(s) in each [[site]]")):
        parse_sites("[defaults]\nlanguages = ['fi']\n" + site)


def test_worst_exit_orders_failed_over_partial_over_complete() -> None:
    assert worst_exit([]) == 0
    assert worst_exit([0, 3, 0]) == 3
    assert worst_exit([3, 1, 0]) == 1


class FakeGh:
    """Scripted `gh`: a release with assets held in memory; records every call."""

    def __init__(self, assets: list[str] | None) -> None:
        self.assets = None if assets is None else {name: 10 for name in assets}
        self.calls: list[list[str]] = []

    def __call__(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        self.calls.append(args)
        verb = args[1]
        if self.assets is None and verb != "create":
            return subprocess.CompletedProcess(args, 1, "", "release not found")
        assert self.assets is not None or verb == "create"
        if verb == "view":
            listed = [{"name": n, "size": s, "state": "uploaded"} for n, s in self.assets.items()]  # type: ignore[union-attr]
            return subprocess.CompletedProcess(args, 0, json.dumps({"assets": [*listed, {"name": "notes.txt"}]}), "")
        if verb == "create":
            self.assets = {}
        elif verb == "download":
            name, folder = args[args.index("--pattern") + 1], args[args.index("--dir") + 1]
            Path(folder, name).write_bytes(b"x" * 10)
        elif verb == "upload":
            path = Path(args[3])
            self.assets[path.name] = path.stat().st_size  # type: ignore[index]
        elif verb == "delete-asset":
            del self.assets[args[3]]  # type: ignore[union-attr]
        return subprocess.CompletedProcess(args, 0, "", "")


def test_github_backend_uploads_before_deleting_and_keeps_one_generation(tmp_path: Path) -> None:
    gh = FakeGh(["vahti-20240101T030000Z.duckdb", "vahti-20240102T030000Z.duckdb"])
    now = dt.datetime(2024, 1, 3, 3, 0, tzinfo=dt.UTC)
    backend = GitHubReleaseBackend("owner/repo", runner=gh, now=lambda: now)
    assert backend.fetch(tmp_path / "vahti.duckdb")
    assert gh.calls[1][:5] == ["release", "download", "archive", "--pattern", "vahti-20240102T030000Z.duckdb"]
    (tmp_path / "new.duckdb").write_bytes(b"y" * 42)
    backend.store(tmp_path / "new.duckdb")
    verbs = [c[1] for c in gh.calls]
    assert verbs.index("upload") < verbs.index("delete-asset")
    assert gh.assets == {"vahti-20240102T030000Z.duckdb": 10, "vahti-20240103T030000Z.duckdb": 42}
    assert all(c[-2:] == ["--repo", "owner/repo"] for c in gh.calls)


def test_github_backend_first_run_creates_the_release_and_refuses_a_moved_release(tmp_path: Path) -> None:
    gh = FakeGh(None)
    backend = GitHubReleaseBackend("owner/repo", runner=gh)
    assert not backend.fetch(tmp_path / "vahti.duckdb")
    (tmp_path / "new.duckdb").write_bytes(b"z")
    backend.store(tmp_path / "new.duckdb")
    assert [c[1] for c in gh.calls] == ["view", "view", "create", "upload", "view"]

    other = FakeGh(["vahti-20240101T030000Z.duckdb"])
    late = GitHubReleaseBackend("owner/repo", runner=other)
    assert late.fetch(tmp_path / "old.duckdb")
    other.assets["vahti-20240109T030000Z.duckdb"] = 5  # type: ignore[index]  # another job promoted meanwhile
    with pytest.raises(ArchiveError, match="changed since this job fetched it"):
        late.store(tmp_path / "new.duckdb")


def _archive(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE runs (id BIGINT, site VARCHAR)")
    con.execute("CREATE TABLE pages (id BIGINT, url VARCHAR)")
    con.execute("CREATE TABLE bodies (sha256 VARCHAR)")
    con.execute("CREATE TABLE observations (id BIGINT)")
    con.execute("CREATE TABLE action_versions (id BIGINT, record_hash VARCHAR, valid_from TIMESTAMPTZ)")
    con.execute("INSERT INTO runs VALUES (1, 'a')")
    con.execute("INSERT INTO action_versions VALUES (1, 'h1', '2024-01-01 00:00:00+00')")
    con.close()


def test_promotion_gate_refuses_a_candidate_that_lost_or_rewrote_a_version(tmp_path: Path) -> None:
    previous, candidate = tmp_path / "prev.duckdb", tmp_path / "cand.duckdb"
    _archive(previous)
    _archive(candidate)
    assert verify_candidate(candidate, previous).versions == 1
    con = duckdb.connect(str(candidate))
    con.execute("UPDATE action_versions SET record_hash = 'other'")
    con.close()
    with pytest.raises(ArchiveError, match="lost 1 of the previous versions"):
        verify_candidate(candidate, previous)
    (tmp_path / "junk.duckdb").write_bytes(b"not a database at all" * 100)
    with pytest.raises(ArchiveError):
        verify_candidate(tmp_path / "junk.duckdb", previous)


def test_local_backend_keeps_one_generation_back(tmp_path: Path) -> None:
    backend = LocalDirBackend(tmp_path / "store")
    assert not backend.fetch(tmp_path / "x.duckdb")
    for text in (b"one", b"two"):
        (tmp_path / "c.duckdb").write_bytes(text)
        backend.store(tmp_path / "c.duckdb")
    assert backend.archive.read_bytes() == b"two" and backend.previous.read_bytes() == b"one"
    assert backend.fetch(tmp_path / "got.duckdb") and (tmp_path / "got.duckdb").read_bytes() == b"two"
    assert not list((tmp_path / "store").glob(".*"))  # no half-written file left behind
