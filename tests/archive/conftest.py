"""Makes the archive test builders importable (pytest runs with --import-mode=importlib)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "vahti.duckdb"
