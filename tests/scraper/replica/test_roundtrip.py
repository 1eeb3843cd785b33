"""The round trip: every page of every era, language and bundled plan, fetched over HTTP and parsed by the
project's parser, must give back exactly the replica's ground truth. Several markup variation seeds run, so
a pass means the parser anchors on what is really stable, not on one rendering.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scraper.parse import parse_page
from tests.scraper.helpers import ROUNDTRIP_CASES, record_differences, roundtrip_variation

CASES = ROUNDTRIP_CASES
_variation = roundtrip_variation


def _roundtrip(srv: Any, client: httpx.Client, limit: int = 8) -> list[str]:
    problems: list[str] = []
    expected = srv.expected_records()
    assert list(expected) == srv.chain()
    for ident, want in expected.items():
        resp = client.get(want.url)
        assert resp.status_code == 200, f"{want.url}: HTTP {resp.status_code}"
        try:
            got = parse_page(resp.content, want.url).action
        except Exception as exc:  # the parser's failure is the finding, not a crash of the test
            problems.append(f"{ident}: parser raised {type(exc).__name__}: {exc}")
            continue
        problems += [f"{ident}: {line}" for line in record_differences(got, want)]
    if len(problems) > limit:
        problems = [*problems[:limit], f"… and {len(problems) - limit} more differences"]
    return problems


@pytest.mark.parametrize(("era", "lang", "plan"), CASES, ids=["-".join(c) for c in CASES])
def test_every_page_parses_to_the_ground_truth(serve: Any, client: httpx.Client, era: str, lang: str,
                                               plan: str) -> None:
    srv = serve(era=era, lang=lang, plan=plan, variation_seed=_variation(era, lang, plan))
    problems = _roundtrip(srv, client)
    assert not problems, f"{era}/{lang}/{plan} (variation {_variation(era, lang, plan)}):\n" + "\n".join(problems)


@pytest.mark.parametrize("variation_seed", [11, 12, 13])
@pytest.mark.parametrize("era", ["v1", "v3"])
def test_more_variation_seeds_on_small_plans(serve: Any, client: httpx.Client, era: str,
                                             variation_seed: int) -> None:
    for plan in ("tampere", "espoo"):
        srv = serve(era=era, plan=plan, variation_seed=variation_seed)
        problems = _roundtrip(srv, client)
        assert not problems, f"{era}/{plan} (variation {variation_seed}):\n" + "\n".join(problems)


@pytest.mark.parametrize(("era", "options"), [
    ("v3", {"hide_pager": True}),
    ("v3", {"test_banner": True}),
    ("v1early", {"test_banner": True, "prefix": "/action"}),
    ("v2", {"day": 6}),
    ("v3", {"day": 9, "variation_seed": 5}),
])
def test_switches_and_later_days_roundtrip(serve: Any, client: httpx.Client, era: str,
                                           options: dict[str, Any]) -> None:
    srv = serve(era=era, plan="tampere", **options)
    problems = _roundtrip(srv, client)
    assert not problems, f"{era} {options}:\n" + "\n".join(problems)
