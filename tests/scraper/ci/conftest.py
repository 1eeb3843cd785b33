"""The scheduled job's code path run locally: the replica over real HTTP, real DuckDB files, the local backend."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scraper.ci.job import CiOptions
from scraper.ci.run import CiResult, run_ci
from scraper.ci.sites import SiteSpec
from scraper.fetch import FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.alarms import Thresholds
from snapshots.promote import LocalDirBackend

ROOT = Path(__file__).resolve().parents[3]
VAHTI = [sys.executable, "-c", "from scraper.cli.app import main; main()"]
FIRST_DAY = dt.date(2024, 3, 1)


@pytest.fixture
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(ReplicaConfig(plan="tampere")) as srv:
        yield srv


def site_of(srv: ReplicaServer, name: str = "tampere") -> SiteSpec:
    """Fast and strict: no pause, one attempt per page, stop after two failures in a row."""
    return SiteSpec(name, srv.start_url, delay=0.0, max_failures=2, attempts=1)


@dataclass
class Job:
    """One deployment: a work dir the job runs in and a store dir the local backend keeps the archive in."""

    root: Path
    thresholds: Thresholds = field(default_factory=Thresholds)
    days: int = 0

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def archive(self) -> Path:
        return self.store / "vahti.duckdb"

    @property
    def changes(self) -> Path:
        return self.root / "repo" / "changes"

    def options(self, **overrides: Any) -> CiOptions:
        day = FIRST_DAY + dt.timedelta(days=self.days)
        base = dict(
            db=self.root / "work" / "vahti.duckdb",
            publish_dir=self.root / "publish" / day.isoformat(),
            backend=LocalDirBackend(self.store),
            changes_dir=self.changes,
            thresholds=self.thresholds,
            policy=FetchPolicy(delay=0.0, attempts=1),
            day=day,
            step_summary=self.root / "step_summary.md",
            say=lambda line: None,
        )
        base.update(overrides)
        return CiOptions(**base)  # type: ignore[arg-type]

    def run(self, sites: list[SiteSpec], **overrides: Any) -> CiResult:
        """A fresh work dir each day, as on a fresh GitHub runner: all state comes from the backend."""
        work = self.root / "work"
        if work.exists():
            for path in work.iterdir():
                path.unlink()
        result = run_ci(sites, self.options(**overrides))
        self.days += 1
        return result

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.archive), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def versions(self) -> list[tuple[Any, ...]]:
        return self.query("SELECT id, identifier, record_hash, valid_from, valid_to FROM action_versions ORDER BY id")


@pytest.fixture
def job(tmp_path: Path) -> Job:
    return Job(tmp_path)


def vahti(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "VAHTI_DB")}
    full = {**inherited, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run([*VAHTI, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=full)


def sites_toml(path: Path, *urls: str, extra: str = "") -> Path:
    body = ["[defaults]", "delay = 0", "attempts = 1", "max_failures = 2", extra]
    for n, url in enumerate(urls):
        body += ["[[site]]", f"name = {json.dumps(f'site{n}')}", f"start_url = {json.dumps(url)}"]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path
