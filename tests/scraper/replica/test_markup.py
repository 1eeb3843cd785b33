"""The markup the reference describes is really served: one test per trait a parser has to cope with."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

PUSH = re.compile(r'<script>self\.__next_f\.push\(\[1,("(?:[^"\\]|\\.)*")\]\)</script>')


def flight_rows(html: str) -> list[str]:
    payload = "".join(json.loads(m) for m in PUSH.findall(html))
    return payload.split("\n")


def test_v3_streams_the_body_after_the_footer_behind_scripts(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    html = client.get(srv.action_url("111")).text
    body_at = html.index('data-testid="action-page"')
    assert html.index("</footer>") < body_at
    assert html.rindex('<div hidden id="S:2">', 0, body_at) > 0
    assert '$RC("B:2","S:2")' in html[body_at:]
    assert len(html[:html.index("<main")].encode()) > 100_000  # ~140 KB of scripts before any visible markup
    assert '<template id="B:2"></template>' in html[html.index("<main"):html.index("</main>")]
    assert len(PUSH.findall(html)) >= 10
    assert "\\u003c" in html


def test_v3_flight_holds_the_action_split_mid_row_with_dollar_doubling(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    plan = srv.site.plan
    dollar = next(a for a in plan.actions if (a.official_name or "").startswith("$"))
    html = client.get(srv.action_url(dollar.identifier)).text
    pieces = [json.loads(m) for m in PUSH.findall(html)]
    assert any(not p.endswith("\n") for p in pieces[:-1]), "chunks should cut rows in the middle"
    row = next(r for r in flight_rows(html) if '{"action":' in r)
    props = json.loads(row.split(":", 1)[1])[3]
    assert props["action"]["identifier"] == dollar.identifier
    assert props["action"]["officialName"] == "$" + dollar.official_name
    assert props["extraPlanData"]["actionListPage"]["detailsMainTop"]
    # the whole translation bundle is in the scripts: labels occur in script text
    assert "Toteutetaan aikavälillä" in "\n".join(flight_rows(html))


def test_v3_trait_markup(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", test_banner=True)
    html = client.get(srv.action_url("111")).text
    assert re.search(r'<h1 class="mui-[a-z0-9]+-ActionHero-ActionHeadline[^"]*"><span class="mui-[a-z0-9]+-'
                     r'ActionHero-ActionNumber[^"]*">111</span><span[^>]*>Julkisten', html)
    assert "Tietoja päivitetty<!-- --> <!-- -->15.10.2019" in html
    assert 'aria-label="null Palu_Ympa"' in html
    assert re.search(r"<title>Tehty</title>[^<]*(<path[^>]*></path>)?</svg><span[^>]*>31\.03\.2019</span>", html)
    assert 'aria-label="Pääyhteyshenkilö Mia Malin"' in html
    assert "<strong>TESTI</strong> Tämä on palvelun testiversio" in html
    assert '<meta name="robots" content="noindex"/>' in html
    assert re.search(r"<h2>\s+Eteneminen\s*</h2>", html) and 'class="phase-name"' in html
    assert "<h2>Mittarit</h2>" not in html  # 111 has no indicators: V3 renders no heading for an empty block


def test_v3_collaborator_gets_the_inverted_main_label(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    plan = srv.site.plan
    action = next(a for a in plan.live_actions() if any(p.role == "COLLABORATOR" for p in a.responsible))
    html = client.get(srv.action_url(action.identifier)).text
    assert 'aria-label="Päävastuuorganisaatio: ' in html


def test_v3_missing_action_is_200_with_marker(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    resp = client.get(srv.action_url("99999"))
    assert resp.status_code == 200
    assert '<template data-dgst="NEXT_HTTP_ERROR_FALLBACK;404">' in resp.text
    assert 'content="noindex"' in resp.text and 'data-testid="action-page"' not in resp.text


@pytest.mark.parametrize("era", ["v1early", "v1", "v2"])
def test_pages_router_eras_answer_404_for_unknown_ids(serve: Any, client: httpx.Client, era: str) -> None:
    srv = serve(era=era)
    assert client.get(srv.action_url("99999")).status_code == 404


def test_v3_hidden_pager_keeps_neighbours_in_embedded_data_only(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", hide_pager=True)
    html = client.get(srv.action_url("111")).text
    assert "Edellinen" not in html.split('data-testid="action-page"')[1]
    assert srv.expected_records()["111"].previous_url is not None
    row = next(r for r in flight_rows(html) if '{"action":' in r)
    assert '"nextAction":{' in row


def test_v1early_layout(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1early", prefix="/action", test_banner=True)
    html = client.get(srv.action_url("111")).text
    assert srv.action_url("111").endswith("/action/111")
    assert "<strong>Toimenpideohjelman mukaisesti</strong>" in html
    assert re.search(r">01\.03\.2019</span> \| <span>Valitaan yhteyshenkilö", html)
    assert '<a href="/#actions"><h4>Toimenpiteet</h4></a>' in html
    assert '"generated":false' in html and '"type":"id"' in html
    assert "<span> | </span>" in html


def test_v1_late_layout(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1")
    plan = srv.site.plan
    with_update = next(a for a in plan.live_actions() if a.status_updates)
    html = client.get(srv.action_url(with_update.identifier)).text
    assert 'alt="name"' in html and "Viimeisimmät päivitykset" in html
    assert "<h6>" in html and 'aria-label="Päävastuutaho: ' in html
    assert "Toimenpideohjelman mukaan" in html or with_update.official_name is None
    assert ">Mittarit</h2>" in html


def test_v2_layout(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v2")
    html = client.get(srv.action_url("111")).text
    assert '<nav aria-label="Actions Pager">' in html
    assert '{"__ref":"Action:1111"}' in html
    assert " | " not in html.split('aria-label="Actions Pager"')[1].split("</nav>")[0]
    assert "<h3>Vastuuorganisaatiot</h3>" in html


def test_variation_changes_markup_not_content(serve: Any, client: httpx.Client) -> None:
    a = serve(era="v3", variation_seed=1)
    b = serve(era="v3", variation_seed=2)
    html_a, html_b = (client.get(s.action_url("111")).text for s in (a, b))
    assert html_a != html_b
    cls_a = re.search(r'class="(mui-[a-z0-9]+)-ActionHero-ActionNumber', html_a)
    cls_b = re.search(r'class="(mui-[a-z0-9]+)-ActionHero-ActionNumber', html_b)
    assert cls_a and cls_b and cls_a.group(1) != cls_b.group(1)
    def portless(srv: Any) -> str:
        records = {k: v.content_dict() for k, v in srv.expected_records().items()}
        return json.dumps(records, sort_keys=True).replace(srv.base_url, "BASE").replace(
            srv.base_url.split("://")[1], "HOST")

    assert portless(a) == portless(b)


def test_redesign_drops_embedded_data_and_renames_headings(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", redesign=True)
    html = client.get(srv.action_url("111")).text
    assert '{"action":' not in "\n".join(flight_rows(html))
    assert "Vastuutahot ja kumppanit" in html
    v1 = serve(era="v1", redesign=True)
    assert "__NEXT_DATA__" not in client.get(v1.action_url("111")).text


@pytest.mark.parametrize(("lang", "words"), [("sv", ("Tidigare", "Nästa", 'lang="sv"')),
                                              ("en", ("Previous", "Next", 'lang="en"'))])
def test_other_languages_under_prefix(serve: Any, client: httpx.Client, lang: str, words: tuple[str, ...]) -> None:
    srv = serve(era="v3", lang=lang)
    assert srv.start_url.endswith(f"/{lang}/actions")
    html = client.get(srv.action_url("111")).text
    assert all(w in html for w in words)


def test_small_plans_identifiers_and_base_path(serve: Any, client: httpx.Client) -> None:
    tampere = serve(era="v3", plan="tampere")
    assert "2.1.10" in tampere.chain()
    assert tampere.action_url("2.1.10").endswith("/lumo/actions/2.1.10")
    assert tampere.expected_records()["2.1.10"].plan_path == "/lumo"
    assert client.get(tampere.action_url("2.1.10")).status_code == 200
    espoo = serve(era="v1", plan="espoo")
    assert "a1147" in espoo.chain()


def test_prev_next_follow_order_not_identifier(serve: Any) -> None:
    srv = serve(era="v3")
    chain = srv.chain()
    assert len(chain) == 150 and chain != sorted(chain, key=int)
    records = srv.expected_records()
    assert records[chain[0]].previous_url is None and records[chain[-1]].next_url is None
    assert records[chain[5]].next_url == srv.action_url(chain[6])
    assert any("seuraavaa" in (r.description or "") for r in records.values())
