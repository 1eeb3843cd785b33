"""Sites side by side: six replica sites on six ports, each a plan of 12–14 actions, crawled by one
`vahti crawl --sites … --parallel 6` against each site crawled alone, at a polite delay.

    .venv/bin/python bench/bench_sites.py                       # 6 sites, 0.2 s delay, 3 rounds
    .venv/bin/python bench/bench_sites.py --rounds 1 --sites 3  # quicker

Each site is a replica process of its own (tampere's 14 actions and espoo's 12 in turn, each with its own seed),
warmed before timing, so no crawl waits for a server rendering a page the first time and no server shares an
interpreter with another. Every round runs, in a fresh random order: the parallel crawl of all sites into a fresh
archive, and each site alone (`vahti crawl --sites` with that one site, the same code path) into a fresh archive.
Times are the wall clock of the whole process, start to exit, interpreter start included; the median round of each
is kept. The claim is the ratio of the parallel crawl to the slowest site alone (target ≤ 1.3×; one after another
it would be the sum). The table of each site's own run clock (`runs.started_at` → `finished_at`) shows that a site
crawled beside five others takes about what it takes alone: its politeness delay, not the others, sets its pace.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
from replica_proc import ReplicaProcess
from timing import ratio, table

BIN = Path(sys.executable).parent
PLANS = ("tampere", "espoo")

class Replica(ReplicaProcess):
    """One replica site in a process of its own, on a port of its own, warmed as soon as it is up."""

    def __enter__(self) -> Replica:
        super().__enter__()
        self.warm()  # every page rendered once before anything is timed
        return self


def _vahti_cmd() -> list[str]:
    exe = BIN / "vahti"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from scraper.cli import main; main()"]


def sites_file(path: Path, sites: list[tuple[str, str]], delay: float) -> Path:
    lines = ["[defaults]", f"delay = {delay}"]
    for name, url in sites:
        lines += ["[[site]]", f"name = {json.dumps(name)}", f"start_url = {json.dumps(url)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def crawl(sites: Path, db: Path, parallel: int) -> tuple[float, float, dict[str, tuple[int, float]]]:
    """The process's wall seconds, the crawls' span (first run's start to last run's end, without the process's
    start-up), and per start URL: (actions observed, the run's own clock in seconds)."""
    for suffix in ("", ".wal", ".lock", ".readers"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run([*_vahti_cmd(), "crawl", "--sites", str(sites), "--parallel", str(parallel), "--db",
                           str(db)], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"vahti crawl --sites failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT start_url, parsed + unchanged, epoch(started_at), epoch(finished_at), outcome"
                           " FROM runs ORDER BY id").fetchall()
    finally:
        con.close()
    bad = [(url, outcome) for url, _, _, _, outcome in rows if outcome != "complete"]
    if bad:
        raise RuntimeError(f"runs not complete: {bad}")
    span = max(float(r[3]) for r in rows) - min(float(r[2]) for r in rows)
    return wall, span, {str(url): (int(n), float(end) - float(begin)) for url, n, begin, end, _ in rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=6, help="replica sites, one process and port each (default 6)")
    ap.add_argument("--delay", type=float, default=0.2, help="seconds between requests to a site (default 0.2)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; the median of each measurement is kept (3)")
    ap.add_argument("--era", default="v3", help="the replica's front-end era (v3)")
    ap.add_argument("--seed", type=int, default=16, help="seed of the order of the runs in each round (16)")
    args = ap.parse_args(argv)
    n = max(1, args.sites)
    rng = random.Random(args.seed)
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="vahti-bench-sites-") as tmp:
        replicas = [stack.enter_context(Replica(args.era, PLANS[i % len(PLANS)], i)) for i in range(n)]
        names = [f"{r.plan}-{i}" for i, r in enumerate(replicas)]
        root = Path(tmp)
        everything = sites_file(root / "all.toml", list(zip(names, (r.start_url for r in replicas), strict=True)),
                                args.delay)
        alone_files = [sites_file(root / f"{name}.toml", [(name, r.start_url)], args.delay)
                       for name, r in zip(names, replicas, strict=True)]
        walls: dict[str, list[float]] = {"parallel": [], **{name: [] for name in names}}
        spans: list[float] = []
        clocks: dict[str, list[float]] = {f"{name} {kind}": [] for name in names for kind in ("alone", "parallel")}
        actions: dict[str, int] = {}
        print(f"# Sites side by side: {n} replica sites ({args.era}), {args.delay:g} s delay, {args.rounds} "
              f"round(s)\n", flush=True)
        for r in range(args.rounds):
            jobs = ["parallel", *names]
            rng.shuffle(jobs)
            for job in jobs:
                if job == "parallel":
                    wall, span, runs = crawl(everything, root / "parallel.duckdb", n)
                    spans.append(span)
                    for name, replica in zip(names, replicas, strict=True):
                        clocks[f"{name} parallel"].append(runs[replica.start_url][1])
                else:
                    index = names.index(job)
                    wall, _, runs = crawl(alone_files[index], root / "alone.duckdb", 1)
                    count, clock = runs[replicas[index].start_url]
                    actions[job] = count
                    clocks[f"{job} alone"].append(clock)
                walls[job].append(wall)
            print(f"round {r + 1}: parallel {walls['parallel'][-1]:.2f} s, alone "
                  + ", ".join(f"{walls[name][-1]:.2f}" for name in names), flush=True)

    median = {job: statistics.median(values) for job, values in walls.items()}
    run_clock = {key: statistics.median(values) for key, values in clocks.items()}
    slowest = max(names, key=lambda name: median[name])
    total = sum(median[name] for name in names)
    print("\n## Each site alone and all side by side (whole process, median round)\n")
    rows: list[list[object]] = [[name, actions.get(name, 0), round(median[name], 2),
                                 round(run_clock[f"{name} alone"], 2), round(run_clock[f"{name} parallel"], 2)]
                                for name in names]
    span = statistics.median(spans)
    slowest_run = max(run_clock[f"{name} alone"] for name in names)
    rows.append([f"all {n}, --parallel {n}", sum(actions.values()), round(median["parallel"], 2), "",
                 f"{span:.2f} (first start to last end)"])
    print(table(["crawl", "actions", "wall s", "run clock alone s", "run clock side by side s"], rows))
    print("\n## Ratios\n")
    print(table(["measure", "seconds", "ratio", "target"], [
        ["side by side (wall)", round(median["parallel"], 2), "", ""],
        [f"slowest alone ({slowest})", round(median[slowest], 2), "", ""],
        ["sum of all alone (one after another)", round(total, 2), "", ""],
        ["side by side ÷ slowest alone (whole process)", "", ratio(median["parallel"], median[slowest]), "≤ 1.3×"],
        ["run clocks: side-by-side span ÷ slowest run alone", "", ratio(span, slowest_run), ""],
        ["sum of all alone ÷ side by side (speed-up)", "", ratio(total, median["parallel"]), ""],
    ]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
