"""Captures of a site made by someone else (a WARC file, a web archive), written as dated runs.

`vahti import` and `vahti backfill` both hold responses captured at known times. Each Helsinki day of captures
becomes one run, dated by its first capture, written in one transaction: a killed import or backfill loses at
most the day in flight, and running it again writes that day whole. The runs are partial: a capture says what a
page said at that moment and nothing about the actions nobody captured that day, which stay unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from schemas.action import Action, ParseWarning
from schemas.dates import HELSINKI


@dataclass
class Capture:
    """One captured response. `url` is the original URL; `capture_url` the web archive's URL of the capture
    (None for a WARC record, which names only the original)."""

    url: str
    captured_at: dt.datetime
    status: int
    headers: dict[str, str]
    body: bytes | None
    capture_url: str | None = None


@dataclass
class Judgement:
    """What the parser made of one capture: the observation the archive should record (None: not an action)."""

    outcome: str
    identifier: str | None = None
    record: Action | None = None
    reason: str | None = None
    error: str | None = None
    warnings: list[ParseWarning] = field(default_factory=list)


Judge = Callable[[Capture], Judgement | None]


@dataclass
class ImportedRun:
    run_id: int
    site: str
    started_at: dt.datetime
    captures: int
    outcome: str
    parsed: int


def site_of(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = (parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)
    return f"{host}:{parts.port}" if parts.port and not default else host


def helsinki_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(HELSINKI).date()


def group_captures(captures: Iterable[Capture]) -> list[list[Capture]]:
    """One group per (site, Helsinki day), in time order: a day's captures are read as one look at the plan."""
    groups: dict[tuple[str, dt.date], list[Capture]] = {}
    for capture in sorted(captures, key=lambda c: (c.captured_at, c.url)):
        groups.setdefault((site_of(capture.url), helsinki_day(capture.captured_at)), []).append(capture)
    return sorted(groups.values(), key=lambda g: (g[0].captured_at, site_of(g[0].url)))


def write_run(
    writer: Any,
    judged: Sequence[tuple[Capture, Judgement | None]],
    *,
    start_url: str,
    cause: str,
    outcome: str,
    reason: str,
    plan_path: str = "",
    language: str | None = None,
    ordered: bool = True,
) -> ImportedRun:
    """One group of captures as one run, in one transaction when the writer offers one (`bulk`: appenders, about
    100 times faster than a statement per row, which matters at a few captures a day over seven years).
    `ordered=False` stores no positions: web-archive captures of a day come in capture order, which says nothing
    about the plan's order of actions (a diff would read it as moves)."""
    group = [capture for capture, _ in judged]
    records = [j.record for _, j in judged if j is not None and j.record is not None]
    first = records[0] if records else None
    site = site_of(group[0].url)
    bulk = getattr(writer, "bulk", None)
    with bulk() if bulk is not None else nullcontext():
        run_id = writer.begin_run(
            site,
            start_url,
            plan_path=first.plan_path if first else plan_path,
            language=first.language if first else (language or "fi"),
            started_at=group[0].captured_at,
            cause=cause,
        )
        for position, (capture, judgement) in enumerate(judged):
            page_id = writer.store_page(
                run_id, capture.url, capture.status, capture.headers, capture.body, fetched_at=capture.captured_at,
                **({"capture_url": capture.capture_url} if capture.capture_url else {}),
            )
            if judgement is None:
                continue
            writer.store_observation(
                run_id,
                page_id,
                judgement.outcome,
                url=capture.url,
                identifier=judgement.identifier,
                record=judgement.record,
                error=judgement.error,
                reason=judgement.reason,
                warnings=judgement.warnings,
                position=position if ordered else None,
            )
        writer.end_run(run_id, outcome, reason=reason, finished_at=group[-1].captured_at)
    return ImportedRun(run_id, site, group[0].captured_at, len(group), outcome, len(records))


def stored_captures(con: Any, site: str) -> set[tuple[str, str]]:
    """(original URL, 14-digit UTC timestamp) of every web-archive capture a finished run of the site stored:
    what a backfill run again skips. A run killed before its end stored nothing (one transaction per day)."""
    rows = con.execute(
        "SELECT p.url, strftime(timezone('UTC', p.fetched_at), '%Y%m%d%H%M%S') FROM pages p JOIN runs r"
        " ON r.id = p.run_id WHERE r.site = ? AND p.capture_url IS NOT NULL",
        [site],
    ).fetchall()
    return {(str(url), str(stamp)) for url, stamp in rows}
