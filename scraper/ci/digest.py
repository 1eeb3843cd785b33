"""The day's digest in Markdown: per site, what changed since the previous complete run, or why it is unknown.

A rejected day never reads as a quiet day: its section says the changes are *unknown* and why, so a reader of
the changes/ folder or the job summary cannot mistake a broken crawl for a plan nobody touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from snapshots.alarms import previous_complete_run, run_metrics
from snapshots.plan_diff import diff_runs
from snapshots.render_markdown import md, render_diff_markdown
from snapshots.report_read import get_run

if TYPE_CHECKING:
    from scraper.ci.run import SiteResult

_ICON = {"ok": "✅", "partial": "⚠️", "failed": "❌", "alarmed": "🚨"}


@dataclass
class Digest:
    markdown: str
    has_changes: bool
    failures: list[str]


def _site_section(con: duckdb.DuckDBPyConnection, site: SiteResult) -> tuple[list[str], bool]:
    name = md(site.spec.name)
    if not site.accepted:
        lines = [
            f"## {name}: changes unknown",
            "",
            f"> **Unknown, not \"no changes\".** Today's crawl of {md(site.spec.start_url)} was rejected:"
            f" {md(site.problem())}.",
            "> Its raw pages are kept in the archive; no version was created from it.",
            "",
        ]
        if site.alarms:
            lines += [f"- {md(a.kind)}: {md(a.message)}" for a in site.alarms] + [""]
        return lines, False
    assert site.run_id is not None
    note = ["> Alarms accepted by hand (--accept-alarms): " + md("; ".join(a.message for a in site.alarms)), ""] \
        if site.alarms else []
    before = previous_complete_run(con, site.run_id)
    to_run = get_run(con, site.run_id)
    if before is None:
        count = run_metrics(con, site.run_id).records
        return [f"## {name}: first crawl", "", *note,
                f"Run {to_run.id} archived {count} actions from {md(site.spec.start_url)}.", ""], count > 0
    diff = diff_runs(con, get_run(con, before), to_run)
    body = render_diff_markdown(diff).rstrip("\n").splitlines()
    body[0] = f"## {name}: " + ("changes" if diff.changes else "no changes")
    return [*body[:1], "", *note, *body[2:], ""], bool(diff.changes)


def render_digest(con: duckdb.DuckDBPyConnection, sites: list[SiteResult], day: dt.date,
                  promote_error: str | None = None) -> Digest:
    failures = [f"{s.spec.name}: {s.verdict}: {s.problem()}" for s in sites if not s.accepted]
    if promote_error:
        failures.append(f"archive not promoted: {promote_error}")
    lines = [f"# vahti daily digest, {day.isoformat()}", ""]
    if failures:
        lines += [f"**❌ {len(failures)} problem(s) need a look:**", ""]
        lines += [f"- {md(f)}" for f in failures] + [""]
    lines += ["| site | run | result |", "|---|---|---|"]
    for s in sites:
        run = str(s.run_id) if s.run_id is not None else "–"
        lines.append(f"| {md(s.spec.name)} | {run} | {_ICON[s.verdict]} {s.verdict} |")
    lines.append("")
    changed = False
    for site in sites:
        section, has = _site_section(con, site)
        lines += section
        changed = changed or has
    return Digest("\n".join(lines).rstrip() + "\n", changed, failures)
