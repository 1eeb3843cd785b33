"""The public dataset: the archive's history as plain Parquet tables that anyone can query without vahti.

Why a format beside the archive file: the archive is vahti's own DuckDB schema, holds every raw page (most of its
size) and packs records for vahti's reads; a researcher with DuckDB or Polars wants the runs, what each run saw,
the versions and the changes as ordinary tables, documented in one file that travels with them. So the dataset is
a folder: one Hive partition per site and table (`versions/site=<host>/part-0.parquet`, the layout DuckDB, Polars,
Spark and Trino read as is), and a generated DATASET.md (`snapshots.dataset_doc`). A release asset list is flat, so
`release_files` also packs the folder as one zip and each table as one file with `site` as a column.

Every file is rewritten whole from the archive each time: the tables hold the full history, which is small beside
the raw pages, and a rewrite can never leave yesterday's rows next to today's rebuilt history (a backfill rewrites
old versions). Nothing here touches the network.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import duckdb

from schemas.errors import ArchiveError, UsageError
from snapshots.dataset_doc import render_dataset_doc
from snapshots.dataset_tables import NESTED_STRUCTURE, SITE, TABLES, DatasetSummary, Table

DOC_NAME = "DATASET.md"
ZIP_NAME = "vahti-dataset.zip"


def partition(site: str) -> str:
    """The folder of one site, escaped as DuckDB escapes Hive values (`127.0.0.1%3A8765`), so its own reader and
    Polars give back the site exactly."""
    return f"site={quote(site, safe='')}"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_table(con: duckdb.DuckDBPyConnection, table: Table, site: str, folder: Path) -> int:
    """One site's rows of one table. A site without rows still gets its (empty) file: every table then has a file
    per site, and a reader's glob never finds nothing."""
    path = folder / table.name / partition(site) / "part-0.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    params: dict[str, str] = {"site": site}
    if "$structure" in table.base:
        params["structure"] = NESTED_STRUCTURE
    con.execute(f"COPY ({table.select()}) TO '{_sql_path(path)}' (FORMAT parquet, COMPRESSION zstd)", params)
    row = con.execute(f"SELECT count(*) FROM read_parquet('{_sql_path(path)}')").fetchone()
    return int(row[0]) if row else 0


def _replaceable(out: Path) -> None:
    """Only a dataset folder is ever replaced: a typo in --out must not delete someone's directory."""
    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"{out} exists and is not a directory (a dataset is a folder)")
    if any(out.iterdir()) and not (out / DOC_NAME).exists():
        raise UsageError(f"{out} is a directory that holds no {DOC_NAME}: not replacing it with a dataset")


def write_dataset(con: duckdb.DuckDBPyConnection, out: Path, licences: Mapping[str, str] | None = None,
                  now: dt.datetime | None = None) -> DatasetSummary:
    """Write the whole dataset to `out` (replacing an earlier dataset there): every site's runs, observations,
    versions and changes, then DATASET.md. `licences` maps a site (host) to its content's licence as its
    publisher states it; a site without one is documented as "not known"."""
    _replaceable(out)
    sites = [str(r[0]) for r in con.execute("SELECT DISTINCT site FROM runs ORDER BY site").fetchall()]
    building = out.with_name(f"{out.name}.building")
    shutil.rmtree(building, ignore_errors=True)
    summary = DatasetSummary(out, sites)
    try:
        building.mkdir(parents=True)
        for table in TABLES:
            summary.rows[table.name] = {site: _write_table(con, table, site, building) for site in sites}
        doc = render_dataset_doc(con, summary, building, licences or {}, now or dt.datetime.now(dt.UTC))
        (building / DOC_NAME).write_text(doc, encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        building.rename(out)
    except (duckdb.Error, OSError) as exc:
        raise UsageError(f"cannot write the dataset to {out}: {str(exc).splitlines()[0]}") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return summary


def release_files(folder: Path, dest: Path) -> list[Path]:
    """The dataset as a flat list of files for a release: DATASET.md, the folder as one zip, and each table as
    one Parquet file of every site (`site` its first column) that a reader can query straight after download."""
    try:
        return _release_files(folder, dest)
    except (duckdb.Error, OSError) as exc:
        raise ArchiveError(f"cannot pack the dataset {folder} for release: {str(exc).splitlines()[0]}") from None


def _release_files(folder: Path, dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    files = [dest / DOC_NAME]
    shutil.copyfile(folder / DOC_NAME, files[0])
    con = duckdb.connect()
    try:
        for table in TABLES:
            flat = dest / f"{table.name}.parquet"
            pattern = _sql_path(folder / table.name / "*" / "*.parquet")
            con.execute(
                f"COPY (SELECT {SITE.name}, * EXCLUDE ({SITE.name}) FROM read_parquet('{pattern}',"
                f" hive_partitioning = true, hive_types = {{'site': 'VARCHAR'}}) ORDER BY site, {table.order})"
                f" TO '{_sql_path(flat)}' (FORMAT parquet, COMPRESSION zstd)"
            )
            files.append(flat)
    finally:
        con.close()
    archive = dest / ZIP_NAME
    with contextlib.suppress(FileNotFoundError):
        archive.unlink()
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():  # Parquet is compressed already (zstd): stored as is, the text deflated
                packed = zipfile.ZIP_STORED if path.suffix == ".parquet" else zipfile.ZIP_DEFLATED
                zf.write(path, Path("vahti-dataset") / path.relative_to(folder), compress_type=packed)
    files.append(archive)
    return files
