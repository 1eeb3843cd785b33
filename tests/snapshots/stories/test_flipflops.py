"""Flip-flops, held to the replica's scripted stories (`--stories`), with runs dated days and weeks apart.

The replica flips one action's status on day 5 and returns it on day 6, flips another on day 7 for good, and flips
a third on day 8 that returns only on day 30. Crawled daily from day 0 to day 8 and once more on day 30 (dated by
VAHTI_NOW), the archive holds exactly the flip-flops of the replica's ground truth: the day-5 one, reported once,
with its dates; the flip that stays and the late return are ordinary changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.db import connect_read
from snapshots.flipflops import FlipFlop, flip_flops
from tests.scraper.helpers import crawl_complete, query

FIRST = dt.date(2026, 2, 1)
DAYS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 30)


@dataclass
class Crawled:
    db: Path
    site: str
    runs: dict[int, int]  # replica day -> run id
    statuses: dict[str, list[tuple[dt.date, str | None]]]  # truth: identifier -> (crawl date, status label)
    idents: dict[str, str]  # kind -> identifier


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    db = tmp_path_factory.mktemp("flips") / "vahti.duckdb"
    runs: dict[int, int] = {}
    statuses: dict[str, list[tuple[dt.date, str | None]]] = {}
    with pytest.MonkeyPatch.context() as mp, ReplicaServer(ReplicaConfig(plan="tampere", stories=True)) as srv:
        for day in DAYS:
            when = FIRST + dt.timedelta(days=day)
            mp.setenv("VAHTI_NOW", when.isoformat())
            srv.set_day(day)
            runs[day] = crawl_complete(srv, db)
            for ident, record in srv.expected_records().items():
                statuses.setdefault(ident, []).append((when, record.status.label if record.status else None))
        story = [c for c in srv.changes(0, max(DAYS)) if c.kind.startswith("flip")]
        site = srv.base_url.split("://", 1)[1]
    idents = {c.kind + ("_late" if c.day >= 8 else ""): c.identifier for c in story}
    yield Crawled(db, site, runs, statuses, idents)


def truth_flip_flops(statuses: dict[str, list[tuple[dt.date, str | None]]], window: int) -> set[tuple[str, tuple]]:
    """The definition applied to the ground truth's status labels, crawl by crawl."""
    out = set()
    for ident, seq in statuses.items():
        changes = [(seq[n][0], seq[n - 1][1], seq[n][1]) for n in range(1, len(seq)) if seq[n][1] != seq[n - 1][1]]
        i = 0
        while i < len(changes):
            at, old, _ = changes[i]
            end = next((j for j in range(i + 1, len(changes))
                        if (changes[j][0] - at).days <= window and changes[j][2] == old), None)
            if end is None:
                i += 1
                continue
            out.add((ident, (old, *(changes[k][2] for k in range(i, end + 1)))))
            i = end + 1
    return out


def found(crawled: Crawled, window: int = 14) -> list[FlipFlop]:
    con = connect_read(crawled.db)
    try:
        return flip_flops(con, crawled.site, window)
    finally:
        con.close()


def test_status_flip_flops_are_exactly_those_of_the_ground_truth(crawled: Crawled) -> None:
    got = {(f.identifier, tuple(v["label"] for v in f.values)) for f in found(crawled) if f.field == "status"}
    assert got == truth_flip_flops(crawled.statuses, 14)


def test_the_scripted_flip_flop_is_reported_once_with_its_dates(crawled: Crawled) -> None:
    ident = crawled.idents["flip"]
    mine = [f for f in found(crawled) if f.identifier == ident and f.field == "status"]
    assert len(mine) == 1
    flip = mine[0]
    assert flip.runs == (crawled.runs[5], crawled.runs[6])
    helsinki = dt.timezone(dt.timedelta(hours=2))
    assert flip.started.astimezone(helsinki).date() == FIRST + dt.timedelta(days=5)
    assert flip.ended.astimezone(helsinki).date() == FIRST + dt.timedelta(days=6)
    assert flip.values[0] == flip.values[-1] and flip.values[0] != flip.values[1]
    assert flip.describe().startswith("status ") and flip.describe().count("→") == 2


def test_a_flip_that_stays_and_a_late_return_are_not_flip_flops(crawled: Crawled) -> None:
    statuses = {f.identifier for f in found(crawled) if f.field == "status"}
    assert crawled.idents["flip_stays"] not in statuses
    assert crawled.idents["flip_late"] not in statuses
    # with a window of five weeks the late return is one
    assert crawled.idents["flip_late"] in {f.identifier for f in found(crawled, 35) if f.field == "status"}


def test_history_still_shows_every_step(crawled: Crawled) -> None:
    ident = crawled.idents["flip"]
    rows = query(crawled.db, "SELECT count(*) FROM action_changes WHERE identifier = ? AND field = 'status'", ident)
    assert rows[0][0] >= 2


def test_the_report_opens_with_the_stories(crawled: Crawled, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from scraper.cli.app import app, load_commands

    load_commands()
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--db", str(crawled.db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    stories = page[page.index('<section class="stories">'):page.index("</section>", page.index('class="stories"'))]
    assert page.index('class="stories"') < page.index("Actions by status")
    flip = crawled.idents["flip"]
    assert stories.count("Flip-flop</span>") == len([f for f in found(crawled)])
    assert f"<strong>{flip} " in stories and "Silent edit</span>" in stories and "Date-only update</span>" in stories
    assert stories.count("Silent edit</span>") == 1 and stories.count("Date-only update</span>") == 1


def test_the_markdown_diff_lists_what_is_worth_a_look(crawled: Crawled) -> None:
    from typer.testing import CliRunner

    from scraper.cli.app import app, load_commands

    load_commands()
    args = ["diff", "--db", str(crawled.db), "--from", str(crawled.runs[4]), "--to", str(crawled.runs[8])]
    result = CliRunner().invoke(app, [*args, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    worth = result.stdout.split("**Worth a look**", 1)[1].split("\n\n", 2)[1]
    flip = crawled.idents["flip"]
    assert f"- Flip-flop: **{flip} " in worth
    data = __import__("json").loads(CliRunner().invoke(app, [*args, "--format", "json"]).stdout)
    assert [s["identifier"] for s in data["stories"] if s["kind"] == "flip_flop"].count(flip) == 1
    # a day with no story says nothing about stories
    quiet = CliRunner().invoke(app, ["diff", "--db", str(crawled.db), "--from", str(crawled.runs[0]),
                                     "--to", str(crawled.runs[1]), "--format", "markdown"])
    assert "Worth a look" not in quiet.stdout


def test_the_digest_tells_what_lasted_and_a_flip_flop_once(crawled: Crawled) -> None:
    from snapshots.report_read import get_run
    from snapshots.settle import settled_changes

    order = [crawled.runs[d] for d in DAYS]
    told: list[tuple[int, str, str]] = []  # (digest of run, identifier, field or story kind)
    con = connect_read(crawled.db)
    try:
        for k in range(2, len(order)):
            settled = settled_changes(con, get_run(con, order[k - 2]), get_run(con, order[k - 1]),
                                      get_run(con, order[k]))
            told += [(order[k], c.identifier, name) for c in settled.diff.changes for name in c.fields]
            told += [(order[k], s.identifier, s.kind) for s in settled.diff.stories]
    finally:
        con.close()
    flip, stays = crawled.idents["flip"], crawled.idents["flip_stays"]
    # the overnight flip is never told as a change, and its pattern once, after its return lasted a crawl too
    assert [t for t in told if t[1] == flip] == [(crawled.runs[7], flip, "flip_flop")]
    # the flip that stays is told once, a crawl after it was first seen
    assert [t for t in told if t[1] == stays and t[2] == "status" and t[0] >= crawled.runs[7]] == [
        (crawled.runs[8], stays, "status")]
    # the silent edit and the date-only bump are told once each, a crawl late
    kinds = [(t[0], t[2]) for t in told if t[2] in ("silent_edit", "date_only")]
    assert kinds == [(crawled.runs[3], "silent_edit"), (crawled.runs[4], "date_only")]
    # nothing is told twice
    assert len(told) == len(set(told))
