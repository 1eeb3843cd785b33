"""Every SQL example in docs/archive.md runs on a real archive and answers something."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scraper.cli.app import app, load_commands
from snapshots.store import Archive

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))

from churn import SITE, generate, write_churn  # noqa: E402

load_commands()
QUERIES = re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "archive.md").read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def churned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("docs") / "vahti.duckdb"
    days = list(generate("helsinki", days=15, seed=3))
    with Archive(db) as archive:
        with archive.bulk():
            write_churn(archive, iter(days))
        run = archive.begin_run(SITE, days[-1].start_url)
        archive.end_run(run, "partial", reason="host unreachable after 5 failures")
    return db


def test_the_docs_hold_at_least_five_queries() -> None:
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("query", QUERIES, ids=[f"query{i + 1}" for i in range(len(QUERIES))])
def test_a_documented_query_answers(churned: Path, query: str) -> None:
    result = CliRunner().invoke(app, ["sql", query, "--db", str(churned), "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 2, f"no rows for:\n{query}"
