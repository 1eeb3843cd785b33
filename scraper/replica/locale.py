"""UI strings and date formats of the Kausal Watch front end, per language (reference section 5 and 6).

Plan content (names, descriptions, status names) stays Finnish in every language, as on a site whose editors
did not translate; only the front end's own words change.
"""

from __future__ import annotations

import datetime as dt

STRINGS: dict[str, dict[str, str]] = {
    "fi": {
        "actions": "Toimenpiteet", "action": "Toimenpide", "previous": "Edellinen", "next": "Seuraava",
        "action-previous": "Edellinen toimenpide", "action-next": "Seuraava toimenpide",
        "nav-actions-pager": "Toimenpidelista sivutus",
        "responsible-parties": "Vastuuorganisaatiot", "responsible-party-main": "Päävastuuorganisaatio",
        "responsible-parties-missing": "Ei merkittyjä vastuuorganisaatioita",
        "contact-persons": "Yhteyshenkilöt", "contact-person-main": "Pääyhteyshenkilö",
        "contact-persons-missing": "Ei merkittyjä yhteyshenkilöitä", "contact-info": "Yhteystiedot",
        "action-progress": "Eteneminen", "action-completion-percentage": "Valmistumisaste",
        "action-percent-ready": "valmis", "action-timeline": "Aikajänne",
        "action-timeline-between": "Toteutetaan aikavälillä", "action-continuous": "Jatkuva",
        "action-tasks": "Tehtävät", "action-tasks-done": "Mitä on tehty?", "action-tasks-todo": "Mitä on tehtävä?",
        "action-tasks-doing": "Mitä nyt tehdään?", "action-task-done": "Tehty", "action-task-todo": "Tehtävä",
        "action-tasks-todo-empty": "Ei tekemättömiä tehtäviä", "action-task-show-details": "Näytä lisätiedot",
        "indicators": "Mittarit", "no-defined-indicators": "Ei määriteltyjä mittareita",
        "indicator-also-for-actions": "Liittyy myös toimenpiteisiin",
        "indicator-details": "Mittarin tarkemmat tiedot",
        "action-last-updated": "Tietoja päivitetty", "action-description-official": "Virallinen kuvaus",
        "action-as-in-plan": "Toimenpideohjelman mukaan", "action-description": "Kuvaus",
        "action-impact": "Vaikutus", "impact": "vaikutus", "action-merged": "Yhdistetyt toimenpiteet",
        "action-status-updates": "Viimeisimmät päivitykset", "action-meta-header": "Yhteenveto ja yhteystiedot",
        "action-what-effect-this-has": "Miten tämä toimenpide vaikuttaa tavoitteeseen?",
        "read-more": "Lue lisää", "testing-label": "Testi", "testing-message": "Tämä on palvelun testiversio",
        "action-not-found": "Toimenpidettä ei löydy", "loading": "Ladataan", "filters": "Rajaukset",
        "filters-aria": "Toimenpidelista filtterit", "text-search": "Tekstihaku",
        "search-placeholder": "Etsi otsikoista", "search": "Haku", "actions-count": "toimenpidettä",
        "indicators-nav": "Mittarit", "front-page": "palvelun etusivu", "lead": "action-leadParagraph",
        "status-undefined": "Tuntematon",
    },
    "sv": {
        "actions": "Åtgärder", "action": "Åtgärd", "previous": "Tidigare", "next": "Nästa",
        "action-previous": "Tidigare åtgärd", "action-next": "Nästa åtgärd", "nav-actions-pager": "Handlingspager",
        "responsible-parties": "Ansvariga organisationer", "responsible-party-main": "Huvudansvarig",
        "responsible-parties-missing": "Inga namngivna ansvariga organisationer",
        "contact-persons": "Kontaktpersoner", "contact-person-main": "Huvudkontaktperson",
        "contact-persons-missing": "Inga namngivna kontaktpersoner", "contact-info": "Kontaktinformation",
        "action-progress": "Framsteg", "action-completion-percentage": "Komplettering",
        "action-percent-ready": "redo", "action-timeline": "Tidslinje", "action-timeline-between": "Tidsram mellan",
        "action-continuous": "Ständig", "action-tasks": "Uppgifter", "action-tasks-done": "Vad har gjorts?",
        "action-tasks-todo": "Vad återstår att göra?", "action-tasks-doing": "Vad gör vi?",
        "action-task-done": "Gjort", "action-task-todo": "Att göra", "action-tasks-todo-empty": "Inga uppgifter",
        "action-task-show-details": "Visa information", "indicators": "Indikatorer",
        "no-defined-indicators": "Inga indikatorer definierade", "indicator-also-for-actions": "Påverkas också av",
        "indicator-details": "Indikatorns detaljer",
        "action-last-updated": "Information uppdaterad", "action-description-official": "Officiell beskrivning",
        "action-as-in-plan": "Beskrivning från originalplanen", "action-description": "Beskrivning",
        "action-impact": "Påverkan", "impact": "påverkan", "action-merged": "Sammanlagda åtgärderna",
        "action-status-updates": "Senaste uppdateringarna", "action-meta-header": "Sammanfattning och kontakter",
        "action-what-effect-this-has": "Hur denna åtgärd bidrar till resultatet?", "read-more": "Läs mer",
        "testing-label": "Testning", "testing-message": "Detta är en testversion av tjänsten (under uppbyggnad)",
        "action-not-found": "Åtgärd hittades inte", "loading": "Laddar", "filters": "Filter",
        "filters-aria": "Filter för åtgärdslistan", "text-search": "Textsökning", "search-placeholder": "Sök",
        "search": "Sök", "actions-count": "åtgärder", "indicators-nav": "Indikatorer", "front-page": "startsida",
        "lead": "action-leadParagraph", "status-undefined": "Okänd",
    },
    "en": {
        "actions": "Actions", "action": "Action", "previous": "Previous", "next": "Next",
        "action-previous": "Previous action", "action-next": "Next action", "nav-actions-pager": "Actions pager",
        "responsible-parties": "Responsible organizations", "responsible-party-main": "Main responsible",
        "responsible-parties-missing": "No named responsible organisations",
        "contact-persons": "Contact persons", "contact-person-main": "Main contact person",
        "contact-persons-missing": "No named contact persons", "contact-info": "Contact information",
        "action-progress": "Progress", "action-completion-percentage": "Completion", "action-percent-ready": "ready",
        "action-timeline": "Timeline", "action-timeline-between": "Timeframe between",
        "action-continuous": "Continuous", "action-tasks": "Tasks", "action-tasks-done": "What has been done?",
        "action-tasks-todo": "What's left to do?", "action-tasks-doing": "What are we doing?",
        "action-task-done": "Done", "action-task-todo": "Todo", "action-tasks-todo-empty": "No to-dos",
        "action-task-show-details": "Show details", "indicators": "Indicators",
        "no-defined-indicators": "No indicators defined", "indicator-also-for-actions": "Also impacted by",
        "indicator-details": "Indicator details",
        "action-last-updated": "Information updated", "action-description-official": "Official description",
        "action-as-in-plan": "Description from the original plan", "action-description": "Description",
        "action-impact": "Impact", "impact": "impact", "action-merged": "Merged actions",
        "action-status-updates": "Latest updates", "action-meta-header": "Summary and contacts",
        "action-what-effect-this-has": "How this action contributes to the outcome?", "read-more": "Read more",
        "testing-label": "Testing", "testing-message": "This is a test version of the service",
        "action-not-found": "Action not found", "loading": "Loading", "filters": "Filters",
        "filters-aria": "Action list filters", "text-search": "Text search", "search-placeholder": "Search titles",
        "search": "Search", "actions-count": "actions", "indicators-nav": "Indicators", "front-page": "front page",
        "lead": "action-leadParagraph", "status-undefined": "Unknown",
    },
}

#: V1 before 2019-10-15: strings hard-coded in Finnish components (English pages used the same components).
V1_EARLY_OVERRIDES = {
    "action-as-in-plan": "Toimenpideohjelman mukaisesti",
    "action-what-effect-this-has": "Miten tämä vaikuttaa?",
}

#: Headings a `--redesign` renames: the new front end's words that no parser has seen.
REDESIGN_OVERRIDES = {
    "responsible-parties": "Vastuutahot ja kumppanit",
    "contact-persons": "Ota yhteyttä",
    "action-tasks": "Työlista",
    "action-description-official": "Ohjelman teksti",
    "action-timeline": "Toteutusaika",
    "action-progress": "Tilanne",
    "indicators": "Seurantamittarit",
    "action-status-updates": "Uutiset",
}


def t(lang: str, key: str, era: str = "v3", redesign: bool = False) -> str:
    if redesign and lang == "fi" and key in REDESIGN_OVERRIDES:
        return REDESIGN_OVERRIDES[key]
    if era == "v1early" and key in V1_EARLY_OVERRIDES and lang == "fi":
        return V1_EARLY_OVERRIDES[key]
    return STRINGS[lang][key]


def fmt_l(day: dt.date, lang: str) -> str:
    """dayjs/moment `L`: fi 15.10.2019, sv 2019-10-15, en 10/15/2019 (all padded)."""
    if lang == "sv":
        return day.isoformat()
    if lang == "en":
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def fmt_intl(day: dt.date, lang: str, date_format: str) -> str:
    """`Date.toLocaleDateString` with numeric parts: fi 1.3.2020 / 3.2020 / 2020, sv 2020-03-01 / 2020-03,
    en 3/1/2020 / 3/2020."""
    if date_format == "YEAR":
        return str(day.year)
    if lang == "sv":
        return day.isoformat() if date_format == "FULL" else f"{day.year}-{day.month:02d}"
    if lang == "en":
        return f"{day.month}/{day.day}/{day.year}" if date_format == "FULL" else f"{day.month}/{day.year}"
    return f"{day.day}.{day.month}.{day.year}" if date_format == "FULL" else f"{day.month}.{day.year}"
