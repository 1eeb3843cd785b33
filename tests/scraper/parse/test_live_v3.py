"""Defects seen on V3 pages as the real front end renders them (reference 12): badges inside tooltip buttons,
every category in one breadcrumb, category-type blocks, no status shown, rich text with tables and sub-headings."""

from __future__ import annotations

import copy
from typing import Any

from scraper.parse import parse_page
from tests.scraper.parse.v3_page import ACTION, page

URL = "https://ilmastovahti.hel.fi/actions/111"

_CRUMB_8 = b'<span id="crumb-8"><a href="/actions?cat-theme=8">Hankinnat</a>&nbsp;/ </span>'
_TEEMA = (b'<div><h3>\n\t\tTeema\n\t</h3><div><a href="/actions?cat-theme=8"><span id="btt8"><button type="button" '
          b'class="mui-t1-BadgeTooltip-Button" data-rac=""><span class="md mui-b2-BadgeTooltip-StyledBadge"><span '
          b'class="mui-c3-TruncatedContent">Hankinnat</span></span></button></span></a></div></div>')


def _badge(href: str, pk: str, name: str) -> str:
    return (f'<a href="{href}"><span id="btt{pk}"><button type="button" class="mui-t1-BadgeTooltip-Button" '
            f'data-rac=""><span class="md mui-b2-BadgeTooltip-StyledBadge"><span class="mui-c3-TruncatedContent">'
            f"{name}</span></span></button></span></a>")


def _block(heading: str, badges: list[tuple[str, str, str]]) -> bytes:
    inner = "".join(_badge(f"/actions?cat-{t}={pk}", pk, name) for t, pk, name in badges)
    return f"<div><h3>\n\t\t{heading}</h3><div>{inner}</div></div>".encode()


def _category(pk: str, name: str, type_id: str = "theme", type_name: str = "Teema",
              parent: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": pk, "name": name, "type": {"identifier": type_id, "name": type_name}, "parent": parent,
            "__typename": "Category"}


def _with_categories(categories: list[dict[str, Any]]) -> dict[str, Any]:
    action = copy.deepcopy(ACTION)
    action["categories"] = categories
    return action


def test_organisations_inside_tooltip_buttons_are_read() -> None:
    result = parse_page(page(), URL)
    orgs = [(o.name, o.abbreviation, o.role) for o in result.action.responsible_organizations]
    assert orgs == [("Palu_Ympa", None, "primary"), ("Kaupunkiympäristön toimiala", "Kymp", "collaborator")]
    assert not [w for w in result.warnings if "filled" in w.message]


def test_action_buttons_stay_out_of_the_text() -> None:
    a = parse_page(page(), URL).action
    assert a.contact_persons[0].organization == "Ympäristöpalvelut"
    assert all("Näytä" not in (t.details or "") for t in a.tasks)
    assert all("Yhteystiedot" not in value for value in a.extra_sections.values())


def test_without_embedded_data_organisations_come_from_the_buttons_and_aria_labels() -> None:
    a = parse_page(page(embedded=False), URL).action
    assert [(o.name, o.abbreviation) for o in a.responsible_organizations] == [
        ("Palu_Ympa", None), ("Kaupunkiympäristön toimiala", "Kymp")]


def test_an_unreadable_organisation_block_is_filled_from_embedded_data_with_a_warning() -> None:
    html = page().replace(b"Palu_Ympa</span></span></button>", b"</span></span></button>")
    html = html.replace(b'<span class="mui-c3-TruncatedContent">Kymp</span>', b"")
    result = parse_page(html, URL)
    assert [o.name for o in result.action.responsible_organizations] == ["Palu_Ympa", "Kaupunkiympäristön toimiala"]
    assert any(w.field == "responsible_organizations" and w.message.startswith("filled from embedded data")
               for w in result.warnings)


def test_all_categories_in_one_breadcrumb_in_the_aside_blocks_order() -> None:
    action = _with_categories([
        _category("8", "Hankinnat"),
        _category("1", "1. Rakentaminen ja asuminen"),
        _category("11", "1.1. Kaavoitus ja tontinluovutus", parent={"id": "1", "name": "1. Rakentaminen ja asuminen"}),
    ])
    crumbs = (b'<span id="crumb-11"><a href="/actions?cat-theme=11">1.1. Kaavoitus ja tontinluovutus</a>&nbsp;/ </span>'
              + _CRUMB_8
              + b'<span id="crumb-1"><a href="/actions?cat-theme=1">1. Rakentaminen ja asuminen</a>&nbsp;/ </span>')
    block = _block("Teema", [("theme", "8", "Hankinnat"), ("theme", "1", "1. Rakentaminen ja asuminen"),
                             ("theme", "11", "1.1. Kaavoitus ja tontinluovutus")])
    html = page(action).replace(_CRUMB_8, crumbs).replace(_TEEMA, block)
    result = parse_page(html, URL)
    assert result.action.categories == ["Hankinnat", "1. Rakentaminen ja asuminen", "1.1. Kaavoitus ja tontinluovutus"]
    assert "Teema" not in result.action.extra_sections
    assert not [w for w in result.warnings if w.field == "categories"]


def test_without_a_category_block_the_breadcrumb_order_holds() -> None:
    action = _with_categories([_category("8", "Hankinnat"), _category("3", "Liikenne")])
    crumbs = b'<span id="crumb-3"><a href="/actions?cat-theme=3">Liikenne</a>&nbsp;/ </span>' + _CRUMB_8
    html = page(action).replace(_CRUMB_8, crumbs).replace(_TEEMA, b"")
    assert parse_page(html, URL).action.categories == ["Liikenne", "Hankinnat"]


def test_other_category_types_go_to_extra_sections_with_their_values() -> None:
    action = _with_categories([
        _category("8", "Hankinnat"),
        _category("40", "Kestävä liikkuminen", "kokonaisuus", "Toimenpidekokonaisuus"),
        _category("41", "Energiatehokas rakentaminen", "kokonaisuus", "Toimenpidekokonaisuus"),
    ])
    other = _block("Toimenpidekokonaisuus", [("kokonaisuus", "40", "Kestävä liikkuminen"),
                                             ("kokonaisuus", "41", "Energiatehokas rakentaminen")])
    html = page(action).replace(_TEEMA, _TEEMA + other)
    a = parse_page(html, URL).action
    assert a.categories == ["Hankinnat"]
    assert a.extra_sections["Toimenpidekokonaisuus"] == "Kestävä liikkuminen, Energiatehokas rakentaminen"
    assert "Teema" not in a.extra_sections


def test_a_category_block_read_empty_is_never_an_empty_value() -> None:
    action = _with_categories([_category("8", "Hankinnat"),
                               _category("40", "Kestävä liikkuminen", "kokonaisuus", "Toimenpidekokonaisuus")])
    unreadable = _block("Toimenpidekokonaisuus", [("kokonaisuus", "40", ", ")])
    result = parse_page(page(action).replace(_TEEMA, _TEEMA + unreadable), URL)
    assert result.action.extra_sections["Toimenpidekokonaisuus"] == "Kestävä liikkuminen"
    assert any(w.message.startswith("filled from embedded data") for w in result.warnings)
    no_embedded = parse_page(page(action, embedded=False).replace(_TEEMA, _TEEMA + unreadable), URL).action
    assert "Toimenpidekokonaisuus" not in no_embedded.extra_sections


def test_no_status_shown_is_no_status_whatever_the_summary_says() -> None:
    action = copy.deepcopy(ACTION)
    action["status"] = None
    action["implementationPhase"] = None
    action["statusSummary"] = {"identifier": "UNDEFINED", "label": "Tuntematon", "__typename": "ActionStatusSummary"}
    html = page(action)
    start = html.index(b"<div><h2>Eteneminen</h2>")
    end = html.index(b'<div class="action-main-top">')
    a = parse_page(html[:start] + html[end:], URL).action
    assert a.status is None
    assert a.implementation_phase is None


_RICH = ("<p>Tavoitteena on\n  vähentää päästöjä.</p><h3>Tavoitteet</h3><table><thead><tr><th>Vuosi</th><th>Tavoite"
         "</th></tr></thead><tbody><tr><td>2025</td><td>10 %</td></tr><tr><td>2030</td><td>50 %</td></tr></tbody>"
         '</table><ul><li>Ensimmäinen</li><li>Toinen <a href="https://example.org/x">linkki</a></li></ul>')
_RICH_TEXT = ("Tavoitteena on vähentää päästöjä.\n\nTavoitteet\n\nVuosi | Tavoite\n2025 | 10 %\n2030 | 50 %"
              "\n\nEnsimmäinen\n\nToinen linkki")


def _rich_page(embedded: bool = True) -> bytes:
    action = copy.deepcopy(ACTION)
    action["description"] = _RICH
    old = "<p>Yhteistyötä tehdään seuraavaa periaatetta noudattaen: avoimuus&nbsp;ensin.</p>".encode()
    return page(action, embedded=embedded).replace(old, _RICH.encode())


def test_description_tables_sub_headings_and_lists() -> None:
    result = parse_page(_rich_page(), URL)
    a = result.action
    assert a.description == _RICH_TEXT
    assert "Tavoitteet" not in a.extra_sections
    assert "https://example.org/x" in [link.url for link in a.links]
    assert not [w for w in result.warnings if w.field == "description"]
    assert parse_page(_rich_page(embedded=False), URL).action.description == _RICH_TEXT


def test_swedish_indicator_link_text_is_not_an_indicator() -> None:
    card = ('<div><h2>Indikatorer</h2><div class="card mb-3"><h5>Utsläpp</h5><div class="card-footer">Påverkas också av'
            ' <a href="/sv/actions/12"><span class="badge">12</span></a> | <a href="/sv/indicators/7">Indikatorns '
            "detaljer</a></div></div></div>").encode()
    html = page(embedded=False).replace(b'<html lang="fi">', b'<html lang="sv">')
    html = html.replace(b'<div class="mui-mb-MainBottom col">', b'<div class="mui-mb-MainBottom col">' + card)
    a = parse_page(html, "https://ilmastovahti.hel.fi/sv/actions/111").action
    assert [i.name for i in a.indicators] == ["Utsläpp"]


def test_a_newline_inside_embedded_plain_text_is_a_space_as_html_shows_it() -> None:
    action = copy.deepcopy(ACTION)
    action["leadParagraph"] = "Päästöt puolitetaan\nvuoteen 2030 mennessä."
    a = parse_page(page(action), URL).action
    assert a.lead == "Päästöt puolitetaan vuoteen 2030 mennessä."
