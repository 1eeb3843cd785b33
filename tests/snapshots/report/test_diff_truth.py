"""`vahti diff --format json` against the replica's own record of what it changed, day by day."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from schemas.errors import UsageError
from scraper.cli.app import app, load_commands

load_commands()
runner = CliRunner()

#: Fields that move with an edit as its consequence (the phase follows the status, the site stamps the date).
CONSEQUENCES = {"updated_at", "implementation_phase", "completion"}


def expected_keys(changes: list[Any]) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    added_tasks = {c.identifier for c in changes if c.kind == "task_added"}
    for c in changes:
        kind, ident = c.kind, c.identifier
        if kind == "status":
            keys.add((ident, "status"))
        elif kind == "task_completed":
            # a task added and completed in the same interval appears once, as added (already done)
            keys.add((ident, "tasks:added" if ident in added_tasks else "tasks:completed"))
        elif kind == "date_moved":
            keys.add((ident, "tasks:moved"))
        elif kind == "task_added":
            keys.add((ident, "tasks:added"))
        elif kind == "name":
            keys.add((ident, "name"))
        elif kind == "contact":
            keys.add((ident, "contact_persons"))
        elif kind == "organization":
            keys.add((ident, "responsible_organizations:added"))
        elif kind in ("added", "removed"):
            keys.add((ident, kind))
        elif kind == "merged":
            keys.add((ident, "removed"))
            keys.add((str(c.new), "extra_sections"))
        elif kind == "reordered":
            keys.add((ident, "order"))
    return keys


def reported_keys(diff: dict[str, Any]) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for change in diff["changes"]:
        ident = change["identifier"]
        if change["change"] != "modified":
            keys.add((ident, change["change"]))
            continue
        for name, fc in change["fields"].items():
            if name in CONSEQUENCES:
                continue
            if name in ("tasks", "responsible_organizations"):
                keys.update((ident, f"{name}:{item['op']}") for item in fc["items"])
            else:
                keys.add((ident, name))
    return keys


def diff_json(db: Any, a: int, b: int, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["diff", "--db", str(db), "--from", str(a), "--to", str(b), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_day_reports_exactly_the_replicas_changes(crawled: Any) -> None:
    checked = 0
    for day in range(1, crawled.days):
        truth = crawled.changes[day]
        diff = diff_json(crawled.db, crawled.run_of_day[day - 1], crawled.run_of_day[day])
        assert diff["complete"] is True and diff["unknown"] == []
        assert reported_keys(diff) == expected_keys(truth), f"day {day}: {[c.as_dict() for c in truth]}"
        checked += len(truth)
    assert checked > 20  # the fixture really exercised the replica's edits


def test_whitespace_only_edits_never_appear(crawled: Any) -> None:
    for day in range(1, crawled.days):
        noise = {c.identifier for c in crawled.changes[day] if c.kind == "whitespace_only"}
        real = {c.identifier for c in crawled.changes[day] if c.kind != "whitespace_only"}
        diff = diff_json(crawled.db, crawled.run_of_day[day - 1], crawled.run_of_day[day])
        assert not (noise - real) & {c["identifier"] for c in diff["changes"]}


def test_removed_actions_carry_a_reason(crawled: Any) -> None:
    diff = diff_json(crawled.db, crawled.run_of_day[0], crawled.run_of_day[crawled.days - 1])
    removed = [c for c in diff["changes"] if c["change"] == "removed"]
    assert removed and all(c["reason"] for c in removed)


def test_task_ops_carry_dates(crawled: Any) -> None:
    diff = diff_json(crawled.db, crawled.run_of_day[0], crawled.run_of_day[crawled.days - 1])
    items = [i for c in diff["changes"] for i in c["fields"].get("tasks", {}).get("items", [])]
    completed = [i for i in items if i["op"] == "completed"]
    moved = [i for i in items if i["op"] == "moved"]
    assert completed and all(i["date"] for i in completed)
    assert moved and all(i["from"] != i["to"] for i in moved)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_names_the_same_actions(crawled: Any, fmt: str) -> None:
    a, b = crawled.run_of_day[crawled.days - 2], crawled.run_of_day[crawled.days - 1]
    diff = diff_json(crawled.db, a, b)
    result = runner.invoke(app, ["diff", "--db", str(crawled.db), "--from", str(a), "--to", str(b), "--format", fmt])
    assert result.exit_code == 0, result.output
    for change in diff["changes"]:
        assert change["identifier"] in result.stdout


def test_default_is_the_last_two_complete_runs(crawled: Any) -> None:
    result = runner.invoke(app, ["diff", "--db", str(crawled.db), "--format", "json"])
    diff = json.loads(result.stdout)
    assert (diff["from"]["id"], diff["to"]["id"]) == (
        crawled.run_of_day[crawled.days - 2],
        crawled.run_of_day[crawled.days - 1],
    )


def test_bad_when_is_a_usage_error(crawled: Any) -> None:
    result = runner.invoke(app, ["diff", "--db", str(crawled.db), "--from", "yesterday-ish"])
    assert isinstance(result.exception, UsageError) and result.exception.exit_code == 2
