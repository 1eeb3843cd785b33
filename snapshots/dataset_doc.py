"""DATASET.md: what a reader without vahti needs to use the dataset honestly.

Generated with the data, never written by hand, so it always names the sites, addresses, periods and columns of
the files beside it. It says how the data was collected and the three rules a reader would otherwise get wrong:
a gap is unknown, not unchanged; a new front end is not a change of the plan; a backfilled version is as old as
its web-archive capture, not as old as the crawl. The queries in it are the ones the tests run on a dataset built
from the replica, with DuckDB alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from schemas.dates import HELSINKI
from snapshots.dataset_tables import SITE, TABLES
from snapshots.schema import MIGRATIONS, SCHEMA_VERSION, current_version

if TYPE_CHECKING:
    from snapshots.dataset_tables import DatasetSummary

LICENCE_UNKNOWN = ("not known. vahti records no licence for this site and does not guess one: the texts are the "
                   "publisher's. Check the site, or ask its publisher, before republishing them")


def _when(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "–" if value is None else str(value)


def _plans(con: duckdb.DuckDBPyConnection, site: str) -> list[str]:
    """One line per plan and language: where it was read, by which kind of run, over which period."""
    rows = con.execute(
        "SELECT plan_path, language, cause, list(DISTINCT start_url ORDER BY start_url), count(*),"
        " min(started_at), max(started_at) FROM runs WHERE site = ? GROUP BY ALL ORDER BY plan_path, language, cause",
        [site],
    ).fetchall()
    captures = {
        (r[0], r[1]): (r[2], r[3], r[4])
        for r in con.execute(
            "SELECT r.plan_path, r.language, min(p.fetched_at), max(p.fetched_at), count(*) FROM pages p"
            " JOIN runs r ON r.id = p.run_id WHERE r.site = ? AND p.capture_url IS NOT NULL GROUP BY ALL",
            [site],
        ).fetchall()
    }
    lines = []
    for plan_path, language, cause, urls, runs, first, last in rows:
        where = ", ".join(f"<{u}>" for u in urls)
        plan = f"plan `{plan_path or '/'}`, `{language}`"
        if cause == "backfill":
            got = captures.get((plan_path, language))
            span = f"captures {_when(got[0])} … {_when(got[1])} ({got[2]} pages)" if got else "no capture stored"
            lines.append(f"- {plan}: {runs} backfill run(s) from web-archive captures of {where}; {span}")
        else:
            lines.append(f"- {plan}: {runs} {cause} run(s) of {where}, {_when(first)} … {_when(last)}")
    return lines


def _sources(con: duckdb.DuckDBPyConnection, sites: list[str], licences: Mapping[str, str]) -> list[str]:
    out = []
    for site in sites:
        licence = licences.get(site)
        out += [f"### {site}", "", *_plans(con, site), "",
                f"Licence: {licence} (as its publisher states it)." if licence else f"Licence: {LICENCE_UNKNOWN}.", ""]
    return out


def _types(folder: Path, table: str) -> dict[str, str]:
    files = sorted((folder / table).glob("*/part-0.parquet"))
    if not files:
        return {}
    con = duckdb.connect()
    try:
        path = str(files[0]).replace("'", "''")
        return {str(r[0]): str(r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()}
    finally:
        con.close()


def _columns(folder: Path) -> list[str]:
    out = []
    for table in TABLES:
        types = _types(folder, table.name)
        out += [f"### `{table.name}`", "", f"{table.about[0].upper()}{table.about[1:]} (archive table: "
                f"{table.source}).", "", "| column | type (DuckDB) | meaning |", "|---|---|---|",
                f"| `{SITE.name}` | VARCHAR | {SITE.meaning} |"]
        out += [f"| `{c.name}` | {types.get(c.name, '')} | {c.meaning} |" for c in table.columns]
        out.append("")
    return out


SETUP_SQL = """\
-- run from inside the dataset folder (or put its path before each table name)
CREATE VIEW runs AS SELECT * FROM read_parquet('runs/*/*.parquet', hive_partitioning = true);
CREATE VIEW observations AS SELECT * FROM read_parquet('observations/*/*.parquet', hive_partitioning = true);
CREATE VIEW versions AS SELECT * FROM read_parquet('versions/*/*.parquet', hive_partitioning = true);
CREATE VIEW changes AS SELECT * FROM read_parquet('changes/*/*.parquet', hive_partitioning = true);"""

#: The three questions. Each block picks its plan with variables, so it runs as printed in the DuckDB shell.
HISTORY_SQL = """\
SET VARIABLE site = '{site}';
SET VARIABLE plan_path = '{plan_path}';
SET VARIABLE language = '{language}';
SET VARIABLE action = '{identifier}';
-- every content the action had, oldest first (markup and reparse versions left out: not the plan's changes)
SELECT id, valid_from, valid_to, cause, name, status_label, completion, tasks_done, tasks_total, gone_reason
FROM versions
WHERE site = getvariable('site') AND plan_path = getvariable('plan_path')
  AND language = getvariable('language') AND identifier = getvariable('action')
  AND cause NOT IN ('markup', 'reparse')
ORDER BY valid_from, id;"""

CHANGES_SQL = """\
-- what changed at each step of that history, field by field
SELECT changed_at, field, old, new, cause, new_version
FROM changes
WHERE site = getvariable('site') AND plan_path = getvariable('plan_path')
  AND language = getvariable('language') AND identifier = getvariable('action')
  AND cause <> 'reparse'
ORDER BY changed_at, new_version, field;"""

STATUS_SQL = """\
SET VARIABLE site = '{site}';
-- what each run saw (a partial run counts only the actions it reached)
SELECT r.id AS run, r.started_at, r.outcome, r.plan_path, r.language, v.status_label, count(*) AS actions
FROM runs r
JOIN observations o ON o.run_id = r.id
JOIN versions v ON v.id = o.version_id
WHERE r.site = getvariable('site') AND o.outcome IN ('parsed', 'unchanged')
GROUP BY ALL
ORDER BY run, status_label NULLS FIRST;"""

AS_OF_SQL = """\
SET VARIABLE site = '{site}';
SET VARIABLE plan_path = '{plan_path}';
SET VARIABLE language = '{language}';
SET VARIABLE day = DATE '{day}';
-- each action as the latest observation by the end of that day (Helsinki time) showed it: an action whose latest
-- observation found it gone is absent, and observations that know nothing (failed, not reached) change nothing
WITH latest AS (
    SELECT o.identifier, max(r.started_at) AS last_seen,
           arg_max_null(o.version_id, (r.started_at, r.id, o.version_id IS NOT NULL, o.id)) AS version_id
    FROM observations o JOIN runs r ON r.id = o.run_id
    WHERE o.site = getvariable('site') AND o.plan_path = getvariable('plan_path')
      AND o.language = getvariable('language') AND o.identifier IS NOT NULL
      AND r.started_at < timezone('Europe/Helsinki', (getvariable('day') + INTERVAL 1 DAY)::TIMESTAMP)
      AND (o.outcome = 'gone' OR (o.outcome IN ('parsed', 'unchanged') AND o.version_id IS NOT NULL))
    GROUP BY ALL)
SELECT v.identifier, v.name, v.status_label, v.completion, v.tasks_done, v.tasks_total, l.last_seen, v.id AS version
FROM latest l JOIN versions v ON v.id = l.version_id
ORDER BY v.identifier;"""


def _example(con: duckdb.DuckDBPyConnection, site: str) -> dict[str, str]:
    """Values that make the printed queries answer something on this very dataset: the action with the most
    versions, and the day of the latest run."""
    row = con.execute(
        "SELECT plan_path, language, identifier FROM action_versions WHERE site = ? GROUP BY ALL"
        " ORDER BY count(*) DESC, plan_path, language, identifier LIMIT 1", [site]).fetchone()
    day = con.execute("SELECT max(started_at) FROM runs WHERE site = ?", [site]).fetchone()
    last = day[0] if day and isinstance(day[0], dt.datetime) else dt.datetime.now(dt.UTC)
    plan_path, language, identifier = row if row else ("", "fi", "1")
    return {"site": site, "plan_path": plan_path, "language": language, "identifier": identifier,
            "day": last.astimezone(HELSINKI).date().isoformat()}


def _fill(sql: str, values: dict[str, str]) -> str:
    return sql.format(**{k: v.replace("'", "''") for k, v in values.items()})


def render_dataset_doc(con: duckdb.DuckDBPyConnection, summary: DatasetSummary, folder: Path,
                       licences: Mapping[str, str], now: dt.datetime) -> str:
    version = current_version(con) or SCHEMA_VERSION
    described = next((m.description for m in MIGRATIONS if m.version == version), "")
    last = con.execute("SELECT max(started_at) FROM runs").fetchone()
    example = _example(con, summary.sites[0]) if summary.sites else {
        "site": "ilmastovahti.hel.fi", "plan_path": "", "language": "fi", "identifier": "111", "day": "2024-06-30"}
    counts = [f"| `{t.name}` | {sum(summary.rows.get(t.name, {}).values())} | {t.about.removeprefix('one row per ')} |"
              for t in TABLES]
    lines = [
        "# vahti dataset: Kausal Watch climate-action plans, run by run",
        "",
        f"Generated {_when(now)} by vahti from its archive (archive schema version {version}); the latest run began "
        f"{_when(last[0] if last else None)}. Sites: {', '.join(summary.sites) or 'none yet'}.",
        "",
        "Cities publish their climate-action plans on Kausal Watch sites and change them silently: statuses slip, "
        "tasks vanish, responsibilities move. vahti reads every action page of each plan, keeps what each page said "
        "and since when, and publishes that history here as plain Parquet tables.",
        "",
        "| table | rows | one row per |",
        "|---|---|---|",
        *counts,
        "",
        "## Files",
        "",
        "Hive-partitioned by site: one folder per table, one `site=<host>` folder per site in it (the host as "
        "percent-escaped by DuckDB: `127.0.0.1%3A8765`), one `part-0.parquet` in each. DuckDB, Polars, Spark and "
        "Trino read the site back as a column.",
        "",
        "```",
        "DATASET.md                            this file",
        "runs/site=<host>/part-0.parquet",
        "observations/site=<host>/part-0.parquet",
        "versions/site=<host>/part-0.parquet",
        "changes/site=<host>/part-0.parquet",
        "```",
        "",
        "The daily job publishes the dataset as assets of the repository's release `dataset`, replaced every day "
        "(a release's asset list is flat): `DATASET.md`, `vahti-dataset.zip` (this folder), and `runs.parquet`, "
        "`observations.parquet`, `versions.parquet`, `changes.parquet`, each holding every site with `site` as its "
        "first column. The archive itself (every raw page, byte for byte) is an asset of the release `archive`.",
        "",
        "## Reading it",
        "",
        "DuckDB, in the folder:",
        "",
        "```sql",
        SETUP_SQL,
        "```",
        "",
        "Polars: `pl.scan_parquet('versions/*/*.parquet', hive_partitioning=True)` (and so on for each table).",
        "",
        "**The history of one action** (here the one with the most versions):",
        "",
        "```sql",
        _fill(HISTORY_SQL, example),
        "```",
        "",
        "```sql",
        _fill(CHANGES_SQL, example),
        "```",
        "",
        "**The status counts per run:**",
        "",
        "```sql",
        _fill(STATUS_SQL, example),
        "```",
        "",
        "**The plan as of a date:**",
        "",
        "```sql",
        _fill(AS_OF_SQL, example),
        "```",
        "",
        "## How the data is collected",
        "",
        "- **Crawls.** A scheduled job reads every plan of the sites below once a day, politely (one request per "
        "second per host, robots.txt obeyed, an identifying User-Agent): it walks the site's own previous/next "
        "chain of action pages and checks it against the action list and the sitemap. Each page is stored raw and "
        "read into a record (the columns of `versions`): values as the page shows them, in its language, "
        "normalised only for invisible differences (Unicode forms, no-break spaces, soft hyphens, whitespace). "
        "Each crawl of one plan in one language is a run (`runs`); what it saw of each action is an observation.",
        "- **Versions.** A new version opens only when an action's normalised record changes (`record_hash`). Its "
        "`valid_from` and `valid_to` are the start times of runs: the true moment of an edit lies somewhere between "
        "the last run that saw the old content (`last_run`) and the run that saw the new one; the data does not "
        "pretend to know better. An action missing from a complete run, or answering 404 or a not-found page, is "
        "closed with its `gone_reason`.",
        "- **Checked before publishing.** A day whose crawl was partial, whose page layout changed (fields emptying, "
        "unknown sections appearing, the chain shrinking) or whose records disagree with the plan's own API is not "
        "turned into versions: its pages are kept as evidence and its run is `partial` or `failed`.",
        "- **Imports and backfills.** Runs with cause `import` come from WARC files, runs with cause `backfill` from "
        "web-archive captures (below); both are read by the same parser.",
        "",
        "## Unknown is not unchanged",
        "",
        "Only an observation says something about an action: `parsed` and `unchanged` saw its content, `gone` saw it "
        "missing. `fetch_failed`, `parse_failed`, `refused` and `not_reached` know **nothing**: the action may or "
        "may not have changed. A run that is not `complete` (partial, failed, interrupted) closes no version and "
        "removes no action: an action it did not reach is *unknown* that day, never *unchanged* and never gone. "
        "Days without a run (the job did not run, or its day was rejected) are unknown too: a version's period "
        "spans them only because no run saw anything else. To know how fresh a row is, look at the runs that saw "
        "it (`first_run`, `last_run`, or `observations`), not only at its period.",
        "",
        "## Presentation is not a change of the plan",
        "",
        "The same plan printed by another front end (a redesign, or captures from the 2019, 2021 and 2025 eras) gives "
        "records that differ in presentation only: a date printed `01.03.2019` or `1.3.2019`, an empty block shown "
        "as nothing or as a heading, another order of categories, a field an old front end cannot show. Such a page "
        "still opens a version (the record is what the page showed) but its `cause` is `markup`, and it has no rows "
        "in `changes`: a change is a change of the plan's meaning. Versions with cause `reparse` come from a better "
        "parser, not from the site. To count what the cities changed, use `changes` (leave out `reparse`) or "
        "versions with `cause NOT IN ('markup', 'reparse')`. What a front-end era cannot show is unknown, never a "
        "change: it is compared with the last value an era that could show it gave.",
        "",
        "## Backfilled history: capture times",
        "",
        "Versions before vahti's first crawl of a plan come from web-archive captures (the Wayback Machine): runs, "
        "versions and changes with cause `backfill`. A capture is someone else's look at one page at one moment. "
        "A backfill run gathers one Helsinki day of captures and starts at that day's first capture time; each "
        "observation's `fetched_at` is its page's own capture time and `capture_url` the capture "
        "(`…/web/<14-digit UTC timestamp>id_/<original address>`). Captures are sparse: an action with no capture "
        "on a day is `not_reached` (unknown), and backfill runs are `partial` (a web archive never proves an action "
        "was missing).",
        "",
        "## Schema version",
        "",
        f"The archive's schema version is **{version}** ({described}). Columns keep their names and meanings across "
        "versions; a new version may add columns (DATASET.md then lists them). The dataset's tables keep the "
        "archive's column names, so the archive's documented queries run on the dataset too.",
        "",
        "## Sources",
        "",
        "Each site's pages are read from the addresses below (the start of each run). The records quote the sites; "
        "vahti adds only the dates and the comparison.",
        "",
        *_sources(con, summary.sites, licences),
        "## Columns",
        "",
        "Times are UTC (`TIMESTAMP WITH TIME ZONE`); an empty value is SQL `NULL`. In `versions`, `null` means the "
        "page did not show the field and `\"\"` that it showed the heading with nothing under it; lists are never "
        "null.",
        "",
        *_columns(folder),
    ]
    return "\n".join(lines).rstrip() + "\n"
