"""Storage benchmark on the churn year of the replica's V3 plan (bench/churn.py): what vahti's archive costs per
action per day, in parts, against git-scraping (.git after `git gc --aggressive`), a full JSON snapshot per run
(plain, gzip) and a WARC per run.

    bench/.venv/bin/python bench/bench_storage.py                          # helsinki, 365 days
    bench/.venv/bin/python bench/bench_storage.py --plan espoo --days 6    # quick

Every vahti figure is taken as `vahti compact` leaves the archive, and git's after `gc --aggressive`. The
marginal figures are the growth from the middle of the year (a copy kept by the build) to its end, so that
DuckDB's fixed per-table blocks and the first crawl's whole pages do not count. The built archive and git
repository are kept under --out for bench_queries.py (rebuilt when the parameters change, or with --fresh).
Ratios last.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import churn_build
import duckdb
import storage_baselines as sb
from timing import human_bytes, ratio, table

from snapshots.compact import compact

DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "churn"

#: the parts of vahti's archive, each measured as a file of its own
PARTS: dict[str, tuple[str, ...]] = {
    "version tables (action_versions, action_changes)": ("action_versions", "action_changes"),
    "observation log (runs, observations, pages)": ("runs", "observations", "pages"),
    "raw pages (body_wholes, body_deltas)": ("body_wholes", "body_deltas"),
}


PART_BLOCK = 16384


def add_churn_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--plan", default="helsinki", help="the replica's plan (helsinki: 150 actions)")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=7, help="the replica's seed for the plan and its days")
    ap.add_argument("--actions", type=int, default=0, help="crawl only the first N actions of the chain (0: all)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the archive and baselines are built")
    ap.add_argument("--fresh", action="store_true", help="rebuild even if --out holds a build with these parameters")


def build_from(args: argparse.Namespace) -> churn_build.Built:
    return churn_build.build(args.out, args.plan, args.days, args.seed, args.fresh, cap=args.actions)


def compacted(db: Path, work: Path) -> Path:
    """A copy of the archive as `vahti compact` leaves it."""
    copy = work / db.name
    shutil.copy(db, copy)
    compact(copy)
    return copy


def part_bytes(db: Path, tables: tuple[str, ...], work: Path) -> int:
    """The bytes of `tables` alone: the archive's schema (so every column keeps its compression) in a fresh file,
    only these tables' rows copied in their stored order, checkpointed. The file uses DuckDB's smallest block
    (16 KB, not the 256 KB of an archive), so that a part is measured to 16 KB and not rounded up to 256 KB."""
    dst = work / "part.duckdb"
    dst.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{dst}' AS part (BLOCK_SIZE {PART_BLOCK})")
        con.execute(f"ATTACH '{db}' AS src (READ_ONLY)")
        con.execute("COPY FROM DATABASE src TO part (SCHEMA)")
        for name in tables:
            con.execute(f"INSERT INTO part.{name} SELECT * FROM src.{name}")
        con.execute("DETACH src")
        con.execute("CHECKPOINT part")
    finally:
        con.close()
    size = dst.stat().st_size
    dst.unlink()
    return size


def count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    return int(row[0]) if row and row[0] is not None else 0


def git_size(root: Path) -> int:
    repo = sb.GitScrape.__new__(sb.GitScrape)
    repo.root = root
    repo.gc()
    return sum(f.stat().st_size for f in (root / ".git").rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="archive size: vahti vs git-scraping, JSON snapshots, WARC per run")
    add_churn_args(ap)
    args = ap.parse_args(argv)
    built = build_from(args)
    root = Path(built.root)
    half_days = built.days - built.mid_day
    with tempfile.TemporaryDirectory(prefix="vahti-bench-storage-") as tmp:
        work = Path(tmp)
        (work / "end").mkdir()
        (work / "mid").mkdir()
        end_db, mid_db = compacted(built.db, work / "end"), compacted(built.mid / "vahti.duckdb", work / "mid")
        end = {name: part_bytes(end_db, tables, work) for name, tables in PARTS.items()}
        mid = {name: part_bytes(mid_db, tables, work) for name, tables in PARTS.items()}
        end["whole archive file (compacted)"], mid["whole archive file (compacted)"] = (
            end_db.stat().st_size, mid_db.stat().st_size)
        versions = [count(db, "SELECT count(*) FROM action_versions") for db in (mid_db, end_db)]
        actions = count(end_db, "SELECT count(DISTINCT identifier) FROM observations WHERE run_id = "
                                "(SELECT max(id) FROM runs)")
    as_written = built.db.stat().st_size
    git_end, git_mid = git_size(built.git), git_size(built.mid / "git")
    new_versions = versions[1] - versions[0]
    per_day = built.actions * half_days

    def size_of(sub: str) -> int:
        return sum(f.stat().st_size for f in (root / sub).rglob("*") if f.is_file())

    warc_year = size_of("warc") * built.days / max(1, built.warc_days)
    print(f"\n## Churn: the replica's {built.plan} plan in V3, {built.actions} actions on day 0 ({actions} at the "
          f"end) × {built.days} days (seed {built.seed}), {built.pages:,} pages, built in {built.seconds:.0f} s "
          f"under {root}\n")
    print(f"Versions: {versions[0]:,} at mid-year (day {built.mid_day}), {versions[1]:,} at the end: "
          f"{new_versions:,} opened in the second half. Pages as served: {built.raw_bytes / built.pages:,.0f} "
          f"bytes on average.\n")

    print("### Marginal cost: the second half of the year (end − mid, both compacted; git after gc --aggressive)\n")
    rows = []
    for name in [*PARTS, "whole archive file (compacted)"]:
        grown = end[name] - mid[name]
        rows.append([f"vahti: {name}", grown, human_bytes(grown), grown / per_day,
                     grown / new_versions if new_versions else 0])
    git_grown = git_end - git_mid
    rows.append(["git-scraping (records only)", git_grown, human_bytes(git_grown), git_grown / per_day,
                 git_grown / new_versions if new_versions else 0])
    print(table(["storage", "bytes", "size", "bytes per action per day", "bytes per new version"], rows))

    print("\n### The whole year\n")
    year = built.actions * built.days
    whole: dict[str, float] = {
        **{f"vahti: {name}": end[name] for name in PARTS},
        "vahti: whole archive file (compacted)": end["whole archive file (compacted)"],
        "vahti: the archive file as the writer left it": as_written,
        "git-scraping (.git after gc --aggressive)": git_end,
        "JSON snapshot per run (plain)": size_of("json"),
        "JSON snapshot per run (gzip)": size_of("json-gz"),
        f"WARC per run, gzip (no revisits possible; {built.warc_days} days written, scaled to the year)": warc_year,
        "raw pages kept whole every day (uncompressed)": built.raw_bytes,
    }
    print(table(["storage", "bytes", "size", "bytes per action per day"],
                [[k, int(v), human_bytes(int(v)), v / year] for k, v in whole.items()]))

    print("\n## Ratios\n")
    versions_part = "version tables (action_versions, action_changes)"
    marginal_versions = end[versions_part] - mid[versions_part]
    warc_key = next(k for k in whole if k.startswith("WARC"))
    ratio_rows = [
        ["vahti's version tables ÷ git-scraping, marginal (target ≤ 2×)", ratio(marginal_versions, git_grown)],
        ["WARC per run ÷ vahti's raw pages, whole year", ratio(whole[warc_key], end["raw pages (body_wholes, body_deltas)"])],
        ["JSON snapshots (gzip) ÷ vahti's version tables, whole year",
         ratio(whole["JSON snapshot per run (gzip)"], end[versions_part])],
        ["raw pages kept whole ÷ vahti's raw pages, whole year",
         ratio(built.raw_bytes, end["raw pages (body_wholes, body_deltas)"])],
    ]
    print(table(["comparison", "ratio"], ratio_rows))
    print("\n(the first row: lower is better for vahti; the others: how many times more the baseline needs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
