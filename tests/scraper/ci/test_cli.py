"""`vahti ci` as the workflow runs it: a subprocess, exit codes, one-line errors, the concurrency guard."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from scraper.cli.app import main
from scraper.replica import ReplicaServer
from snapshots.db import WriteLock
from tests.scraper.helpers import ROOT, sites_toml, vahti


@contextmanager
def holding_lock(archive: Path) -> Iterator[int]:
    """Another process holds the write lock of `archive` (what a running job does) until the block ends."""
    code = (
        "import sys; from pathlib import Path; from snapshots.db import WriteLock;"
        f"lock = WriteLock(Path({str(archive)!r})); lock.acquire(); print('held', flush=True); sys.stdin.read()"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder.pid
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


def ci_args(tmp_path: Path, *more: str) -> list[str]:
    return ["ci", "--sites", str(tmp_path / "sites.toml"), "--db", str(tmp_path / "work" / "vahti.duckdb"),
            "--publish-dir", str(tmp_path / "publish"), "--changes-dir", str(tmp_path / "changes"),
            "--backend", "local", "--backend-dir", str(tmp_path / "store"), "--quiet", "--date", "2024-05-02", *more]


def test_second_runner_is_refused_then_a_good_day_runs(
    tmp_path: Path, replica: ReplicaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    sites_toml(tmp_path / "sites.toml", replica.start_url)
    store = tmp_path / "store"
    store.mkdir()
    with holding_lock(store / "vahti.duckdb") as pid:  # another job is using the same storage
        code, _, err = run_main(ci_args(tmp_path), capsys)
    assert code == 1
    assert f"being written by another process (pid {pid})" in error_line(err)
    assert not (store / "vahti.duckdb").exists() and not (tmp_path / "publish").exists()

    (tmp_path / "work").mkdir(exist_ok=True)
    guard = WriteLock(tmp_path / "work" / "vahti.duckdb")  # the working archive's own write lock guards too
    guard.acquire()
    try:
        code, _, err = run_main(ci_args(tmp_path), capsys)
    finally:
        guard.release()
    assert code == 1 and "being written by another process" in error_line(err)

    summary = tmp_path / "summary.md"
    good = vahti(*ci_args(tmp_path), cwd=tmp_path, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert good.returncode == 0, good.stderr
    assert good.stderr == ""
    assert "archive promoted to" in good.stdout
    assert (store / "vahti.duckdb").exists()
    assert (tmp_path / "changes" / "2024-05-02.md").read_text(encoding="utf-8").startswith(
        "# vahti daily digest, 2024-05-02")
    assert "first crawl" in summary.read_text(encoding="utf-8")
    assert (tmp_path / "publish" / "exports" / "current.parquet").exists()


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI in-process (entry point, error boundary and all), for the cases that need no second process."""
    argv = sys.argv
    sys.argv = ["vahti", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_failed_site_exits_1_with_annotations(
    tmp_path: Path, replica: ReplicaServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    sites_toml(tmp_path / "sites.toml", "http://127.0.0.1:9/actions", replica.start_url)
    code, out, err = run_main(ci_args(tmp_path), capsys)
    assert code == 1
    assert error_line(err) == "vahti ci: 1 of 2 site(s) failed"
    assert "::error title=vahti ci::site0: failed" in out
    assert (tmp_path / "publish" / "failure.md").exists()
    # --start-url crawls that one plan instead of the file's sites (the broken one is not tried)
    code, out, err = run_main(ci_args(tmp_path, "--start-url", replica.start_url, "--delay", "0"), capsys)
    assert code == 0, out + err
    assert "127.0.0.1:9" not in out


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def fails(expected: str, *more: str) -> None:
        code, _, err = run_main(ci_args(tmp_path, *more), capsys)
        assert code == 2 and expected in error_line(err), err

    fails("no sites file at")
    (tmp_path / "sites.toml").write_text("[[site]]\nname = 'x'\nstart_url = 'ilmastovahti.hel.fi/actions'\n")
    fails("did you mean https://")
    (tmp_path / "sites.toml").write_text("[[site]\n")
    fails("not valid TOML")
    sites_toml(tmp_path / "sites.toml", "http://127.0.0.1:9/actions", extra="[thresholds]\nfill_drop = 5")
    fails("unknown threshold(s): fill_drop")
    sites_toml(tmp_path / "sites.toml", "http://127.0.0.1:9/actions")
    fails("bad --date", "--date", "yesterday")
    fails("needs --repo", "--backend", "github-release", "--repo", "")
    fails("unknown backend", "--backend", "s3")
    fails("bad repository", "--backend", "github-release", "--repo", "not a repo")
    assert not (tmp_path / "work").exists() and not (tmp_path / "publish").exists()


def test_crawl_sites_walks_every_site_and_exits_with_the_worst(
    tmp_path: Path, replica: ReplicaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    sites_toml(tmp_path / "sites.toml", "http://127.0.0.1:9/actions", replica.start_url)
    db = tmp_path / "plain.duckdb"
    code, out, err = run_main(["crawl", "--sites", str(tmp_path / "sites.toml"), "--db", str(db)], capsys)
    assert code == 1  # failed (site0, unreachable) is worse than complete (site1)
    assert err.startswith("error: site0: ") and len(err.strip().splitlines()) == 1
    assert "== site1: " in out
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT outcome, count(*) FROM runs GROUP BY outcome ORDER BY 1").fetchall() in (
            [("complete", 1)], [("complete", 1), ("failed", 1)])
    finally:
        con.close()
