"""Builders for archive tests: records made through the same text normalisation the parser uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from schemas.action import Action, Status, Task
from schemas.text import clean_block, clean_inline
from snapshots.store import Archive

SITE = "ilmastovahti.example"
DAY0 = dt.datetime(2024, 1, 1, 3, 0, tzinfo=dt.UTC)


def make_action(identifier: str, name: str | None = None, **fields: Any) -> Action:
    """An action as the parser would produce it: every text through clean_inline / clean_block."""
    description = fields.pop("description", f"Kuvaus toimenpiteelle {identifier}.\n\nToinen kappale.")
    status = fields.pop("status", "Ajallaan")
    tasks = fields.pop("tasks", [("done", "Selvitys tehty"), ("todo", "Toteutus")])
    return Action(
        site=SITE,
        url=f"https://{SITE}/actions/{identifier}",
        identifier=identifier,
        name=clean_inline(name or f"Toimenpide {identifier}"),
        description=clean_block(description),
        status=Status(label=clean_inline(status), identifier=None),
        tasks=[Task(state=state, title=clean_inline(title)) for state, title in tasks],
        **fields,
    )


def body_of(action: Action) -> bytes:
    """A stand-in raw page: the record itself, so a test parser can read it back."""
    return action.model_dump_json().encode()


def write_run(
    archive: Archive,
    actions: Iterable[Action],
    day: int,
    outcome: str = "complete",
    gone: Iterable[tuple[str, str]] = (),
) -> int:
    """One crawl of the plan on DAY0 + day: a page and a parsed observation per action."""
    run = archive.begin_run(SITE, f"https://{SITE}/actions", started_at=DAY0 + dt.timedelta(days=day))
    for position, action in enumerate(actions):
        page = archive.store_page(run, action.url, 200, {"ETag": f'"{action.record_hash()[:8]}"'}, body_of(action))
        archive.store_observation(run, page, "parsed", url=action.url, record=action, position=position)
        archive.release()
    for identifier, reason in gone:
        url = f"https://{SITE}/actions/{identifier}"
        page = archive.store_page(run, url, 404, {}, b"not found")
        archive.store_observation(run, page, "gone", url=url, identifier=identifier, reason=reason)
    archive.end_run(run, outcome)  # type: ignore[arg-type]
    return run


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of one read-only query on an archive file (the writer is closed by then)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()
