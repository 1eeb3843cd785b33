"""The traps seen on live pages (reference section 10) and the three UI languages, one small page each."""

from __future__ import annotations

import datetime as dt

import pytest

from scraper.parse import ParseError, parse_page

LABELS = {
    "fi": dict(orgs="Vastuuorganisaatiot", contacts="Yhteyshenkilöt", tasks="Tehtävät", done="Mitä on tehty?",
               todo="Mitä on tehtävä?", updated="Tietoja päivitetty", prev="Edellinen", next="Seuraava",
               progress="Eteneminen", official="Virallinen kuvaus", updates="Viimeisimmät päivitykset",
               indicators="Mittarit", links="Lue lisää"),
    "sv": dict(orgs="Ansvariga organisationer", contacts="Kontaktpersoner", tasks="Uppgifter", done="Vad har gjorts?",
               todo="Vad återstår att göra?", updated="Information uppdaterad", prev="Tidigare", next="Nästa",
               progress="Framsteg", official="Officiell beskrivning", updates="Senaste uppdateringarna",
               indicators="Indikatorer", links="Läs mer"),
    "en": dict(orgs="Responsible organizations", contacts="Contact persons", tasks="Tasks", done="What has been done?",
               todo="What's left to do?", updated="Information updated", prev="Previous", next="Next",
               progress="Progress", official="Official name", updates="Latest updates",
               indicators="Indicators", links="Read more"),
}
DATES = {"fi": ("15.10.2019", "01.03.2019"), "sv": ("2019-10-15", "2019-03-01"), "en": ("10/15/2019", "03/01/2019")}


def v2_page(lang: str, ident: str = "111", name: str = "Kestävät hankinnat", description: str = "Kuvaus.",
            h1: str | None = None, prefix: str = "/actions", pager: bool = True) -> bytes:
    L = LABELS[lang]
    updated, done_date = DATES[lang]
    base = "" if lang == "fi" else f"/{lang}"
    h1_html = h1 if h1 is not None else f'<h1><span class="sc-Number">{ident}</span><span>{name}</span></h1>'
    nav = (f'<nav aria-label="Actions Pager"><a href="{base}/actions"><span>x</span></a><div>'
           f'<a href="{base}{prefix}/110">{L["prev"]}</a><span class="sc-NavDivider"></span>'
           f'<a href="{base}{prefix}/112">{L["next"]}</a></div></nav>') if pager else ""
    return f"""<!DOCTYPE html><html lang="{lang}"><body><div id="__next">
<div class="ActionHero">{nav}{h1_html}</div>
<div class="container"><div class="row"><div class="col-lg-8">
<div class="text-content"><p>{description}</p><p><a href="https://example.org/raportti">Raportti</a></p></div>
<div><h2>{L["official"]}</h2><div>Virallinen teksti.</div><small>(Ohjelmasta)</small></div>
<div><h4>{L["links"]}</h4><ul><li><a href="https://example.org/a">Linkki A</a></li></ul></div>
<div><h2>{L["updates"]}</h2><div><div><img class="rounded-circle" alt="name" src="a.png"/>
<span>Mia Malin</span><time datetime="2020-02-03">03.02.2020</time><h3>Tilannekatsaus</h3>
<div class="text-content"><p>Edistynyt hyvin.</p></div></div></div></div>
<div><h2>{L["tasks"]}</h2><h3>{L["done"]}</h3><ul class="list-group"><li class="list-group-item">
<div><span>{done_date}</span></div><div><h4>Valitaan yhteyshenkilö</h4></div></li></ul>
<h3>{L["todo"]}</h3><ul class="list-group"><li class="list-group-item"><div><span>2020</span></div>
<div><h4>Raportoidaan</h4></div></li></ul></div>
<div><h2>{L["indicators"]}</h2><div class="card"><a href="{base}/indicators/7"><h3>Päästöt</h3></a></div></div>
</div><div class="col-lg-4">
<div><h3>{L["progress"]}</h3><div class="progress bg-late"><div class="progress-bar">Myöhässä</div></div></div>
<div><h3>{L["orgs"]}</h3><a href="/organizations/1" aria-label="Maka_KamuRya_Ylpi"><span class="badge">Maka_KamuRya_Ylpi</span></a></div>
<div><h3>{L["contacts"]}</h3><ul><li><img alt="Mia Malin" src="a.png"/><span class="visually-hidden">Mia Malin</span>
<div>Mia Malin</div><div>ympäristösuunnittelija</div><div>Ympäristöpalvelut</div></li></ul></div>
<div>{L["updated"]} {updated}</div>
</div></div></div></div></body></html>""".encode()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_each_language(lang: str) -> None:
    base = "" if lang == "fi" else f"/{lang}"
    url = f"https://ilmastovahti.tampere.fi{base}/actions/111"
    a = parse_page(v2_page(lang), url).action
    assert a.language == lang
    assert a.updated_at == dt.date(2019, 10, 15)
    assert a.responsible_organizations[0].name == "Maka_KamuRya_Ylpi"
    assert a.responsible_organizations[0].abbreviation is None
    assert [(c.name, c.title, c.organization) for c in a.contact_persons] == [
        ("Mia Malin", "ympäristösuunnittelija", "Ympäristöpalvelut")
    ]
    assert [(t.state, t.date, t.title) for t in a.tasks] == [
        ("done", dt.date(2019, 3, 1), "Valitaan yhteyshenkilö"), ("todo", None, "Raportoidaan")
    ]
    assert a.tasks[1].date_text == "2020"
    assert a.status is not None and (a.status.label, a.status.identifier) == ("Myöhässä", "late")
    assert a.official_description == "Virallinen teksti." and a.official_description_source == "(Ohjelmasta)"
    assert [(u.date, u.author, u.title, u.body) for u in a.status_updates] == [
        (dt.date(2020, 2, 3), "Mia Malin", "Tilannekatsaus", "Edistynyt hyvin.")
    ]
    assert [(i.name, i.url) for i in a.indicators] == [("Päästöt", f"https://ilmastovahti.tampere.fi{base}/indicators/7")]
    assert [link.title for link in a.links] == ["Linkki A", "Raportti"]
    assert a.previous_url == f"https://ilmastovahti.tampere.fi{base}/actions/110"
    assert a.next_url == f"https://ilmastovahti.tampere.fi{base}/actions/112"
    assert a.extra_sections == {}


def test_english_dates_are_month_first() -> None:
    a = parse_page(v2_page("en"), "https://climateactiontracker.surrey.ca/en/actions/111").action
    assert a.updated_at == dt.date(2019, 10, 15)
    page = v2_page("en").replace(b"10/15/2019", b"04/14/2025")
    assert parse_page(page, "https://x.example/en/actions/111").action.updated_at == dt.date(2025, 4, 14)


def test_body_saying_seuraavaa_is_not_a_pager() -> None:
    page = v2_page("fi", description="Toteutetaan seuraavaa suunnitelmaa. Seuraava vaihe alkaa 2020.", pager=False)
    a = parse_page(page, "https://ilmastovahti.hel.fi/actions/111").action
    assert a.previous_url is None and a.next_url is None
    assert "seuraavaa" in (a.description or "")


def test_singular_action_path_of_the_test_instance() -> None:
    a = parse_page(v2_page("fi", prefix="/action"), "https://hnh.hel.ninja/action/111").action
    assert a.next_url == "https://hnh.hel.ninja/action/112"


@pytest.mark.parametrize(
    ("url", "ident", "plan_path"),
    [
        ("https://ilmastovahti.tampere.fi/lumo/actions/2.1.10", "2.1.10", "/lumo"),
        ("https://ilmastovahti.espoo.fi/actions/a1147", "a1147", ""),
        ("https://climateactiontracker.surrey.ca/actions/L3.2", "L3.2", ""),
    ],
)
def test_dotted_and_alphanumeric_identifiers(url: str, ident: str, plan_path: str) -> None:
    a = parse_page(v2_page("fi", ident=ident), url).action
    assert (a.identifier, a.plan_path, a.name) == (ident, plan_path, "Kestävät hankinnat")


def test_glued_identifier_in_heading_text() -> None:
    page = v2_page("fi", h1="<h1>a1147Kestävä liikenne</h1>")
    a = parse_page(page, "https://ilmastovahti.espoo.fi/actions/a1147").action
    assert (a.identifier, a.name) == ("a1147", "Kestävä liikenne")


def test_glued_state_word_before_task_date() -> None:
    page = v2_page("fi").replace(b"<span>01.03.2019</span>", b"<span>Tehty21.10.2022</span>")
    a = parse_page(page, "https://ilmastovahti.hel.fi/actions/111").action
    assert a.tasks[0].date == dt.date(2022, 10, 21) and a.tasks[0].date_text == "21.10.2022"


def test_list_page_is_not_an_action() -> None:
    page = b"""<html lang="fi"><body><h1>Toimenpiteet</h1><a href="/actions/1"><div>1</div><div>Eka</div></a></body></html>"""
    with pytest.raises(ParseError):
        parse_page(page, "https://ilmastovahti.hel.fi/actions")


def test_nbsp_soft_hyphen_and_entities_are_normalised() -> None:
    page = v2_page("fi", name="Kasvi\u00adhuone\u00adkaasut &amp; 38,50&nbsp;km")
    a = parse_page(page, "https://ilmastovahti.hel.fi/actions/111").action
    assert a.name == "Kasvihuonekaasut & 38,50 km"


def test_wrong_charset_is_decoded_with_a_warning() -> None:
    page = v2_page("fi", name="Ympäristö").decode().encode("latin-1")
    result = parse_page(page, "https://ilmastovahti.hel.fi/actions/111")
    assert result.action.name == "Ympäristö"
    assert any(w.field == "page" for w in result.warnings)


def test_labels_in_bold_or_plain_divs_open_sections() -> None:
    page = v2_page("fi").replace(
        b'<div><h3>Vastuuorganisaatiot</h3>', b'<div><div class="SideHeader">Vastuuorganisaatiot</div>'
    ).replace(b"<div>Tietoja p\xc3\xa4ivitetty", b"<p><strong>Aikaj\xc3\xa4nne:</strong> Jatkuva</p><div>Tietoja p\xc3\xa4ivitetty")
    a = parse_page(page, "https://ilmastovahti.hel.fi/actions/111").action
    assert [o.name for o in a.responsible_organizations] == ["Maka_KamuRya_Ylpi"]
    assert a.schedule == "Jatkuva"
    assert a.extra_sections == {}


def test_definition_list_sidebar() -> None:
    page = v2_page("fi").replace(
        b'<div><h3>Eteneminen</h3><div class="progress bg-late"><div class="progress-bar">My\xc3\xb6h\xc3\xa4ss\xc3\xa4</div></div></div>',
        b"<dl><dt>Eteneminen</dt><dd>My\xc3\xb6h\xc3\xa4ss\xc3\xa4</dd><dt>Kustannusarvio</dt><dd>1,2 milj. \xe2\x82\xac</dd></dl>",
    )
    a = parse_page(page, "https://ilmastovahti.hel.fi/actions/111").action
    assert a.status is not None and (a.status.label, a.status.identifier) == ("Myöhässä", "late")


def test_icon_only_pager_links_with_aria_labels() -> None:
    page = v2_page("fi", pager=False).replace(
        b'<div class="ActionHero">',
        b'<div class="ActionHero"><a href="/actions/110" aria-label="Edellinen toimenpide"><svg></svg></a>'
        b'<a href="/actions/112" aria-label="Seuraava toimenpide"><svg></svg></a>',
    )
    a = parse_page(page, "https://ilmastovahti.hel.fi/actions/111").action
    assert (a.previous_url, a.next_url) == ("https://ilmastovahti.hel.fi/actions/110", "https://ilmastovahti.hel.fi/actions/112")


def test_contacts_without_a_list_split_at_avatars() -> None:
    people = (b'<div><h3>Yhteyshenkil\xc3\xb6t</h3><div><div role="img" aria-label="P\xc3\xa4\xc3\xa4yhteyshenkil\xc3\xb6 Mia Malin"></div>'
              b"<div>Mia Malin</div><div>Ymp\xc3\xa4rist\xc3\xb6palvelut</div></div>"
              b'<div><img alt="Pekka Laine" src="p.png"/><div>Pekka Laine</div><div>asiantuntija</div><div>Kymp</div></div></div>')
    start = v2_page("fi").index(b"<div><h3>Yhteyshenkil")
    end = v2_page("fi").index(b"</li></ul></div>", start) + len(b"</li></ul></div>")
    page = v2_page("fi")[:start] + people + v2_page("fi")[end:]
    a = parse_page(page, "https://ilmastovahti.hel.fi/actions/111").action
    assert [c.name for c in a.contact_persons] == ["Mia Malin", "Pekka Laine"]
    assert a.contact_persons[1].organization == "Kymp"


def test_british_english_dates_are_day_first() -> None:
    page = v2_page("en").replace(b'<html lang="en">', b'<html lang="en-GB">').replace(b"10/15/2019", b"04/10/2025")
    a = parse_page(page, "https://x.example/en/actions/111").action
    assert a.updated_at == dt.date(2025, 10, 4)
    assert a.language == "en"
