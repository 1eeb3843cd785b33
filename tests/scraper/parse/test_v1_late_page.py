"""V1 after 2019-10-15: i18n strings, aria-label full organisation names, h6 task names, indicator cards,
status updates whose avatar alt is literally "name"."""

from __future__ import annotations

import datetime as dt

from scraper.parse import parse_page

PAGE = """<!DOCTYPE html><html lang="fi"><body><div id="__next"><div>
<div class="ActionHero__Hero-sc-1"><div class="container"><div class="col-md-10">
<a href="/actions"><h4>Toimenpiteet</h4></a>
<p><a href="/actions/146"><svg class="icon"></svg> Edellinen</a></p>
<h1 class="ActionHero__ActionHeadline-sc-3"><span class="ActionHero__ActionNumber-sc-4">147</span><br/>Energiarenessanssi</h1>
<span class="mr-3 badge badge-secondary">Rakennukset</span><span class="mr-3 badge badge-secondary">Energia</span>
</div></div></div>
<div class="container"><div class="row"><div class="col-md-7 col-lg-8">
<div class="ActionSection text-content"><p>Korjausrakentamisen energiatehokkuutta parannetaan.</p><p>Katso <a href="https://www.hel.fi/energia">Energia&shy;renessanssi</a>.</p></div>
<div class="OfficialText"><h5>Virallinen kuvaus</h5><strong>Toimenpideohjelman mukaan</strong><div>Rakennusten energia&shy;tehokkuutta<br/>parannetaan.</div><small>(Hiilineutraali Helsinki 2035 -toimenpideohjelmasta)</small></div>
</div><div class="col-md-5 col-lg-4">
<div class="ActionSection"><h5>Vaikutus</h5><svg></svg><h6>Suuri vaikutus</h6></div>
<div class="ActionSection"><h5>Eteneminen</h5><strong>40% valmis</strong><div class="progress bg-late"><div class="progress-bar bg-warning" aria-valuenow="40"><div>Myöhässä</div></div></div></div>
<div class="ActionSection"><h5>Vastuuorganisaatiot</h5>
<span class="lg"><a class="badge badge-secondary badge-pill" href="/actions?organization=3" aria-label="Päävastuutaho: Kaupunkiympäristön toimiala">Kymp</a></span>
<span class="md"><a class="badge badge-secondary badge-pill" href="/actions?organization=9" aria-label="Helen Oy">Helen</a></span></div>
<div class="ActionSection"><h5>Yhteyshenkilöt</h5><div>Ei merkittyjä yhteyshenkilöitä</div></div>
<div class="ActionSection"><div class="LastUpdated">Tietoja päivitetty 05.02.2020</div></div>
</div></div></div>
<div class="SolidSection"><div class="container"><h2 class="SectionHeader mb-5">Viimeisimmät päivitykset</h2>
<div class="update"><img class="rounded-circle" alt="name" src="/a.png"/><div>Mia Malin</div><time datetime="2020-02-05">05.02.2020</time><h3>Hanke käynnistyi</h3><div class="text-content"><p>Ensimmäiset kohteet valittu.</p></div></div>
<div class="update"><img class="rounded-circle" alt="name" src="/a.png"/><div>Pekka Laine</div><time datetime="2019-11-20">20.11.2019</time><h3>Suunnittelu</h3><div class="text-content"><p>Työryhmä koottu.</p></div></div>
</div></div>
<div class="container"><h2 class="SectionHeader mb-5">Tehtävät</h2><div class="ActionSection mb-5">
<div class="list-group mb-4"><h5 class="mb-3">Mitä on tehty?</h5><li class="list-group-item state--undefined"><div class="d-flex"><div class="TaskMeta"><svg></svg> <span class="Date">15.11.2019</span></div><div class="TaskContent"><h6>Työryhmä perustettu</h6><div class="text-content"><small><span>Jäsenet nimetty.</span></small></div></div></div></li></div>
<h5>Ei tekemättömiä tehtäviä</h5></div></div>
<div class="container"><h2 class="SectionHeader mb-5">Mittarit</h2>
<div class="card mb-3"><div class="card-body"><h5>Rakennusten lämmitysenergia</h5></div><div class="card-footer">Liittyy myös toimenpiteisiin: <a href="/actions/148"><span class="badge">148</span></a> | <a href="/indicators/31">Mittarin tarkemmat tiedot <svg></svg></a></div></div></div>
<div class="container"><h2>Miten tämä toimenpide vaikuttaa tavoitteeseen?</h2><div class="causal"></div></div>
<div class="container"><div class="Pager"><div><a href="/actions/146"><button class="btn">Edellinen toimenpide</button></a></div><div></div></div></div>
</div></div></body></html>""".encode()


def test_v1_late_page() -> None:
    result = parse_page(PAGE, "https://ilmastovahti.hel.fi/actions/147")
    a = result.action
    assert (a.identifier, a.name) == ("147", "Energiarenessanssi")
    assert a.categories == ["Rakennukset", "Energia"]
    assert a.description == "Korjausrakentamisen energiatehokkuutta parannetaan.\n\nKatso Energiarenessanssi."
    assert [(link.title, link.url) for link in a.links] == [("Energiarenessanssi", "https://www.hel.fi/energia")]
    assert a.official_description == "Rakennusten energiatehokkuutta\nparannetaan."
    assert a.official_description_label == "Toimenpideohjelman mukaan"
    assert a.impact == "Suuri"
    assert a.completion == 40
    assert a.status is not None and (a.status.label, a.status.identifier) == ("Myöhässä", "late")
    assert [(o.name, o.abbreviation) for o in a.responsible_organizations] == [
        ("Kaupunkiympäristön toimiala", "Kymp"), ("Helen Oy", "Helen")
    ]
    assert a.contact_persons == []
    assert a.updated_at == dt.date(2020, 2, 5)
    assert [(u.date, u.author, u.title, u.body) for u in a.status_updates] == [
        (dt.date(2020, 2, 5), "Mia Malin", "Hanke käynnistyi", "Ensimmäiset kohteet valittu."),
        (dt.date(2019, 11, 20), "Pekka Laine", "Suunnittelu", "Työryhmä koottu."),
    ]
    assert [(t.state, t.date, t.title, t.details) for t in a.tasks] == [
        ("done", dt.date(2019, 11, 15), "Työryhmä perustettu", "Jäsenet nimetty.")
    ]
    assert [(i.name, i.url) for i in a.indicators] == [
        ("Rakennusten lämmitysenergia", "https://ilmastovahti.hel.fi/indicators/31")
    ]
    assert a.previous_url == "https://ilmastovahti.hel.fi/actions/146"
    assert a.next_url is None  # the last action: only "Edellinen"
    assert a.extra_sections == {}
    assert result.warnings == []
