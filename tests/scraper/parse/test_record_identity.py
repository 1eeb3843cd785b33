"""Speed never changes a record: the records and warnings of every replica page (every era × language × plan, with
the round-trip tests' variation seeds) are pinned as the parser gave them before it was made fast.

Regenerate only when a record rule changes on purpose (never to make a speed-up pass):
    .venv/bin/python -m tests.scraper.parse.test_record_identity --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from scraper.parse import parse_page
from scraper.replica import ReplicaConfig, ReplicaServer
from tests.scraper.helpers import ROUNDTRIP_CASES, roundtrip_variation

FIXTURE = Path(__file__).parent / "fixtures" / "record_hashes.json"
_HOST = "replica.invalid"


def _digest(text: str, base: str, n: int) -> str:
    return hashlib.sha256(text.replace(urlsplit(base).netloc, _HOST).encode("utf-8")).hexdigest()[:n]


def case_digests(srv: ReplicaServer, client: httpx.Client) -> dict[str, str]:
    """identifier → "<record digest>:<warnings digest>", the server's host and port taken out."""
    base = srv.base_url
    out = {}
    for ident, want in srv.expected_records().items():
        result = parse_page(client.get(want.url).content, want.url)
        record = json.dumps(result.action.content_dict(), sort_keys=True, ensure_ascii=False, default=str)
        warnings = json.dumps([(w.field, w.message) for w in result.warnings], ensure_ascii=False)
        out[ident] = f"{_digest(record, base, 16)}:{_digest(warnings, base, 8)}"
    return out


def _case_id(era: str, lang: str, plan: str) -> str:
    return f"{era}-{lang}-{plan}"


def _digests_of(era: str, lang: str, plan: str, client: httpx.Client) -> dict[str, str]:
    srv = ReplicaServer(ReplicaConfig(era=era, lang=lang, plan=plan,
                                      variation_seed=roundtrip_variation(era, lang, plan))).start()
    try:
        return case_digests(srv, client)
    finally:
        srv.stop()


@pytest.mark.parametrize(("era", "lang", "plan"), ROUNDTRIP_CASES, ids=[_case_id(*c) for c in ROUNDTRIP_CASES])
def test_records_and_warnings_are_unchanged(era: str, lang: str, plan: str) -> None:
    pinned: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))[_case_id(era, lang, plan)]
    with httpx.Client(timeout=10.0) as client:
        got = _digests_of(era, lang, plan, client)
    differing = [ident for ident in pinned if got.get(ident) != pinned[ident]]
    assert list(got) == list(pinned), "the replica's chain changed: regenerate the fixture deliberately"
    assert not differing, f"{len(differing)} records or warnings changed, e.g. {differing[:5]}"


def _write() -> None:
    out: dict[str, dict[str, str]] = {}
    with httpx.Client(timeout=10.0) as client:
        for era, lang, plan in ROUNDTRIP_CASES:
            out[_case_id(era, lang, plan)] = _digests_of(era, lang, plan, client)
    FIXTURE.write_text(json.dumps(out, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE} ({sum(len(v) for v in out.values())} pages)")


if __name__ == "__main__" and "--write" in sys.argv:
    _write()
