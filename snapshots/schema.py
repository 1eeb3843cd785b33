"""The archive's tables, and the ordered migrations that bring any older archive up to date in place.

Every change to the tables is a new entry at the end of MIGRATIONS, never an edit of an old one: an archive
written by any earlier vahti replays exactly the steps it missed. An archive from a newer vahti is refused
before anything is written to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.errors import ArchiveError

_V1 = [
    """CREATE TABLE schema_version (
        version INTEGER NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL,
        description VARCHAR NOT NULL)""",
    """CREATE TABLE runs (
        id BIGINT NOT NULL,
        site VARCHAR NOT NULL,
        plan_path VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        start_url VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        outcome VARCHAR NOT NULL,
        reason VARCHAR,
        resumed_from BIGINT,
        cause VARCHAR NOT NULL DEFAULT 'crawl',
        pages INTEGER,
        parsed INTEGER,
        unchanged INTEGER,
        parse_failed INTEGER,
        gone INTEGER,
        fetch_failed INTEGER,
        refused INTEGER,
        not_reached INTEGER,
        versions_added INTEGER,
        counts JSON)""",
    """CREATE TABLE bodies (
        sha256 VARCHAR PRIMARY KEY,
        size BIGINT NOT NULL,
        zstd BLOB NOT NULL)""",
    """CREATE TABLE pages (
        id BIGINT NOT NULL,
        run_id BIGINT NOT NULL,
        url VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        status INTEGER,
        headers JSON,
        sha256 VARCHAR,
        size BIGINT,
        error VARCHAR)""",
    """CREATE TABLE observations (
        id BIGINT NOT NULL,
        run_id BIGINT NOT NULL,
        page_id BIGINT,
        site VARCHAR NOT NULL,
        plan_path VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        identifier VARCHAR,
        url VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        error VARCHAR,
        reason VARCHAR,
        warnings JSON,
        position INTEGER,
        record_hash VARCHAR,
        version_id BIGINT)""",
    """CREATE TABLE action_versions (
        id BIGINT NOT NULL,
        site VARCHAR NOT NULL,
        plan_path VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        identifier VARCHAR NOT NULL,
        valid_from TIMESTAMPTZ NOT NULL,
        valid_to TIMESTAMPTZ,
        first_run BIGINT,
        last_run BIGINT,
        closed_run BIGINT,
        record_hash VARCHAR NOT NULL,
        parser_version VARCHAR NOT NULL,
        cause VARCHAR NOT NULL,
        gone_reason VARCHAR,
        record JSON NOT NULL,
        url VARCHAR,
        name VARCHAR,
        lead VARCHAR,
        description VARCHAR,
        official_description VARCHAR,
        official_description_label VARCHAR,
        official_description_source VARCHAR,
        status_label VARCHAR,
        status_identifier VARCHAR,
        implementation_phase VARCHAR,
        completion INTEGER,
        impact VARCHAR,
        schedule VARCHAR,
        updated_at DATE,
        previous_url VARCHAR,
        next_url VARCHAR,
        test_instance BOOLEAN,
        categories VARCHAR[])""",
    """CREATE TABLE action_changes (
        id BIGINT NOT NULL,
        site VARCHAR NOT NULL,
        plan_path VARCHAR NOT NULL,
        language VARCHAR NOT NULL,
        identifier VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        old JSON,
        new JSON,
        run_id BIGINT,
        changed_at TIMESTAMPTZ NOT NULL,
        cause VARCHAR NOT NULL,
        old_version BIGINT,
        new_version BIGINT NOT NULL)""",
    "CREATE VIEW actions_current AS SELECT * FROM action_versions WHERE valid_to IS NULL",
]

_V2 = [
    # Task counts as typed columns: "whose tasks slipped" and "how many are done" without unnesting JSON.
    "ALTER TABLE action_versions ADD COLUMN tasks_total INTEGER",
    "ALTER TABLE action_versions ADD COLUMN tasks_done INTEGER",
    "ALTER TABLE action_versions ADD COLUMN tasks_in_progress INTEGER",
    "ALTER TABLE action_versions ADD COLUMN tasks_todo INTEGER",
    """UPDATE action_versions SET
        tasks_total = json_array_length(record -> '$.tasks'),
        tasks_done = len(list_filter(CAST(json_extract_string(record, '$.tasks[*].state') AS VARCHAR[]),
                                      lambda s: s = 'done')),
        tasks_in_progress = len(list_filter(
            CAST(json_extract_string(record, '$.tasks[*].state') AS VARCHAR[]), lambda s: s = 'in_progress')),
        tasks_todo = len(list_filter(CAST(json_extract_string(record, '$.tasks[*].state') AS VARCHAR[]),
                                      lambda s: s = 'todo'))""",
    "CREATE OR REPLACE VIEW actions_current AS SELECT * FROM action_versions WHERE valid_to IS NULL",
]


_V3 = [
    # The era of the page behind each observation and version, and each version's known meaning: whether a new
    # record means something new is decided on the meaning, not on the markup (docs/record.md, "Meaning").
    "ALTER TABLE observations ADD COLUMN front_end VARCHAR",
    "ALTER TABLE action_versions ADD COLUMN front_end VARCHAR",
    "ALTER TABLE action_versions ADD COLUMN meaning JSON",
]


def _v3(con: duckdb.DuckDBPyConnection) -> None:
    """Add the columns, sniff the era of every stored page, then re-classify every version: a crawl or import
    version that meant nothing new becomes `markup`, and `action_changes` keeps only fields whose meaning
    changed. An archive that already holds false changes (an era switch, a redesign) is cleaned."""
    from snapshots.causes import reclassify
    from snapshots.front_ends import fill_front_ends

    for sql in _V3:
        con.execute(sql)
    fill_front_ends(con)
    reclassify(con)
    con.execute("CREATE OR REPLACE VIEW actions_current AS SELECT * FROM action_versions WHERE valid_to IS NULL")


_V4 = [
    # Bodies as deltas (snapshots/bodies.py). Whole bodies and deltas live in tables of their own because DuckDB
    # rewrites a table's last row group at every checkpoint after an append: a crawl checkpoints after each page,
    # and if the day's deltas went into the table of the whole bodies (the big blobs), each page would rewrite all
    # of them. `bodies` stays what researchers query, a view over both with the new column `base`. The old table
    # keeps its rows (and its primary key: one entry per whole body, not per day) under its new name: no copy.
    "ALTER TABLE bodies RENAME TO body_wholes",
    """CREATE TABLE body_deltas (
        sha256 VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        base VARCHAR NOT NULL,
        zstd BLOB NOT NULL)""",
    """CREATE VIEW bodies AS
        SELECT sha256, size, zstd, NULL::VARCHAR AS base FROM body_wholes
        UNION ALL SELECT sha256, size, zstd, base FROM body_deltas""",
]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def _statements(statements: list[str]) -> Callable[[duckdb.DuckDBPyConnection], None]:
    def apply(con: duckdb.DuckDBPyConnection) -> None:
        for sql in statements:
            con.execute(sql)

    return apply


def _v5(con: duckdb.DuckDBPyConnection) -> None:
    """`vahti verify`: the agreement of each run with the plan's own GraphQL API (snapshots/agreement.py)."""
    from snapshots.agreement import TABLES

    _statements(TABLES)(con)


#: Version-table columns stored with DuckDB's ZSTD compression. Consecutive versions of an action repeat almost
#: all of their text; once `vahti compact` has put each action's versions next to each other, ZSTD stores a
#: repeat for a few bytes, where the default FSST/dictionary compression stored every version's text again
#: (measured on the churn year of bench/: 8.9 MB of version tables became 1.8 MB, bench/RESULTS.md).
ZSTD_COLUMNS: dict[str, tuple[str, ...]] = {
    "action_versions": ("record", "meaning", "url", "name", "lead", "description", "official_description",
                        "schedule", "impact", "previous_url", "next_url"),
    "action_changes": ("old", "new"),
}
#: The order `vahti compact` (and migration 6) keeps version rows in: each action's versions together.
VERSION_ORDER = "site, plan_path, language, identifier, id"


def _rebuild_compressed(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Recreate `table` with its ZSTD_COLUMNS compressed, rows in VERSION_ORDER. DuckDB cannot change a
    column's compression in place, so the table is copied (its views are recreated by the caller)."""
    columns = con.execute(
        "SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns()"
        " WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?"
        " ORDER BY column_index",
        [table],
    ).fetchall()
    zstd = set(ZSTD_COLUMNS[table])
    parts = [
        f'"{name}" {kind}' + (" USING COMPRESSION zstd" if name in zstd else "")
        + (f" DEFAULT {default}" if default is not None else "") + ("" if nullable else " NOT NULL")
        for name, kind, nullable, default in columns
    ]
    con.execute(f"CREATE TABLE {table}__new ({', '.join(parts)})")
    con.execute(f"INSERT INTO {table}__new SELECT * FROM {table} ORDER BY {VERSION_ORDER}")
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE {table}__new RENAME TO {table}")


def _v6(con: duckdb.DuckDBPyConnection) -> None:
    """Compact version tables: ZSTD on the long text and JSON columns, and `meaning` only where the writer reads
    it, on each action's newest version (an older version's known meaning is replayed by
    `snapshots.causes.reclassify` whenever it is needed again)."""
    con.execute("DROP VIEW IF EXISTS actions_current")
    con.execute(
        "UPDATE action_versions SET meaning = NULL WHERE meaning IS NOT NULL AND id NOT IN ("
        " SELECT max(id) FROM action_versions GROUP BY site, plan_path, language, identifier)"
    )
    for table in ZSTD_COLUMNS:
        _rebuild_compressed(con, table)
    con.execute("CREATE VIEW actions_current AS SELECT * FROM action_versions WHERE valid_to IS NULL")


def _v7(con: duckdb.DuckDBPyConnection) -> None:
    """Each record packed on its own for point reads (snapshots/records.py): `record_zstd`, `record_base`."""
    from snapshots.records import repack

    con.execute("ALTER TABLE action_versions ADD COLUMN record_zstd BLOB")
    con.execute("ALTER TABLE action_versions ADD COLUMN record_base BIGINT")
    repack(con)
    con.execute("CREATE OR REPLACE VIEW actions_current AS SELECT * FROM action_versions WHERE valid_to IS NULL")


def _v8(con: duckdb.DuckDBPyConnection) -> None:
    """Web-archive provenance of a page (`vahti backfill`): the capture's own URL, next to the original URL (`url`)
    and the capture time (`fetched_at`). Null for pages vahti fetched from the site itself."""
    con.execute("ALTER TABLE pages ADD COLUMN capture_url VARCHAR")


#: snapshots.silent in SQL, one row per version whose change the site's updated date does not admit (or admits
#: alone); a view, so it follows every rebuild of the versions (a backfill's splice, a reparse)
SILENT_EDITS_SELECT = """SELECT site, plan_path, language, identifier, new_version AS version_id, old_version, run_id, cause,
        min(changed_at) AS changed_at, list(field ORDER BY field) AS fields,
        CASE WHEN bool_and(field <> 'updated_at') THEN 'silent_edit' ELSE 'date_only' END AS kind
    FROM action_changes
    WHERE cause NOT IN ('reparse', 'markup') AND old_version IS NOT NULL
        AND field NOT IN ('previous_url', 'next_url', 'order')
    GROUP BY site, plan_path, language, identifier, new_version, old_version, run_id, cause
    HAVING bool_and(field <> 'updated_at') OR bool_and(field = 'updated_at')"""
SILENT_EDITS_VIEW = f"CREATE OR REPLACE VIEW silent_edits AS {SILENT_EDITS_SELECT}"


def _v9(con: duckdb.DuckDBPyConnection) -> None:
    """`silent_edits`: content changes the site's "Tietoja päivitetty" date does not admit, and date-only bumps."""
    con.execute(SILENT_EDITS_VIEW)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, pages, bodies, observations, action_versions, action_changes", _statements(_V1)),
    Migration(2, "task counts as typed columns of action_versions", _statements(_V2)),
    Migration(3, "front_end of observations and versions, known meaning; causes re-classified (markup)", _v3),
    Migration(4, "page bodies as deltas against a whole body of the same URL: body_wholes, body_deltas, view bodies"
                 " with base", _statements(_V4)),
    Migration(5, "verifications, agreement, agreement_actions: each run checked against the plan's API", _v5),
    Migration(6, "version tables compressed with ZSTD, rows by action; meaning kept on each action's newest version",
              _v6),
    Migration(7, "each record also packed on its own for point reads: record_zstd, record_base", _v7),
    Migration(8, "pages.capture_url: the web-archive capture a backfilled page came from", _v8),
    Migration(9, "view silent_edits: content changes without a new updated date, and date-only bumps", _v9),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The archive's schema version; None for an empty file; ArchiveError for a DuckDB file not ours."""
    tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "schema_version" not in tables:
        if tables:
            raise ArchiveError("this DuckDB file is not a vahti archive (no schema_version table)")
        return None
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def check_supported(db: Path, version: int | None) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{db} uses archive schema v{version}, newer than this vahti (v{SCHEMA_VERSION}): upgrade vahti"
        )


def migrate(con: duckdb.DuckDBPyConnection, db: Path, upto: int = SCHEMA_VERSION) -> int:
    """Apply every missing migration up to `upto`, each in its own transaction; returns the new version."""
    version = current_version(con)
    check_supported(db, version)
    have = version or 0
    for migration in MIGRATIONS:
        if have < migration.version <= upto:
            con.execute("BEGIN TRANSACTION")
            try:
                migration.apply(con)
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [migration.version, dt.datetime.now(dt.UTC), migration.description],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            have = migration.version
    return have
