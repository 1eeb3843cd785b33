"""`vahti crawl` as a user meets it: one-line errors and the exit codes of the design."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from schemas.errors import UsageError
from scraper.urls import check_start_url
from tests.scraper.helpers import Reply, Site

VAHTI = [sys.executable, "-c", "from scraper.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[3]


def vahti(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VAHTI_DB": str(db)}
    return subprocess.run([*VAHTI, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_bad_url_is_a_usage_error(tmp_path: Path) -> None:
    result = vahti("crawl", "ilmastovahti.hel.fi/actions", db=tmp_path / "a.duckdb")
    assert result.returncode == 2
    assert "did you mean https://ilmastovahti.hel.fi/actions" in one_line_error(result)
    assert not (tmp_path / "a.duckdb").exists()


@pytest.mark.parametrize(
    "bad", ["not a url", "", "ftp://example.com/actions", "https://", "http://x:99999/", "mailto:a@b.fi"]
)
def test_check_start_url_rejects(bad: str) -> None:
    with pytest.raises(UsageError, match="bad start URL"):
        check_start_url(bad)


def test_check_start_url_accepts() -> None:
    assert check_start_url(" https://ilmastovahti.hel.fi/actions ") == "https://ilmastovahti.hel.fi/actions"
    assert check_start_url("http://127.0.0.1:8080/lumo/actions/1") == "http://127.0.0.1:8080/lumo/actions/1"


def test_unreachable_host_exits_1(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = vahti("crawl", f"http://127.0.0.1:{port}/actions", "--delay", "0", db=tmp_path / "a.duckdb")
    assert result.returncode == 1
    assert "cannot reach" in one_line_error(result)


def test_not_a_kausal_watch_site_exits_1(tmp_path: Path, site: Site) -> None:
    site.routes["/"] = Reply(body=b"<html><body>my blog</body></html>")
    result = vahti("crawl", site.url("/"), "--delay", "0", db=tmp_path / "a.duckdb")
    assert result.returncode == 1
    assert "not a Kausal Watch site" in one_line_error(result)
    assert site.paths() == ["/robots.txt", "/actions", "/sitemap.xml"]


def test_archive_busy_exits_1(tmp_path: Path, site: Site) -> None:
    from snapshots.store import open_writer

    db = tmp_path / "a.duckdb"
    with open_writer(db):
        result = vahti("crawl", site.url("/actions"), "--delay", "0", db=db)
    assert result.returncode == 1
    assert "being written by another process (pid" in one_line_error(result)
    assert site.log == []
