"""A user mistake on the command line is one line on stderr and exit code 2, whoever catches it."""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = [
    ["crawl", "--delay", "abc"],
    ["nosuch"],
    ["show"],
    ["diff", "--format", "pdf"],
    ["parse", "/no/such/file.html"],
    ["crawl", "ftp://example.org/actions"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
def test_usage_errors_are_one_line(args: list[str], tmp_path: object) -> None:
    run = subprocess.run(
        [sys.executable, "-c", "from scraper.cli import main; main()", *args],
        capture_output=True, text=True, timeout=60, cwd=str(tmp_path),
    )
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert "Traceback" not in run.stderr


def test_no_arguments_prints_help() -> None:
    run = subprocess.run([sys.executable, "-c", "from scraper.cli import main; main()"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0
    assert "crawl" in run.stdout and "Usage" in run.stdout
