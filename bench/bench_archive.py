"""How compact and how fast the archive is, against keeping a full JSON snapshot of the plan every day.

Writes the seeded churn year (bench/churn.py) into a fresh archive through the write interface and, in the same
pass, the baseline: the whole plan as one JSON document per day, plain and gzipped. Then times the three questions
a researcher asks, each answered both ways on the same data:

- history: every distinct state of one action over the year, with the fields that changed;
- as-of:   the whole plan as it was on a date;
- diff:    which actions changed between two dates and which fields (consecutive days, as the daily digest
           asks, and months apart, when nearly every action differs).

    .venv/bin/python bench/bench_archive.py [--actions 150] [--days 365] [--seed 7] [--repeats 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
from churn import SITE, START_URL, Day, generate, write_churn

from snapshots.report_read import resolve_when
from snapshots.store import Archive
from snapshots.versions import changed_fields


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Snapshots:
    """The baseline: the full plan as JSON, one gzip file per day (and the plain size it would have had)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.plain = 0
        self.gzipped = 0
        self.pages_gzipped = 0
        self.seconds = 0.0  # time spent building the baseline, taken out of the archive's write time
        self.days: list[dt.date] = []

    def tee(self, days: Iterator[Day]) -> Iterator[Day]:
        for day in days:
            start = time.perf_counter()
            data = json.dumps([a.model_dump(mode="json") for a in day.actions], ensure_ascii=False).encode()
            packed = gzip.compress(data, 6)
            local = day.started_at.date()
            (self.root / f"{local.isoformat()}.json.gz").write_bytes(packed)
            self.plain += len(data)
            self.gzipped += len(packed)
            self.pages_gzipped += len(gzip.compress(b"".join(day.pages), 6))
            self.days.append(local)
            self.seconds += time.perf_counter() - start
            yield day

    def load(self, day: dt.date) -> dict[str, dict[str, Any]]:
        records = json.loads(gzip.decompress((self.root / f"{day.isoformat()}.json.gz").read_bytes()))
        return {r["identifier"]: r for r in records}

    def history(self, identifier: str) -> list[tuple[dt.date, list[str]]]:
        steps: list[tuple[dt.date, list[str]]] = []
        previous: dict[str, Any] | None = None
        for day in self.days:
            record = self.load(day).get(identifier)
            if record is not None and record != previous:
                fields = [f for f, _, _ in changed_fields(previous, record)] if previous else []
                steps.append((day, fields))
            previous = record
        return steps

    def as_of(self, day: dt.date) -> list[dict[str, Any]]:
        return list(self.load(day).values())

    def diff(self, a: dt.date, b: dt.date) -> dict[str, list[str]]:
        old, new = self.load(a), self.load(b)
        out = {}
        for key in old.keys() | new.keys():
            if key not in old or key not in new:
                out[key] = ["added" if key in new else "removed"]
            elif old[key] != new[key]:
                out[key] = sorted(f for f, _, _ in changed_fields(old[key], new[key]))
        return out


def archive_history(con: duckdb.DuckDBPyConnection, identifier: str) -> list[tuple[Any, ...]]:
    versions = con.execute(
        "SELECT id, valid_from, valid_to, cause, gone_reason, record FROM action_versions"
        " WHERE site = ? AND identifier = ? ORDER BY valid_from, id",
        [SITE, identifier],
    ).fetchall()
    changes = con.execute(
        "SELECT new_version, field, old, new FROM action_changes WHERE site = ? AND identifier = ? ORDER BY id",
        [SITE, identifier],
    ).fetchall()
    [json.loads(v[5]) for v in versions]
    return versions + changes


def archive_as_of(con: duckdb.DuckDBPyConnection, day: dt.date) -> list[dict[str, Any]]:
    at = resolve_when(con, day.isoformat(), SITE).started_at
    rows = con.execute(
        "SELECT record FROM action_versions WHERE site = ? AND valid_from <= ?"
        " AND (valid_to IS NULL OR valid_to > ?)",
        [SITE, at, at],
    ).fetchall()
    return [json.loads(r[0]) for r in rows]


def archive_diff(con: duckdb.DuckDBPyConnection, a: dt.date, b: dt.date) -> dict[str, list[str]]:
    start = resolve_when(con, a.isoformat(), SITE).started_at
    end = resolve_when(con, b.isoformat(), SITE).started_at
    rows = con.execute(
        """
        WITH s AS (SELECT identifier, record_hash, id FROM action_versions
                   WHERE site = $site AND valid_from <= $a AND (valid_to IS NULL OR valid_to > $a)),
             e AS (SELECT identifier, record_hash, id FROM action_versions
                   WHERE site = $site AND valid_from <= $b AND (valid_to IS NULL OR valid_to > $b)),
             d AS (SELECT coalesce(s.identifier, e.identifier) AS identifier, s.id AS old_id, e.id AS new_id
                   FROM s FULL OUTER JOIN e ON s.identifier = e.identifier
                   WHERE s.id IS NULL OR e.id IS NULL OR s.record_hash <> e.record_hash)
        SELECT d.identifier, o.record, n.record
        FROM d LEFT JOIN action_versions o ON o.id = d.old_id LEFT JOIN action_versions n ON n.id = d.new_id
        """,
        {"site": SITE, "a": start, "b": end},
    ).fetchall()
    out = {}
    for identifier, old, new in rows:
        if old is None or new is None:
            out[identifier] = ["added" if old is None else "removed"]
        else:
            out[identifier] = sorted(f for f, _, _ in changed_fields(json.loads(old), json.loads(new)))
    return out


def crawl_mode_ms_per_page(root: Path, days: int, actions: int, seed: int) -> float:
    """What the crawler pays per page: one transaction per page and observation, the file let go after each."""
    pages = 0
    start = time.perf_counter()
    with Archive(root / "crawl-mode.duckdb") as archive:
        for day in generate(actions, days, seed=seed):
            run = archive.begin_run(SITE, START_URL, started_at=day.started_at)
            for position, (action, body) in enumerate(zip(day.actions, day.pages, strict=True)):
                page = archive.store_page(run, action.url, 200, {}, body, fetched_at=day.started_at)
                archive.store_observation(run, page, "parsed", url=action.url, record=action, position=position)
                archive.release()
                pages += 1
            archive.end_run(run, "complete")
    return (time.perf_counter() - start) * 1000 / max(1, pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=150)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--crawl-days", type=int, default=2, help="days written page by page, as a crawl does")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vahti-bench-") as tmp:
        root = Path(tmp)
        (root / "snapshots").mkdir()
        db = root / "vahti.duckdb"
        baseline = Snapshots(root / "snapshots")
        start = time.perf_counter()
        with Archive(db) as archive:
            observations = write_churn(archive, baseline.tee(generate(args.actions, args.days, args.rate, args.seed)))
        write_s = time.perf_counter() - start - baseline.seconds
        archive_bytes = sum(p.stat().st_size for p in root.glob("vahti.duckdb*"))
        con = duckdb.connect(str(db), read_only=True)
        versions, changes, bodies, body_bytes = con.execute(
            "SELECT (SELECT count(*) FROM action_versions), (SELECT count(*) FROM action_changes),"
            " (SELECT count(*) FROM bodies), (SELECT sum(octet_length(zstd)) FROM bodies)"
        ).fetchone() or (0, 0, 0, 0)
        busiest = con.execute(
            "SELECT identifier FROM action_versions GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
        identifier = str(busiest[0]) if busiest else "1"
        day_a = baseline.days[len(baseline.days) // 3]
        day_b = baseline.days[(2 * len(baseline.days)) // 3]
        day_c = baseline.days[(2 * len(baseline.days)) // 3 - 1]
        # Both ways must give the same answers before their speed means anything.
        assert len(archive_as_of(con, day_b)) == len(baseline.as_of(day_b))
        assert archive_diff(con, day_a, day_b) == baseline.diff(day_a, day_b)
        assert archive_diff(con, day_c, day_b) == baseline.diff(day_c, day_b)
        slow = max(1, args.repeats // 5)
        timings = {
            "history": (median_ms(lambda: archive_history(con, identifier), args.repeats),
                        median_ms(lambda: baseline.history(identifier), slow)),
            "as-of": (median_ms(lambda: archive_as_of(con, day_b), args.repeats),
                      median_ms(lambda: baseline.as_of(day_b), args.repeats)),
            "diff, a day apart": (median_ms(lambda: archive_diff(con, day_c, day_b), args.repeats),
                                  median_ms(lambda: baseline.diff(day_c, day_b), args.repeats)),
            "diff, months apart": (median_ms(lambda: archive_diff(con, day_a, day_b), args.repeats),
                                   median_ms(lambda: baseline.diff(day_a, day_b), args.repeats)),
        }
        con.close()
        crawl_ms = crawl_mode_ms_per_page(root, args.crawl_days, args.actions, args.seed)

    per = observations or 1
    print(f"churn: {args.actions} actions x {args.days} days, rate {args.rate}, seed {args.seed}: "
          f"{observations} observations, {versions} versions, {changes} field changes, {bodies} distinct pages")
    bulk_ms = write_s * 1000 / per
    print(f"archive write, bulk path: {write_s:.1f} s, {bulk_ms:.2f} ms per page + observation")
    print(f"archive write, crawl path (a transaction per call, file released after each page):"
          f" {crawl_ms:.1f} ms per page + observation")
    print()
    print(f"{'storage':<34}{'bytes':>14}{'bytes/action/day':>18}")
    rows = [
        ("vahti archive (DuckDB file)", archive_bytes),
        ("  of which raw pages (zstd)", int(body_bytes or 0)),
        ("JSON snapshot per day", baseline.plain),
        ("JSON snapshot per day, gzip -6", baseline.gzipped),
        ("raw pages per day, gzip -6", baseline.pages_gzipped),
    ]
    for name, size in rows:
        print(f"{name:<34}{size:>14,}{size / per:>18.1f}")
    print()
    print(f"{'query (median ms)':<34}{'archive':>10}{'snapshots':>12}")
    for name, (ours, theirs) in timings.items():
        print(f"{name:<34}{ours:>10.2f}{theirs:>12.2f}")
    print()
    print("ratios (baseline / archive; > 1 means the archive is smaller or faster)")
    print(f"  bytes vs JSON snapshots:          {baseline.plain / archive_bytes:6.1f}x")
    print(f"  bytes vs gzipped JSON snapshots:  {baseline.gzipped / archive_bytes:6.1f}x")
    print(f"  bytes vs gzipped JSON + pages:    {(baseline.gzipped + baseline.pages_gzipped) / archive_bytes:6.1f}x")
    for name, (ours, theirs) in timings.items():
        print(f"  {name + ' query:':<32}{theirs / ours:6.1f}x")


if __name__ == "__main__":
    main()
