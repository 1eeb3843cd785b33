"""Unchanged days: what a day costs the archive when nobody edits the plan, on the replica's V3 pages (a fresh
tracing id in every body, no validators: reference 12.5), measured on the archive as the daily job leaves it.

Each day runs `vahti ci`'s own code (`scraper.ci.run.run_ci`: staging copy, crawl, checks, compaction when free
space passes --compact-at, promotion, digest and exports) against one replica process serving the same plan day
after day. After each day it records the file, the bodies the day stored, and side by side what the same bodies
would have cost stored whole at the archive's whole-body level (what every archive before schema 4 stored).

    .venv/bin/python bench/bench_unchanged.py                       # helsinki, 150 actions, 30 days
    .venv/bin/python bench/bench_unchanged.py --plan espoo --days 300   # a real steady state: bodies stored whole again

Steady state, per action per unchanged day:
- raw pages: the deltas a day stores, plus the whole bodies stored again (one in every CHAIN_LIMIT + 1 fetches of a
  URL): measured when the run is long enough to see them, and computed from the first day's whole bodies otherwise;
- the file: the least-squares slope of the file's size over days 2..N as the job left it (compacted or not), and
  of the same file compacted (a copy, each day), which is the data alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from replica_proc import ReplicaProcess
from timing import table

from scraper.ci.job import CiOptions
from scraper.ci.run import run_ci
from scraper.ci.sites import SiteSpec
from scraper.fetch import FetchPolicy
from snapshots import bodies
from snapshots.bodies import BodyReader, pack_delta, pack_whole
from snapshots.compact import compact, free_share
from snapshots.promote import InPlaceBackend


@dataclass
class Day:
    day: int
    file: int  # bytes, as the job left it
    compacted_file: int  # bytes of a compacted copy
    compacted_by_job: bool
    free: float
    stored: int  # bodies the day stored
    whole: int  # of them stored whole
    payload: int  # their compressed bytes as stored
    as_whole: int  # the same bodies, each compressed whole at the archive's whole-body level
    outcomes: str
    seconds: float


def _day_bodies(db: Path, run_id: int) -> tuple[int, int, int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT b.sha256, b.base IS NULL, octet_length(b.zstd) FROM bodies b WHERE b.sha256 IN"
            " (SELECT sha256 FROM pages WHERE run_id = ?) AND b.sha256 NOT IN"
            " (SELECT sha256 FROM pages WHERE run_id < ? AND sha256 IS NOT NULL)",
            [run_id, run_id],
        ).fetchall()
        reader = BodyReader.on(con)
        as_whole = sum(len(pack_whole(reader.body(sha))) for sha, _, _ in rows)
    finally:
        con.close()
    return len(rows), sum(1 for _, w, _ in rows if w), sum(int(n) for _, _, n in rows), as_whole


def _compacted_size(db: Path, scratch: Path) -> int:
    copy = scratch / "copy.duckdb"
    for stale in (copy, copy.with_name(copy.name + ".lock")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(db, copy)
    compact(copy)
    return copy.stat().st_size


def _slope(points: list[tuple[int, int]]) -> float:
    """Least-squares bytes per day."""
    n = len(points)
    if n < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den


def _noise_pair(start_url: str, chain: list[str]) -> tuple[int, int, int]:
    """Two fetches of one real-size page: (page bytes, stored whole at the whole-body level, the second as a delta)."""
    with httpx.Client(timeout=30) as client:
        first = client.get(chain[len(chain) // 2]).content
        second = client.get(chain[len(chain) // 2]).content
    assert first != second, "the replica should send a fresh tracing id per request"
    return len(second), len(pack_whole(second)), len(pack_delta(second, first))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="archive bytes per action per unchanged day, through vahti ci")
    ap.add_argument("--plan", default="helsinki", choices=["helsinki", "tampere", "espoo"])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--compact-at", type=float, default=25.0, help="the job's threshold, percent (default 25)")
    ap.add_argument("--chain-limit", type=int, default=None,
                    help=f"deltas per whole body (default: the archive's, {bodies.CHAIN_LIMIT})")
    ap.add_argument("--out", type=Path, default=None, help="keep the archive here (default: a temporary dir)")
    args = ap.parse_args(argv)
    if args.chain_limit is not None:
        bodies.CHAIN_LIMIT = args.chain_limit
    limit = bodies.CHAIN_LIMIT
    started = time.time()
    print(f"### unchanged start {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} load: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="vahti-bench-unchanged-") as tmp, ReplicaProcess("v3", args.plan) as rp:
        root = args.out or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        db = root / "vahti.duckdb"
        for stale in (db, db.with_name(db.name + ".lock")):
            stale.unlink(missing_ok=True)
        scratch = Path(tmp) / "scratch"
        scratch.mkdir()
        actions = len(rp.chain)
        page_size, whole_size, delta_size = _noise_pair(rp.start_url, rp.chain)
        days: list[Day] = []
        for n in range(1, args.days + 1):
            said: list[str] = []
            options = CiOptions(
                db=db, publish_dir=Path(tmp) / "publish", backend=InPlaceBackend(db),
                changes_dir=Path(tmp) / "changes", policy=FetchPolicy(delay=0.0),
                day=dt.date(2026, 1, 1) + dt.timedelta(days=n), say=said.append,
                compact_at=args.compact_at / 100 if args.compact_at < 100 else None,
            )
            t0 = time.perf_counter()
            result = run_ci([SiteSpec(args.plan, rp.start_url, delay=0.0)], options)
            seconds = time.perf_counter() - t0
            site = result.sites[0]
            if not site.accepted or site.run_id is None:
                print(f"day {n}: the job did not accept the run: {site.problem()}")
                return 1
            con = duckdb.connect(str(db), read_only=True)
            outcomes = dict(con.execute("SELECT outcome, count(*) FROM observations WHERE run_id = ? GROUP BY 1",
                                        [site.run_id]).fetchall())
            con.close()
            stored, whole, payload, as_whole = _day_bodies(db, site.run_id)
            days.append(Day(n, db.stat().st_size, _compacted_size(db, scratch),
                            any(line.startswith("compacted ") for line in said), free_share(db), stored, whole,
                            payload, as_whole, ",".join(f"{k} {v}" for k, v in sorted(outcomes.items())), seconds))
            d = days[-1]
            print(f"day {n:3d}: file {d.file:>11,} (compacted copy {d.compacted_file:>11,}; job compacted: "
                  f"{'yes' if d.compacted_by_job else 'no '}), {d.stored} bodies ({d.whole} whole) "
                  f"{d.payload:>10,} bytes, whole would be {d.as_whole:>10,}; {d.outcomes}; {seconds:.1f} s",
                  flush=True)
    _report(args, days, actions, limit, (page_size, whole_size, delta_size))
    print(f"### unchanged exit 0 after {time.time() - started:.0f} s; end load: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


def _report(args: argparse.Namespace, days: list[Day], actions: int, limit: int,
            pair: tuple[int, int, int]) -> None:
    later = days[1:]
    per = actions * len(later) if later else 1
    stored = sum(d.payload for d in later)
    as_whole = sum(d.as_whole for d in later)
    first_whole = days[0].payload
    rewholes = sum(d.whole for d in later)
    deltas_per_day = sum(d.payload for d in later if d.whole == 0) / max(1, sum(1 for d in later if d.whole == 0))
    steady_computed = (first_whole + limit * deltas_per_day) / (limit + 1) / actions
    file_slope = _slope([(d.day, d.file) for d in later]) / actions
    data_slope = _slope([(d.day, d.compacted_file) for d in later]) / actions
    steady = days[1:]  # from day 2: day 1 stores every body whole and compacts nothing
    growth = ((days[-1].file - steady[0].file) / (actions * (len(steady) - 1))) if len(steady) > 1 else float("nan")
    # the file right after the job's compactions: the same point of the saw-tooth at both ends
    marks = [d for d in steady if d.compacted_by_job]
    phase = ((marks[-1].file - marks[0].file) / (actions * (marks[-1].day - marks[0].day))
             if len(marks) > 1 and marks[-1].day > marks[0].day else float("nan"))
    envelope = max(d.file / d.compacted_file for d in steady) if steady else float("nan")
    print(f"\n## {args.plan}: {actions} actions, {len(days)} days through vahti ci (compact at {args.compact_at:g} %),"
          f" a whole body serves at most {limit} deltas\n")
    rows = [
        ["raw pages stored, days 2..N (as measured)", stored / per],
        ["  the same bodies stored whole (schema 3, side by side)", as_whole / per],
        [f"raw pages in steady state, whole bodies again every {limit + 1} fetches"
         + (" (measured: the run saw them)" if rewholes else " (day 1's whole bodies / "
            f"{limit + 1} + a day's deltas)"),
         stored / per if rewholes else steady_computed],
        ["file as the job left it: least-squares slope, days 2..N", file_slope],
        ["file as the job left it: (last day - day 2) / days", growth],
        ["file as the job left it: from its first to its last compaction after day 1", phase],
        ["file compacted (the data alone): least-squares slope", data_slope],
    ]
    print(table(["bytes per action per unchanged day", "bytes"],
                [[k, "n/a" if v != v else f"{v:,.0f}"] for k, v in rows]))  # v != v: NaN, too few points
    jobs = sum(d.compacted_by_job for d in days)
    print(f"\nthe job compacted on {jobs} of {len(days)} days; bodies stored whole again after day 1: {rewholes}; "
          f"the largest file it left was {envelope:.2f}× the same archive compacted")
    page, whole, delta = pair
    print(f"\n## A pair of real-size pages differing only in per-request noise\n\npage {page:,} bytes; stored whole "
          f"(zstd {bodies.WHOLE_LEVEL}) {whole:,} bytes; the second as a delta against the first {delta:,} bytes = "
          f"{delta / whole:.2%} of whole")
    print("\n## Ratios\n")
    print(f"  raw pages, whole ÷ as stored (days 2..N): {as_whole / max(1, stored):.0f}×")
    print(f"  noise-only page, whole ÷ delta:           {whole / max(1, delta):.0f}×")


if __name__ == "__main__":
    raise SystemExit(main())
