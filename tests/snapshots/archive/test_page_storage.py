"""Page bodies as deltas (snapshots/bodies.py): the storage rule, byte-for-byte reads, the chain bound, and what a
damaged body costs (only the pages that depend on it, each a clear error)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from typer.testing import CliRunner

from schemas.errors import ArchiveError
from scraper.cli.app import app, load_commands
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots import bodies
from snapshots.bodies import BodyReader, PageUnreadable, pack_whole
from snapshots.reparse import reparse
from snapshots.store import Archive
from tests.snapshots.helpers import query

load_commands()
URL = "https://x.example/actions/1"
#: the bodies in the order they were stored (by the first page holding each)
STORED = "(SELECT b.*, (SELECT min(p.id) FROM pages p WHERE p.sha256 = b.sha256) AS first FROM bodies b)"
OTHER = "https://x.example/actions/2"


@pytest.fixture(scope="module")
def fetches() -> Iterator[list[bytes]]:
    """Six fetches of one real-size V3 page of the replica (each with its own tracing id) and one of another."""
    with ReplicaServer(ReplicaConfig(era="v3", plan="tampere")) as srv, httpx.Client() as client:
        chain = srv.chain()
        same = [client.get(srv.action_url(chain[0])).content for _ in range(6)]
        yield [*same, client.get(srv.action_url(chain[1])).content]


def _store(db: Path, pages: list[tuple[str, bytes]]) -> list[int]:
    with Archive(db) as archive:
        run = archive.begin_run("x.example", "https://x.example/actions")
        ids = [archive.store_page(run, url, 200, {"content-type": "text/html"}, body) for url, body in pages]
        archive.end_run(run, "partial")
    return ids




def _read(db: Path, page_id: int) -> bytes | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return BodyReader.on(con).page(page_id).body
    finally:
        con.close()


def test_the_first_body_is_whole_the_next_are_deltas_against_it(db: Path, fetches: list[bytes]) -> None:
    ids = _store(db, [(URL, b) for b in fetches[:4]])
    rows = query(db, f"SELECT sha256, base, octet_length(zstd) FROM {STORED} ORDER BY first")
    first = rows[0]
    assert first[1] is None
    assert [r[1] for r in rows[1:]] == [first[0]] * 3  # always against the whole body, never chained
    whole = len(pack_whole(fetches[1]))
    for _, _, size in rows[1:]:
        assert size <= 0.01 * whole  # per-request noise costs under 1 % of the page stored whole
    for page_id, body in zip(ids, fetches, strict=False):
        assert _read(db, page_id) == body


def test_a_body_already_stored_is_not_stored_again(db: Path, fetches: list[bytes]) -> None:
    _store(db, [(URL, fetches[0]), (URL, fetches[0]), (OTHER, fetches[0])])
    assert query(db, "SELECT count(*) FROM bodies") == [(1,)]


def test_the_chain_is_bounded(db: Path, fetches: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bodies, "CHAIN_LIMIT", 2)
    ids = _store(db, [(URL, b) for b in fetches[:6]])
    bases = [r[0] for r in query(db, f"SELECT base FROM {STORED} ORDER BY first")]
    shas = [hashlib.sha256(b).hexdigest() for b in fetches[:6]]
    assert bases == [None, shas[0], shas[0], None, shas[3], shas[3]]
    # a fresh writer finds the reference and its count in the file
    more = _store(db, [(URL, fetches[6])])
    assert query(db, f"SELECT base FROM {STORED} ORDER BY first DESC LIMIT 1") == [(None,)]  # another page: whole
    for page_id, body in zip([*ids, *more], [*fetches[:6], fetches[6]], strict=True):
        assert _read(db, page_id) == body


def test_a_page_that_really_changed_is_stored_whole(db: Path, fetches: list[bytes]) -> None:
    noise = random.Random(1).randbytes(4000).hex().encode()  # 8 KB nobody can compress: a real change
    changed = fetches[1].replace(b"<body", b"<body data-x='" + noise + b"'")
    _store(db, [(URL, fetches[0]), (URL, changed), (URL, fetches[2])])
    bases = [r[0] for r in query(db, f"SELECT base FROM {STORED} ORDER BY first")]
    assert bases == [None, None, hashlib.sha256(changed).hexdigest()]  # the new whole body is the reference now


def test_noise_headers_are_not_kept(db: Path, fetches: list[bytes]) -> None:
    with Archive(db) as archive:
        run = archive.begin_run("x.example", "https://x.example/actions")
        archive.store_page(run, URL, 200, {"Date": "Sat, 05 Dec 2026 10:00:00 GMT", "content-type": "text/html",
                                           "x-plan-identifier": "hnh2035",
                                           "set-cookie": "authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly"},
                           fetches[0])
    assert query(db, "SELECT headers FROM pages") == [
        ('{"content-type": "text/html", "x-plan-identifier": "hnh2035", "set-cookie": "authjs.csrf-token=; Path=/;'
         ' HttpOnly"}',)
    ]


def _damage(db: Path, sha: str) -> None:
    con = duckdb.connect(str(db))
    for table in ("body_wholes", "body_deltas"):
        con.execute(f"UPDATE {table} SET zstd = ? WHERE sha256 = ?", [b"\x28\xb5\x2f\xfd garbage", sha])
    con.close()


def test_a_damaged_delta_loses_only_itself(db: Path, fetches: list[bytes]) -> None:
    ids = _store(db, [(URL, fetches[0]), (URL, fetches[1]), (URL, fetches[2])])
    _damage(db, hashlib.sha256(fetches[1]).hexdigest())
    with pytest.raises(PageUnreadable, match="damaged"):
        _read(db, ids[1])
    assert _read(db, ids[0]) == fetches[0] and _read(db, ids[2]) == fetches[2]


def test_a_damaged_reference_loses_its_deltas_only_and_the_writer_goes_on(db: Path, fetches: list[bytes]) -> None:
    ids = _store(db, [(URL, fetches[0]), (URL, fetches[1]), (OTHER, fetches[6])])
    _damage(db, hashlib.sha256(fetches[0]).hexdigest())
    with pytest.raises(PageUnreadable, match="its reference is lost"):
        _read(db, ids[1])
    assert _read(db, ids[2]) == fetches[6]
    # the next fetch of the URL is stored whole (a damaged reference serves no more deltas) and reads back
    (later,) = _store(db, [(URL, fetches[2])])
    assert query(db, f"SELECT base FROM {STORED} ORDER BY first DESC LIMIT 1") == [(None,)]
    assert _read(db, later) == fetches[2]


def test_commands_say_which_page_is_lost_and_go_on(db: Path, fetches: list[bytes], tmp_path: Path) -> None:
    ids = _store(db, [(URL, fetches[0]), (URL, fetches[1])])
    _damage(db, hashlib.sha256(fetches[1]).hexdigest())
    runner = CliRunner()
    result = runner.invoke(app, ["page", "--page", str(ids[1]), "--db", str(db)])
    assert isinstance(result.exception, ArchiveError) and result.exception.exit_code == 1  # main(): one line, 1
    assert "page 2 (https://x.example/actions/1) cannot be restored: body" in str(result.exception)
    ok = runner.invoke(app, ["page", "--page", str(ids[0]), "--db", str(db)])
    assert ok.exit_code == 0 and ok.stdout_bytes == fetches[0]
    warc = runner.invoke(app, ["export", "--format", "warc", "--out", str(tmp_path / "x.warc.gz"), "--db", str(db)])
    assert isinstance(warc.exception, ArchiveError) and "1 page(s) could not be restored" in str(warc.exception)
    assert "left out https://x.example/actions/1: body" in warc.output and "wrote 1 responses" in warc.output


def test_reparse_reports_a_lost_page_and_reads_the_others(db: Path, fetches: list[bytes]) -> None:
    from tests.snapshots.helpers import make_action

    a, b = make_action("1"), make_action("2")
    with Archive(db) as archive:
        run = archive.begin_run(a.site, f"https://{a.site}/actions")
        for action, body in ((a, fetches[0]), (b, fetches[6])):
            page = archive.store_page(run, action.url, 200, {}, body)
            archive.store_observation(run, page, "parsed", url=action.url, record=action)
        archive.end_run(run, "complete")
    _damage(db, hashlib.sha256(fetches[0]).hexdigest())
    with Archive(db) as archive:
        report = reparse(archive, lambda body, url: b if url == b.url else a)
    assert (report.examined, report.failed, report.changed) == (2, 1, 0)
    assert "1: " in report.errors[0] and "damaged" in report.errors[0]


def test_a_rolled_back_body_is_never_a_reference(db: Path, fetches: list[bytes]) -> None:
    with Archive(db) as archive:
        with pytest.raises(RuntimeError), archive.bulk():
            run = archive.begin_run("x.example", "https://x.example/actions")
            archive.store_page(run, URL, 200, {}, fetches[0])
            raise RuntimeError("the run is abandoned")
        run = archive.begin_run("x.example", "https://x.example/actions")
        page = archive.store_page(run, URL, 200, {}, fetches[1])
    assert query(db, "SELECT count(*), count(base) FROM bodies") == [(1, 0)]
    assert _read(db, page) == fetches[1]
