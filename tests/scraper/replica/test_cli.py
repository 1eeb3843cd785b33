"""`vahti replica`: serves until interrupted, prints the start URL; bad options are one line and exit 2."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from schemas.errors import UsageError
from scraper.cli.app import app, load_commands

ROOT = Path(__file__).resolve().parents[3]
VAHTI = [sys.executable, "-c", "from scraper.cli import main; main()", "replica"]


def test_bad_option_exits_2_with_one_line() -> None:
    proc = subprocess.run([*VAHTI, "--era", "v9", "--port", "0"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["--plan", "oulu"], ["--lang", "de"], ["--prefix", "/x"],
                                  ["--faults", "/x=boom"], ["--day", "-1"], ["--port", "70000"]])
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    load_commands()
    result = CliRunner().invoke(app, ["replica", *args])
    assert isinstance(result.exception, UsageError) and result.exception.exit_code == 2
    assert "\n" not in str(result.exception)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serves_and_prints_the_start_url(stop: signal.Signals) -> None:
    """Started as a script's background job is (SIGINT inherited as ignored), it still stops on Ctrl-C or kill."""
    proc = subprocess.Popen([*VAHTI, "--era", "v1", "--plan", "espoo", "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_ignore_sigint)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/actions")
        resp = httpx.get(url, timeout=10)
        assert resp.status_code == 200 and "a1147" in resp.text
    finally:
        proc.send_signal(stop)
        proc.wait(timeout=60)
    assert proc.returncode == 0
