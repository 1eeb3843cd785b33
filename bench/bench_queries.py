"""Query benchmark: the four questions researchers ask, on the churn archive built by bench_storage.py (built
here if absent), answered by vahti's archive functions and by git plumbing on the git-scraping repository of the
same churn. Median milliseconds of several runs each; ratios last.

    bench/.venv/bin/python bench/bench_queries.py                        # full size (reuses bench/out/churn)
    bench/.venv/bin/python bench/bench_queries.py --actions 20 --days 10   # quick

vahti's side is measured in-process (a library call on an open read-only connection, as `vahti sql`, a notebook
or the report do); git's side spawns git processes, as anyone querying a git-scraping repository must.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
import query_suites as q
import storage_baselines as sb
from bench_storage import add_churn_args, build_from
from timing import median_ms, ratio, table

from snapshots.compact import compact


def compacted_copy(db: Path) -> Path:
    """The archive as `vahti compact` leaves it (upgraded to this vahti's schema on the way), kept next to the
    build and made again when the build is newer."""
    copy = db.with_name("compacted.duckdb")
    if not copy.exists() or copy.stat().st_mtime < db.stat().st_mtime:
        shutil.copy(db, copy)
        compact(copy)
    return copy


def git_gc(root: Path) -> None:
    """git-scraping measured as its owner would keep it: packed (`gc --aggressive`), like vahti after compact."""
    repo = sb.GitScrape.__new__(sb.GitScrape)
    repo.root = root
    repo.gc()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="archive queries: vahti vs git log/show on git-scraping")
    add_churn_args(ap)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    built = build_from(args)
    repo = q.GitRepo(built.git)
    git_gc(built.git)
    con = duckdb.connect(str(compacted_copy(built.db)), read_only=True)
    try:
        first, last = con.execute("SELECT min(started_at), max(started_at) FROM runs").fetchone() or (None, None)
        assert first is not None and last is not None
        # the action that changed most: the history question is worth asking of it
        row = con.execute("SELECT identifier, count(*) AS n FROM action_versions GROUP BY identifier "
                          "ORDER BY n DESC, identifier LIMIT 1").fetchone()
        assert row is not None
        ident, versions = str(row[0]), int(row[1])
        span = (last - first).days
        day_a = (first + dt.timedelta(days=span // 2)).date()
        day_b = (first + dt.timedelta(days=span // 2 + 30 if span > 60 else span)).date()
        site = built.site

        questions: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], int],
                              Callable[[Any], int]]] = [
            (f"history of action {ident} ({versions} versions)",
             lambda: q.vahti_history(con, site, ident), lambda: q.git_history(repo, ident),
             lambda r: len(r.steps), len),
            (f"the plan as of {day_a}",
             lambda: q.vahti_as_of(con, site, day_a), lambda: q.git_as_of(repo, day_a), len, len),
            (f"diff of the runs of {day_a} and {day_b}",
             lambda: q.vahti_diff(con, site, day_a, day_b), lambda: q.git_diff(repo, day_a, day_b),
             lambda r: len(r.changes), len),
            ("all status changes", lambda: q.vahti_status_changes(con, site), lambda: q.git_status_changes(repo),
             len, len),
        ]
        rows, ratios = [], []
        for label, vahti_fn, git_fn, vahti_n, git_n in questions:
            v_ms = median_ms(vahti_fn, args.repeats)
            g_ms = median_ms(git_fn, args.repeats)
            rows.append([label, v_ms, vahti_n(vahti_fn()), g_ms, git_n(git_fn())])
            ratios.append([label, ratio(g_ms, v_ms)])
    finally:
        con.close()

    print(f"\n## Queries on {built.actions} actions × {built.days} days (median of {args.repeats} runs)\n")
    print(table(["question", "vahti ms", "vahti answer size", "git ms", "git answer size"], rows))
    print("\n(answer size: history steps / records / changed actions / status changes; the git side sees a new or "
          "removed action in a diff as a file, and no status change on the day an action appears)")
    print("\n## Ratios\n")
    print(table(["question", "git ms ÷ vahti ms"], ratios))
    print("\n(> 1× means vahti answers faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
