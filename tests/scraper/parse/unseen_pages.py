"""Action pages written by hand from the reference notes, deliberately unlike the replica and the other fixtures:
other wrappers, other heading levels, other sites' labels, admin-configured blocks, and the traps live pages show.

Each page is what a browser would receive; the tests beside this module state the record a careful reader would
take from it (docs/record.md)."""

from __future__ import annotations

import json
from typing import Any

# --- V2, end of 2021 (Helsinki-like): hero card, breadcrumb, h3 Eteneminen in the main column, no embedded data --
V2_END_2021 = """<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8"><title>Toimenpide 42 | Hiilineutraali Helsinki 2035</title>
<meta property="og:title" content="Toimenpide 42"></head>
<body><div id="__next"><div class="Layout__Wrapper-sc-9xk2-0 kQwErt">
<header><nav class="navbar navbar-expand-md"><a class="navbar-brand" href="/">Hiilineutraali Helsinki 2035</a>
 <ul class="navbar-nav"><li class="nav-item"><a class="nav-link" href="/actions">Toimenpiteet</a></li>
 <li class="nav-item"><a class="nav-link" href="/indicators">Mittarit</a></li></ul></nav></header>
<div class="ActionHero__Hero-sc-1u0y-0 fhGtaZ"><div class="container"><div class="row"><div class="col-lg-8">
 <div class="card"><div class="card-body">
  <nav aria-label="Actions Pager"><a href="/actions"><span class="ActionHero__IndexLink-sc-1u0y-3">Toimenpiteet</span></a>
   <div><a href="/actions/41"><svg class="icon"><title>arrow-left</title></svg> Edellinen</a></div></nav>
  <div class="ActionHero__Breadcrumbs-sc-1u0y-5"><span><a href="/actions?category=3">Liikenne</a>&nbsp;/ </span><span><a
   href="/actions?category=17">Kävely ja pyöräily</a>&nbsp;/ </span></div>
  <h1 class="ActionHero__ActionHeadline-sc-1u0y-6"><span class="ActionHero__ActionNumber-sc-1u0y-7">42</span><span>Pyöräilyn
   laatukäytävät</span></h1>
 </div></div></div></div></div></div>
<div class="container"><div class="row">
 <div class="col-md-7 col-lg-8">
  <div class="ActionContent__ActionSection-sc-3k1-1"><h3>Eteneminen</h3>
   <ul class="PhaseTimeline__Phases-sc-77-0"><li><div class="phase-name">Ei aloitettu</div></li>
    <li class="active"><div class="phase-name">Toteutus</div></li><li><div class="phase-name">Valmis</div></li></ul>
   <div class="StatusBadge__Label-sc-88-2">Ajallaan</div></div>
  <div class="ActionContent__LeadParagraph-sc-3k1-2"><strong>Rakennetaan kantakaupungista esikaupunkeihin
   ulottuva baanaverkko.</strong></div>
  <div class="text-content"><h2 class="visually-hidden">Kuvaus</h2>
   <p>Laatukäytävät ovat leveitä, valaistuja ja talvikunnossapidettyjä reittejä.</p>
   <p>Lisätietoa <a href="https://www.hel.fi/baana">baanaohjelmasta</a>.</p></div>
  <div class="ActionContent__OfficialText-sc-3k1-4"><h2>Virallinen kuvaus</h2>
   <strong>Toimenpideohjelman mukaan</strong>
   <div>Pyöräilyn laatukäytävien verkko toteutetaan.<br>Verkko valmistuu vaiheittain.</div>
   <small>(Hiilineutraali Helsinki 2035 -toimenpideohjelmasta)</small></div>
  <div class="ActionAttachments"><h4>Lue lisää</h4>
   <ul><li><a href="https://example.org/baanaselvitys.pdf" target="_blank" rel="noreferrer">Baanaverkkoselvitys</a></li>
   <li><a href="/static/kartta.pdf" target="_blank" rel="noreferrer">Verkon kartta</a></li></ul></div>
  <div class="MergedActions"><h2>Yhdistetyt toimenpiteet</h2>
   <div><span class="badge">40</span>Pyöräpysäköinnin parantaminen</div></div>
  <div class="RelatedActions"><h2>Liittyvät toimenpiteet</h2>
   <ul class="row"><li class="col-md-6"><a href="/actions/44"><div class="card"><div class="card-body">
     <h3 class="card-title">Seuraava vaihe</h3></div></div></a></li>
    <li class="col-md-6"><a href="/actions/7"><div class="card"><div class="card-body"><div>7</div>
     <h3 class="card-title">Kaupunkipyöräjärjestelmä</h3></div></div></a></li></ul></div>
  <div class="container"><h2 class="mb-5">Tehtävät</h2>
   <div class="list-group mb-4"><h3>Mitä on tehtävä?</h3><ul class="list-group">
    <li class="list-group-item state--NOT_STARTED"><div><div><svg><title>Tehtävä</title></svg><span>2024</span></div>
     <div><h4 class="task-title">Pohjois-Helsingin baanan rakentaminen</h4></div></div></li></ul></div>
   <div class="list-group mb-4"><h3>Mitä on tehty?</h3><ul class="list-group">
    <li class="list-group-item state--COMPLETED"><div><div><svg><title>Tehty</title></svg><span>15.06.2021</span></div>
     <div><h4 class="task-title">Baanaverkon yleissuunnitelma hyväksytty</h4>
     <button class="btn btn-link btn-sm">Näytä lisätiedot</button><div class="collapse"><div class="task-details">
     <p>Kaupunkiympäristölautakunta hyväksyi suunnitelman.</p></div></div></div></div></li></ul></div></div>
  <div class="container"><h2 class="mb-5">Mittarit</h2>
   <div class="card mb-3"><a href="/indicators/55"><h3>Pyöräilyn kulkutapaosuus</h3></a>
    <div class="card-footer">Liittyy myös toimenpiteisiin: <a href="/actions/43"><span class="badge">43</span></a> |
    <a href="/indicators/55">Mittarin tarkemmat tiedot</a></div></div></div>
 </div>
 <div class="col-md-5 col-lg-4">
  <h2 class="visually-hidden">Yhteenveto ja yhteystiedot</h2>
  <div class="ActionSection"><h3>Vaikutus</h3><div><svg></svg><svg></svg></div><h6>Suuri vaikutus</h6></div>
  <div class="ActionSection"><h3>Valmistumisaste</h3><strong>35% valmis</strong>
   <div class="progress bg-on_time"><div class="progress-bar bg-success" role="progressbar" aria-valuenow="35"></div></div></div>
  <div class="ActionSection"><h3>Aikajänne</h3><span class="visually-hidden">Toteutetaan aikavälillä 2021 - 2025</span></div>
  <div class="ActionSection"><h3>Vastuuorganisaatiot</h3>
   <span class="lg"><a href="/actions?organization=5" aria-label="Päävastuutaho: Kaupunkiympäristön toimiala"><span
    class="badge badge-secondary badge-pill">KYMP</span></a></span>
   <span class="md"><a href="/actions?organization=9" aria-label="Liikenneliikelaitos"><span
    class="badge badge-secondary badge-pill">HKL</span></a></span></div>
  <div class="ActionSection"><h3>Teema</h3><a href="/actions?category=17"><span class="badge">Kävely ja pyöräily</span></a></div>
  <div class="ActionSection"><h3>Yhteyshenkilöt</h3><ul><li><div class="media">
   <img class="rounded-circle" alt="Maija Meikäläinen" src="/static/images/default-avatar.png">
   <div class="media-body"><p>Maija Meikäläinen</p><p>liikenneinsinööri</p><p>Kaupunkiympäristön toimiala</p>
   <button class="btn btn-link btn-sm">Yhteystiedot</button><div class="collapse"></div></div></div></li></ul></div>
  <div class="ActionSection"><div class="LastUpdated">Tietoja päivitetty<!-- --> <!-- -->03.12.2021</div></div>
 </div></div></div>
<div class="container"><div class="Pager"><div><a href="/actions/41"><button class="btn btn-outline-primary">Edellinen
 toimenpide</button></a></div><div></div></div></div>
<footer class="SiteFooter"><a href="/actions">Toimenpiteet</a></footer>
</div></div></body></html>
"""


# --- V3 (HEAD): admin section block, attribute blocks, streamed body, flight payload -----------------------------
V3_ACTION: dict[str, Any] = {
    "id": "901",
    "identifier": "R7",
    "name": "Kaukolämmön hukkalämmön talteenotto",
    "officialName": "Hyödynnetään datakeskusten hukkalämpö kaukolämpöverkossa.",
    "leadParagraph": "",
    "description": "<p>Datakeskukset tuottavat lämpöä, joka nyt johdetaan ulkoilmaan.</p>"
    "<h3>Taustaa</h3><p>Ensimmäinen kohde on Kilpilahti.</p>",
    "status": {"identifier": "late", "name": "Myöhässä", "__typename": "ActionStatus"},
    "statusSummary": {"identifier": "LATE", "label": "Myöhässä", "__typename": "ActionStatusSummary"},
    "manualStatusReason": "Lupaprosessi viivästyi valitusten vuoksi.",
    "implementationPhase": {"identifier": "implementation", "name": "Toteutus", "__typename": "ActionImplementationPhase"},
    "updatedAt": "2025-03-14T08:00:00+02:00",
    "primaryOrg": {"abbreviation": "", "name": "Ympäristöpalvelut"},
    "categories": [{"id": "31", "name": "Energia", "__typename": "Category"}],
    "responsibleParties": [
        {"role": "PRIMARY", "specifier": "", "organization": {"abbreviation": "", "name": "Ympäristöpalvelut"}},
        {"role": "COLLABORATOR", "specifier": "lämpöverkko",
         "organization": {"abbreviation": "HelEn", "name": "Helen Oy"}},
    ],
    "contactPersons": [{"person": {"firstName": "Liisa", "lastName": "Virtanen", "title": "projektipäällikkö",
                                   "organization": {"name": "Ympäristöpalvelut"}}}],
    "tasks": [
        {"name": "Kilpilahden lämpöpumppu käyttöön", "dueAt": "2026-06-30", "completedAt": None,
         "dateFormat": "MONTH_YEAR", "details": "", "state": "IN_PROGRESS"},
        {"name": "Liittymissopimus allekirjoitettu", "dueAt": "2024-11-05", "completedAt": "2024-11-05",
         "dateFormat": "FULL", "details": "<p>Sopimus kattaa 20 vuotta.</p>", "state": "COMPLETED"},
    ],
    "scheduleContinuous": True,
    "startDate": "2022-01-01",
    "endDate": None,
    "links": [],
    "nextAction": {"id": "902", "identifier": "R8"},
    "previousAction": {"id": "900", "identifier": "R6"},
    "__typename": "Action",
}


def _flight(action: dict[str, Any]) -> str:
    """The action row pushed in two chunks, the cut falling inside the row as in real pages."""
    row = "1c:" + json.dumps(["$", "$L2d", None, {"action": action, "testId": "action-page"}], ensure_ascii=False) + "\n"
    cut = len(row) // 2
    pushes = [row[:cut], row[cut:]]
    return "".join(
        "<script>self.__next_f.push(" + json.dumps([1, p], ensure_ascii=False).replace("<", "\\u003c") + ")</script>"
        for p in pushes
    )


V3_SECTION_BLOCKS = """<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8">
<title>Toimenpide: R7 | Ilmastovahti</title><meta name="description" content="Kaukolämmön hukkalämmön talteenotto"></head>
<body><script>self.__next_f.push([0])</script>""" + _flight(V3_ACTION) + """
<main id="main" data-testid="root-layout"><template id="B:2"></template><div role="progressbar">Ladataan</div></main>
<footer><div class="container"><a href="/actions">Toimenpiteet</a></div></footer>
<div hidden id="S:2"><div data-testid="action-page">
<header class="mui-k1z-ActionHero-Hero"><div class="mui-2x-ActionHero-ImgBg"><img src="/media/hero.jpg" alt="" sizes="100vw">
 <div class="mui-9a-ActionHero-Overlay"><div class="container"><div class="row"><div class="col-lg-8"><div class="mui-c1-Card">
  <div class="mui-c2-CardContent">
   <div class="mui-p1-ActionHero-PrimaryOrg"><img alt="" src="/media/logo.png"><strong><a
    href="/organizations/12">Ympäristöpalvelut</a></strong></div>
   <nav aria-label="Toimenpidelista sivutus"><a href="/actions"><span>Toimenpiteet</span></a></nav>
   <div class="mui-b1-Breadcrumbs"><span id="crumb-31"><a href="/actions?cat-teema=31">Energia</a>&nbsp;/ </span></div>
   <h1 class="mui-h1-ActionHero-ActionHeadline"><span class="mui-n-ActionHero-ActionNumber">R7</span><span
    class="mui-m-ActionHero-ActionName">Kaukolämmön hukkalämmön talteenotto</span></h1>
  </div></div></div></div></div></div></div>
 <div class="mui-ic-ImageCredit">Kuva: Jussi Hellsten</div></header>
<div class="container mui-g-ActionContent-Grid">
 <div class="mui-t-ActionContent-MainTop">
  <div><h2>Eteneminen</h2><div class="mui-sb-StatusBadge"><div><div class="mui-si-indicator"></div>
   <div class="mui-sl-label">Myöhässä</div></div><p>Lupaprosessi viivästyi valitusten vuoksi.</p></div></div>
  <div class="mui-pc-ProgressCard"><ul><li><div class="phase-name">Suunnittelu</div></li>
   <li aria-current="step"><div class="phase-name">Toteutus</div></li><li><div class="phase-name">Jatkuva</div></li></ul></div>
  <div class="action-main-top">
   <div class="text-content"><h2 class="visually-hidden">Kuvaus</h2>
    <p>Datakeskukset tuottavat lämpöä, joka nyt johdetaan ulkoilmaan.</p><h3>Taustaa</h3>
    <p>Ensimmäinen kohde on Kilpilahti.</p></div>
   <div><h2>Virallinen kuvaus</h2><div class="official-text-content"><div>Hyödynnetään datakeskusten hukkalämpö
    kaukolämpöverkossa.</div><small>(Hiilineutraali Helsinki 2035 -toimenpideohjelmasta)</small></div></div>
   <div class="mui-s-ContentSection"><h2>Toteutus ja kustannukset</h2><div class="row">
    <div class="col-md-4 mb-3"><h3>Vastuuorganisaatiot</h3><ul>
     <li><a href="/organizations/12" aria-label=" Ympäristöpalvelut"><span class="badge lg">Ympäristöpalvelut</span></a></li>
     <li><a href="/organizations/14" aria-label="Päävastuuorganisaatio: HelEn Helen Oy"><span
      class="badge sm">HelEn</span></a><div>lämpöverkko</div></li></ul></div>
    <div class="col-md-4 mb-3"><h3>Kustannusarvio</h3><div>1,2 milj. €</div></div>
    <div class="col-md-4 mb-3"><h3>Toimenpidekokonaisuus</h3><a href="/actions?cat-kokonaisuus=8"><span
     class="badge">Energiantuotanto</span></a></div>
   </div></div>
  </div>
 </div>
 <div class="col mui-b-ActionContent-MainBottom">
  <h2>Tehtävät</h2>
  <h3>Mitä nyt tehdään?</h3><ul class="list-group mb-5"><li class="list-group-item state--IN_PROGRESS"><div><div>
   <svg aria-hidden="false"><title>Tehtävä</title></svg><span class="mui-d-TaskList-StyledDate">6.2026</span></div>
   <div><h4 class="task-title">Kilpilahden lämpöpumppu käyttöön</h4></div></div></li></ul>
  <h3>Mitä on tehty?</h3><ul class="list-group mb-5"><li class="list-group-item state--COMPLETED"><div><div>
   <svg aria-hidden="false"><title>Tehty</title></svg><span class="mui-d-TaskList-StyledDate">05.11.2024</span></div>
   <div><h4 class="task-title">Liittymissopimus allekirjoitettu</h4><button class="btn btn-link btn-sm">Näytä
   lisätiedot</button><div class="collapse"><div class="task-details"><p>Sopimus kattaa 20 vuotta.</p></div></div>
   </div></div></li></ul>
 </div>
 <aside class="mui-a-ActionContent-Aside">
  <h2 class="visually-hidden">Yhteenveto ja yhteystiedot</h2>
  <div><h3>Aikajänne</h3><div><span>1.1.2022</span> → <span class="badge bg-">Jatkuva</span></div></div>
  <div><h3>Prioriteetti</h3><div>Korkea</div></div>
  <div><h3>Päästöluokat</h3><ul><li>Scope 1</li><li>Scope 2</li></ul></div>
  <div><h3>Yhteyshenkilöt</h3><ul><li><span class="visually-hidden">Pääyhteyshenkilö</span>
   <div class="mui-cp-Name">Liisa Virtanen</div><div class="mui-cp-PersonRole">projektipäällikkö</div>
   <div class="mui-cp-PersonOrg">Ympäristöpalvelut</div></li></ul></div>
  <div><div class="mui-lu-ActionContent-LastUpdated">Tietoja päivitetty<!-- --> <!-- -->14.03.2025</div></div>
 </aside>
</div>
<div><h2>Miten tämä toimenpide vaikuttaa tavoitteeseen?</h2><div class="mui-cc-CausalChain">
 <a href="/indicators/77"><h3>Kaukolämmön päästöt</h3></a></div></div>
</div></div><script>$RC("B:2","S:2")</script>
</body></html>
"""


# --- English, Surrey-like, no embedded data ----------------------------------------------------------------------
SURREY = """<!DOCTYPE html><html lang="en"><head><title>Action: L3.2 | Climate Action Tracker</title></head><body>
<div data-testid="action-page"><header><div class="container"><div class="card">
 <nav aria-label="Actions pager"><a href="/actions"><span>Actions</span></a>
  <div><a href="/actions/L3.1">Previous</a><span></span><a href="/actions/L3.3">Next</a></div></nav>
 <h1><span>L3.2</span><span>Expand curbside organics collection to multi-family buildings</span></h1>
</div></div></header>
<div class="container">
 <div><h2>Progress</h2><div><div><div></div><div>On schedule</div></div></div></div>
 <div class="text-content"><h2 class="visually-hidden">Description</h2><p>Organics collection reduces landfill
  methane.</p></div>
 <div><h2>Tasks</h2>
  <h3>What are we doing?</h3><ul class="list-group"><li class="list-group-item state--IN_PROGRESS"><div><span>2025</span>
   <h4 class="task-title">Continue to update website with program results</h4></div></li></ul>
  <h3>What has been done?</h3><ul class="list-group"><li class="list-group-item state--COMPLETED"><div>
   <span>11/27/2023</span><h4 class="task-title">Launch website to public</h4></div></li></ul></div>
 <aside><h2 class="visually-hidden">Summary and contacts</h2>
  <h3>Responsible organizations</h3><ul><li><a href="/organizations/3" aria-label="ENG Engineering Department"><span
   class="badge">ENG</span></a></li></ul>
  <h3>Contact persons</h3><ul><li><div role="img" aria-label="Main contact person Sam Lee"></div><div>Sam Lee</div>
   <div>Manager, Solid Waste</div><div>Engineering Department</div></li></ul>
  <div><div>Information updated 04/14/2025</div></div></aside>
</div></div></body></html>
"""


# --- Swedish, V3-like, no embedded data ----------------------------------------------------------------------------
SWEDISH = """<!DOCTYPE html><html lang="sv"><head><title>Åtgärd: 5 | Klimatvakten</title></head><body>
<div data-testid="action-page"><header><div class="card">
 <nav aria-label="Handlingspager"><a href="/sv/actions"><span>Åtgärder</span></a>
  <div><a href="/sv/actions/4">Tidigare</a><span></span><a href="/sv/actions/6">Nästa</a></div></nav>
 <h1><span>5</span><span>Solpaneler på skolornas tak</span></h1></div></header>
<div class="container">
 <div><h2>Framsteg</h2><div><div>I tid</div></div></div>
 <div class="text-content"><h2 class="visually-hidden">Beskrivning</h2><p>Staden installerar solpaneler.</p></div>
 <div><h2>Officiell beskrivning</h2><div class="official-text-content"><div>Solenergi i offentliga byggnader.</div>
  <small>(Klimatprogrammet 2030)</small></div></div>
 <h2>Uppgifter</h2>
 <h3>Vad återstår att göra?</h3><ul class="list-group"><li class="list-group-item"><span>2025-09-30</span>
  <h4 class="task-title">Upphandling av paneler</h4></li></ul>
 <aside><h2 class="visually-hidden">Sammanfattning och kontakter</h2>
  <h3>Tidslinje</h3><div><span>Tidsram mellan 2023 - 2026</span></div>
  <h3>Ansvariga organisationer</h3><ul><li><a href="/sv/organizations/2"><span class="badge">Lokalcentralen</span></a></li></ul>
  <h3>Kontaktpersoner</h3><ul><li><div>Anna Holm</div><div>energiexpert</div><div>Lokalcentralen</div></li></ul>
  <div>Information uppdaterad 2024-05-06</div></aside>
</div></div></body></html>
"""


# --- Tampere second plan under /lumo: V2-like text with Tampere's own labels ------------------------------------
TAMPERE_LUMO = """<!DOCTYPE html><html lang="fi"><head><title>Toimenpide 12 | Luonnon monimuotoisuus</title></head><body>
<div id="__next"><div class="hero"><div class="container"><div class="card">
 <nav aria-label="Actions Pager"><a href="/lumo/actions"><span>Toimenpiteet</span></a>
  <div><a href="/lumo/actions/11">Edellinen</a><span></span><a href="/lumo/actions/13">Seuraava</a></div></nav>
 <h1><span>12</span><span>Niittyjen lisääminen puistoihin</span></h1></div></div></div>
<div class="container"><div class="row"><div class="col-md-8">
 <div class="text-content"><h2 class="visually-hidden">Kuvaus</h2><p>Nurmikoita muutetaan niityiksi.</p></div>
 <div class="container"><h2>Tehtävät</h2>
  <div><h3>Mitä on tehty?</h3><ul class="list-group">
   <li class="list-group-item">• Tehty21.10.2022 Niittykohteiden kartoitus</li></ul></div>
  <div><h3>Mitä on tehtävä?</h3><ul class="list-group">
   <li class="list-group-item">- 3.2025 Ensimmäiset niityt kylvetään</li></ul></div></div>
</div><div class="col-md-4">
 <h2 class="visually-hidden">Yhteenveto ja yhteystiedot</h2>
 <div><h3>Aikajänne</h3><div>Toteutetaan aikavälillä 2021 - 2029</div></div>
 <div><h3>Toimenpidekokonaisuus</h3><div>Viheralueiden hoito</div></div>
 <div><h3>Kustannusarvioiden suuruusluokat aikavälillä 2024-2030</h3><div>&gt; 100 milj. €</div></div>
 <div><h3>Vastuuorganisaatiot</h3></div>
 <div><h3>Yhteyshenkilöt</h3><ul><li><img alt="Pekka Puistola" src="/a.png"><div>Pekka Puistola</div>
  <div>puistosuunnittelija</div><div>Kaupunkiympäristön palvelualue</div></li></ul></div>
 <div>Tietoja päivitetty 7.2.2024</div>
</div></div></div></div></body></html>
"""


# --- Espoo: identifier hidden in the h1, SDG category type, no pager -----------------------------------------------
ESPOO = """<!DOCTYPE html><html lang="fi"><head><title>Toimenpide: Vähähiilinen betoni | Espoon ilmastovahti</title>
</head><body><div data-testid="action-page"><header><div class="card">
 <nav aria-label="Toimenpidelista sivutus"><a href="/actions"><span>Toimenpiteet</span></a></nav>
 <div><span id="crumb-2"><a href="/actions?cat-teema=2">Rakentaminen</a>&nbsp;/ </span></div>
 <h1><span>Vähähiilinen betoni kaupungin hankkeissa</span></h1></div></header>
<div class="container">
 <div class="text-content"><h2 class="visually-hidden">Kuvaus</h2><p>Espoo käyttää vähähiilistä betonia.</p></div>
 <aside><h2 class="visually-hidden">Yhteenveto ja yhteystiedot</h2>
  <div><h3>Kestävän kehityksen tavoitteet</h3><ul>
   <li><a href="/actions?cat-sdg=13"><span class="badge">13 Ilmastotekoja</span></a></li>
   <li><a href="/actions?cat-sdg=11"><span class="badge">11 Kestävät kaupungit ja yhteisöt</span></a></li></ul></div>
  <div><h3>Vastuuorganisaatiot</h3><ul><li><a href="/organizations/4"><span class="badge">Tilapalvelut</span></a></li></ul></div>
  <div><div>Tietoja päivitetty 05.06.2024</div></div></aside>
</div></div></body></html>
"""


# --- the same V2 page with its Apollo 3 cache: related and merged actions sit in the cache beside the action -------
_V2_CACHE: dict[str, Any] = {
    "ROOT_QUERY": {
        "plan({\"id\":\"hnh2035\"})": {"__ref": "Plan:1"},
        "action({\"plan\":\"hnh2035\",\"identifier\":\"42\"})": {"__ref": "Action:420"},
    },
    "Action:70": {"id": "70", "identifier": "7", "name": "Kaupunkipyöräjärjestelmä", "__typename": "Action"},
    "Action:440": {"id": "440", "identifier": "44", "name": "Seuraava vaihe", "__typename": "Action"},
    "Action:400": {"id": "400", "identifier": "40", "name": "Pyöräpysäköinnin parantaminen",
                   "mergedWith": {"__ref": "Action:420"}, "__typename": "Action"},
    "Action:410": {"id": "410", "identifier": "41", "name": "Pyöräpysäköinti", "__typename": "Action"},
    "Organization:5": {"id": "5", "abbreviation": "KYMP", "name": "Kaupunkiympäristön toimiala"},
    "Organization:9": {"id": "9", "abbreviation": "HKL", "name": "Liikenneliikelaitos"},
    "Action:420": {
        "id": "420", "identifier": "42", "name": "Pyöräilyn laatukäytävät",
        "leadParagraph": "Rakennetaan kantakaupungista esikaupunkeihin ulottuva baanaverkko.",
        "description": "<p>Laatukäytävät ovat leveitä, valaistuja ja talvikunnossapidettyjä reittejä.</p>"
        "<p>Lisätietoa <a href=\"https://www.hel.fi/baana\">baanaohjelmasta</a>.</p>",
        "officialName": "Pyöräilyn laatukäytävien verkko toteutetaan.\nVerkko valmistuu vaiheittain.",
        "completion": 35,
        "updatedAt": "2021-12-03T10:00:00+02:00",
        "status": {"id": "2", "identifier": "on_time", "name": "Ajallaan", "__typename": "ActionStatus"},
        "implementationPhase": {"identifier": "implementation", "name": "Toteutus"},
        "impact": {"id": "4", "identifier": "4", "name": "Suuri"},
        "schedule": [{"id": "1", "name": "2021-2025", "beginsAt": "2021-01-01", "endsAt": "2025-12-31"}],
        "categories": [{"id": "17", "name": "Kävely ja pyöräily", "parent": {"id": "3", "name": "Liikenne"}}],
        "responsibleParties": [
            {"id": "1", "role": "PRIMARY", "organization": {"__ref": "Organization:5"}},
            {"id": "2", "role": "COLLABORATOR", "organization": {"__ref": "Organization:9"}},
        ],
        "contactPersons": [{"id": "1", "person": {"id": "8", "firstName": "Maija", "lastName": "Meikäläinen",
                                                  "title": "liikenneinsinööri",
                                                  "organization": {"name": "Kaupunkiympäristön toimiala"}}}],
        "tasks": [
            {"id": "1", "name": "Pohjois-Helsingin baanan rakentaminen", "dueAt": "2024-12-31", "completedAt": None,
             "dateFormat": "YEAR", "state": "NOT_STARTED", "comment": ""},
            {"id": "2", "name": "Baanaverkon yleissuunnitelma hyväksytty", "dueAt": "2021-06-15",
             "completedAt": "2021-06-15", "state": "COMPLETED",
             "comment": "<p>Kaupunkiympäristölautakunta hyväksyi suunnitelman.</p>"},
        ],
        "links": [{"url": "https://example.org/baanaselvitys.pdf", "title": "Baanaverkkoselvitys"},
                  {"url": "/static/kartta.pdf", "title": "Verkon kartta"}],
        "relatedIndicators": [{"indicator": {"id": "55", "name": "Pyöräilyn kulkutapaosuus"}}],
        "mergedActions": [{"__ref": "Action:400"}],
        "relatedActions": [{"__ref": "Action:440"}, {"__ref": "Action:70"}],
        "nextAction": None,
        "previousAction": {"__ref": "Action:410"},
        "__typename": "Action",
    },
}
V2_WITH_NEXT_DATA = V2_END_2021.replace(
    "</body>",
    '<script id="__NEXT_DATA__" type="application/json">'
    + json.dumps({"props": {"pageProps": {"id": "42"}, "apolloState": {"data": _V2_CACHE},
                            "plan": {"identifier": "hnh2035"}},
                  "page": "/actions/[id]", "query": {"id": "42"}}, ensure_ascii=False).replace("</", "<\\/")
    + "</script></body>",
)


# --- V1 (late 2019), the last action: only "Edellinen", a "JATKUVA TOIMENPIDE" badge, empty-block markers ----------
V1_LAST_ACTION = """<html lang="fi"><body><div id="__next"><div class="ActionHero"><div class="container"><a href="/actions"><h4>Toimenpiteet</h4></a>
<p><a href="/actions/146">Edellinen</a></p>
<h1 class="ActionHeadline"><span class="ActionNumber">147</span><br>Energiaremontit</h1>
<span class="mr-3 badge badge-secondary">Rakennukset</span><span class="mr-3 badge badge-secondary">JATKUVA TOIMENPIDE</span></div></div>
<div class="container"><div class="row"><div class="col-md-7 col-lg-8"><div class="text-content"><p>Tuetaan remontteja.</p></div>
<div><h5>Virallinen kuvaus</h5><strong>Toimenpideohjelman mukaan</strong><div>Virallinen.</div><small>(Hiilineutraali Helsinki 2035 -toimenpideohjelmasta)</small></div></div>
<div class="col-md-5 col-lg-4"><div><h5>Eteneminen</h5><div class="progress bg-late"><div class="progress-bar bg-warning"><div>Myöhässä</div></div></div></div>
<div><div><h5>Vastuuorganisaatiot</h5><h6>Ei merkittyjä vastuuorganisaatioita</h6></div></div>
<div><h5>Yhteyshenkilöt</h5><div>Ei merkittyjä yhteyshenkilöitä</div></div>
<div><div>Tietoja päivitetty 15.10.2019</div></div></div></div></div>
<div class="container"><h2>Tehtävät</h2><div><div class="list-group mb-4"><h5>Mitä on tehty?</h5>
<li class="list-group-item state--undefined"><div class="task-header"><span>01.03.2019</span> | <span>Selvitys valmis</span></div><div><small><span>Kommentti.</span></small></div></li></div>
<h5>Ei tekemättömiä tehtäviä</h5></div></div>
</div></body></html>
"""
