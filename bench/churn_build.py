"""Build, once, everything the storage and query benchmarks measure: vahti's archive and the baselines, all fed
by the same churn generator through one TeeWriter, under bench/out/ (or a directory given), and reused by a later
run with the same parameters.

The generator is bench/churn.py's (owned by the archive's engineers): a seeded plan of N actions crawled daily
for D days, a few percent of the actions changing each day, written through the archive interface.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import storage_baselines as sb

from snapshots.store import open_writer

RECORD_TABLES = ("schema_version", "runs", "observations", "action_versions", "action_changes")
#: schema 4 keeps bodies in two tables (`bodies` is a view over them); an older archive has the table `bodies`
PAGE_TABLES = ("pages", "body_wholes", "body_deltas", "bodies")


@dataclass
class Built:
    root: str
    actions: int
    days: int
    seed: int
    seconds: float
    raw_bytes: int
    pages: int
    warc_responses: int
    warc_revisits: int
    site: str = ""

    @property
    def db(self) -> Path:
        return Path(self.root) / "vahti.duckdb"

    @property
    def git(self) -> Path:
        return Path(self.root) / "git"


def drive(writer: sb.TeeWriter, actions: int, days: int, seed: int) -> None:
    """Feed the churn generator's runs into `writer` (bench/churn.py's entry point)."""
    import churn  # bench/churn.py

    churn.write_churn(writer, churn.generate(actions=actions, days=days, seed=seed))


def build(root: Path, actions: int, days: int, seed: int, fresh: bool = False) -> Built:
    stamp = root / "built.json"
    if stamp.exists() and not fresh:
        built = Built(**json.loads(stamp.read_text()))
        if (built.actions, built.days, built.seed) == (actions, days, seed) and built.db.exists():
            return built
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    baselines: list[sb.Baseline] = [sb.JsonSnapshots(root / "json", compress=False),
                                    sb.JsonSnapshots(root / "json-gz", compress=True),
                                    sb.GitScrape(root / "git"), sb.WarcDaily(root / "warc")]
    start = time.perf_counter()
    with open_writer(root / "vahti.duckdb") as archive:
        tee = sb.TeeWriter(archive, baselines)
        drive(tee, actions, days, seed)
    seconds = time.perf_counter() - start
    warc = baselines[3]
    assert isinstance(warc, sb.WarcDaily)
    con = duckdb.connect(str(root / "vahti.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT site FROM runs LIMIT 1").fetchone()
    finally:
        con.close()
    built = Built(str(root), actions, days, seed, seconds, tee.raw_bytes, tee.pages, warc.responses, warc.revisits,
                  site=row[0] if row else "")
    stamp.write_text(json.dumps(asdict(built)))
    return built


def split_sizes(db: Path, work: Path) -> dict[str, int]:
    """Bytes of vahti's records alone, raw pages alone, and both: each set of tables copied into a fresh DuckDB
    file and checkpointed, so that each figure is a real file a user could keep on its own."""
    out = {"together": _checkpointed_copy(db, work / "together.duckdb", RECORD_TABLES + PAGE_TABLES)}
    out["records"] = _checkpointed_copy(db, work / "records.duckdb", RECORD_TABLES)
    out["raw pages"] = _checkpointed_copy(db, work / "pages.duckdb", PAGE_TABLES)
    out["archive file as written"] = db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + ".wal"))
    return out


def _checkpointed_copy(src: Path, dst: Path, tables: tuple[str, ...]) -> int:
    dst.unlink(missing_ok=True)
    con = duckdb.connect(str(dst))
    try:
        con.execute(f"ATTACH '{src}' AS src (READ_ONLY)")
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'").fetchall()}
        for table in tables:
            if table in present:
                con.execute(f"CREATE TABLE main.{table} AS SELECT * FROM src.{table}")
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    size = dst.stat().st_size
    dst.unlink()
    return size
