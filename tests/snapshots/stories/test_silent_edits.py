"""Silent edits and date-only bumps, held to the replica's scripted stories (`--stories`).

The replica moves an action's "Tietoja päivitetty" date with every ordinary edit, and makes one silent edit (day 2)
and one date-only bump (day 3) on actions nobody else edits that day. Crawled day by day, exactly those two are
marked, in the view, in `diff` (text, Markdown, JSON), in `history` and in the report, and nothing else is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scraper.cli.app import app, load_commands
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.silent import DATE_ONLY, SILENT_EDIT, silence
from tests.scraper.helpers import crawl_complete, query

load_commands()
runner = CliRunner()
DAYS = 5


@dataclass
class Crawled:
    db: Path
    runs: list[int]
    truth: dict[str, str]  # identifier -> story kind


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return str(result.stdout)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    db = tmp_path_factory.mktemp("stories") / "vahti.duckdb"
    runs = []
    with ReplicaServer(ReplicaConfig(plan="tampere", stories=True)) as srv:
        for day in range(DAYS):
            srv.set_day(day)
            runs.append(crawl_complete(srv, db))
        truth = {c.identifier: c.kind for c in srv.changes(0, DAYS - 1) if c.kind in (SILENT_EDIT, DATE_ONLY)}
        ordinary = [c for c in srv.changes(0, DAYS - 1) if c.kind not in (SILENT_EDIT, DATE_ONLY)]
    assert sorted(truth.values()) == [DATE_ONLY, SILENT_EDIT] and ordinary
    yield Crawled(db, runs, truth)


def test_the_view_lists_exactly_the_scripted_stories(crawled: Crawled) -> None:
    rows = query(crawled.db, "SELECT identifier, kind, run_id FROM silent_edits ORDER BY changed_at")
    assert {r[0]: r[1] for r in rows} == crawled.truth
    assert len(rows) == 2
    assert [r[2] for r in rows] == [crawled.runs[2], crawled.runs[3]]


def test_ordinary_edits_that_move_the_date_are_never_silent(crawled: Crawled) -> None:
    for a, b in zip(crawled.runs, crawled.runs[1:], strict=False):
        data = json.loads(cli("diff", "--db", str(crawled.db), "--from", str(a), "--to", str(b), "--format", "json"))
        marked = {c["identifier"]: c["silent"] for c in data["changes"] if "silent" in c}
        want = {i: k for i, k in crawled.truth.items() if b == crawled.runs[{SILENT_EDIT: 2, DATE_ONLY: 3}[k]]}
        assert marked == want, (a, b)


def test_diff_text_and_markdown_say_it(crawled: Crawled) -> None:
    args = ("diff", "--db", str(crawled.db), "--from", str(crawled.runs[1]), "--to", str(crawled.runs[3]))
    text = cli(*args)
    assert "silent edit: the content changed, “Tietoja päivitetty” did not" in text
    assert "date only: “Tietoja päivitetty” moved, nothing else changed" in text
    markdown = cli(*args, "--format", "markdown")
    assert "**⚠ Silent edit" in markdown and "**⚠ Date only" in markdown


def test_history_and_report_mark_the_step(crawled: Crawled, tmp_path: Path) -> None:
    silent = next(i for i, k in crawled.truth.items() if k == SILENT_EDIT)
    assert "silent edit" in cli("history", silent, "--db", str(crawled.db))
    out = tmp_path / "report.html"
    cli("report", "--db", str(crawled.db), "--out", str(out))
    assert 'class="kind silent"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"status"}, SILENT_EDIT),
        ({"status", "next_url"}, SILENT_EDIT),
        ({"updated_at"}, DATE_ONLY),
        ({"updated_at", "order"}, DATE_ONLY),
        ({"status", "updated_at"}, None),
        ({"next_url", "previous_url"}, None),
        (set(), None),
    ],
)
def test_silence_is_decided_on_edited_fields(fields: set[str], kind: str | None) -> None:
    assert silence(fields) == kind
