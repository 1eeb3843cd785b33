"""The archive's read model: runs, which site, WHEN, versions and the plan as a run saw it or as last seen by a
date, for every reader (`runs`, `show`, history, diff, export, the report, the daily digest, WARC export).

One place reads each of these, so that every command means the same by a run, a version and WHEN. The state of a
plan at a run is what that run *observed*: a parsed or unchanged page gives the version it pointed at, a gone page
removes the action (with why), anything else (not reached, fetch or parse failed) makes the action unknown at that
run. So a partial run never passes for "nothing changed".

The plan as of a date is each action's latest observation by then that showed or removed it, whatever kind of run
made it: web-archive captures (imports, backfills) are partial runs by nature, one capture never proves another
action missing, so "the last complete run" could not reach the years they hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from schemas.errors import UsageError
from snapshots.change_model import AsOf, RunInfo, local_time
from snapshots.records import RecordReader
from snapshots.when import parse_when

Key = tuple[str, str, str, str]

#: What a run counted, as columns of `runs` (and of `vahti runs`).
COUNT_COLUMNS = (
    "pages", "parsed", "unchanged", "parse_failed", "gone", "fetch_failed", "refused", "not_reached", "versions_added",
)
#: The columns `vahti runs` lists, in order (its CSV and JSON keys).
RUN_COLUMNS = (
    "id", "site", "plan_path", "language", "start_url", "started_at", "finished_at", "outcome", "reason",
    "resumed_from", "cause", *COUNT_COLUMNS,
)
#: Times are read as microseconds since the epoch: DuckDB's Python client turns every TIMESTAMPTZ value into an
#: aware datetime through a time-zone lookup, which cost a history more than its query (bench/RESULTS.md).
_RUN_SELECT = (
    "id, site, epoch_us(started_at), epoch_us(finished_at), outcome, plan_path, start_url, reason, cause, language,"
    " resumed_from, " + ", ".join(COUNT_COLUMNS)
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def utc_from_us(micros: int | None) -> dt.datetime | None:
    return None if micros is None else _EPOCH + dt.timedelta(microseconds=micros)


def _run(row: tuple[Any, ...]) -> RunInfo:
    return RunInfo(
        id=int(row[0]),
        site=row[1],
        started_at=utc_from_us(row[2]),
        finished_at=utc_from_us(row[3]),
        outcome=row[4],
        plan_path=row[5] or "",
        start_url=row[6],
        reason=row[7],
        cause=row[8] or "crawl",
        language=row[9],
        resumed_from=row[10],
        counts=dict(zip(COUNT_COLUMNS, row[11:], strict=True)),
    )


def run_listing(run: RunInfo) -> dict[str, Any]:
    """The run as `vahti runs` lists it: RUN_COLUMNS, times as ISO strings."""
    values: dict[str, Any] = {
        "id": run.id, "site": run.site, "plan_path": run.plan_path, "language": run.language,
        "start_url": run.start_url, "started_at": _iso(run.started_at), "finished_at": _iso(run.finished_at),
        "outcome": run.outcome, "reason": run.reason, "resumed_from": run.resumed_from, "cause": run.cause,
    }
    values.update({name: run.counts.get(name) for name in COUNT_COLUMNS})
    return values


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def list_runs(
    con: duckdb.DuckDBPyConnection, site: str | None = None, plan_path: str | None = None, language: str | None = None
) -> list[RunInfo]:
    """Runs in the order they looked at the site (imports of old captures sort where they belong); `plan_path` and
    `language` keep the runs of one plan in one language (the runs a report or a diff may compare)."""
    sql = f"SELECT {_RUN_SELECT} FROM runs WHERE true"
    params: list[Any] = []
    if site is not None:
        sql += " AND site = ?"
        params.append(site)
    sql += plan_filter(plan_path, language, params)
    sql += " ORDER BY started_at, id"
    return [_run(r) for r in con.execute(sql, params).fetchall()]


def runs_by_id(con: duckdb.DuckDBPyConnection, ids: Iterable[int | None]) -> dict[int, RunInfo]:
    """Only the runs named (a history needs the few runs its versions point at, not a year of them)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = con.execute(f"SELECT {_RUN_SELECT} FROM runs WHERE list_contains(?::BIGINT[], id)", [wanted])
    return {run.id: run for run in map(_run, rows.fetchall())}


def get_run(con: duckdb.DuckDBPyConnection, run_id: int) -> RunInfo:
    row = con.execute(f"SELECT {_RUN_SELECT} FROM runs WHERE id = ?", [run_id]).fetchone()
    if row is None:
        raise UsageError(f"no run {run_id} in the archive")
    return _run(row)


def choose_site(con: duckdb.DuckDBPyConnection, site: str | None) -> str:
    """The one site of the archive, or the one asked for; several sites and no --site is a usage error."""
    sites = [r[0] for r in con.execute("SELECT DISTINCT site FROM runs ORDER BY site").fetchall()]
    if site is not None:
        if site not in sites:
            known = ", ".join(sites) or "none"
            raise UsageError(f"no runs of site {site!r} in the archive (sites: {known})")
        return site
    if not sites:
        raise UsageError("the archive holds no runs yet (run `vahti crawl` first)")
    if len(sites) > 1:
        raise UsageError(f"the archive holds several sites; pick one with --site ({', '.join(sites)})")
    return sites[0]


def normal_plan_path(plan_path: str) -> str:
    """A plan's base path as `runs.plan_path` spells it: "" for a plan at the root ("/" on the command line),
    else "/lumo" (a missing leading or a trailing slash is forgiven)."""
    path = plan_path.strip().strip("/")
    return f"/{path}" if path else ""


def plan_words(plan_path: str, language: str | None) -> str:
    """How a message names a plan in one language: "/lumo (en)", "/ (fi)"."""
    return f"{plan_path or '/'} ({language})"


def plan_filter(plan_path: str | None, language: str | None, params: list[Any]) -> str:
    """SQL (AND …) keeping the rows of one plan and/or one language; appends its parameters."""
    sql = ""
    if plan_path is not None:
        sql += " AND plan_path = ?"
        params.append(normal_plan_path(plan_path))
    if language is not None:
        sql += " AND language = ?"
        params.append(language)
    return sql


def is_run_id(when: str) -> bool:
    """WHEN names one run (and so its plan and language), not a date."""
    return isinstance(parse_when(when), int)


def choose_plan(
    con: duckdb.DuckDBPyConnection, site: str, plan_path: str | None = None, language: str | None = None,
    whens: Iterable[str | None] = (),
) -> tuple[str, str]:
    """The (plan_path, language) whose runs a diff, a report or a history compares: runs pair only within one
    plan in one language, since a Finnish and an English crawl of the same plan share no action key and would
    read as every action removed and added.

    A run id among `whens` names its plan and language itself. Otherwise a site crawled in one plan and language
    needs no choice, and one crawled in several needs `--plan`/`--language`: a one-line usage error names the
    choices. Asking, rather than answering per language or picking Finnish, is what a journalist should get:
    a silently picked language hides the changes of the others (an English page left behind is a story), Finnish
    is not every plan's first language, and one answer per language would change the single-diff shape that
    the JSON, Markdown and HTML outputs promise; the error costs one retry and says exactly what to type."""
    for when in whens:
        if when is not None and is_run_id(when):
            run = resolve_when(con, when, site, plan_path, language)
            return run.plan_path, str(run.language)
    every = sorted(con.execute("SELECT DISTINCT plan_path, language FROM runs WHERE site = ?", [site]).fetchall())
    wanted = [(p, lang) for p, lang in every if (plan_path is None or p == normal_plan_path(plan_path))
              and (language is None or lang == language)]
    known = ", ".join(plan_words(p, lang) for p, lang in every) or "none"
    if not wanted:
        asked = [f"--plan {plan_path or '/'}"] if plan_path is not None else []
        asked += [f"--language {language}"] if language is not None else []
        raise UsageError(f"no runs of {site} for {' '.join(asked)} (plans and languages: {known})")
    if len(wanted) > 1:
        options = [o for o, differ in (("--plan", len({p for p, _ in wanted}) > 1),
                                        ("--language", len({lang for _, lang in wanted}) > 1)) if differ]
        raise UsageError(f"{site} was crawled in several plans or languages ({known});"
                         f" pick one with {' and '.join(options)}")
    return str(wanted[0][0]), str(wanted[0][1])


def same_plan(from_run: RunInfo, to_run: RunInfo) -> None:
    """Refuse to compare runs of different plans or languages: every action would read as removed and added."""
    if (from_run.plan_path, from_run.language) != (to_run.plan_path, to_run.language):
        raise UsageError(
            f"--from (run {from_run.id}, {plan_words(from_run.plan_path, from_run.language)}) and --to (run"
            f" {to_run.id}, {plan_words(to_run.plan_path, to_run.language)}) are runs of different plans or"
            " languages; compare runs of one plan in one language"
        )


def resolve_when(
    con: duckdb.DuckDBPyConnection, when: str, site: str | None = None, plan_path: str | None = None,
    language: str | None = None, *, prefer_complete: bool = False,
) -> RunInfo:
    """WHEN = a run id, or an ISO date/time meaning the latest run started on or before it, of any kind (a bare
    date: by the end of that day in Helsinki, `snapshots.when`). That run is what a header names beside the date;
    the plan a date means is `plan_as_of`'s. `prefer_complete`: the last complete run by then if there is one
    (what the WARC export and verify want of a date: the default they would have picked that day). Without
    `site` an archive of several sites is a usage error for a date. `plan_path` and `language` keep a date to the
    runs of that plan and language (a run id of another is a usage error), so a date never lands on the English
    crawl of a Finnish comparison."""
    point = parse_when(when)
    if isinstance(point, int):
        run = get_run(con, point)
        if site is not None and run.site != site:
            raise UsageError(f"run {point} is a run of {run.site}, not {site}")
        if (plan_path is not None and run.plan_path != normal_plan_path(plan_path)) or (
            language is not None and run.language != language
        ):
            shown = plan_words(run.plan_path if plan_path is None else normal_plan_path(plan_path),
                               run.language if language is None else language)
            raise UsageError(f"run {point} is a run of {plan_words(run.plan_path, run.language)}, not {shown}")
        return run
    if site is None:
        sites = [r[0] for r in con.execute("SELECT DISTINCT site FROM runs ORDER BY 1").fetchall()]
        if len(sites) > 1:
            raise UsageError(f"the archive holds several sites; pick one with --site ({', '.join(sites)})")
    # the run's id first, then the run: a top-1 sort over rows with strings costs DuckDB milliseconds
    params: list[object] = [point]
    where = " AND site = ?" if site is not None else ""
    params += [site] if site is not None else []
    where += plan_filter(plan_path, language, params)
    row = con.execute(
        "SELECT arg_max(id, (started_at, id)) FILTER (WHERE outcome = 'complete'), arg_max(id, (started_at, id))"
        f" FROM runs WHERE started_at <= ?{where}", params,
    ).fetchone()
    complete, latest = row if row is not None else (None, None)
    found = complete if prefer_complete and complete is not None else latest
    if found is None:
        raise UsageError(_nothing_before(con, when, site, plan_path, language))
    return get_run(con, int(found))


def _nothing_before(
    con: duckdb.DuckDBPyConnection, when: str, site: str | None, plan_path: str | None, language: str | None
) -> str:
    """The one line for a date before anything was observed, with when the runs begin (what to ask instead)."""
    where = f" of {site}" if site else ""
    if plan_path is not None:
        where += f" in {normal_plan_path(plan_path) or '/'}"
    if language is not None:
        where += f" in language {language}"
    params: list[object] = [site] if site is not None else []
    sql = "SELECT min(started_at) FROM runs WHERE true" + (" AND site = ?" if site is not None else "")
    row = con.execute(sql + plan_filter(plan_path, language, params), params).fetchone()
    first = row[0] if row is not None else None
    since = f"; the first began {local_time(first)} Helsinki time" if first is not None else ""
    return f"no run{where} on or before {when.strip()}, so nothing was observed by then{since}"


@dataclass(frozen=True)
class Point:
    """What WHEN names: a run (`at` None), or the plan as last seen by a date (`at`), beside the latest run at or
    before it (the run a header names)."""

    run: RunInfo
    at: AsOf | None = None


def resolve_point(
    con: duckdb.DuckDBPyConnection, when: str, site: str | None = None, plan_path: str | None = None,
    language: str | None = None,
) -> Point:
    """WHEN as a plan state: a run id keeps meaning that run; a date or date-time the plan as last seen by then
    (`plan_as_of`), with `resolve_when`'s latest run at or before it."""
    point = parse_when(when)
    run = resolve_when(con, when, site, plan_path, language)
    return Point(run, None if isinstance(point, int) else AsOf(when.strip(), point))


def last_complete_runs(
    con: duckdb.DuckDBPyConnection, site: str, n: int = 2, plan_path: str | None = None, language: str | None = None
) -> list[RunInfo]:
    """The last n complete runs of the site, oldest first; with `plan_path` and `language`, of that plan in that
    language only (what a diff pairs: never a Finnish crawl with an English one)."""
    params: list[Any] = [site]
    where = plan_filter(plan_path, language, params)
    rows = con.execute(
        f"SELECT {_RUN_SELECT} FROM runs WHERE site = ? AND outcome = 'complete'{where}"
        " ORDER BY started_at DESC, id DESC LIMIT ?",
        [*params, n],
    ).fetchall()
    return [_run(r) for r in reversed(rows)]


def previous_complete_runs(con: duckdb.DuckDBPyConnection, run_id: int, n: int = 1) -> list[int]:
    """The last n complete crawls of the same plan (site, base path, language) that began before this run, newest
    first: the baseline of the daily alarms and the previous days the digest compares with."""
    rows = con.execute(
        "SELECT p.id FROM runs p JOIN runs r ON r.id = ?"
        " WHERE p.site = r.site AND p.plan_path = r.plan_path AND p.language = r.language"
        " AND p.outcome = 'complete' AND p.cause = 'crawl' AND p.id <> r.id"
        " AND (p.started_at < r.started_at OR (p.started_at = r.started_at AND p.id < r.id))"
        " ORDER BY p.started_at DESC, p.id DESC LIMIT ?",
        [run_id, n],
    ).fetchall()
    return [int(r[0]) for r in rows]


@dataclass
class VersionRow:
    id: int
    key: Key
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    first_run: int | None
    last_run: int | None
    closed_run: int | None
    cause: str
    gone_reason: str | None
    record: dict[str, Any]
    #: the fields whose meaning this version changed (its rows in action_changes)
    meaning_fields: tuple[str, ...] = ()
    front_end: str | None = None
    parser_version: str | None = None


_VERSION_COLUMNS = (
    "id, site, plan_path, language, identifier, epoch_us(valid_from) AS from_us, epoch_us(valid_to), first_run,"
    " last_run, closed_run, cause, gone_reason, record_zstd, front_end, parser_version, record_base"
)
#: the fields whose meaning each version changed, from its rows in action_changes (asked for only where needed)
_MEANING_FIELDS = "SELECT new_version, field FROM action_changes WHERE list_contains(?::BIGINT[], new_version)"


def _version(row: tuple[Any, ...], records: dict[int, dict[str, Any]], meaning: tuple[str, ...] = ()) -> VersionRow:
    return VersionRow(
        id=int(row[0]),
        key=(row[1], row[2], row[3], row[4]),
        valid_from=_EPOCH + dt.timedelta(microseconds=row[5]),
        valid_to=utc_from_us(row[6]),
        first_run=row[7],
        last_run=row[8],
        closed_run=row[9],
        cause=row[10],
        gone_reason=row[11],
        record=records.get(int(row[0]), {}),
        front_end=row[13],
        parser_version=row[14],
        meaning_fields=meaning,
    )


def versions_of(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any], meaning: bool = False,
    reader: RecordReader | None = None, records: bool = True,
) -> list[VersionRow]:
    """Versions matching `where`, oldest first; `meaning=True` also reads the fields whose meaning each changed.
    `reader`: one shared by the reads of one answer (each record decoded once); `records=False` leaves every
    `record` empty, for callers that need only when and why versions changed."""
    # Sorted and joined here, not in SQL: for the few dozen rows of an answer, DuckDB's sort and join cost
    # several milliseconds each (bench/RESULTS.md, the query benchmark), the rest of the read one or two.
    columns = _VERSION_COLUMNS if records else _VERSION_COLUMNS.replace("record_zstd,", "NULL,", 1)
    rows = sorted(con.execute(f"SELECT {columns} FROM action_versions WHERE {where}", params).fetchall(),
                  key=lambda r: (r[5], r[0]))
    decoded = (reader or RecordReader(con)).decode((int(r[0]), r[12], r[15]) for r in rows) if records else {}
    fields: dict[int, set[str]] = {}
    if meaning and rows:
        for version_id, name in con.execute(_MEANING_FIELDS, [[r[0] for r in rows]]).fetchall():
            fields.setdefault(int(version_id), set()).add(name)
    return [_version(r, decoded, tuple(sorted(fields.get(int(r[0]), ())))) for r in rows]


@dataclass(frozen=True)
class Seen:
    """The observation an action's state comes from: its run, when that run began, and the run's cause."""

    run_id: int
    at: dt.datetime | None
    cause: str


@dataclass
class PlanState:
    """One run's view of the plan, or the plan as last seen by an instant (`at`): records by key, removed keys
    with why, unknown keys (none as of an instant: an action keeps what an earlier run saw of it)."""

    run: RunInfo
    versions: dict[Key, VersionRow]
    gone: dict[Key, str]
    unknown: set[Key]
    #: the actions the run read a version of, in the plan's order (their first place in the run's walk); as of
    #: an instant, the order of the latest run that showed any of them
    order: list[Key] = field(default_factory=list)
    #: which observation each shown or removed action's state comes from
    seen: dict[Key, Seen] = field(default_factory=dict)
    at: dt.datetime | None = None


def plan_state(
    con: duckdb.DuckDBPyConnection, run: RunInfo, reader: RecordReader | None = None, records: bool = True
) -> PlanState:
    """What one run saw; `records=False` leaves the records unread (a diff reads only those that differ)."""
    rows = [r[1:] for r in sorted(con.execute(  # sorted here: DuckDB's sort of string rows costs milliseconds
        "SELECT id, site, plan_path, language, identifier, outcome, coalesce(reason, error), version_id, position"
        " FROM observations WHERE run_id = ? AND identifier IS NOT NULL",
        [run.id],
    ).fetchall())]
    seen: dict[Key, tuple[str, str | None, int | None]] = {}
    places: dict[Key, int] = {}
    for site, plan_path, language, identifier, outcome, why, version_id, position in rows:
        key = (site, plan_path, language, identifier)
        if position is not None and version_id is not None and position < places.get(key, position + 1):
            places[key] = position
        previous = seen.get(key)
        # A parsed observation wins over a failed retry of the same page in the same run.
        if previous is not None and previous[2] is not None and version_id is None:
            continue
        seen[key] = (outcome, why, version_id)
    ids = [v for (_, _, v) in seen.values() if v is not None]
    by_id: dict[int, VersionRow] = {}
    if ids:
        for version in versions_of(con, "list_contains(?::BIGINT[], id)", [ids], reader=reader, records=records):
            by_id[version.id] = version
    versions: dict[Key, VersionRow] = {}
    gone: dict[Key, str] = {}
    unknown: set[Key] = set()
    for key, (outcome, why, version_id) in seen.items():
        if version_id is not None and version_id in by_id:
            versions[key] = by_id[version_id]
        elif outcome == "gone":
            gone[key] = why or "gone"
        else:
            unknown.add(key)
    order = sorted(places, key=lambda k: places[k])
    here = Seen(run.id, run.started_at, run.cause)
    return PlanState(run, versions, gone, unknown, order, dict.fromkeys([*versions, *gone], here))


#: Each action's latest observation that showed it (a version) or removed it (gone), among the runs started by an
#: instant; within one run a version wins over a gone retry, as in `plan_state`. Aggregated in DuckDB (a site's
#: year of observations is a hundred thousand rows and more), the observation's columns taken as one row value
#: (one arg_max per column cost twice the query), then joined to the chosen version's columns (in
#: `_VERSION_COLUMNS`' order, which `_version` reads).
_AS_OF = """
WITH latest AS (
    SELECT o.plan_path AS o_plan, o.language AS o_lang, o.identifier AS o_ident,
           arg_max(row(o.outcome, coalesce(o.reason, o.error), o.version_id, o.run_id, epoch_us(r.started_at),
                       r.cause, o.position), (r.started_at, o.run_id, o.version_id IS NOT NULL, o.id)) AS seen
    FROM observations o JOIN runs r ON r.id = o.run_id
    WHERE o.site = ? AND r.started_at <= ? AND o.identifier IS NOT NULL
      AND (o.outcome = 'gone' OR (o.outcome IN ('parsed', 'unchanged') AND o.version_id IS NOT NULL)){where}
    GROUP BY ALL)
SELECT o_plan, o_lang, o_ident, seen[1], seen[2], seen[4], seen[5], seen[6], seen[7],
       v.id, v.site, v.plan_path, v.language, v.identifier, epoch_us(v.valid_from), epoch_us(v.valid_to), v.first_run,
       v.last_run, v.closed_run, v.cause, v.gone_reason, {record}, v.front_end, v.parser_version, v.record_base
FROM latest LEFT JOIN action_versions v ON v.id = seen[3]
"""


def plan_as_of(
    con: duckdb.DuckDBPyConnection, site: str, at: dt.datetime, run: RunInfo, plan_path: str | None = None,
    language: str | None = None, identifier: str | None = None, reader: RecordReader | None = None,
    records: bool = True,
) -> PlanState:
    """The plan as last seen by `at`: each action (of one plan and language when given, else of the whole site;
    one action with `identifier`) as its latest observation by then that showed it or removed it, whatever kind
    of run made it. Observations that know nothing (fetch or parse failed, not reached, refused) change nothing:
    the action keeps what an earlier one saw. An action never seen by then is absent. `run` is the latest run at
    or before `at` (`resolve_when`), named in headers. One query, then the record reader for the versions."""
    params: list[Any] = [site, at]
    where = ""
    for column, value in (("plan_path", None if plan_path is None else normal_plan_path(plan_path)),
                          ("language", language), ("identifier", identifier)):
        if value is not None:
            where += f" AND o.{column} = ?"
            params.append(value)
    sql = _AS_OF.format(where=where, record="v.record_zstd" if records else "NULL")
    # sorted here, not in SQL: DuckDB's sort of string rows costs milliseconds (see `versions_of`)
    rows = sorted(con.execute(sql, params).fetchall(), key=lambda r: (r[0], r[1], r[2]))
    shown = [r for r in rows if r[9] is not None]
    decoded = (reader or RecordReader(con)).decode((int(r[9]), r[21], r[24]) for r in shown) if records else {}
    versions: dict[Key, VersionRow] = {}
    gone: dict[Key, str] = {}
    seen: dict[Key, Seen] = {}
    walks: dict[Key, tuple[int, int, int]] = {}
    for row in rows:
        key: Key = (site, row[0], row[1], row[2])
        seen[key] = Seen(int(row[5]), utc_from_us(row[6]), row[7] or "crawl")
        if row[9] is not None:
            versions[key] = _version(row[9:], decoded)
            if row[8] is not None:
                walks[key] = (int(row[6]), int(row[5]), int(row[8]))
        else:
            gone[key] = row[4] or "gone"
    # the plan's order: that of the latest run that showed any action (positions of two walks do not compare)
    last_walk = max(((t, r) for t, r, _ in walks.values()), default=None)
    order = sorted((k for k, w in walks.items() if (w[0], w[1]) == last_walk), key=lambda k: walks[k][2])
    return PlanState(run, versions, gone, set(), order, seen, at)


def versions_valid_at(con: duckdb.DuckDBPyConnection, site: str, instant: dt.datetime) -> list[VersionRow]:
    """Every version in force at an instant (what `export --at` falls back on for actions a run missed)."""
    return versions_of(
        con, "site = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)", [site, instant, instant]
    )
