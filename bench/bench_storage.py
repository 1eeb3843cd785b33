"""Storage benchmark: bytes per action per day of vahti's archive (records and raw pages, separately and
together) against a full JSON snapshot per run (plain, gzip), git-scraping (.git after `git gc --aggressive`) and
a daily WARC with revisit records, all fed the same churn (bench/churn.py: 150 actions × 365 days by default).

    bench/.venv/bin/python bench/bench_storage.py                       # full size
    bench/.venv/bin/python bench/bench_storage.py --actions 20 --days 10   # quick

The built archive and git repository are kept under --out for bench_queries.py (rebuilt when the parameters
change, or with --fresh). Ratios last.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import churn_build
import storage_baselines as sb
from timing import human_bytes, ratio, table

DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "churn"


def add_churn_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--actions", type=int, default=150)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=7, help="churn seed (bench/churn.py's default)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the archive and baselines are built")
    ap.add_argument("--fresh", action="store_true", help="rebuild even if --out holds a build with these parameters")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="archive size: vahti vs JSON snapshots, git-scraping, daily WARC")
    add_churn_args(ap)
    args = ap.parse_args(argv)
    built = churn_build.build(args.out, args.actions, args.days, args.seed, args.fresh)
    root = Path(built.root)
    git = sb.GitScrape.__new__(sb.GitScrape)
    git.root = root / "git"
    git.gc()
    with tempfile.TemporaryDirectory(prefix="vahti-bench-storage-") as tmp:
        vahti = churn_build.split_sizes(built.db, Path(tmp))

    def size_of(sub: str) -> int:
        return sum(f.stat().st_size for f in (root / sub).rglob("*") if f.is_file())

    sizes: dict[str, int] = {
        "vahti: records": vahti["records"],
        "vahti: raw pages": vahti["raw pages"],
        "vahti: records + raw pages": vahti["together"],
        "vahti: the archive file as the writer left it": vahti["archive file as written"],
        "JSON snapshot per run (plain)": size_of("json"),
        "JSON snapshot per run (gzip)": size_of("json-gz"),
        "git-scraping (.git after gc --aggressive)": size_of("git/.git"),
        "WARC per run, revisits for unchanged pages (gzip)": size_of("warc"),
        "raw pages kept whole every day (no dedup, uncompressed)": built.raw_bytes,
    }
    per = built.actions * built.days
    print(f"\n## Churn: {built.actions} actions × {built.days} days (seed {built.seed}), {built.pages:,} pages "
          f"stored, built in {built.seconds:.1f} s under {root}\n")
    print(f"WARC: {built.warc_responses:,} response records, {built.warc_revisits:,} revisit records\n")
    print(table(["storage", "bytes", "size", "bytes per action per day"],
                [[k, v, human_bytes(v), v / per] for k, v in sizes.items()]))

    print("\n## Ratios (× the bytes of vahti's part that holds the same information)\n")
    rec, pages, both = sizes["vahti: records"], sizes["vahti: raw pages"], sizes["vahti: records + raw pages"]
    rows = [
        ["JSON snapshot per run (plain)", "vahti: records", ratio(sizes["JSON snapshot per run (plain)"], rec)],
        ["JSON snapshot per run (gzip)", "vahti: records", ratio(sizes["JSON snapshot per run (gzip)"], rec)],
        ["git-scraping (.git after gc --aggressive)", "vahti: records",
         ratio(sizes["git-scraping (.git after gc --aggressive)"], rec)],
        ["WARC per run with revisits (gzip)", "vahti: raw pages",
         ratio(sizes["WARC per run, revisits for unchanged pages (gzip)"], pages)],
        ["git-scraping + WARC (records and pages)", "vahti: records + raw pages",
         ratio(sizes["git-scraping (.git after gc --aggressive)"]
               + sizes["WARC per run, revisits for unchanged pages (gzip)"], both)],
        ["raw pages kept whole every day", "vahti: raw pages", ratio(built.raw_bytes, pages)],
    ]
    print(table(["baseline", "compared with", "baseline ÷ vahti"], rows))
    print("\n(> 1× means the baseline needs more bytes than vahti)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
