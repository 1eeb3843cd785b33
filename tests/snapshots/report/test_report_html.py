"""The HTML report: self-contained, escaped against hostile page content, and rendered by a real Chromium."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemas.action import Action, Link, Status, Task
from scraper.cli.app import app, load_commands
from snapshots.store import Archive

load_commands()
runner = CliRunner()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

EVIL = "<script>document.title='PWNED'</script><img src=x onerror=\"document.body.dataset.pwned=1\">"


def hostile_archive(db: Path) -> None:
    def record(day: int) -> Action:
        return Action(
            site="evil.example",
            url="javascript:alert(1)",
            identifier='9"><script>alert(1)</script>',
            name=f"Toimenpide {EVIL}",
            description=f"Päivä {day}. </style><style>body{{display:none}}</style> {EVIL} teksti.",
            status=Status(label=["Ajallaan", "Myöhässä</td><script>x()</script>"][day % 2], identifier="late"),
            tasks=[Task(state="done" if day else "todo", title=f"Tehtävä {EVIL}", date_text="1.2.2024")],
            links=[Link(title=f"linkki {EVIL}", url="javascript:document.title='PWNED'")],
            extra_sections={EVIL: f"arvo {day} {EVIL}"},
        )

    with Archive(db) as archive:
        for day in range(3):
            when = dt.datetime(2024, 5, 1 + day, 6, tzinfo=dt.UTC)
            run = archive.begin_run("evil.example", "https://evil.example/actions", started_at=when)
            page = archive.store_page(
                run, "https://evil.example/actions/9", 200, {}, f"<p>{day}</p>".encode(), fetched_at=when
            )
            archive.store_observation(
                run, page, "parsed", url="https://evil.example/actions/9", record=record(day), position=0
            )
            archive.end_run(
                run,
                "complete" if day < 2 else "partial",
                reason="stopped </td><b>early</b>",
                finished_at=when + dt.timedelta(minutes=1),
            )


def write_report(db: Path, out: Path) -> str:
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_hostile_content_is_escaped_and_nothing_is_external(tmp_path: Path) -> None:
    db = tmp_path / "evil.duckdb"
    hostile_archive(db)
    html = write_report(db, tmp_path / "report.html")
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    tags = re.sub(r">[^<]*<", "><", html)  # markup only: what a page said is text between tags
    assert "javascript:" not in tags
    assert "&lt;script&gt;" in html
    assert not re.search(r"<(link|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"\s(src|srcset|on\w+)=", tags, re.I)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "partial" in html  # the partial run is shown as such


def test_markdown_diff_escapes_hostile_content(tmp_path: Path) -> None:
    db = tmp_path / "evil.duckdb"
    hostile_archive(db)
    result = runner.invoke(app, ["diff", "--db", str(db), "--from", "1", "--to", "2", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "<script" not in result.stdout and "](javascript" not in result.stdout


def _chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/test installs it)")
@pytest.mark.parametrize("which", ["hostile", "replica"])
def test_report_renders_in_chromium_without_running_scripts(which: str, crawled: Any, tmp_path: Path) -> None:
    if which == "hostile":
        db = tmp_path / "evil.duckdb"
        hostile_archive(db)
    else:
        db = crawled.db
    report = tmp_path / "report.html"
    write_report(db, report)
    dom = _chromium(["--dump-dom", report.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>vahti report" in dom.stdout and "PWNED" not in dom.stdout.split("</title>")[0]
    assert "data-pwned" not in dom.stdout
    assert dom.stdout.count("<rect") >= 3  # the status chart drew its bars
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    artifacts = Path(os.environ.get("VAHTI_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / f"report-{which}.png"
    _chromium([f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri()], tmp_path)
    assert shot.exists() and shot.stat().st_size > 10_000
