"""The parser against mutated real pages of every front-end era the replica serves: nodes deleted, duplicated and
moved; entities, huge attributes, deep nesting and invalid UTF-8 injected. It must return a valid record or raise
ParseError (ActionNotFound is one), nothing else. Crashes found become the regression tests at the bottom.

The CI run is short; `VAHTI_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/reliability/test_fuzz_replica_pages.py` runs
the same strategies longer.
"""

from __future__ import annotations

import os
from functools import cache

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from schemas.action import Action
from scraper.parse import ParseError, parse_page
from scraper.replica import ReplicaConfig, ReplicaServer

EXAMPLES = int(os.environ.get("VAHTI_FUZZ_EXAMPLES", "40"))
ERAS = ["v1early", "v1", "v2", "v3"]


@cache
def replica_pages() -> tuple[tuple[str, bytes], ...]:
    """(url, body) of two actions per era, one in the plainest markup and one with seeded markup variation."""
    pages: list[tuple[str, bytes]] = []
    for era in ERAS:
        for variation in (None, 7):
            with ReplicaServer(ReplicaConfig(era=era, plan="tampere", variation_seed=variation)) as srv:
                ident = srv.chain()[2 if variation else 0]
                url = srv.action_url(ident)
                pages.append((url, httpx.get(url, timeout=30).content))
    return tuple(pages)


def check(html: bytes, url: str) -> None:
    try:
        result = parse_page(html, url)
    except ParseError:
        return
    assert isinstance(result.action, Action)
    Action.model_validate_json(result.action.model_dump_json())


INJECTIONS = [b"&amp;&lt;&#0;&#x110000;&#xD800;&nbsp;&shy;&auml;&bogus;", b"\xff\xfe\xc3\x28\xe2\x82", b"\x00\x00",
              b"<div>" * 3000 + b"<h2>Teht\xc3\xa4v\xc3\xa4t</h2>" + b"</div>" * 3000,
              b'<a href="javascript:alert(1)" data-x="' + b"A" * 300_000 + b'">Seuraava</a>',
              b'<script id="__NEXT_DATA__" type="application/json">{"props":', b"<![CDATA[", b"</html><html>",
              b'<h2>Vastuutahot</h2><ul><li></li></ul>', b'self.__next_f.push([1,"5:{\\"action\\":null}"])']


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    url, body = draw(st.sampled_from(replica_pages()))
    tree = LexborHTMLParser(body)
    html = tree.html or ""
    nodes = [n for n in (tree.body.traverse() if tree.body else []) if n.tag and not n.tag.startswith("-")]
    for _ in range(draw(st.integers(1, 4))):
        if not nodes:
            break
        node = nodes[draw(st.integers(0, len(nodes) - 1))]
        piece = node.html or ""
        op = draw(st.sampled_from(["delete", "duplicate", "move"]))
        if not piece or piece not in html:
            continue
        if op == "delete":
            html = html.replace(piece, "", 1)
        elif op == "duplicate":
            html = html.replace(piece, piece * draw(st.integers(2, 5)), 1)
        else:
            html = html.replace(piece, "", 1)
            at = draw(st.integers(0, len(html)))
            html = html[:at] + piece + html[at:]
    data = html.encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(INJECTIONS)) + data[at:]
    return url, data


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_replica_pages_parse_or_raise_parse_error(case: tuple[str, bytes]) -> None:
    url, html = case
    check(html, url)


def test_every_era_parses_unmutated() -> None:
    for url, body in replica_pages():
        assert parse_page(body, url).action.name


def test_regression_huge_attribute_deep_nesting_and_invalid_utf8_on_every_era() -> None:
    """The extremes of the injections above, each on every era's page, at fixed places."""
    for url, body in replica_pages():
        for blob in INJECTIONS:
            for at in (0, len(body) // 3, body.find(b"<h1") if b"<h1" in body else 0, len(body)):
                check(body[:at] + blob + body[at:], url)
