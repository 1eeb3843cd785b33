"""Random and mutilated pages: the parser returns a record or raises ParseError, never anything else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.action import Action
from scraper.parse import ParseError, parse_page
from tests.scraper.parse.v3_page import page as v3_page

SEED = (Path(__file__).resolve().parents[3] / "scraper" / "samples" / "action-111-v1early.html").read_bytes()
PAGES = [SEED, v3_page(), v3_page(embedded=False)]
URL = "https://ilmastovahti.hel.fi/actions/111"
SNIPPETS = [b"<div>", b"</div>", b"<h2>Teht\xc3\xa4v\xc3\xa4t</h2>", b"<li>", b"&nbsp;", b"&#0;", b"&amp;amp;",
            b"<script>", b"\xff\xfe", b"<h1>", b"<a href='/actions/1'>Seuraava</a>", b"<!--", b"]]>", b'"', b"\x00",
            b"<ul><li>" * 50, b"<template>", b"<svg><title>Tehty</title>", b"self.__next_f.push([1,\"17:{\\\"action\\\":{"]


def _check(html: bytes) -> None:
    try:
        result = parse_page(html, URL)
    except ParseError:
        return
    assert isinstance(result.action, Action)
    Action.model_validate_json(result.action.model_dump_json())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _check(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(PAGES),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 0.05), st.sampled_from(["delete", "dup", "insert", "swap"]),
                            st.sampled_from(SNIPPETS)), min_size=1, max_size=6),
)
def test_mutilated_real_pages(base: bytes, cuts: list[tuple[float, float, str, bytes]]) -> None:
    html = bytearray(base)
    for where, length, op, snippet in cuts:
        start = int(where * len(html))
        end = min(len(html), start + int(length * len(html)))
        if op == "delete":
            del html[start:end]
        elif op == "dup":
            html[start:start] = html[start:end]
        elif op == "insert":
            html[start:start] = snippet
        else:
            piece = bytes(html[start:end])
            del html[start:end]
            html[len(html) // 2 : len(html) // 2] = piece
    _check(bytes(html))


def test_deep_nesting_does_not_crash() -> None:
    deep = b"<div>" * 20000 + b"<h1>x</h1>" + b"</div>" * 20000
    _check(deep)
    _check(SEED.replace(b"<p>&nbsp;</p>", b"<span>" * 5000 + b"t" + b"</span>" * 5000))


def test_huge_attribute_and_many_entities() -> None:
    _check(SEED.replace(b'<h1 class="', b'<h1 data-x="' + b"a" * 200_000 + b'" class="'))
    _check(SEED.replace(b"<p>&nbsp;</p>", b"<p>" + b"&auml;&#228;&#xe4;" * 5000 + b"</p>"))
