"""Action URLs from list pages of every era and from sitemaps, on snippets shaped like the reference's."""

from __future__ import annotations

import json

from scraper.listing import PlanScope, action_urls_from_list, action_urls_from_sitemap, page_language

BASE = "https://ilmastovahti.hel.fi"
SCOPE = PlanScope.of(BASE + "/actions")

V1_LIST = b"""<html lang="fi"><body><div id="__next">
<nav><a class="nav-link" href="/actions">Toimenpiteet</a><a href="/indicators">Mittarit</a></nav>
<h2>Rakentaminen</h2>
<div class="row"><div class="col-6 col-sm-4 col-lg-3 col-xl-2"><a href="/actions/110"><div class="bg-on_time">
<span class="action-number">110</span></div><div class="card-title">Kaavoitus</div></a></div>
<div class="col-6"><a href="/actions/111"><span class="action-number">111</span></a></div></div>
<h2>Liikenne</h2>
<div class="row"><div class="col-6"><a href="/actions/111">dup in a second theme</a></div>
<div class="col-6"><a href="/actions/2.1.10">x</a></div>
<a href="/actions?organization=4">filter</a><a href="https://elsewhere.fi/actions/5">off-site</a>
<a href="/en/actions/7">english</a><a href="/lumo/actions/8">other plan</a></div>
</div></body></html>"""


def test_v1_cards_in_order_deduplicated_and_scoped() -> None:
    urls = action_urls_from_list(V1_LIST, BASE + "/actions", SCOPE)
    assert urls == [BASE + "/actions/110", BASE + "/actions/111", BASE + "/actions/2.1.10"]


def test_v1_next_data_apollo_cache_refs_resolved() -> None:
    data = {
        "props": {"apolloState": {"data": {
            "ROOT_QUERY": {'planActions({"plan":"hnh2035"})': [
                {"type": "id", "id": "Action:1", "generated": False},
                {"type": "id", "id": "Action:2", "generated": False},
            ]},
            "Action:1": {"id": "1", "identifier": "a1147", "__typename": "Action"},
            "Action:2": {"id": "2", "identifier": "L3.2", "__typename": "Action"},
        }}},
    }
    body = ('<html><body><div id="__next"></div><script id="__NEXT_DATA__" type="application/json">'
            + json.dumps(data) + "</script></body></html>").encode()
    assert action_urls_from_list(body, BASE + "/actions", SCOPE) == [BASE + "/actions/a1147", BASE + "/actions/L3.2"]


def test_v2_apollo3_refs() -> None:
    data = {"props": {"apolloState": {
        "ROOT_QUERY": {'planActions({"plan":"x"})': [{"__ref": "Action:9"}]},
        "Action:9": {"identifier": "9"},
    }}}
    body = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'.encode()
    assert action_urls_from_list(body, BASE + "/actions", SCOPE) == [BASE + "/actions/9"]


V3_LIST = b"""<!DOCTYPE html><html lang="fi"><head></head><body>
<main id="main"><template id="B:3"></template><div>Ladataan</div></main><footer>...</footer>
<div hidden id="S:3"><h1>Toimenpiteet</h1><div id="dashboard-view">
<a href="/actions/110"><div class="mui-1-ActionCard-ActionNumber">110</div></a>
<a href="/actions/111"><div class="mui-1-ActionCard-ActionNumber">111</div></a></div></div>
<script>$RC("B:3","S:3")</script>
<script>(window[Symbol.for("ApolloSSRDataTransport")] ??= []).push({"rehydrate":{"x":{"data":undefined}},
"events":[{"type":"started","options":{"query":"query DashboardActionList"}},{"type":"next","value":{"data":
{"plan":{"id":"hnh2035"},"planActions":[{"identifier":"110","name":"A","extra":undefined},
{"identifier":"111","name":"B"},{"identifier":"112","name":"C"}]}}},{"type":"completed"}]})</script>
</body></html>"""


def test_v3_hidden_streamed_cards_and_ssr_transport_data() -> None:
    urls = action_urls_from_list(V3_LIST, BASE + "/actions", SCOPE)
    assert urls == [BASE + "/actions/110", BASE + "/actions/111", BASE + "/actions/112"]


def test_plan_under_base_path_and_language_prefix() -> None:
    scope = PlanScope.of("https://ilmastovahti.tampere.fi/en/lumo/actions")
    body = b'<a href="/en/lumo/actions/1">a</a><a href="/lumo/actions/2">b</a><a href="actions/3">rel</a>'
    urls = action_urls_from_list(body, "https://ilmastovahti.tampere.fi/en/lumo/actions", scope)
    # a relative href resolves against the list URL, so "actions/3" stays in /en/lumo
    assert urls == ["https://ilmastovahti.tampere.fi/en/lumo/actions/1", "https://ilmastovahti.tampere.fi/en/lumo/actions/3"]


def test_identifiers_spelled_differently_are_one_action() -> None:
    body = b'<a href="/actions/%C3%A41">a</a><a href="/actions/\xc3\xa41/">b</a>'
    assert action_urls_from_list(body, BASE + "/actions", SCOPE) == [BASE + "/actions/%C3%A41"]


def test_sitemap_and_index() -> None:
    sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{BASE}/</loc></url><url><loc> {BASE}/actions/1 </loc><lastmod>2019-10-23</lastmod></url>
<url><loc>{BASE}/actions/2?a=1&amp;b=2</loc></url><url><loc>https://other.fi/actions/3</loc></url>
</urlset>""".encode()
    assert action_urls_from_sitemap(sitemap, SCOPE) == ([BASE + "/actions/1", BASE + "/actions/2"], [])
    index = f"""<sitemapindex><sitemap><loc>{BASE}/sitemap-actions.xml</loc></sitemap></sitemapindex>""".encode()
    assert action_urls_from_sitemap(index, SCOPE) == ([], [BASE + "/sitemap-actions.xml"])


def test_page_language() -> None:
    assert page_language(b'<!DOCTYPE html><html lang="sv-FI">') == "sv"
    assert page_language(b"<html lang=en>") == "en"
    assert page_language(b'<html lang="de">') is None
    assert page_language(b"<html>") is None
