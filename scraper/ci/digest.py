"""The day's digest in Markdown: per site, what changed since the previous complete run, or why it is unknown.

A rejected day never reads as a quiet day: its section says the changes are *unknown* and why, so a reader of
the changes/ folder or the job summary cannot mistake a broken crawl for a plan nobody touched.

A redesign is said once, as information ("front end changed on N pages"): its versions mean what the previous
ones meant (cause `markup`), so they are not in the diff and never fail the day. Lists the parser filled from the
embedded data are counted as information too; a sudden rise against the previous days is a notice at the top.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from scraper.ci.job import SiteResult
from snapshots.agreement import latest_agreement
from snapshots.alarms import previous_complete_run, run_metrics
from snapshots.flipflops import WINDOW_DAYS
from snapshots.plan_diff import diff_runs
from snapshots.render_markdown import md, render_diff_markdown
from snapshots.report_read import get_run
from snapshots.run_notes import FILLED_FROM_EMBEDDED, RunNotes, run_notes
from snapshots.settle import settled_changes

_ICON = {"ok": "✅", "partial": "⚠️", "failed": "❌", "alarmed": "🚨"}


@dataclass
class Digest:
    markdown: str
    has_changes: bool
    failures: list[str]
    #: things a reader must see that do not fail the day (a sudden rise of embedded fills)
    notices: list[str] = field(default_factory=list)


def _plural(n: int, word: str, words: str) -> str:
    return f"{n} {word if n == 1 else words}"


def _information(notes: RunNotes) -> list[str]:
    """The run's information lines: a new front end (said once), lists filled from the embedded data."""
    lines = []
    if notes.markup_versions:
        lines.append(f"ℹ️ Front end changed on {_plural(notes.markup_versions, 'page', 'pages')}: the same plan, "
                     "printed differently (versions with cause `markup`, not listed as changes).")
    if notes.embedded_fills:
        typical = "" if notes.fills_median is None else f" (median of the previous days: {notes.fills_median:g})"
        lines.append(f"ℹ️ {_plural(notes.embedded_fills, 'list', 'lists')} {FILLED_FROM_EMBEDDED} where the visible "
                     f"page read empty or shorter{typical}.")
    return lines


def _agreement(con: duckdb.DuckDBPyConnection, site: SiteResult) -> list[str]:
    """How far the day's records agree with the plan's own API (`vahti verify`), or why it was not asked."""
    found = latest_agreement(con, [site.run_id] if site.run_id is not None else [])
    lines = [f"⚠️ {md(w)}: today's crawl stands, unverified." for w in site.warnings]
    if site.run_id in found:
        summary = found[site.run_id]
        lines.append(f"🔎 Agreement with the plan's API: lowest field {summary.words()}, "
                     f"{summary.actions_agreed} of {summary.actions_compared} actions agree in every field"
                     + (f", {summary.changed_since_crawl} changed since the crawl" if summary.changed_since_crawl
                        else "") + ".")
    return lines


def fill_notice(name: str, notes: RunNotes) -> str | None:
    if not notes.fills_jump:
        return None
    return (f"{name}: {notes.embedded_fills} lists {FILLED_FROM_EMBEDDED} today against a median of "
            f"{notes.fills_median:g} over the last {notes.previous_runs} runs: the visible pages may be changing "
            "under the parser (the records are complete; check the site and the parser)")


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
    notes = run_notes(con, site.run_id)
    info = [f"> {line}" for line in [*_information(notes), *_agreement(con, site)]]
    info = [*info, ""] if info else []
    if (notice := fill_notice(site.spec.name, notes)) is not None:
        info = [f"> ⚠️ **Notice:** {md(notice)}", "", *info]
    before = previous_complete_run(con, site.run_id)
    to_run = get_run(con, site.run_id)
    if before is None:
        count = run_metrics(con, site.run_id).records
        return [f"## {name}: first crawl", "", *note, *info,
                f"Run {to_run.id} archived {count} actions from {md(site.spec.start_url)}.", ""], count > 0
    middle = get_run(con, before)
    earlier = previous_complete_run(con, before)
    if earlier is None:
        seen = len(diff_runs(con, middle, to_run).changes)
        if not seen:
            return [f"## {name}: no changes", "", *note, *info, f"Nothing changed since run {middle.id}.", ""], False
        return [f"## {name}: changes held back", "", *note, *info,
                f"{seen} action(s) changed since run {middle.id}. The digest tells a change once it has lasted two "
                "crawls, so these come with the next one; `vahti diff` shows them now.", ""], False
    window = site.spec.story_days if site.spec.story_days is not None else WINDOW_DAYS
    settled = settled_changes(con, get_run(con, earlier), middle, to_run, window)
    diff = settled.diff
    body = render_diff_markdown(diff).rstrip("\n").splitlines()
    news = bool(diff.changes or diff.stories)
    body[0] = f"## {name}: " + ("changes" if news else "no changes")
    held = [f"> Told once they have lasted two crawls: the changes run {middle.id} found, as run {to_run.id} still "
            f"showed them. {settled.held} action(s) changed in run {to_run.id} are held back until the next crawl"
            + (f"; {settled.undone} change(s) of run {middle.id} were undone and are told once they settle"
               if settled.undone else "") + ". `vahti diff` shows every step now.", ""]
    return [*body[:1], "", *note, *info, *held, *body[2:], ""], news


def render_digest(con: duckdb.DuckDBPyConnection, sites: list[SiteResult], day: dt.date,
                  promote_error: str | None = None) -> Digest:
    failures = [f"{s.spec.name}: {s.verdict}: {s.problem()}" for s in sites if not s.accepted and not s.tolerated]
    if promote_error:
        failures.append(f"archive not promoted: {promote_error}")
    notices = [f"{s.spec.name}: {s.verdict} today ({s.problem()}); a first partial day in a row does not fail the "
               "job, a second one does" for s in sites if s.tolerated]
    notices += [n for s in sites if s.accepted and s.run_id is not None
                for n in [fill_notice(s.spec.name, run_notes(con, s.run_id))] if n is not None]
    notices += [f"{s.spec.name}: {w}" for s in sites for w in s.warnings]
    lines = [f"# vahti daily digest, {day.isoformat()}", ""]
    if failures:
        lines += [f"**❌ {len(failures)} problem(s) need a look:**", ""]
        lines += [f"- {md(f)}" for f in failures] + [""]
    if notices:
        lines += [f"**⚠️ {len(notices)} notice(s), not failures:**", ""]
        lines += [f"- {md(n)}" for n in notices] + [""]
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
    return Digest("\n".join(lines).rstrip() + "\n", changed, failures, notices)
