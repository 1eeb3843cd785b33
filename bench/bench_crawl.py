"""Crawl benchmark: the whole `vahti crawl URL --delay 0` process, start to exit, against the Scrapy spider of
crawl_spider.py (Scrapy's own selectors, the same 8 fields as bs4_extract.py), both against one replica process.

    bench/.venv/bin/python bench/bench_crawl.py                   # eras v1 and v3, helsinki (150 actions), 3 rounds
    bench/.venv/bin/python bench/bench_crawl.py --eras v3 --rounds 1 --plan espoo   # quicker

The replica runs in a process of its own and switches era with `POST /__replica__/era/<era>`, so every figure
comes from the same server process, warmed (every page rendered once) after each switch. Each round runs, in
turn: vahti's first crawl (into a fresh archive), vahti's re-crawl of the unchanged site (into the archive the
first left), the spider, and the spider again (it keeps nothing, so its "re-crawl" is another crawl). The time is
the wall clock of the whole process, interpreter start and imports included; the median round of each is kept.
Ratios are vahti's cost ÷ the spider's (lower is better): a first crawl against the spider's crawl, a re-crawl
against the spider's second crawl. Then one in-process crawl of each kind under cProfile says where vahti's time
goes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
import httpx
from crawl_profile import crawl_without_archive, profile_crawl
from replica_proc import ReplicaProcess
from timing import table

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
KINDS = ("vahti", "vahti re-crawl", "scrapy", "scrapy again")


@dataclass
class Timed:
    pages: int = 0
    walls: list[float] = field(default_factory=list)
    crawl_clocks: list[float] = field(default_factory=list)  # vahti's own clock: runs.started_at → finished_at

    @property
    def wall(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")

    @property
    def crawl_clock(self) -> float:
        return statistics.median(self.crawl_clocks) if self.crawl_clocks else float("nan")


def _vahti_cmd() -> list[str]:
    exe = BIN / "vahti"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from scraper.cli import main; main()"]


def run_vahti(start_url: str, db: Path) -> tuple[int, float, float]:
    """(action pages observed parsed or unchanged, the run's own clock, process wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.run([*_vahti_cmd(), "crawl", start_url, "--delay", "0", "--db", str(db)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"vahti crawl failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT parsed + unchanged, epoch(finished_at) - epoch(started_at) FROM runs"
                          " ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), float(row[1]), wall


def run_scrapy(start_url: str, out: Path) -> tuple[int, float]:
    """(items written, process wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "scrapy"), "runspider", str(BENCH / "crawl_spider.py"), "-a",
                           f"start_url={start_url}", "-O", str(out)], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"scrapy failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    with out.open() as f:
        return sum(1 for _ in f), wall


def startup_seconds(cmd: list[str], rounds: int) -> float:
    walls = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def switch_era(rp: ReplicaProcess, era: str) -> None:
    base = rp.start_url.split("/actions", 1)[0]
    httpx.post(f"{base}/__replica__/era/{era}", timeout=30).raise_for_status()
    rp.warm()


def _round(start_url: str, work: Path, timed: dict[str, Timed], have_scrapy: bool, n: int) -> None:
    db = work / f"round{n}.duckdb"
    for kind in ("vahti", "vahti re-crawl"):
        pages, clock, wall = run_vahti(start_url, db)
        timed[kind].pages = pages
        timed[kind].walls.append(wall)
        timed[kind].crawl_clocks.append(clock)
    if have_scrapy:
        for kind in ("scrapy", "scrapy again"):
            pages, wall = run_scrapy(start_url, work / f"round{n}-{kind.replace(' ', '-')}.jsonl")
            timed[kind].pages = pages
            timed[kind].walls.append(wall)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b == b and b > 0 else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="vahti crawl vs a Scrapy spider on the same replica process")
    ap.add_argument("--eras", default="v1,v3")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--plan", default="helsinki", help="replica plan: helsinki (150 actions), tampere, espoo (small)")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--startup-rounds", type=int, default=3, help="timed runs of an empty command per tool")
    args = ap.parse_args(argv)
    eras = [e for e in args.eras.split(",") if e]
    have_scrapy = (BIN / "scrapy").exists() and shutil.which(str(BIN / "scrapy")) is not None
    if not have_scrapy:
        print("note: the Scrapy baseline is skipped: scrapy is not installed in this interpreter (run bench/setup)")

    results: dict[str, dict[str, Timed]] = {}
    profiles: dict[tuple[str, str], tuple[float, dict[str, float], str]] = {}
    nulls: dict[str, float] = {}  # era -> seconds of an in-process crawl with the archive writes left out
    chain_len = 0
    with tempfile.TemporaryDirectory(prefix="vahti-bench-crawl-") as tmp, ReplicaProcess(eras[0], args.plan) as rp:
        work = Path(tmp)
        chain_len = len(rp.chain)
        for era in eras:
            switch_era(rp, era)
            timed = results.setdefault(era, {kind: Timed() for kind in KINDS})
            (work / era).mkdir()
            for n in range(max(1, args.rounds)):
                _round(rp.start_url, work / era, timed, have_scrapy, n)
            if not args.no_profile:
                db = work / f"profile-{era}.duckdb"
                profiles[(era, "first crawl")] = profile_crawl(rp.start_url, db)
                profiles[(era, "re-crawl")] = profile_crawl(rp.start_url, db)
                nulls[era] = min(crawl_without_archive(rp.start_url)[1] for _ in range(max(1, args.rounds)))

    startup = {"vahti --help": startup_seconds([*_vahti_cmd(), "--help"], args.startup_rounds)}
    if have_scrapy:
        startup["scrapy version"] = startup_seconds([str(BIN / "scrapy"), "version"], args.startup_rounds)

    print(f"\n## Crawl of the replica's {chain_len}-action chain ({args.plan}; median of {args.rounds} rounds, "
          "one replica process)\n")
    rows = []
    for era, timed in results.items():
        for kind, t in timed.items():
            if t.walls:
                rows.append([era, kind, t.pages, t.wall, t.crawl_clock if kind.startswith("vahti") else "",
                             t.pages / t.wall])
    print(table(["era", "tool", "action pages", "wall s (process)", "s (vahti's run clock)", "pages/s (wall)"],
                rows))
    print("\nstartup of an empty command (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in startup.items()))
    print("vahti stores every raw page and a versioned record in DuckDB (each action page and its observation one "
          "durable transaction); the spider writes JSON lines and keeps nothing.")

    for (era, kind), (wall, parts, top) in profiles.items():
        print(f"\n## Where vahti's time goes ({era}, {kind}: one in-process crawl timed by part, {wall:.2f} s)\n")
        total = sum(parts.values())
        print(table(["part", "seconds", "share"], [[k, v, f"{v / total:.0%}"] for k, v in parts.items()]))
        if kind == "first crawl" and era in nulls:
            print(f"\nthe same crawl in this process with the archive writes left out (NullWriter, best of "
                  f"{args.rounds}, no profiler): {nulls[era]:.2f} s")
        print("\ntop functions by own time (the same crawl again, under cProfile):\n")
        print(top)

    print("\n## Ratios\n")
    rows = []
    for era, timed in results.items():
        if timed["scrapy"].walls:
            rows.append([era, "first crawl", timed["vahti"].wall, timed["scrapy"].wall,
                         _ratio(timed["vahti"].wall, timed["scrapy"].wall), "≤ 1.0× (aim 0.5×)"])
            rows.append([era, "re-crawl of the unchanged site", timed["vahti re-crawl"].wall,
                         timed["scrapy again"].wall, _ratio(timed["vahti re-crawl"].wall, timed["scrapy again"].wall),
                         "≤ 0.8×"])
        else:
            rows.append([era, "re-crawl ÷ first crawl (vahti alone)", timed["vahti re-crawl"].wall,
                         timed["vahti"].wall, _ratio(timed["vahti re-crawl"].wall, timed["vahti"].wall), "< 1×"])
    print(table(["era", "crawl", "vahti s", "baseline s", "vahti ÷ baseline", "target"], rows))
    print("\n(process wall time, start to exit; lower is better)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
