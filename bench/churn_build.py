"""Build, once, everything the storage and query benchmarks measure: vahti's archive and the baselines, all fed
by the same churn through one TeeWriter, under bench/out/churn (or a directory given), and reused by a later run
with the same parameters.

The churn is bench/churn.py's: the replica's V3 plan crawled daily for D days. Half way through the year the
build stops for a moment and keeps a copy of vahti's archive and of the git-scraping repository (`mid/`): the
storage benchmark measures what the second half of the year added, so that fixed per-table blocks and the first
crawl's whole pages do not count as growth.
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

#: how many days of the per-run WARC are written: V3 pages are never byte-identical, so a WARC per run can
#: revisit nothing and would take about 3 MB a day; the rest of the year is scaled from this sample
WARC_SAMPLE_DAYS = 14


@dataclass
class Built:
    root: str
    plan: str
    days: int
    seed: int
    seconds: float
    raw_bytes: int
    pages: int
    warc_responses: int
    warc_revisits: int
    warc_days: int
    actions: int  # action pages crawled on the first day
    mid_day: int  # the day after which `mid/` was kept
    site: str = ""
    cap: int = 0  # only the first N actions of the chain (0: all)

    @property
    def db(self) -> Path:
        return Path(self.root) / "vahti.duckdb"

    @property
    def git(self) -> Path:
        return Path(self.root) / "git"

    @property
    def mid(self) -> Path:
        return Path(self.root) / "mid"


def build(root: Path, plan: str, days: int, seed: int, fresh: bool = False, cap: int = 0) -> Built:
    import churn  # bench/churn.py

    stamp = root / "built.json"
    if stamp.exists() and not fresh:
        try:
            built = Built(**json.loads(stamp.read_text()))
        except TypeError:
            built = None  # a build of an older layout
        if built is not None and (built.plan, built.days, built.seed, built.cap) == (plan, days, seed, cap) \
                and built.db.exists():
            return built
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    warc = sb.WarcDaily(root / "warc", sample_days=min(days, WARC_SAMPLE_DAYS))
    git = sb.GitScrape(root / "git")
    baselines: list[sb.Baseline] = [sb.JsonSnapshots(root / "json", compress=False),
                                    sb.JsonSnapshots(root / "json-gz", compress=True), git, warc]
    mid_day = days // 2
    first_day_actions = 0
    start = time.perf_counter()
    with open_writer(root / "vahti.duckdb") as archive:
        tee = sb.TeeWriter(archive, baselines)
        generated = churn.generate(plan, days, seed, actions=cap or None)
        for half in (range(mid_day), range(mid_day, days)):
            with archive.bulk():
                for _, day in zip(half, generated, strict=False):
                    first_day_actions = first_day_actions or len(day.fetches)
                    churn.write_day(tee, day)
            if half.start == 0:
                archive.con().execute("CHECKPOINT")
                (root / "mid").mkdir()
                shutil.copy(root / "vahti.duckdb", root / "mid" / "vahti.duckdb")
                shutil.copytree(root / "git", root / "mid" / "git", symlinks=True)
    seconds = time.perf_counter() - start
    con = duckdb.connect(str(root / "vahti.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT site FROM runs LIMIT 1").fetchone()
    finally:
        con.close()
    built = Built(str(root), plan, days, seed, seconds, tee.raw_bytes, tee.pages, warc.responses, warc.revisits,
                  warc.sample_days, first_day_actions, mid_day, site=row[0] if row else "", cap=cap)
    stamp.write_text(json.dumps(asdict(built)))
    return built
