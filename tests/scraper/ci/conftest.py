"""Fixtures of the scheduled job's tests: the replica over real HTTP and one deployment in a temporary directory (the
job's helpers live in tests/scraper/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import Job


@pytest.fixture
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(ReplicaConfig(plan="tampere")) as srv:
        yield srv


@pytest.fixture
def job(tmp_path: Path) -> Job:
    return Job(tmp_path)
