"""V3 as really served: streamed body, flight payload, glued text, inverted aria-labels."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from scraper.parse import ActionNotFound, ParseError, parse_page
from tests.scraper.parse.v3_page import ACTION, not_found_page, page

URL = "https://ilmastovahti.hel.fi/actions/111"


def test_v3_page_full_record() -> None:
    result = parse_page(page(), URL)
    a = result.action
    assert (a.identifier, a.name) == ("111", "Julkisten toimijoiden yhteistyö vastuullisissa hankinnoissa")
    assert a.description == "Yhteistyötä tehdään seuraavaa periaatetta noudattaen: avoimuus ensin."
    # `$$` in the flight is one `$`; the visible text agrees, so no warning for it
    assert a.official_description == "$5 testi: Lisätään hankintayhteistyötä\nlähialueen kuntien kanssa."
    assert a.official_description_label is None
    assert a.official_description_source == "(Hiilineutraali Helsinki 2035 -toimenpideohjelmasta)"
    assert a.status is not None and (a.status.label, a.status.identifier) == ("Ajallaan", "on_time")
    assert a.implementation_phase == "Toteutus"
    assert a.categories == ["Hankinnat"]
    orgs = [(o.name, o.abbreviation, o.role) for o in a.responsible_organizations]
    assert orgs == [("Palu_Ympa", None, "primary"), ("Kaupunkiympäristön toimiala", "Kymp", "collaborator")]
    assert [(c.name, c.title, c.organization) for c in a.contact_persons] == [
        ("Mia Malin", "ympäristösuunnittelija", "Ympäristöpalvelut")
    ]
    tasks = [(t.state, t.date, t.date_text, t.title, t.details) for t in a.tasks]
    assert tasks == [
        ("done", dt.date(2019, 3, 1), "01.03.2019", "Valitaan yhteyshenkilö", None),
        ("done", dt.date(2019, 3, 31), "31.03.2019", "Laaditaan suositukset", "Kriteerisuosituksilla luotiin yhteinen taso."),
        ("in_progress", None, "6.2021", "Kriteerit päivitetään", None),
        ("todo", dt.date(2020, 3, 1), "1.3.2020", "Toimenpiteestä on tilannekuvaus", None),
    ]
    # the page prints the UTC date; the embedded timestamp in Helsinki wins, with a warning
    assert a.updated_at == dt.date(2019, 10, 15)
    assert any(w.field == "updated_at" for w in result.warnings)
    assert a.previous_url == "https://ilmastovahti.hel.fi/actions/110"
    assert a.next_url == "https://ilmastovahti.hel.fi/actions/112"
    assert a.extra_sections == {"Kustannusarvioiden suuruusluokat aikavälillä 2024-2030": "> 100 milj. €"}
    assert a.test_instance is False
    assert a.indicators == [] and a.links == [] and a.status_updates == []


def test_theme_hiding_pager_falls_back_to_embedded_neighbours() -> None:
    a = parse_page(page(pager=False), URL).action
    assert a.previous_url == "https://ilmastovahti.hel.fi/actions/110"
    assert a.next_url == "https://ilmastovahti.hel.fi/actions/112"


def test_without_embedded_data_the_visible_page_suffices() -> None:
    a = parse_page(page(embedded=False), URL).action
    assert a.name.startswith("Julkisten toimijoiden")
    assert a.updated_at == dt.date(2019, 10, 14)  # only the printed date is known
    assert [o.name for o in a.responsible_organizations] == ["Palu_Ympa", "Kaupunkiympäristön toimiala"]
    assert a.responsible_organizations[1].abbreviation == "Kymp"
    assert len(a.tasks) == 4
    assert a.status is not None and a.status.label == "Ajallaan" and a.status.identifier == "on_time"


def test_visible_text_wins_and_disagreement_is_warned() -> None:
    action = copy.deepcopy(ACTION)
    action["name"] = "Vanha nimi"
    result = parse_page(page(action), URL)
    assert result.action.name.startswith("Julkisten toimijoiden")
    assert any(w.field == "name" for w in result.warnings)


def test_not_found_page_with_http_200() -> None:
    with pytest.raises(ActionNotFound):
        parse_page(not_found_page(), "https://ilmastovahti.hel.fi/actions/999")
    assert issubclass(ActionNotFound, ParseError)


def test_renamed_description_heading_is_still_the_description() -> None:
    html = page().replace(b'<h2 class="visually-hidden">Kuvaus</h2>', b"<h2>Toimenpiteen sis\xc3\xa4lt\xc3\xb6</h2>")
    a = parse_page(html, URL).action
    assert a.description == "Yhteistyötä tehdään seuraavaa periaatetta noudattaen: avoimuus ensin."
    assert "Toimenpiteen sisältö" not in a.extra_sections


def test_status_shown_as_the_summary_label() -> None:
    html = page().replace(b'<div class="mui-lbl">Ajallaan</div>', b'<div class="mui-lbl">Aikataulussa</div>')
    result = parse_page(html, URL)
    assert result.action.status is not None
    assert (result.action.status.label, result.action.status.identifier) == ("Aikataulussa", "on_time")
    assert not any(w.field == "status" for w in result.warnings)


def test_truncated_breadcrumb_is_completed_from_embedded_data() -> None:
    html = page().replace(b'cat-theme=8">Hankinnat</a>&nbsp;/', b'cat-theme=8">Hank...</a>&nbsp;/')
    assert parse_page(html, URL).action.categories == ["Hankinnat"]
