"""One plan, whatever the markup: the replica serves the same plan through every front-end era in turn
(v1early → v1 → v2 → v3, `POST /__replica__/era/<era>`), one crawl per era over real HTTP into a real DuckDB file.
With the content unchanged, `vahti diff` between consecutive runs lists no changed action; with one real day of
edits between two eras, it lists exactly those edits."""

from __future__ import annotations

import datetime as dt
import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from scraper.cli.app import app, load_commands
from scraper.cli.demo_cmd import _crawl_day
from scraper.replica import ReplicaConfig, ReplicaServer

load_commands()
runner = CliRunner()

ERAS = ("v1early", "v1", "v2", "v3")
#: edits every era shows (a V1 page shows statuses, names, contacts, organisations and tasks done or open)
VISIBLE_EVERYWHERE = {"status": "status", "name": "name", "contact": "contact_persons",
                      "organization": "responsible_organizations", "task_added": "tasks", "task_completed": "tasks"}


def _when(n: int) -> dt.datetime:
    return dt.datetime(2024, 6, 1, 6, 0, tzinfo=dt.UTC) + dt.timedelta(days=n)


def _switch(srv: ReplicaServer, era: str) -> None:
    answer = httpx.post(f"{srv.base_url}/__replica__/era/{era}", timeout=10)
    assert answer.status_code == 200, f"the replica has no era control call: {answer.status_code} {answer.text}"
    assert answer.json()["era"] == era


def _diff(db: Path, a: int, b: int, *flags: str) -> dict[str, Any]:
    result = runner.invoke(app, ["diff", "--db", str(db), "--from", str(a), "--to", str(b), "--format", "json",
                                 *flags])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."


def _explain(diff: dict[str, Any]) -> str:
    """Which fields of which actions differ, old → new: what the parser owner needs to fix a misread."""
    lines = []
    for change in diff["changes"]:
        lines.append(f"{change['identifier']} ({change['change']}, cause {change['cause']}):")
        for name, field in change["fields"].items():
            lines.append(f"  {name}: {_short(field.get('old'))} → {_short(field.get('new'))}")
    return "\n".join(lines)


def _walk(srv: ReplicaServer, db: Path, edit_before: str | None = None, day: int = 0) -> list[int]:
    """One complete crawl per era; `edit_before` names the era crawled after the replica moved to `day`."""
    runs = []
    for n, era in enumerate(ERAS):
        if era == edit_before:
            httpx.post(f"{srv.base_url}/__replica__/day/{day}", timeout=10).raise_for_status()
        _switch(srv, era)
        summary = _crawl_day(db, srv.start_url, _when(n))
        assert summary.outcome == "complete", f"{era}: {summary.outcome} {summary.reason}"
        runs.append(summary.run_id)
    return runs


def test_the_same_plan_through_every_era_is_no_change(tmp_path: Path) -> None:
    db = tmp_path / "walk.duckdb"
    with ReplicaServer(ReplicaConfig(plan="tampere", era="v1early")) as srv:
        runs = _walk(srv, db)
    problems = []
    for (a, b), (era_a, era_b) in zip(pairwise(runs), pairwise(ERAS), strict=True):
        diff = _diff(db, a, b)
        if diff["changes"]:
            problems.append(f"{era_a} → {era_b}:\n{_explain(diff)}")
    assert not problems, "an era switch read as a change of the plan:\n" + "\n".join(problems)
    # the archive kept what every page showed: the eras' versions are there, with cause markup
    everything = _diff(db, runs[0], runs[-1], "--all-changes")
    assert everything["changes"] and {c["cause"] for c in everything["changes"]} == {"markup"}


def _edit_day(srv: ReplicaServer) -> tuple[int, dict[str, set[str]]]:
    """The first simulated day whose edits every era shows: {identifier: record fields}."""
    for day in range(1, 40):
        edits = srv.changes(day - 1, day)
        real = [c for c in edits if c.kind != "whitespace_only"]
        if real and all(c.kind in VISIBLE_EVERYWHERE for c in real):
            out: dict[str, set[str]] = {}
            for change in real:
                out.setdefault(change.identifier, set()).add(VISIBLE_EVERYWHERE[change.kind])
            return day, out
    raise AssertionError("no day with edits every era shows in the first 40 days")


def test_one_real_edit_across_an_era_switch_is_exactly_that_edit(tmp_path: Path) -> None:
    db = tmp_path / "walk.duckdb"
    with ReplicaServer(ReplicaConfig(plan="tampere", era="v1early")) as srv:
        day, expected = _edit_day(srv)
        srv.set_day(day - 1)
        runs = _walk(srv, db, edit_before="v2", day=day)  # v1 at day-1, then v2 at day: edits and a new era
    before, across, after = (_diff(db, a, b) for a, b in pairwise(runs))
    assert not before["changes"], "v1early → v1:\n" + _explain(before)
    assert not after["changes"], "v2 → v3:\n" + _explain(after)
    seen = {c["identifier"]: set(c["fields"]) for c in across["changes"]}
    assert set(seen) == set(expected), (
        f"v1 → v2 with day {day}'s edits {expected}:\n" + _explain(across))
    for identifier, fields in expected.items():
        assert fields <= seen[identifier], f"{identifier}: expected {fields}:\n" + _explain(across)
    assert all(c["cause"] == "crawl" for c in across["changes"])
