"""Fixtures of the crawl tests: a scriptable HTTP site on 127.0.0.1, a clock that moves only when the code sleeps,
an in-memory archive writer (the classes live in tests/scraper/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.scraper.helpers import FakeClock, MemoryWriter, Site


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def memory_writer() -> MemoryWriter:
    return MemoryWriter()
