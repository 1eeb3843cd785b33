"""`vahti backfill` over real HTTP against the replica's web archive, into a real DuckDB file.

The replica knows what its plan said at every capture (`srv.archive.truth`); these tests hold the archive that
the backfill builds to that ground truth, action by action and capture by capture.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemas.action import Action
from schemas.dates import HELSINKI
from schemas.meaning import advance
from scraper.cli.app import app, load_commands
from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import ROOT, VAHTI, query, record_differences

load_commands()
runner = CliRunner()


def backfill(srv: ReplicaServer, db: Path, *extra: str) -> Any:
    return runner.invoke(app, ["backfill", srv.start_url, "--archive-url", srv.archive_url, "--delay", "0",
                               "--db", str(db), *extra])


def ok(result: Any) -> str:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return str(result.stdout)


@pytest.fixture(scope="module")
def srv() -> Iterator[ReplicaServer]:
    with ReplicaServer(ReplicaConfig(plan="tampere", archive_port=0)) as server:
        yield server


@pytest.fixture(scope="module")
def filled(srv: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("backfill") / "vahti.duckdb"
    ok(backfill(srv, db))
    return db


def day_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(HELSINKI).date()


def expected_events(srv: ReplicaServer) -> dict[str, list[tuple[Any, ...]]]:
    """Per action, from the ground truth alone: first seen, each change of meaning (with its fields), gone,
    back; dated by the Helsinki day of the capture that shows it."""
    events: dict[str, list[tuple[Any, ...]]] = {}
    known: dict[str, Any] = {}
    gone: set[str] = set()
    for capture in srv.archive.captures():
        ident = capture.identifier
        if ident is None or capture.kind not in ("action", "gone") or capture.lang != "fi":
            continue
        day = day_of(capture.at)
        out = events.setdefault(ident, [])
        if capture.kind == "gone":
            if ident in known and ident not in gone:
                gone.add(ident)
                out.append(("gone", day))
            continue
        truth = srv.archive.truth(capture)
        assert truth is not None
        step = advance(known.get(ident), truth, capture.era)
        if ident not in known:
            out.append(("first", day))
        elif ident in gone:
            gone.discard(ident)
            out.append(("back", day))
        elif step.changed:
            out.append(("change", day, frozenset(step.changed)))
        known[ident] = step.known
    return {k: v for k, v in events.items() if v}


def archived_events(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    versions = query(db, "SELECT id, identifier, valid_from, valid_to, cause, gone_reason FROM action_versions"
                         " ORDER BY identifier, valid_from, id")
    fields: dict[int, set[str]] = {}
    for version, name in query(db, "SELECT new_version, field FROM action_changes"):
        fields.setdefault(int(version), set()).add(str(name))
    events: dict[str, list[tuple[Any, ...]]] = {}
    closed_gone: dict[str, bool] = {}
    for vid, ident, valid_from, valid_to, cause, gone_reason in versions:
        out = events.setdefault(ident, [])
        if not out:
            out.append(("first", day_of(valid_from)))
        elif closed_gone.get(ident):
            out.append(("back", day_of(valid_from)))
        elif cause == "backfill":
            out.append(("change", day_of(valid_from), frozenset(fields.get(int(vid), set()))))
        else:
            assert cause == "markup", (ident, cause)
        closed_gone[ident] = gone_reason is not None
        if gone_reason is not None:
            out.append(("gone", day_of(valid_to)))
    return events


def test_every_action_gets_exactly_the_changes_of_its_ground_truth(srv: ReplicaServer, filled: Path) -> None:
    want, got = expected_events(srv), archived_events(filled)
    assert set(got) == set(want)
    for ident in want:
        assert got[ident] == want[ident], ident
    # the timeline crosses every era, and at least one action changed somewhere
    assert {c.era for c in srv.archive.captures()} >= {"v1", "v2", "v3"}
    assert any(e[0] == "change" for events in want.values() for e in events)


def test_no_change_comes_from_an_era_switch(filled: Path) -> None:
    markup = query(filled, "SELECT count(*) FROM action_versions WHERE cause = 'markup'")[0][0]
    rows = query(filled, "SELECT DISTINCT cause FROM action_changes")
    assert {r[0] for r in rows} <= {"backfill"}
    assert markup > 0  # the eras print the same plan differently: versions, but never changes


def test_runs_are_days_of_captures_and_pages_keep_their_provenance(srv: ReplicaServer, filled: Path) -> None:
    runs = query(filled, "SELECT id, started_at, outcome, cause FROM runs ORDER BY started_at")
    assert {r[2] for r in runs} == {"partial"} and {r[3] for r in runs} == {"backfill"}
    days = [day_of(r[1]) for r in runs]
    assert len(days) == len(set(days))  # one run per Helsinki day
    pages = query(filled, "SELECT url, fetched_at, capture_url, headers FROM pages")
    assert pages and all(p[2] and p[2].startswith(srv.archive_url + "/web/") for p in pages)
    for url, fetched_at, capture_url, _ in pages:
        assert capture_url.endswith("id_/" + url)
        assert fetched_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S") in capture_url
    assert any("x-archive-orig-content-type" in json.loads(p[3]) for p in pages)
    # the site itself was never asked: every request of the backfill went to the archive
    assert not any("/actions" in entry.path for entry in srv.request_log)


def test_gone_captures_and_redirects(srv: ReplicaServer, filled: Path) -> None:
    kinds = {c.kind for c in srv.archive.captures()}
    assert {"gone", "redirect", "list"} <= kinds
    reasons = [r[0] for r in query(filled, "SELECT reason FROM observations WHERE outcome = 'gone'")]
    assert reasons and all("web-archive capture" in r for r in reasons)
    notes = " ".join(r[0] for r in query(filled, "SELECT reason FROM runs"))
    assert "redirect" in notes
    # list captures are stored, not observed
    lists = query(filled, "SELECT count(*) FROM pages p WHERE p.url LIKE '%/actions' AND NOT EXISTS"
                          " (SELECT 1 FROM observations o WHERE o.page_id = p.id)")
    assert lists[0][0] > 0


def test_export_at_a_backfilled_date_gives_each_action_as_last_captured(
    srv: ReplicaServer, filled: Path, tmp_path: Path
) -> None:
    captures = [c for c in srv.archive.captures() if c.identifier and c.kind in ("action", "gone") and c.lang == "fi"]
    moments = sorted({day_of(c.at) for c in captures})
    for when in (moments[len(moments) // 3], moments[2 * len(moments) // 3]):
        last: dict[str, Any] = {}
        for c in captures:
            if day_of(c.at) <= when:
                last[c.identifier] = c  # type: ignore[index]
        want = {i: srv.archive.truth(c) for i, c in last.items() if c.kind == "action"}
        out = tmp_path / f"at-{when}.jsonl"
        ok(runner.invoke(app, ["export", "--db", str(filled), "--format", "jsonl", "--out", str(out),
                               "--at", when.isoformat()]))
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert all(r.pop("last_seen") for r in rows)
        got = {r["identifier"]: Action.model_validate(r) for r in rows}
        assert set(got) == set(want), when
        for ident, truth in want.items():
            assert truth is not None
            assert record_differences(got[ident], truth) == [], (when, ident)


def test_running_it_again_adds_nothing(srv: ReplicaServer, filled: Path) -> None:
    before = query(filled, "SELECT count(*) FROM runs")[0][0], query(filled, "SELECT count(*) FROM pages")[0][0]
    start = len(srv.archive.request_log)
    text = ok(backfill(srv, filled))
    assert "0 runs added" in text
    after = query(filled, "SELECT count(*) FROM runs")[0][0], query(filled, "SELECT count(*) FROM pages")[0][0]
    assert after == before
    asked = [path for _, path in srv.archive.request_log[start:]]
    assert not any(p.startswith("/web/") for p in asked)  # only the index was read again


def test_history_says_where_a_backfilled_version_was_seen(filled: Path) -> None:
    ident = query(filled, "SELECT identifier FROM action_changes LIMIT 1")[0][0]
    text = ok(runner.invoke(app, ["history", ident, "--db", str(filled)]))
    assert "seen in a web-archive capture of " in text


def _state(db: Path) -> dict[str, Any]:
    return {
        "versions": sorted(query(db, "SELECT identifier, valid_from, valid_to, cause, record_hash, gone_reason"
                                     " FROM action_versions")),
        "changes": sorted(query(db, "SELECT identifier, field, changed_at, cause FROM action_changes")),
        "observations": sorted(query(db, "SELECT o.identifier, o.outcome, r.started_at, o.record_hash FROM"
                                         " observations o JOIN runs r ON r.id = o.run_id")),
        "pages": sorted(query(db, "SELECT url, fetched_at, status, sha256, capture_url FROM pages")),
        "runs": sorted(query(db, "SELECT started_at, outcome, cause FROM runs")),
    }


def test_a_killed_backfill_run_again_gives_the_same_archive(srv: ReplicaServer, filled: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("VAHTI_DB", None)
    args = [*VAHTI, "backfill", srv.start_url, "--archive-url", srv.archive_url, "--delay", "0.01", "--db", str(db)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    runs = 0
    while runs < 3:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        runs += line.startswith("run ")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    again = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert _state(db) == _state(filled)


def test_requests_to_the_archive_keep_the_configured_pace(tmp_path: Path) -> None:
    with ReplicaServer(ReplicaConfig(plan="espoo", archive_port=0, archive_rate=0.3)) as srv:
        delay = 0.15
        ok(runner.invoke(app, ["backfill", srv.start_url, "--archive-url", srv.archive_url, "--delay", str(delay),
                               "--db", str(tmp_path / "v.duckdb"), "--to", "2020-12-31"]))
        times = [t for t, _ in srv.archive.request_log]
        assert len(times) >= 5
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= delay * 0.9, gaps
        assert not srv.request_log  # never the site itself


def test_throttling_is_waited_out_and_nothing_is_lost(tmp_path: Path) -> None:
    with ReplicaServer(ReplicaConfig(plan="espoo", archive_port=0, archive_rate=0.3)) as plain:
        ok(runner.invoke(app, ["backfill", plain.start_url, "--archive-url", plain.archive_url, "--delay", "0",
                               "--db", str(tmp_path / "plain.duckdb"), "--to", "2020-12-31"]))
    with ReplicaServer(ReplicaConfig(plan="espoo", archive_port=0, archive_rate=0.3, archive_throttle=4)) as srv:
        started = time.monotonic()
        ok(runner.invoke(app, ["backfill", srv.start_url, "--archive-url", srv.archive_url, "--delay", "0",
                               "--db", str(tmp_path / "throttled.duckdb"), "--to", "2020-12-31"]))
        assert time.monotonic() - started >= 1.0  # at least one Retry-After: 1 was honoured
    # two servers, two ports: the records name their site, so compare what happened, not the hashes
    a, b = _state(tmp_path / "plain.duckdb"), _state(tmp_path / "throttled.duckdb")
    assert [v[:4] + v[5:] for v in a["versions"]] == [v[:4] + v[5:] for v in b["versions"]]
    assert [o[:3] for o in a["observations"]] == [o[:3] for o in b["observations"]]


def test_a_refused_site_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    with ReplicaServer(ReplicaConfig(plan="espoo", archive_port=0, archive_refuse=True)) as srv:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([*VAHTI, "backfill", srv.start_url, "--archive-url", srv.archive_url, "--delay", "0",
                               "--db", str(db)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "refuses this site" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    if db.exists():
        assert query(db, "SELECT count(*) FROM runs")[0][0] == 0


def test_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    db = str(tmp_path / "v.duckdb")
    for args in (["backfill", "--db", db], ["backfill", "https://h.fi/actions", "--from", "2020-13-01", "--db", db],
                 ["backfill", "https://h.fi/actions", "--lang", "de", "--db", db],
                 ["backfill", "ftp://h.fi/actions", "--db", db]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 or "UsageError" in type(result.exception).__name__, args


def test_a_plan_the_archive_never_captured_says_so(srv: ReplicaServer, tmp_path: Path) -> None:
    text = ok(runner.invoke(app, ["backfill", "http://127.0.0.1:9/actions", "--archive-url", srv.archive_url,
                                  "--delay", "0", "--db", str(tmp_path / "v.duckdb")]))
    assert "the web archive has no captures of http://127.0.0.1:9/actions" in text


def test_sites_file_backfills_every_plan_listed(srv: ReplicaServer, filled: Path, tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "tampere"\nstart_url = "{srv.start_url}"\n', encoding="utf-8")
    db = tmp_path / "v.duckdb"
    ok(runner.invoke(app, ["backfill", "--sites", str(sites), "--archive-url", srv.archive_url, "--delay", "0",
                           "--db", str(db), "--to", "2020-06-30"]))
    got = query(db, "SELECT count(*), max(started_at) FROM runs")[0]
    assert got[0] > 0 and day_of(got[1]) <= dt.date(2020, 6, 30)
    want = query(filled, "SELECT count(*) FROM runs WHERE started_at < '2020-07-01 00:00:00+03'")[0][0]
    assert got[0] == want


def test_diff_between_backfilled_dates_says_where_each_change_was_seen(filled: Path) -> None:
    args = ["diff", "--db", str(filled), "--from", "2020-01-01", "--to", "2023-12-31"]
    data = json.loads(ok(runner.invoke(app, [*args, "--format", "json"])))
    changes = [c for c in data["changes"] if c["change"] == "modified"]
    assert changes and all(c["cause"] == "backfill" for c in changes)
    for change in changes:
        seen = dt.datetime.fromisoformat(change["seen_at"])
        assert dt.date(2020, 1, 1) < day_of(seen) <= dt.date(2023, 12, 31)
    text = ok(runner.invoke(app, args))
    assert "seen in a web-archive capture of " in text
