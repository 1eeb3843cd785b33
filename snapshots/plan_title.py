"""The plan's own name, as its site titles its pages ("Hiilineutraali Helsinki 2035", "Tampereen ilmastovahti").

A journalist's diff should be headed by the plan, not by a host name. The record has no field for it (the contract
is one action), but every crawl stores the plan's list page, whose `<title>` is the site title, or
"… | site title" in the eras that put the page's own name first. Read from the newest stored list page of the run
or, failing that, of the plan; None when no page says it.
"""

from __future__ import annotations

import html
import re

import duckdb

from snapshots.bodies import BodyReader, PageUnreadable
from snapshots.change_model import RunInfo

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.S | re.I)


def plan_title(con: duckdb.DuckDBPyConnection, run: RunInfo) -> str | None:
    if not run.start_url:
        return None
    rows = con.execute(
        "SELECT p.sha256 FROM pages p JOIN runs r ON r.id = p.run_id WHERE p.url = ? AND p.sha256 IS NOT NULL"
        " AND p.status = 200 AND r.site = ? ORDER BY (p.run_id = ?) DESC, p.id DESC LIMIT 1",
        [run.start_url, run.site, run.id],
    ).fetchall()
    if not rows:
        return None
    try:
        body = BodyReader(lambda: con).body(str(rows[0][0]))
    except PageUnreadable:
        return None
    return title_of(body)


def title_of(body: bytes) -> str | None:
    """The site title in a page's `<title>`: the part after the last " | " when there is one."""
    found = _TITLE.search(body[:400_000])
    if found is None:
        return None
    text = " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split())
    name = text.rsplit(" | ", 1)[-1].strip()
    return name or None
