"""The earliest V1 layout: the description has no heading, so the parser must find where it ends. Without an
official description, nothing labelled stands between it and the sidebar column."""

from __future__ import annotations

from scraper.parse import parse_page

URL = "https://ilmastovahti.hel.fi/actions/112"


def _page(description: str, sidebar_first: str = "") -> bytes:
    return f"""<!DOCTYPE html><html lang="fi"><head><title>Toimenpide 112 | Hiilineutraali Helsinki 2035</title></head>
<body><div id="__next"><div>
<div class="ActionHero__Hero-sc-1 x"><div class="container"><div class="row"><div class="col-md-10">
<a href="/#actions"><h4>Toimenpiteet</h4></a>
<p><a href="/actions/111">Edellinen</a><span> | </span><a href="/actions/113">Seuraava</a></p>
<h1><span class="ActionNumber-sc-2">112</span><br/>Kaukolämmön päästöt puolitetaan</h1>
<span class="mr-3 badge badge-secondary">Energia</span>
</div></div></div></div>
<div class="container"><div class="row">
<div class="col-md-7 col-lg-8"><div class="ActionSection-sc-3 y">{description}</div></div>
<div class="col-md-5 col-lg-4">{sidebar_first}
<div class="ActionSection-sc-3 y"><h5>Eteneminen</h5><div class="progress bg-late"><div class="progress-bar bg-warning" role="progressbar"><div>Myöhässä</div></div></div></div>
<div class="ActionSection-sc-3 y"><h5>Vastuuorganisaatiot</h5><span class="lg"><a class="badge badge-secondary badge-pill" href="#">Helen</a></span></div>
<div class="ActionSection-sc-3 y"><h5>Yhteyshenkilöt</h5><div>Ei merkittyjä yhteyshenkilöitä</div></div>
</div></div></div>
<div class="container"><h2 class="mb-5">Tehtävät</h2><div><h5>Ei tekemättömiä tehtäviä</h5></div></div>
</div></div></body></html>""".encode()


_UPDATED = '<div class="ActionSection-sc-3 y"><div class="LastUpdated-sc-4">Tietoja päivitetty 15.10.2019</div></div>'


def test_the_sidebar_updated_line_after_the_description_column_is_not_description() -> None:
    a = parse_page(_page("<p>Kaukolämmön tuotannon päästöt puolitetaan vuoteen 2030.</p>", _UPDATED), URL).action
    assert a.description == "Kaukolämmön tuotannon päästöt puolitetaan vuoteen 2030."
    assert a.official_description is None
    assert str(a.updated_at) == "2019-10-15"


def test_a_sub_heading_inside_the_description_stays_in_it() -> None:
    html = _page("<p>Johdanto.</p><h3>Toteutus</h3><p>Rakennetaan\n   lämpöpumppuja.</p>"
                 "<table><tr><th>Vuosi</th><th>Osuus</th></tr><tr><td>2025</td><td>30 %</td></tr></table>", _UPDATED)
    a = parse_page(html, URL).action
    assert a.description == "Johdanto.\n\nToteutus\n\nRakennetaan lämpöpumppuja.\n\nVuosi | Osuus\n2025 | 30 %"
    assert a.extra_sections == {}


def test_status_identifier_from_the_progress_bar_without_embedded_data() -> None:
    a = parse_page(_page("<p>Kuvaus.</p>", _UPDATED), URL).action
    assert a.status is not None
    assert (a.status.label, a.status.identifier) == ("Myöhässä", "late")
    a_custom = parse_page(_page("<p>Kuvaus.</p>", _UPDATED).replace("Myöhässä".encode(), "Viiveellä".encode()),
                          URL).action
    assert a_custom.status is not None
    assert (a_custom.status.label, a_custom.status.identifier) == ("Viiveellä", "late")
