"""`vahti verify` as a user runs it: text and JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import crawl_complete

ROOT = Path(__file__).resolve().parents[3]


def vahti(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if k != "VAHTI_DB"}, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", "from scraper.cli.app import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReplicaServer, Path]]:
    db = tmp_path_factory.mktemp("verify") / "a.duckdb"
    with ReplicaServer(ReplicaConfig(plan="espoo", era="v3", api_port=0)) as srv:
        crawl_complete(srv, db)
        yield srv, db


def test_text_and_json(crawled: tuple[ReplicaServer, Path]) -> None:
    srv, db = crawled
    text = vahti("verify", "--db", str(db), "--api-url", srv.api_url, "--delay", "0")
    assert text.returncode == 0, text.stderr
    assert "12 actions compared, 12 agree in every field" in text.stdout
    assert "responsible_organizations" in text.stdout and "100 %" in text.stdout
    out = vahti("verify", "--db", str(db), "--api-url", srv.api_url, "--delay", "0", "--format", "json", "--run", "1")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)["verifications"][0]
    assert data["run"] == 1 and data["lowest"] == {"field": "categories", "agreement": 100.0}
    assert data["fields"]["tasks"] == {"compared": 12, "agreed": 12, "agreement": 100.0}
    assert {a["verdict"] for a in data["actions"]} == {"agrees"} and "extra_sections" in data["skipped"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM verifications WHERE run_id = 1").fetchone() == (2,)
    finally:
        con.close()


def test_unreachable_api_is_one_line_and_exit_1(crawled: tuple[ReplicaServer, Path]) -> None:
    _, db = crawled
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = vahti("verify", "--db", str(db), "--api-url", f"http://127.0.0.1:{port}/v1/graphql/", "--delay", "0")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the API at ") and "cannot be reached" in lines[0]


def test_refusing_api_is_one_line_and_exit_1(crawled: tuple[ReplicaServer, Path]) -> None:
    srv, db = crawled
    assert srv.api is not None
    srv.api.fail_status = 403
    try:
        result = vahti("verify", "--db", str(db), "--api-url", srv.api_url, "--delay", "0")
    finally:
        srv.api.fail_status = None
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: the API at {srv.api_url} failed: HTTP 403"]


def test_an_old_run_needs_force(crawled: tuple[ReplicaServer, Path], tmp_path: Path) -> None:
    srv, db = crawled
    old = tmp_path / "old.duckdb"
    old.write_bytes(db.read_bytes())
    con = duckdb.connect(str(old))
    try:
        con.execute("UPDATE runs SET started_at = started_at - INTERVAL 3 DAY")
    finally:
        con.close()
    refused = vahti("verify", "--db", str(old), "--api-url", srv.api_url, "--delay", "0")
    assert refused.returncode == 2 and "--force" in refused.stderr and len(refused.stderr.splitlines()) == 1
    forced = vahti("verify", "--db", str(old), "--api-url", srv.api_url, "--delay", "0", "--force")
    assert forced.returncode == 0, forced.stderr


def test_bad_api_url_and_no_runs(tmp_path: Path) -> None:
    missing = vahti("verify", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: no archive at ")
    assert not (tmp_path / "none.duckdb").exists()
    (tmp_path / "a.duckdb").write_bytes(b"")
    bad = vahti("verify", "--db", str(tmp_path / "a.duckdb"), "--api-url", "ftp://x")
    assert bad.returncode == 2 and bad.stderr.startswith("error: bad API URL 'ftp://x'")


def test_runs_show_the_agreement(crawled: tuple[ReplicaServer, Path]) -> None:
    srv, db = crawled
    assert vahti("verify", "--db", str(db), "--api-url", srv.api_url, "--delay", "0").returncode == 0
    listed = json.loads(vahti("runs", "--db", str(db), "--format", "json").stdout)
    assert listed[0]["agreement"] == 100.0 and listed[0]["agreement_field"]
    text = vahti("runs", "--db", str(db)).stdout
    assert "agreement" in text.splitlines()[0] and "100.0" in text


def test_the_report_shows_the_agreement(crawled: tuple[ReplicaServer, Path], tmp_path: Path) -> None:
    srv, db = crawled
    assert vahti("verify", "--db", str(db), "--api-url", srv.api_url, "--delay", "0").returncode == 0
    out = tmp_path / "report.html"
    done = vahti("report", "--db", str(db), "--out", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "<th>Agreement with the API</th>" in html and "<td>100 %</td>" in html
