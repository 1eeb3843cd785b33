"""The digest's information lines: a new front end said once ("front end changed on N pages"), lists filled from
the embedded data counted, and a sudden rise of those fills a notice at the top; none of them fails a day, and a
redesign whose records mean the same raises no layout alarm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from schemas.action import Action, Organization, ParseWarning, Status
from scraper.ci.digest import render_digest
from scraper.ci.job import SiteResult
from scraper.ci.sites import SiteSpec
from snapshots.alarms import check_run
from snapshots.run_notes import run_notes
from snapshots.store import Archive

SITE = "ilmastovahti.example"
V1 = b'<html><body><h1>x</h1><script id="__NEXT_DATA__" type="application/json">{"props":{"apolloState":{}}}</script>'
V3 = b'<html><body><script>self.__next_f.push([1,"x"])</script><div data-testid="action-page"></div>'
SPEC = SiteSpec("tampere", f"https://{SITE}/actions")


def _action(n: int, era: bytes) -> Action:
    v3 = era == V3
    return Action(
        site=SITE, url=f"https://{SITE}/actions/{n}", identifier=str(n), name=f"Toimenpide {n}",
        description="Kuvaus.", status=Status(label="Ajallaan", identifier="on_time" if v3 else None),
        lead="Johdanto." if v3 else None, implementation_phase="Toteutus" if v3 else None,
        responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen",
                                                role="primary" if v3 else None)],
        extra_sections={"Toimenpidekokonaisuus": "Liikenne", "Kustannukset": "< 1 milj. €", "SDG": "13"} if v3 else {},
    )


def _runs(db: Path, days: list[tuple[bytes, int]]) -> list[int]:
    """One complete crawl a day of 10 actions: (era of the pages, lists filled from embedded data that day)."""
    ids = []
    with Archive(db) as archive:
        for day, (era, fills) in enumerate(days):
            run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=dt.datetime(2024, 3, 1 + day, 4,
                                                                                            tzinfo=dt.UTC))
            for n in range(10):
                action = _action(n, era)
                warnings = [ParseWarning(field="tasks", message="filled from embedded data: the page listed 0 of 3")
                            for _ in range(fills // 10 + (1 if n < fills % 10 else 0))]
                page = archive.store_page(run, action.url, 200, {}, era + str(n).encode())
                archive.store_observation(run, page, "parsed", url=action.url, record=action, position=n,
                                          warnings=warnings)
            archive.end_run(run, "complete")
            ids.append(run)
    return ids


def _digest(db: Path, run: int) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return render_digest(con, [SiteResult(SPEC, run, "complete", accepted=True)], dt.date(2024, 3, 9)).markdown
    finally:
        con.close()


def test_a_new_front_end_is_said_once_and_raises_no_alarm(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _, second = _runs(db, [(V3, 0), (V1, 0)])  # V3 pages, then the same plan as 2019 captures show it
    con = duckdb.connect(str(db), read_only=True)
    try:
        report = check_run(con, second)
        assert report.alarms == []  # lead and phase vanish from every record: V1 cannot show them
        assert run_notes(con, second).markup_versions == 10
    finally:
        con.close()
    digest = _digest(db, second)
    assert digest.count("Front end changed on 10 pages") == 1
    assert "tampere: no changes" in digest and "problem" not in digest and "notice" not in digest
    # and back: the V3 pages show roles, the lead and the other sections again, which is no news either
    third = _runs(db, [(V3, 0)])[0]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert check_run(con, third).alarms == []
    finally:
        con.close()


def test_a_redesign_that_loses_what_the_era_can_show_still_alarms(tmp_path: Path) -> None:
    """Control: the same drop in a V3 page (which can show the lead and phase) is a parser failing."""
    broken = tmp_path / "b.duckdb"
    runs = _runs(broken, [(V3, 0)])
    with Archive(broken) as archive:
        run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=dt.datetime(2024, 3, 5, 4, tzinfo=dt.UTC))
        for n in range(10):
            action = _action(n, V1)  # what a V1 page gives, but the page is V3: the parser lost fields
            page = archive.store_page(run, action.url, 200, {}, V3 + b"x" + str(n).encode())
            archive.store_observation(run, page, "parsed", url=action.url, record=action, position=n)
        archive.end_run(run, "complete")
    con = duckdb.connect(str(broken), read_only=True)
    try:
        alarms = check_run(con, run).alarms
    finally:
        con.close()
    assert runs and [a.kind for a in alarms] == ["layout"]
    assert "lead" in alarms[0].message and "implementation_phase" in alarms[0].message


def test_embedded_fills_are_information_and_a_sudden_rise_is_a_notice(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    runs = _runs(db, [(V3, 1), (V3, 0), (V3, 2), (V3, 1), (V3, 0), (V3, 1), (V3, 2), (V3, 2), (V3, 25)])
    calm = _digest(db, runs[-2])
    assert "2 lists filled from embedded data" in calm and "Notice" not in calm
    loud = _digest(db, runs[-1])
    assert "25 lists filled from embedded data" in loud
    assert "⚠️ 1 notice(s), not failures" in loud and "**Notice:**" in loud and "median of 1" in loud
    assert "problem" not in loud
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert check_run(con, runs[-1]).alarms == []  # fills never count as parse warnings
        notes = run_notes(con, runs[-1])
        assert (notes.embedded_fills, notes.fills_median, notes.previous_runs) == (25, 1, 7)
    finally:
        con.close()


def test_fills_under_the_floor_are_no_notice(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    runs = _runs(db, [(V3, 0), (V3, 0), (V3, 5)])
    assert "Notice" not in _digest(db, runs[-1])  # 5 is not more than max(5, 3 × 0)
    first = _runs(tmp_path / "b.duckdb", [(V3, 40)])
    assert "Notice" not in _digest(tmp_path / "b.duckdb", first[0])  # nothing to compare with on a first day
