"""A V3 action page shaped like the current front end really serves it (reference section 11), written by hand:
the hidden streamed body after the footer, the flight payload split mid-row across pushes, the translation bundle
in scripts, hashed emotion class names, glued task text, the inverted organisation aria-label."""

from __future__ import annotations

import json
from typing import Any

ACTION: dict[str, Any] = {
    "id": "a111",
    "identifier": "111",
    "name": "Julkisten toimijoiden yhteistyö vastuullisissa hankinnoissa",
    "officialName": "$5 testi: Lisätään hankintayhteistyötä\nlähialueen kuntien kanssa.",
    "leadParagraph": "",
    "description": "<p>Yhteistyötä tehdään seuraavaa periaatetta noudattaen: avoimuus&nbsp;ensin.</p>",
    "status": {"id": "2", "identifier": "on_time", "name": "Ajallaan", "color": "green", "__typename": "ActionStatus"},
    "statusSummary": {"identifier": "ON_TIME", "label": "Aikataulussa", "__typename": "ActionStatusSummary"},
    "implementationPhase": {"identifier": "implementation", "name": "Toteutus", "__typename": "ActionImplementationPhase"},
    "updatedAt": "2019-10-15T01:30:00+03:00",
    "completion": None,
    "categories": [{"id": "8", "name": "Hankinnat", "type": {"identifier": "theme", "name": "Teema"}, "__typename": "Category"}],
    "responsibleParties": [
        {"role": "PRIMARY", "specifier": "", "organization": {"abbreviation": None, "name": "Palu_Ympa", "email": ""}, "__typename": "ActionResponsibleParty"},
        {"role": "COLLABORATOR", "specifier": "", "organization": {"abbreviation": "Kymp", "name": "Kaupunkiympäristön toimiala", "email": ""}, "__typename": "ActionResponsibleParty"},
    ],
    "contactPersons": [{"person": {"firstName": "Mia", "lastName": "Malin", "title": "ympäristösuunnittelija", "organization": {"name": "Ympäristöpalvelut"}}, "__typename": "ActionContactPerson"}],
    "tasks": [
        {"name": "Toimenpiteestä on tilannekuvaus", "dueAt": "2020-03-01", "completedAt": None, "dateFormat": "FULL", "details": "", "state": "NOT_STARTED", "__typename": "ActionTask"},
        {"name": "Kriteerit päivitetään", "dueAt": "2021-06-01", "completedAt": None, "dateFormat": "MONTH_YEAR", "details": "", "state": "IN_PROGRESS", "__typename": "ActionTask"},
        {"name": "Peruttu selvitys", "dueAt": "2021-01-01", "completedAt": None, "dateFormat": "FULL", "details": "", "state": "CANCELLED", "__typename": "ActionTask"},
        {"name": "Valitaan yhteyshenkilö", "dueAt": "2019-03-01", "completedAt": "2019-03-01", "dateFormat": "FULL", "details": "", "state": "COMPLETED", "__typename": "ActionTask"},
        {"name": "Laaditaan suositukset", "dueAt": "2019-03-31", "completedAt": "2019-03-31", "dateFormat": "YEAR", "details": "<p>Kriteerisuosituksilla luotiin yhteinen taso.</p>", "state": "COMPLETED", "__typename": "ActionTask"},
    ],
    "links": [],
    "nextAction": {"id": "a112", "identifier": "112", "__typename": "Action"},
    "previousAction": {"id": "a110", "identifier": "110", "__typename": "Action"},
    "__typename": "Action",
}

MESSAGES = {"action-last-updated": "Tietoja päivitetty", "action-timeline-between": "Toteutetaan aikavälillä",
            "action-tasks": "Tehtävät", "indicators": "Mittarit", "next": "Seuraava", "previous": "Edellinen"}


def _dollar(value: Any) -> Any:
    if isinstance(value, str):
        return "$" + value if value.startswith("$") else value
    if isinstance(value, dict):
        return {k: _dollar(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dollar(v) for v in value]
    return value


def flight_scripts(action: dict[str, Any], pieces: int = 5) -> str:
    rows = [
        '0:{"P":null,"b":"build-xyz"}',
        '2:I[12345,["static/chunks/app.js"],"ActionContent"]',
        "3:" + json.dumps({"messages": MESSAGES}, ensure_ascii=False),
        '17:["$","$L33",null,' + json.dumps(
            {"action": _dollar(action), "extraPlanData": {"actionListPage": {}}, "testId": "action-page",
             "pdfExportConfigured": False}, ensure_ascii=False) + "]",
    ]
    payload = "\n".join(rows) + "\n"
    size = len(payload) // pieces + 1
    out = ['<script>(self.__next_f=self.__next_f||[]).push([0])</script>']
    for k in range(0, len(payload), size):
        chunk = json.dumps(payload[k : k + size], ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
        out.append(f"<script>self.__next_f.push([1,{chunk}])</script>")
    return "".join(out)


def page(action: dict[str, Any] = ACTION, *, pager: bool = True, embedded: bool = True) -> bytes:
    top_pager = (
        '<div class="mui-1x2y-ActionHero-Pager"><a href="/actions/110"><svg aria-hidden="true"></svg> Edellinen</a>'
        '<span class="mui-9a-NavDivider"></span><a href="/actions/112">Seuraava<svg aria-hidden="true"></svg></a></div>'
        if pager else ""
    )
    bottom_pager = (
        '<div class="container"><div><a href="/actions/110"><button class="mui-44 btn btn-outline-primary">Edellinen toimenpide</button></a></div>'
        '<div><a href="/actions/112"><button class="mui-45 btn btn-outline-primary">Seuraava toimenpide</button></a></div></div>'
        if pager else ""
    )
    body = f"""
<div data-testid="action-page"><header class="mui-k3j2-ActionHero-Hero e1yg23w50"><div><div class="container"><div class="row"><div class="col-lg-8"><div class="mui-77-Card">
<div class="mui-88-CardContent"><nav aria-label="Toimenpidelista sivutus"><a href="/actions"><span>Toimenpiteet</span></a>{top_pager}</nav>
<div class="mui-99-Breadcrumbs"><span id="crumb-8"><a href="/actions?cat-theme=8">Hankinnat</a>&nbsp;/ </span></div>
<h1 class="mui-a1b2-ActionHero-ActionHeadline e1yg23w512"><span class="mui-c3d4-ActionHero-ActionNumber">111</span><span class="mui-e5f6-ActionHero-ActionName">Julkisten toimijoiden yhteistyö vastuullisissa hankinnoissa</span></h1>
</div></div></div></div></div></div></header>
<div class="container mui-grid"><div class="mui-m1-MainTop">
<div><h2>Eteneminen</h2><div><div><div class="mui-ind"></div><div class="mui-lbl">Ajallaan</div></div></div></div>
<div class="mui-pc-ProgressCard"><ul><li><div class="phase-name">Suunnittelu</div></li><li aria-current="step"><div class="phase-name">Toteutus</div></li><li><div class="phase-name">Valmis</div></li></ul></div>
<div class="action-main-top"><div class="text-content"><h2 class="visually-hidden">Kuvaus</h2><p>Yhteistyötä tehdään seuraavaa periaatetta noudattaen: avoimuus&nbsp;ensin.</p></div>
<div><h2>Virallinen kuvaus</h2><div class="official-text-content"><div>$5 testi: Lisätään hankintayhteistyötä<br/>lähialueen kuntien kanssa.</div><small>(Hiilineutraali Helsinki 2035 -toimenpideohjelmasta)</small></div></div></div>
</div><div class="mui-mb-MainBottom col">
<div><div class="row"><div class="col"><h2>Tehtävät</h2></div></div>
<h3>Mitä on tehtävä?</h3><ul class="mb-5 mui-tl list-group"><li class="state--NOT_STARTED mui-li list-group-item"><div><div class="mui-tm-TaskMeta"><svg aria-hidden="false"><title>Tehtävä</title></svg><span class="mui-sd-TaskList-StyledDate">1.3.2020</span></div><div class="mui-tc"><h4 class="task-title">Toimenpiteestä on tilannekuvaus</h4></div></div></li></ul>
<h3>Mitä nyt tehdään?</h3><ul class="mb-5 list-group"><li class="state--IN_PROGRESS list-group-item"><div><div><svg><title>Tehtävä</title></svg><span>6.2021</span></div><div><h4 class="task-title">Kriteerit päivitetään</h4></div></div></li></ul>
<h3>Mitä on tehty?</h3><ul class="mb-5 list-group">
<li class="state--COMPLETED list-group-item"><div><div><svg><title>Tehty</title></svg><span>31.03.2019</span></div><div><h4 class="task-title">Laaditaan suositukset</h4><button class="btn btn-link btn-sm">Näytä lisätiedot</button><div class="collapse"><div class="task-details"><p>Kriteerisuosituksilla luotiin yhteinen taso.</p></div></div></div></div></li>
<li class="state--COMPLETED list-group-item"><div><div><svg><title>Tehty</title></svg><span>01.03.2019</span></div><div><h4 class="task-title">Valitaan yhteyshenkilö</h4></div></div></li></ul></div>
</div><div class="mui-as-Aside"><h2 class="visually-hidden">Yhteenveto ja yhteystiedot</h2>
<div><h3>
		Vastuuorganisaatiot</h3><ul><li><a href="/organizations/13"><span id="bttorg-13"><button type="button" class="mui-t1-BadgeTooltip-Button" data-rac=""><span class="lg mui-b2-BadgeTooltip-StyledBadge" aria-label="null Palu_Ympa"><span class="mui-c3-TruncatedContent">Palu_Ympa</span></span></button></span></a></li>
<li><a href="/organizations/14"><span id="bttorg-14"><button type="button" class="mui-t1-BadgeTooltip-Button" data-rac=""><span class="sm mui-b2-BadgeTooltip-StyledBadge" aria-label="Päävastuuorganisaatio: Kymp Kaupunkiympäristön toimiala"><span class="mui-c3-TruncatedContent">Kymp</span></span></button></span></a></li></ul></div>
<div><h3>
		Teema
	</h3><div><a href="/actions?cat-theme=8"><span id="btt8"><button type="button" class="mui-t1-BadgeTooltip-Button" data-rac=""><span class="md mui-b2-BadgeTooltip-StyledBadge"><span class="mui-c3-TruncatedContent">Hankinnat</span></span></button></span></a></div></div>
<div><h3>Kustannusarvioiden suuruusluokat aikavälillä 2024-2030</h3><div>&gt; 100 milj. €</div></div>
<div><h3>Yhteyshenkilöt</h3><ul><li><div role="img" aria-label="Pääyhteyshenkilö Mia Malin"></div><div>Mia Malin</div><div>ympäristösuunnittelija</div><div>Ympäristöpalvelut</div><button>Yhteystiedot</button><div id="contact-42" class="collapse"></div></li></ul></div>
<div><div class="mui-lu-ActionContent-LastUpdated">Tietoja päivitetty<!-- --> <!-- -->14.10.2019</div></div>
</div></div>{bottom_pager}</div>"""
    scripts = flight_scripts(action) if embedded else ""
    html = f"""<!DOCTYPE html><html lang="fi"><head><meta charSet="utf-8"/><meta name="sentry-trace" content="4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"/><meta name="baggage" content="sentry-environment=production,sentry-trace_id=4bf92f3577b34da6a3ce929d0e0e4736,sentry-sampled=false"/><title>Toimenpide: 111 | Ilmastovahti</title>
<meta name="description" content="Julkisten toimijoiden yhteistyö vastuullisissa hankinnoissa"/><style data-emotion="mui 1x2y">.mui-1x2y{{color:red}}</style></head>
<body><div hidden=""><!--$?--><template id="B:1"></template><!--/$--></div>{scripts}
<script>self.__next_i18n={json.dumps(MESSAGES, ensure_ascii=False)}</script>
<main id="main" data-testid="root-layout"><!--$?--><template id="B:2"></template><div role="progressbar">Ladataan</div><!--/$--></main>
<footer><h2>Ilmastovahti</h2><a href="/">Etusivu</a></footer>
<div hidden id="S:2">{body}</div><script>$RC("B:2","S:2")</script></body></html>"""
    return html.encode("utf-8")


def not_found_page() -> bytes:
    return (
        '<!DOCTYPE html><html lang="fi"><head><meta name="robots" content="noindex"/><title>Ilmastovahti</title></head>'
        '<body><main id="main"><template data-dgst="NEXT_HTTP_ERROR_FALLBACK;404"></template></main>'
        f"{flight_scripts({'identifier': '999'} | {'name': ''}, 2)}"
        "<footer>Ilmastovahti</footer></body></html>"
    ).encode()
