"""Fixtures for replica tests: a server per configuration and readable record comparison."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scraper.replica import ReplicaConfig, ReplicaServer


@pytest.fixture
def serve() -> Iterator[Any]:
    """`serve(era=..., ...)` starts a replica that is stopped at the end of the test."""
    started: list[ReplicaServer] = []

    def start(**kwargs: Any) -> ReplicaServer:
        srv = ReplicaServer(ReplicaConfig(**kwargs)).start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as c:
        yield c
