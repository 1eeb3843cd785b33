"""The same plan printed by another front end: `markup` versions are kept but left out of diff, history and the
report unless `--all-changes` (or its older name `--include-reparse`), and a version that changed both meaning
and presentation lists only what the meaning changed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
from typer.testing import CliRunner

from schemas.action import Action, Organization, Status, Task
from scraper.cli.app import app, load_commands
from snapshots.store import Archive

load_commands()
runner = CliRunner()

SITE = "ilmastovahti.example"
V1 = b'<html><body><h1>x</h1><script id="__NEXT_DATA__" type="application/json">{"props":{"apolloState":{}}}</script>'
V2 = b'<html><body><h1>x</h1><script id="__NEXT_DATA__" type="application/json">{"props":{"plan":{}}}</script>'
V3 = b'<html><body><script>self.__next_f.push([1,"x"])</script><div data-testid="action-page"></div>'


def _action(identifier: str, role: str | None, schedule: str, date_text: str, **extra: Any) -> Action:
    return Action(
        site=SITE, url=f"https://{SITE}/actions/{identifier}", identifier=identifier, name=f"Toimenpide {identifier}",
        description=extra.pop("description", "Kuvaus."), status=Status(label="Ajallaan"),
        responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen", role=role)],  # type: ignore[arg-type]
        schedule=schedule,
        tasks=[Task(state="done", date=dt.date(2020, 3, 1), date_text=date_text, title="Valitaan yhteyshenkilö")],
        **extra,
    )


#: run 1 V2; run 2 the same plan in V1 (markup only); run 3 in V3 with the organisation now a collaborator and
#: action 2's description edited (while its printed dates also changed: only the description is news)
RUNS: list[tuple[bytes, list[Action]]] = [
    (V2, [_action("1", "primary", "Toteutetaan aikavälillä 2019 - 2021", "01.03.2020"),
          _action("2", "primary", "Jatkuva", "01.03.2020")]),
    (V1, [_action("1", None, "2019–2021", "01.03.2020", official_description_label="Toimenpideohjelman mukaan"),
          _action("2", None, "", "01.03.2020")]),
    (V3, [_action("1", "collaborator", "Toteutetaan aikavälillä 2019 - 2021", "1.3.2020"),
          _action("2", "primary", "Jatkuva", "1.3.2020", description="Uusi kuvaus.")]),
]


def _build(db: Path) -> None:
    with Archive(db) as archive:
        for n, (body, actions) in enumerate(RUNS, start=1):
            run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=dt.datetime(2024, 3, n, 4, tzinfo=dt.UTC))
            for position, action in enumerate(actions):
                page = archive.store_page(run, action.url, 200, {}, body + action.identifier.encode())
                archive.store_observation(run, page, "parsed", url=action.url, record=action, position=position)
            archive.end_run(run, "complete")


def _json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_versions_keep_what_each_page_showed_with_cause_markup(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _build(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT identifier, cause, front_end FROM action_versions ORDER BY identifier, id").fetchall()
        changes = con.execute("SELECT identifier, field, run_id, cause FROM action_changes ORDER BY id").fetchall()
    finally:
        con.close()
    assert rows == [("1", "crawl", "v2"), ("1", "markup", "v1"), ("1", "crawl", "v3"),
                    ("2", "crawl", "v2"), ("2", "markup", "v1"), ("2", "crawl", "v3")]
    assert changes == [("1", "responsible_organizations", 3, "crawl"), ("2", "description", 3, "crawl")]


def test_diff_leaves_markup_out_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _build(db)
    quiet = _json("diff", "--db", str(db), "--from", "1", "--to", "2")
    assert quiet["changes"] == [] and quiet["hidden_markup_changes"] == 2
    text = runner.invoke(app, ["diff", "--db", str(db), "--from", "1", "--to", "2"]).stdout
    assert "No changes." in text and "presentation only" in text and "--all-changes" in text
    for flag in ("--all-changes", "--include-reparse"):
        loud = _json("diff", "--db", str(db), "--from", "1", "--to", "2", flag)
        assert [(c["identifier"], c["cause"]) for c in loud["changes"]] == [("1", "markup"), ("2", "markup")]
        assert "official_description_label" in loud["changes"][0]["fields"]


def test_a_change_of_meaning_lists_only_the_fields_whose_meaning_changed(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _build(db)
    out = _json("diff", "--db", str(db), "--from", "2", "--to", "3")
    assert {c["identifier"]: sorted(c["fields"]) for c in out["changes"]} == {
        "1": ["responsible_organizations"], "2": ["description"]}
    assert all(c["cause"] == "crawl" for c in out["changes"])
    span = _json("diff", "--db", str(db), "--from", "1", "--to", "3")
    assert {c["identifier"]: sorted(c["fields"]) for c in span["changes"]} == {
        "1": ["responsible_organizations"], "2": ["description"]}
    everything = _json("diff", "--db", str(db), "--from", "2", "--to", "3", "--all-changes")
    assert "tasks" in everything["changes"][1]["fields"]


def test_history_leaves_markup_steps_out_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _build(db)
    hist = _json("history", "1", "--db", str(db))
    assert [(v["version"], v["cause"], sorted(v["fields"])) for v in hist["versions"]] == [
        (1, "crawl", []), (2, "crawl", ["responsible_organizations"])]
    # the window of the change starts at the last run that saw the old meaning: run 2 (the V1 page)
    assert hist["versions"][1]["window"]["last_seen_old"]["id"] == 2
    every = _json("history", "1", "--db", str(db), "--all-changes")
    assert [v["cause"] for v in every["versions"]] == ["crawl", "markup", "crawl"]


def test_report_leaves_markup_out_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _build(db)
    out = tmp_path / "r.html"
    assert runner.invoke(app, ["report", "--db", str(db), "--out", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "cause: markup" not in html
    assert runner.invoke(app, ["report", "--db", str(db), "--out", str(out), "--all-changes"]).exit_code == 0
    assert "cause: markup" in out.read_text(encoding="utf-8")
