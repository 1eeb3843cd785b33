"""Bad input from a user: one error line and an exit code (2 usage, 1 failure), never a traceback. Each case goes
through the console script's own error boundary, in this process (the same `main()` the `vahti` script runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.helpers import assert_one_line_error
from tests.reliability.test_archive_faults import run_main

CASES: list[tuple[list[str], int]] = [
    (["crawl", "not a url"], 2),
    (["crawl", "ftp://example.org/actions"], 2),
    (["crawl", "http://127.0.0.1:0/actions"], 2),
    (["crawl", "http://127.0.0.1:9/actions", "--delay", "-1"], 2),
    (["crawl", "http://127.0.0.1:9/actions", "--delay", "0"], 1),  # nothing listens there
    (["crawl", "--sites", "{tmp}/missing.toml"], 2),
    (["runs", "--db", "{tmp}/missing.duckdb"], 1),
    (["runs", "--db", "{tmp}"], 1),
    (["show", "1", "--db", "{tmp}/garbage.duckdb"], 1),
    (["diff", "--from", "yesterday-ish", "--db", "{tmp}/missing.duckdb"], 1),
    (["export", "--format", "xlsx", "--out", "{tmp}/x"], 2),
    (["sql", "SELEC nonsense", "--db", "{tmp}/garbage.duckdb"], 1),
    (["parse", "{tmp}/missing.html"], 2),
    (["report", "--out", "{tmp}/no/such/dir/r.html", "--db", "{tmp}/missing.duckdb"], 1),
    (["import", "{tmp}/garbage.duckdb", "--db", "{tmp}/new.duckdb"], 2),
    (["replica", "--era", "v9"], 2),
    (["ci", "--sites", "{tmp}/missing.toml"], 2),
    (["no-such-command"], 2),
]


@pytest.mark.parametrize(("args", "code"), CASES, ids=[" ".join(a)[:40] for a, _ in CASES])
def test_bad_input_is_one_line_and_an_exit_code(args: list[str], code: int, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "garbage.duckdb").write_bytes(b"this is not an archive\n" * 100)
    result = run_main([a.format(tmp=tmp_path) for a in args], capsys)
    assert_one_line_error(result, (code,))
