"""Crawl benchmark: vahti crawling the replica end to end (`vahti crawl URL --delay 0` into a fresh archive) against
a Scrapy spider walking the same prev/next chain into JSON lines, both against the same replica process.

    bench/.venv/bin/python bench/bench_crawl.py                 # full run (eras v1 and v3, 3 rounds)
    bench/.venv/bin/python bench/bench_crawl.py --eras v1 --rounds 1   # quicker

Each round runs every tool once, in turn, on the same warm replica; the best round of each is kept. Two rates are
reported: the crawl itself by the tool's own clock (vahti's run started_at → finished_at in the archive, Scrapy's
elapsed_time_seconds), and the whole command by the wall clock (interpreter start and imports included). Then one
in-process vahti crawl under cProfile says where its time goes. Ratios last.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
from crawl_profile import crawl_without_archive, profile_crawl
from replica_proc import ReplicaProcess
from timing import ratio, table

BENCH = Path(__file__).resolve().parent
NULL_TOOL = "vahti, archive writes skipped (in-process)"
BIN = Path(sys.executable).parent
_ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")


@dataclass
class Result:
    tool: str
    pages: int = 0
    crawl_s: float = float("inf")
    wall_s: float = float("inf")
    note: str = ""


def _vahti_cmd() -> list[str]:
    exe = BIN / "vahti"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "scraper.cli"]


def run_vahti(start_url: str, work: Path) -> tuple[int, float, float]:
    db = work / "vahti.duckdb"
    for stale in work.glob("vahti.duckdb*"):
        stale.unlink()
    start = time.perf_counter()
    proc = subprocess.run([*_vahti_cmd(), "crawl", start_url, "--delay", "0", "--db", str(db)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"vahti crawl failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT parsed, epoch(finished_at) - epoch(started_at) FROM runs ORDER BY id DESC LIMIT 1"
                          ).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), float(row[1]), wall


def run_scrapy(start_url: str, work: Path, mode: str) -> tuple[int, float, float]:
    out = work / f"scrapy-{mode}.jsonl"
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "scrapy"), "runspider", str(BENCH / "crawl_spider.py"), "-a",
                           f"start_url={start_url}", "-a", f"extract={mode}", "-O", str(out), "-s", "LOG_LEVEL=INFO"],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    m = _ELAPSED.search(proc.stderr)
    if proc.returncode != 0 or m is None:
        raise RuntimeError(f"scrapy failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    with out.open() as f:
        pages = sum(1 for _ in f)
    return pages, float(m.group(1)), wall


def startup_seconds(cmd: list[str], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="vahti crawl vs a Scrapy spider on the same replica")
    ap.add_argument("--eras", default="v1,v3")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--plan", default="helsinki", help="replica plan: helsinki (150 actions), tampere, espoo (small)")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--startup-rounds", type=int, default=3, help="timed runs of an empty command per tool")
    args = ap.parse_args(argv)
    have_scrapy = (BIN / "scrapy").exists() and shutil.which(str(BIN / "scrapy")) is not None
    try:
        import bs4  # noqa: F401
    except ImportError:
        have_scrapy = False
    if not have_scrapy:
        print("note: the Scrapy baselines are skipped: scrapy/bs4 not installed in this interpreter (run bench/setup)")

    tools = ["vahti"] + (["scrapy+bs4", "scrapy (links only)"] if have_scrapy else [])
    results: dict[str, dict[str, Result]] = {}
    chain_len = 0
    profiles: dict[str, tuple[float, dict[str, float], str]] = {}
    with tempfile.TemporaryDirectory(prefix="vahti-bench-crawl-") as tmp:
        work = Path(tmp)
        for era in [e for e in args.eras.split(",") if e]:
            by_tool = results.setdefault(era, {t: Result(t) for t in tools})
            with ReplicaProcess(era, args.plan) as rp:
                chain_len = len(rp.chain)
                rp.warm()
                for _ in range(max(1, args.rounds)):
                    for tool in tools:
                        if tool == "vahti":
                            pages, crawl_s, wall_s = run_vahti(rp.start_url, work)
                        else:
                            pages, crawl_s, wall_s = run_scrapy(rp.start_url, work, "bs4" if "bs4" in tool else "links")
                        r = by_tool[tool]
                        r.pages = pages
                        r.crawl_s, r.wall_s = min(r.crawl_s, crawl_s), min(r.wall_s, wall_s)
                nulls = [crawl_without_archive(rp.start_url) for _ in range(max(1, args.rounds))]
                null = by_tool.setdefault(NULL_TOOL, Result(NULL_TOOL))
                null.pages, null.crawl_s = nulls[0][0], min(s for _, s in nulls)
                if not args.no_profile:
                    db = work / f"profile-{era}.duckdb"
                    profiles[era] = profile_crawl(rp.start_url, db)

    startup = {"vahti": startup_seconds([*_vahti_cmd(), "--help"], args.startup_rounds)}
    if have_scrapy:
        startup["scrapy"] = startup_seconds([str(BIN / "scrapy"), "version"], args.startup_rounds)

    print(f"\n## Crawl of the replica's {chain_len}-action chain ({args.plan}; best of {args.rounds} rounds, "
          "same replica process)\n")
    rows = []
    for era, by_tool in results.items():
        for r in by_tool.values():
            wall = r.wall_s if r.wall_s != float("inf") else float("nan")
            rows.append([era, r.tool, r.pages, r.crawl_s, r.pages / r.crawl_s, wall, r.pages / wall])
    print(table(["era", "tool", "action pages", "crawl s (own clock)", "pages/s (crawl)", "wall s (command)",
                 "pages/s (wall)"], rows))
    print("\nstartup of an empty command (s): " + ", ".join(f"{k} {v:.2f}" for k, v in startup.items()))
    print("vahti stores every raw page and a versioned record in DuckDB (each page and each observation its own "
          "durable transaction); the spiders write JSON lines and keep no raw pages.")

    for era, (wall, parts, top) in profiles.items():
        print(f"\n## Where vahti's time goes ({era}, one in-process crawl under cProfile, {wall:.2f} s)\n")
        total = sum(parts.values())
        print(table(["part", "seconds", "share"], [[k, v, f"{v / total:.0%}"] for k, v in parts.items()]))
        print("\ntop functions by own time:\n")
        print(top)

    print("\n## Ratios\n")
    rows = []
    for era, by_tool in results.items():
        v = by_tool["vahti"]
        for tool, r in by_tool.items():
            if tool in ("vahti", NULL_TOOL):
                continue
            rows.append([era, f"vahti vs {tool}", ratio(v.pages / v.crawl_s, r.pages / r.crawl_s),
                         ratio(v.pages / v.wall_s, r.pages / r.wall_s)])
    if rows:
        print(table(["era", "comparison", "pages/s ratio (crawl)", "pages/s ratio (wall)"], rows))
        for era, by_tool in results.items():
            nv, sb = by_tool.get(NULL_TOOL), by_tool.get("scrapy+bs4")
            if nv is not None and sb is not None:
                print(f"{era}: vahti without its archive writes vs scrapy+bs4 (crawl clock): "
                      f"{ratio(nv.pages / nv.crawl_s, sb.pages / sb.crawl_s)}")
        print("\n(> 1× means vahti crawls faster)")
    else:
        for era, by_tool in results.items():
            v = by_tool["vahti"]
            print(f"{era}: vahti {v.pages / v.crawl_s:.1f} pages/s (crawl), no baseline measured")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
