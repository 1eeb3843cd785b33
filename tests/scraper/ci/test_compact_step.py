"""The daily job compacts the archive when its free blocks pass the threshold (default 25 % of the file), and a
compaction that cannot run costs the day nothing."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

import pytest

from scraper.ci.job import CiOptions
from scraper.replica import ReplicaServer
from snapshots import compact as compact_module
from snapshots.compact import free_share
from tests.scraper.helpers import Job, site_of


def _compacting(lines: list[str]) -> bool:
    return any(line.endswith(": compacting") or line.startswith("compacted ") for line in lines)


def _said(job: Job, replica: ReplicaServer, **overrides: object) -> list[str]:
    lines: list[str] = []
    result = job.run([site_of(replica)], say=lines.append, **overrides)
    assert result.exit_code == 0, lines
    return lines


def test_the_default_threshold_is_a_quarter_of_the_file() -> None:
    assert CiOptions.__dataclass_fields__["compact_at"].default == 0.25


def test_the_job_compacts_when_free_space_passes_the_threshold(job: Job, replica: ReplicaServer) -> None:
    lines = _said(job, replica)  # a first crawl only appends: nothing to give back
    assert not _compacting(lines)
    lines = _said(job, replica, compact_at=0.1)  # the next one writes page by page: its checkpoints leave some
    assert any(line.startswith("archive ") and "free space (threshold 10%): compacting" in line for line in lines)
    assert any(line.startswith("compacted ") for line in lines)
    assert free_share(job.archive) == 0.0  # what the backend keeps is the compacted file
    before = job.versions()
    lines = _said(job, replica, compact_at=None)
    assert not _compacting(lines) and free_share(job.archive) > 0
    assert job.versions()[: len(before)] == before


def test_below_the_threshold_nothing_happens(job: Job, replica: ReplicaServer) -> None:
    lines = _said(job, replica, compact_at=0.99)
    assert not _compacting(lines)


def test_a_compaction_that_cannot_run_leaves_the_day_as_it_is(job: Job, replica: ReplicaServer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    _said(job, replica)
    monkeypatch.setattr(compact_module.shutil, "disk_usage", lambda _p: usage(10**9, 10**9, 0))
    lines = _said(job, replica, compact_at=0.1)
    assert any(line.startswith("archive not compacted: vahti compact needs about") for line in lines)
    assert any(line.startswith("archive promoted to") for line in lines)
    assert job.query("SELECT outcome FROM runs") == [("complete",), ("complete",)]
    assert not Path(str(job.root / "work" / "vahti.duckdb") + ".compacting").exists()
