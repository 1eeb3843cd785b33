"""The replica is never kinder than the real site (reference sections 11 and 12): badges inside tooltip buttons,
all categories in one breadcrumb in an order of its own, no status rendered as nothing, rich text with sub-headings
and tables, headings with whitespace inside, V1's sidebar line right after the description. One test per trait;
the expected values are derived here from the plan state, not from the replica's renderers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scraper.replica import render_v3
from scraper.replica.model import ActionData, PlanData
from tests.scraper.replica.test_markup import flight_rows

MAIN_LABEL = {"fi": "Päävastuuorganisaatio", "sv": "Huvudansvarig", "en": "Main responsible"}


def _find(plan: PlanData, pred: Callable[[ActionData], bool]) -> ActionData:
    return next(a for a in plan.live_actions() if pred(a))


def _primary(plan: PlanData, action: ActionData) -> list[int]:
    return [pk for pk in action.category_pks if plan.categories[pk].type_identifier == "theme"]


def _body(html: str) -> str:
    """The streamed action page, without the scripts (whose translation bundle holds every label)."""
    return html[html.index('data-testid="action-page"'):]


def _action_row(html: str) -> dict[str, Any]:
    row = next(r for r in flight_rows(html) if '{"action":' in r)
    return json.loads(row.split(":", 1)[1])[3]["action"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_v3_organisation_badges_are_tooltip_buttons_with_the_real_aria_labels(serve: Any, client: httpx.Client,
                                                                             lang: str) -> None:
    srv = serve(era="v3", lang=lang)
    plan = srv.site.plan
    shapes = [
        lambda r, o: r.role == "PRIMARY" and bool(o.abbreviation),
        lambda r, o: r.role == "COLLABORATOR" and bool(o.abbreviation),
        lambda r, o: r.role is None and bool(o.abbreviation),
        lambda r, o: r.role == "COLLABORATOR" and o.abbreviation == "",
        lambda r, o: r.role is None and o.abbreviation == "",
        lambda r, o: o.abbreviation is None,
    ]
    for shape in shapes:
        action = _find(plan, lambda a, s=shape: any(s(r, plan.orgs[r.org_pk]) for r in a.responsible))
        html = _body(client.get(srv.action_url(action.identifier)).text)
        assert re.search(r"<h3>\n\t+" + re.escape({"fi": "Vastuuorganisaatiot", "sv": "Ansvariga organisationer"}[lang])
                         + r"\s*</h3>", html)
        for party in action.responsible:
            org = plan.orgs[party.org_pk]
            label = f"{'null' if org.abbreviation is None else org.abbreviation} {org.name}"
            if party.role == "COLLABORATOR":  # the inverted bug of HEAD's OrganizationChip
                label = f"{MAIN_LABEL[lang]}: {label}"
            size = {"PRIMARY": "lg", "COLLABORATOR": "sm"}.get(party.role or "", "md")
            badge = (rf'<li><a href="[^"]*/organizations/{org.pk}"><span id="bttorg-{org.pk}"><button type="button" '
                     rf'class="mui-[^"]+" data-rac=""><span class="{size} mui-[a-z0-9]+-BadgeTooltip-StyledBadge[^"]*" '
                     rf'aria-label="{re.escape(label)}"><span class="mui-[a-z0-9]+-BadgeTooltip-TruncatedContent[^"]*">'
                     rf"{re.escape(org.abbreviation or org.name)}</span></span></button></span></a>")
            assert re.search(badge, html), f"{action.identifier}: no badge {label!r}"
    empty = _find(plan, lambda a: any(r.role == "COLLABORATOR" and plan.orgs[r.org_pk].abbreviation == ""
                                      for r in a.responsible))
    assert f'aria-label="{MAIN_LABEL[lang]}:  ' in client.get(srv.action_url(empty.identifier)).text  # two spaces


def test_v3_specifier_follows_the_badge_and_is_no_organisation(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    plan = srv.site.plan
    action = _find(plan, lambda a: any(r.specifier for r in a.responsible))
    party = next(r for r in action.responsible if r.specifier)
    html = _body(client.get(srv.action_url(action.identifier)).text)
    assert re.search(rf'</button></span></a><div class="[^"]*Specifier[^"]*">{re.escape(party.specifier or "")}'
                     r"</div></li>", html)
    record = srv.expected_records()[action.identifier]
    assert len(record.responsible_organizations) == len(action.responsible)
    assert _action_row(client.get(srv.action_url(action.identifier)).text)["responsibleParties"][
        action.responsible.index(party)]["specifier"] == party.specifier


def test_v3_category_blocks_per_type_and_one_breadcrumb_in_its_own_order(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    plan = srv.site.plan
    action = _find(plan, lambda a: any(plan.categories[pk].parent_pk in _primary(plan, a) for pk in _primary(plan, a))
                   and any(plan.categories[pk].type_identifier == "sector" for pk in a.category_pks))
    data = _primary(plan, action)
    html = client.get(srv.action_url(action.identifier)).text
    body = _body(html)
    # the aside: one block per type, the type's name as heading, badges in data order inside tooltip buttons
    theme = body[re.search(r"<h3>\s+Teema\s*</h3>", body).end():]  # type: ignore[union-attr]
    theme = theme[:theme.index("</div></div>")]
    assert [int(x) for x in re.findall(r'<span id="btt(\d+)">', theme)] == data
    for pk in data:
        assert re.search(rf'<a href="/actions\?cat-theme={pk}"><span id="btt{pk}"><button type="button" '
                         rf'class="mui-[^"]+" data-rac=""><span class="md mui-[a-z0-9]+-BadgeTooltip-StyledBadge[^"]*">'
                         rf'<span class="mui-[a-z0-9]+-BadgeTooltip-TruncatedContent[^"]*">'
                         rf"{re.escape(plan.categories[pk].name)}</span>", theme)
    assert re.search(r"<h3>\s+Päästösektori\s*</h3><div[^>]*><a href=\"/actions\?cat-sector=\d+\"><span id=\"btt",
                     body)
    # the hero: every primary category in ONE container, in an order that differs from the data's
    hero = body[:body.index("</header>")]
    assert hero.count("ActionHero-Breadcrumbs") == 1
    crumbs = [int(x) for x in re.findall(r'<span id="crumb-(\d+)"><a href="/actions\?cat-theme=\1">', hero)]
    assert sorted(crumbs) == sorted(data) and crumbs != data
    # embedded data tells a parent/child pair from siblings
    cats = {c["id"]: c for c in _action_row(html)["categories"]}
    child = next(pk for pk in data if plan.categories[pk].parent_pk in data)
    assert cats[str(child)]["parent"]["id"] == str(plan.categories[child].parent_pk)
    assert cats[str(child)]["type"]["identifier"] == "theme"
    record = srv.expected_records()[action.identifier]
    assert record.categories == [plan.categories[pk].name for pk in data]
    assert record.extra_sections["Päästösektori"] == ", ".join(
        plan.categories[pk].name for pk in action.category_pks if plan.categories[pk].type_identifier == "sector")


def test_v3_breadcrumb_shows_a_parent_only_when_it_is_assigned(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", plan="tampere")
    plan = srv.site.plan
    action = _find(plan, lambda a: len(_primary(plan, a)) == 1 and plan.categories[_primary(plan, a)[0]].parent_pk)
    hero = _body(client.get(srv.action_url(action.identifier)).text).split("</header>")[0]
    assert re.findall(r'<span id="crumb-(\d+)">', hero) == [str(_primary(plan, action)[0])]


def test_without_a_primary_category_block_the_breadcrumb_order_is_the_truth(serve: Any, client: httpx.Client) -> None:
    plan0 = serve(era="v3", plan="tampere").site.plan
    seed = next(s for s in range(100) if not render_v3.shows_primary_category_block(
        plan0, render_v3.layout(plan0, s, True, "fi")))
    srv = serve(era="v3", plan="tampere", variation_seed=seed)
    plan = srv.site.plan
    action = _find(plan, lambda a: len(_primary(plan, a)) >= 2)
    body = _body(client.get(srv.action_url(action.identifier)).text)
    assert not re.search(r"<h3>\s+Teema\s*</h3>", body)
    crumbs = [int(x) for x in re.findall(r'<span id="crumb-(\d+)">', body.split("</header>")[0])]
    assert crumbs != _primary(plan, action)
    assert srv.expected_records()[action.identifier].categories == [plan.categories[pk].name for pk in crumbs]


@pytest.mark.parametrize(("lang", "label"), [("fi", "Tuntematon"), ("sv", "Okänd"), ("en", "Unknown")])
def test_v3_no_status_renders_nothing_while_the_flight_says_undefined(serve: Any, client: httpx.Client, lang: str,
                                                                     label: str) -> None:
    srv = serve(era="v3", lang=lang)
    plan = srv.site.plan
    assert sum(1 for a in plan.live_actions() if a.status_id is None) >= 2
    action = _find(plan, lambda a: a.status_id is None)
    html = client.get(srv.action_url(action.identifier)).text
    body = _body(html)
    progress = {"fi": "Eteneminen", "sv": "Framsteg", "en": "Progress"}[lang]
    assert progress not in body and "phase-name" not in body and "StatusBadge" not in body
    obj = _action_row(html)
    assert obj["status"] is None and obj["implementationPhase"] is None
    assert obj["statusSummary"]["identifier"] == "UNDEFINED" and obj["statusSummary"]["label"] == label
    record = srv.expected_records()[action.identifier]
    assert record.status is None and record.implementation_phase is None


@pytest.mark.parametrize("era", ["v1early", "v1", "v2"])
def test_no_status_in_older_eras_shows_the_heading_only(serve: Any, client: httpx.Client, era: str) -> None:
    srv = serve(era=era)
    action = _find(srv.site.plan, lambda a: a.status_id is None)
    html = client.get(srv.action_url(action.identifier)).text
    if era == "v2":  # heading and an inactive phase timeline, no badge
        assert "<h3>Eteneminen</h3>" in html and "phase-name" in html and 'aria-current="step"' not in html
        assert "StatusBadge" not in html
    else:  # the 2019 widget: heading over an empty bar without a label
        assert re.search(r'<h5>Eteneminen</h5><div class="[^"]+"><div class="progress bg-"><div class="progress-bar '
                         r'" [^>]*><div class="[^"]*StatusTitle[^"]*"></div>', html)
    assert srv.expected_records()[action.identifier].status is None


@pytest.mark.parametrize("era", ["v1early", "v1", "v2", "v3"])
def test_descriptions_hold_sub_headings_tables_and_ordered_lists(serve: Any, client: httpx.Client, era: str) -> None:
    srv = serve(era=era)
    plan = srv.site.plan
    action = _find(plan, lambda a: any(b.kind == "table" and b.rows[0][0] == [("text", "Vuosi")]
                                       for b in a.description) and any(b.kind == "h3" for b in a.description))
    heading = next(b for b in action.description if b.kind == "h3").items[0][0][1]
    html = client.get(srv.action_url(action.identifier)).text
    table = ("<table><thead><tr><th>Vuosi</th><th>Tavoite</th></tr></thead><tbody><tr><td>2025</td>"
             "<td>10&nbsp;%</td></tr><tr><td>2030</td><td>50&nbsp;%</td></tr>")
    shown = _body(html) if era == "v3" else html.split("__NEXT_DATA__")[0]
    assert table in shown and f"<h3>{heading}</h3>" in shown
    embedded = (_action_row(html)["description"] if era == "v3"
                else json.loads(html.split('type="application/json">')[1].split("</script>")[0].replace("<\\/", "</")))
    assert "<table><thead><tr><th>Vuosi</th>" in json.dumps(embedded, ensure_ascii=False).replace("\\u00a0", "&nbsp;")
    description = srv.expected_records()[action.identifier].description
    assert "\n\nVuosi | Tavoite\n2025 | 10 %\n2030 | 50 %\n2035 | 80 %\n\n" in description
    assert f"\n\n{heading}\n\n" in description  # a paragraph of the description, never a section
    listed = _find(plan, lambda a: any(b.kind == "ol" for b in a.description))
    assert re.search(r"<ol><li>[^<]+</li><li>", client.get(srv.action_url(listed.identifier)).text)


def test_task_details_carry_tables_and_lists(serve: Any) -> None:
    srv = serve(era="v3")
    details = [t.details for r in srv.expected_records().values() for t in r.tasks if t.details]
    assert any(" | " in d and "\n" in d for d in details)
    assert any(d.count("\n\n") >= 2 for d in details)


def test_v3_headings_have_whitespace_inside(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3")
    body = _body(client.get(srv.action_url("111")).text)
    assert re.search(r"<h2>\n\t\tTehtävät\n\t</h2>", body)
    assert re.search(r"<h3>\n\t\tVastuuorganisaatiot</h3>", body)
    assert "<h2>Tehtävät</h2>" not in body and "<h3>Yhteyshenkilöt</h3>" not in body
    assert all(h.startswith("\n") for h in re.findall(r"<h2[^>]*>([^<]*)</h2>", body))


@pytest.mark.parametrize("era", ["v1early", "v1"])
def test_v1_last_updated_line_follows_a_description_without_official_text(serve: Any, client: httpx.Client,
                                                                          era: str) -> None:
    srv = serve(era=era)
    plan = srv.site.plan
    action = _find(plan, lambda a: a.official_name is None and a.description[-1].kind == "p")
    html = client.get(srv.action_url(action.identifier)).text
    tail = html[html.index('class="col-md-7 col-lg-8"'):]
    # from the description's closing tags to the sidebar's line: no heading, no text, only tags
    between = tail[tail.index("</p></div>"):tail.index("Tietoja päivitetty")]
    assert not re.search(r"<h\d", between) and not re.sub(r"<[^>]+>", "", between).strip()
    assert between.count('class="col-md-5 col-lg-4"') == 1
    record = srv.expected_records()[action.identifier]
    assert "Tietoja päivitetty" not in (record.description or "") and record.official_description is None
    if era == "v1early":  # as on the seed page: the category badges come next, without a heading
        after = tail[tail.index("Tietoja päivitetty"):]
        first_badge = plan.categories[_primary(plan, action)[0]].name
        assert after.index("CategoryBadge") < after.index("<h5>")
        assert first_badge in after[:after.index("<h5>")]


def test_v2_trail_shows_an_unassigned_parent_and_the_record_keeps_it(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v2", plan="tampere")
    plan = srv.site.plan
    action = _find(plan, lambda a: len(_primary(plan, a)) == 1 and plan.categories[_primary(plan, a)[0]].parent_pk)
    child = plan.categories[_primary(plan, action)[0]]
    parent = plan.categories[child.parent_pk or 0]
    html = client.get(srv.action_url(action.identifier)).text
    assert re.search(rf">{re.escape(parent.name)}</a>&nbsp;/ </span><span><a [^>]*>{re.escape(child.name)}</a>", html)
    # the aside block's categories first, then what only the breadcrumb shows (docs/record.md)
    assert srv.expected_records()[action.identifier].categories == [child.name, parent.name]
