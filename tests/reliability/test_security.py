"""Hostile pages: their text never executes in the HTML report or the Markdown digest (checked in headless Chromium
with a listening socket as witness), the crawler never follows their URLs off the start host, and `vahti sql`
cannot write or reach outside the archive."""

from __future__ import annotations

import html
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from schemas.errors import UsageError
from scraper.cli.app import app, load_commands
from scraper.crawl import Crawl
from scraper.fetch import Fetcher, FetchPolicy
from snapshots.store import open_writer
from tests.reliability.helpers import (
    ROOT,
    Reply,
    TinySite,
    action_page,
    assert_one_line_error,
    listening,
    query,
    vahti,
)

load_commands()
runner = CliRunner()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is missing (scripts/test installs it)")


def hostile_text(port: int, day: int) -> str:
    """Hostile markup, and the same as text (escaped in the page, so the record carries `<script>` literally)."""
    witness = f"http://127.0.0.1:{port}"
    raw = (
        f"<script>document.title='PWNED';fetch('{witness}/script')</script>"
        f"<img src='{witness}/img' onerror=\"document.title='PWNED'\"> </style><style>body{{display:none}}</style>"
        f"[klikkaa](javascript:document.title='PWNED') ![kuva]({witness}/md-image.png) "
        f"[linkki]({witness}/md-link) <iframe src='{witness}/iframe'></iframe>"
    )
    return f"{raw} {html.escape(raw)} päivä {day}"


class HostileSite:
    """Three actions whose text is hostile, and whose every link, list entry, sitemap entry and redirect points
    to the witness socket (another origin: same address, other port) or to the same port under another name."""

    def __init__(self, witness_port: int) -> None:
        self.day = 0
        self.witness = f"http://127.0.0.1:{witness_port}"
        self.port = witness_port
        self.site = TinySite(self.route)

    def route(self, path: str) -> Reply | None:
        evil = hostile_text(self.port, self.day)
        other_name = f"http://localhost:{self.site.port}/actions/2" if hasattr(self, "site") else "/"
        if path == "/robots.txt":
            return Reply(200, f"User-agent: *\nAllow: /\nSitemap: {self.witness}/sitemap.xml\n".encode(),
                         {"Content-Type": "text/plain"})
        if path == "/sitemap.xml":
            body = f"<urlset><url><loc>{self.witness}/actions/9</loc></url></urlset>".encode()
            return Reply(200, body, {"Content-Type": "application/xml"})
        if path == "/actions":
            links = "".join(f'<a href="/actions/{i}">{i}</a>' for i in (1, 2, 3))
            links += f'<a href="{self.witness}/actions/7">7</a><a href="//127.0.0.1:{self.port}/actions/8">8</a>'
            links += f'<a href="{other_name}">2 by another name</a>'
            return Reply(200, f'<html lang="fi"><body>{links}</body></html>'.encode())
        if path == "/actions/4":
            return Reply(302, b"", {"Location": f"{self.witness}/actions/4"})
        pages = {
            "/actions/1": ("1", None, "/actions/2"),
            "/actions/2": ("2", "/actions/1", "/actions/3"),
            "/actions/3": ("3", "/actions/2", f"{self.witness}/actions/4"),
        }
        if path in pages:
            ident, prev, nxt = pages[path]
            extra = (f"<h2>Linkit</h2><ul><li><a href=\"javascript:document.title='PWNED'\">{evil}</a></li>"
                     f'<li><a href="{self.witness}/link">ulos</a></li></ul><h2>{evil}</h2><p>{evil}</p>')
            return Reply(200, action_page(ident, f"Toimenpide {ident} {evil}", prev, nxt, extra))
        return None

    def crawl(self, db: Path) -> None:
        url = self.site.base + "/actions"
        with open_writer(db) as writer, Fetcher(url, FetchPolicy(delay=0, attempts=1)) as fetcher:
            Crawl(fetcher, writer, url).run()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[bytes], int]]:
    """An archive of two crawls of the hostile site (its text changed in between, so there is a diff)."""
    with listening() as (sock, seen):
        port = sock.getsockname()[1]
        site = HostileSite(port)
        db = tmp_path_factory.mktemp("hostile") / "evil.duckdb"
        try:
            site.crawl(db)
            site.day = 1
            site.crawl(db)
        finally:
            site.site.close()
        yield db, seen, port


def test_urls_from_pages_are_never_followed_off_the_start_host(hostile: tuple[Path, list[bytes], int]) -> None:
    db, seen, _ = hostile
    assert seen == []  # the witness socket: no connection at all
    hosts = {u.split("/")[2] for (u,) in query(db, "SELECT url FROM pages")}
    assert len(hosts) == 1 and hosts.pop().startswith("127.0.0.1:")
    stored = query(db, "SELECT identifier FROM actions_current ORDER BY identifier")
    assert stored == [("1",), ("2",), ("3",)]


def chromium(page: Path, tmp: Path) -> str:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
           "--virtual-time-budget=3000", "--dump-dom", page.as_uri()]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def assert_inert(dom: str, seen: list[bytes]) -> None:
    time.sleep(0.2)  # let the witness thread record a late connection
    title = dom.split("<title>", 1)[1].split("</title>", 1)[0] if "<title>" in dom else ""
    assert "PWNED" not in title
    assert seen == [], seen


@needs_chromium
def test_the_html_report_never_runs_page_text(hostile: tuple[Path, list[bytes], int], tmp_path: Path) -> None:
    db, seen, _ = hostile
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "&lt;script&gt;" in out.read_text(encoding="utf-8")  # the hostile text is there, as text
    assert_inert(chromium(out, tmp_path), seen)


def markdown_page(markdown: str, tmp: Path, name: str) -> Path:
    """The Markdown as a lax renderer would show it: raw HTML passed through, every link scheme allowed."""
    renderer = MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True  # type: ignore[method-assign]
    page = tmp / f"{name}.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>digest</title></head><body>{renderer.render(markdown)}"
                    "</body></html>", encoding="utf-8")
    return page


def assert_markdown_inert(markdown: str, port: int) -> None:
    assert "](javascript" not in markdown.replace("\\]", "")
    assert f"]({'http://127.0.0.1:'}{port}" not in markdown.replace("\\]", "")
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)
    assert "<script" not in rendered and "<img" not in rendered and "<iframe" not in rendered
    assert not re.search(r"<a\s[^>]*href=\"(javascript|http://127\.0\.0\.1:" + str(port) + ")", rendered)


@needs_chromium
def test_the_markdown_diff_never_runs_page_text(hostile: tuple[Path, list[bytes], int], tmp_path: Path) -> None:
    db, seen, port = hostile
    result = runner.invoke(app, ["diff", "--db", str(db), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "päivä 1" in result.stdout  # the change is shown …
    assert_markdown_inert(result.stdout, port)  # … as text
    assert_inert(chromium(markdown_page(result.stdout, tmp_path, "diff"), tmp_path), seen)


@needs_chromium
def test_the_ci_digest_never_runs_page_text(free_port_listener: tuple[socket.socket, list[bytes]],
                                            tmp_path: Path) -> None:
    sock, seen = free_port_listener
    port = sock.getsockname()[1]
    site = HostileSite(port)
    publish = tmp_path / "publish"
    try:
        for day in (0, 1):
            site.day = day
            result = vahti("ci", "--start-url", site.site.base + "/actions", "--sites", str(ROOT / "sites.toml"),
                           "--db", str(tmp_path / "ci.duckdb"), "--publish-dir", str(publish), "--changes-dir",
                           str(tmp_path / "changes"), "--delay", "0", "--quiet", "--accept-alarms",
                           "--date", f"2024-05-0{day + 1}")
            assert "Traceback" not in result.stderr, result.stderr
    finally:
        site.site.close()
    digest = (publish / "digest.md").read_text(encoding="utf-8")
    assert "päivä 1" in digest or "changes" in digest
    assert_markdown_inert(digest, port)
    assert_inert(chromium(markdown_page(digest, tmp_path, "digest"), tmp_path), seen)


WRITES = ["DELETE FROM runs", "DROP TABLE pages", "UPDATE action_versions SET name = 'x'", "CREATE TABLE t (x INT)",
          "INSERT INTO runs (id) VALUES (99)", "ATTACH '{tmp}/other.duckdb' AS other", "COPY runs TO '{tmp}/out.csv'",
          "COPY (SELECT 1) TO '{tmp}/out.parquet' (FORMAT parquet)", "EXPORT DATABASE '{tmp}/dump'",
          "INSTALL httpfs", "LOAD httpfs", "SELECT * FROM read_text('/etc/hostname')",
          "SELECT * FROM read_csv('{tmp}/../../../../etc/passwd')", "SET enable_external_access = true",
          "SELECT 1; DELETE FROM runs", "PRAGMA enable_profiling = 'json'; SET profiling_output = '{tmp}/p.json'"]


@pytest.mark.parametrize("sql", WRITES)
def test_vahti_sql_cannot_write_or_reach_outside_the_archive(hostile: tuple[Path, list[bytes], int], tmp_path: Path,
                                                             sql: str) -> None:
    db, _, _ = hostile
    before = db.read_bytes()
    result = runner.invoke(app, ["sql", sql.format(tmp=tmp_path), "--db", str(db)])
    assert isinstance(result.exception, UsageError), result.output  # main() makes it one line and exit code 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert db.read_bytes() == before


def test_vahti_sql_refusal_is_one_line(hostile: tuple[Path, list[bytes], int]) -> None:
    db, _, _ = hostile
    assert "read-only" in assert_one_line_error(vahti("sql", "DELETE FROM runs", "--db", str(db)), (2,))
    assert "off limits" in assert_one_line_error(vahti("sql", "COPY runs TO 'x.csv'", "--db", str(db)), (2,))
