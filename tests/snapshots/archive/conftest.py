"""Fixtures of the archive tests (their builders live in tests/snapshots/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "vahti.duckdb"
