"""The Kausal Watch UI vocabulary in Finnish, Swedish and English.

Every label the reference lists is mapped either to the Action field it introduces or to `CHROME` (navigation,
filters, image credits, hidden helper headings) so the parser can tell "a section we model", "page furniture" and
"a section we do not know yet" (which is kept in `extra_sections`) apart.
"""

from __future__ import annotations

from functools import lru_cache

from schemas.text import clean_inline

CHROME = "chrome"
#: The start of the title or heading of the site's "action not found" page (casefolded): the parser's sign of a
#: gone action, and page furniture wherever else it shows.
NOT_FOUND_TEXT = ("toimenpidettä ei löydy", "åtgärd hittades inte", "action not found")

#: label -> Action field (or a pseudo-field the parser understands, or CHROME).
LABELS: dict[str, str] = {}


def _add(target: str, *labels: str) -> None:
    for label in labels:
        LABELS[label.casefold()] = target


# --- sections that map to fields -------------------------------------------------------------------------
_add("description", "Kuvaus", "Beskrivning", "Description")
_add("lead", "Lyhyt kuvaus", "Ingress", "Lead paragraph", "action-leadParagraph")
_add(
    "official_description",
    "Virallinen kuvaus", "Officiell beskrivning", "Official description", "Official name",
)
_add("responsible_organizations", "Vastuuorganisaatiot", "Ansvariga organisationer",
     "Responsible organisations", "Responsible organizations", "Responsible parties")
_add("contact_persons", "Yhteyshenkilöt", "Kontaktpersoner", "Contact persons")
_add("status", "Eteneminen", "Framsteg", "Progress", "Tila", "Status")
_add("implementation_phase", "Toteutusvaihe", "Fas", "Implementation phase")
_add("completion", "Valmistumisaste", "Komplettering", "Completion")
_add("schedule", "Aikajänne", "Tidslinje", "Timeline")
_add("impact", "Vaikutus", "Påverkan", "Impact")
_add("tasks", "Tehtävät", "Uppgifter", "Tasks")
_add("tasks_done", "Mitä on tehty?", "Vad har gjorts?", "What has been done?")
_add("tasks_todo", "Mitä on tehtävä?", "Vad återstår att göra?", "What's left to do?", "What’s left to do?")
_add("tasks_in_progress", "Mitä nyt tehdään?", "Vad gör vi?", "What are we doing?")
_add("indicators", "Mittarit", "Indikatorer", "Indicators")
_add("links", "Lue lisää", "Läs mer", "Read more")
_add("status_updates", "Viimeisimmät päivitykset", "Senaste uppdateringarna", "Latest updates")
_add("updated_at", "Tietoja päivitetty", "Information uppdaterad", "Information updated")

# --- page furniture ---------------------------------------------------------------------------------------
_add(
    CHROME,
    "Toimenpiteet", "Åtgärder", "Actions",
    "Toimenpide", "Åtgärd", "Action",
    "Edellinen", "Tidigare", "Previous", "Seuraava", "Nästa", "Next",
    "Edellinen toimenpide", "Tidigare åtgärd", "Previous action",
    "Seuraava toimenpide", "Nästa åtgärd", "Next action",
    "Toimenpidelista sivutus", "Handlingspager", "Actions pager", "Actions Pager",
    "Yhteenveto ja yhteystiedot", "Sammanfattning och kontakter", "Summary and contacts",
    "Yhteystiedot", "Kontaktinformation", "Contact information", "Contact informaton",
    "Sähköposti", "E-post", "E-mail",
    "Pääyhteyshenkilö", "Huvudkontaktperson", "Main contact person",
    "Päävastuuorganisaatio", "Huvudansvarig", "Main responsible", "Päävastuutaho",
    "Päävastuutahot", "Huvudansvariga", "Main responsibles",
    "Yhteistyötahot", "Samarbetspartners", "Collaborators",
    "Näytä lisätiedot", "Piilota lisätiedot", "Visa information", "Dölj information",
    "Show details", "Hide details",
    "Tehty", "Tehtävä", "Gjort", "Att göra", "Done", "Todo",
    "Liittyy myös toimenpiteisiin", "Påverkas också av", "Also impacted by", "Mittarin tarkemmat tiedot",
    "Indikatorns detaljer", "Indicator details",
    "Miten tämä toimenpide vaikuttaa tavoitteeseen?", "Miten tämä vaikuttaa?",
    "Hur denna åtgärd bidrar till resultatet?", "How this action contributes to the outcome?",
    "Kuva", "Bild", "Image",
    "Testi", "Testning", "Testing", "Kehitys", "Development",
    "Tämä on palvelun testiversio", "Detta är en testversion av tjänsten (under uppbyggnad)",
    "This is a test version of the service",
    *NOT_FOUND_TEXT,
    "Teemat", "Teman", "Themes",
    "Rajaukset", "Rajaa teeman mukaan", "Kaikki teemat", "Rajaa vastuuorganisaation mukaan",
    "Rajaa vaikuttavuuden mukaan", "Tekstihaku", "Etsi otsikoista", "Haku",
    "Filter by theme", "Toimenpidelista filtterit",
    "Ladataan", "Laddar", "Loading",
)

#: Headings that stand for "this block is empty" (their presence means the field is shown, empty).
EMPTY_MARKERS: dict[str, str] = {}
for _field, _labels in {
    "responsible_organizations": ("Ei merkittyjä vastuuorganisaatioita", "Inga namngivna ansvariga organisationer",
                                  "No named responsible organisations"),
    "contact_persons": ("Ei merkittyjä yhteyshenkilöitä", "Inga namngivna kontaktpersoner", "No named contact persons"),
    "tasks": ("Ei tekemättömiä tehtäviä", "Ei tehtäviä", "Inga uppgifter", "No to-dos", "No tasks"),
    "indicators": ("Ei määriteltyjä mittareita", "Inga indikatorer definierade", "No indicators defined"),
}.items():
    for _label in _labels:
        EMPTY_MARKERS[_label.casefold()] = _field

PREVIOUS_WORDS = ("edellinen", "tidigare", "previous", "föregående")
NEXT_WORDS = ("seuraava", "nästa", "next")
#: Sub-headings of a responsible-parties block that give the role of the organisations under them.
ROLE_HEADINGS: dict[str, str] = {
    **{w: "primary" for w in ("päävastuutahot", "päävastuutaho", "huvudansvariga", "main responsibles")},
    **{w: "collaborator" for w in ("yhteistyötahot", "yhteistyötaho", "samarbetspartners", "collaborators")},
}
TEST_BANNER_WORDS = ("testiversio", "testversion", "test version", "kehitysversio")
OFFICIAL_LABEL_PREFIXES = (
    "toimenpideohjelman mukaisesti", "toimenpideohjelman mukaan",
    "beskrivning från originalplanen", "description from the original plan",
)
UPDATED_PREFIXES = ("tietoja päivitetty", "information uppdaterad", "information updated")
TIMELINE_BETWEEN = ("toteutetaan aikavälillä", "tidsram mellan", "timeframe between")
CONTINUOUS_WORDS = ("jatkuva", "ständig", "continuous")
PERCENT_READY = ("valmis", "redo", "ready")
CAUSAL_HEADINGS = ("miten tämä toimenpide vaikuttaa tavoitteeseen?", "miten tämä vaikuttaa?",
                   "hur denna åtgärd bidrar till resultatet?", "how this action contributes to the outcome?")


@lru_cache(maxsize=8192)  # the same headings and lines recur on every page of a plan
def label_field(text: str) -> str | None:
    """The field a heading introduces, CHROME for furniture, None when the label is unknown."""
    if len(text) > _LONGEST_LABEL and text.isascii() and len(" ".join(text.split()).rstrip(":").strip()) > _LONGEST_LABEL:
        return None  # ASCII text normalises to exactly this, and is no label when longer than every label
    key = clean_inline(text).rstrip(":").strip().casefold()
    if not key:
        return None
    if key in LABELS:
        return LABELS[key]
    return None


_LONGEST_LABEL = max(len(label) for label in LABELS)


# --- statuses ---------------------------------------------------------------------------------------------
STATUS_IDENTIFIERS: dict[str, str] = {}
for _ident, _words in {
    "on_time": ("Ajallaan", "Aikataulussa", "On time", "On schedule", "I tid", "I fas", "Enligt tidsplan"),
    "late": ("Myöhässä", "Late", "Sen", "Försenad", "Viivästynyt", "Behind schedule"),
    "severely_late": ("Pahasti myöhässä", "Severely late", "Kraftigt försenad", "Very late"),
    "completed": ("Valmis", "Completed", "Färdigställd", "Klar", "Done", "Toteutettu"),
    "not_started": ("Ei aloitettu", "Not started", "Ej påbörjad", "Ei käynnistynyt", "Aloittamatta"),
    "in_progress": ("Käynnissä", "In progress", "Pågående", "Toteutuksessa"),
    "cancelled": ("Peruttu", "Cancelled", "Avbruten", "Ei toteuteta tässä vaiheessa",
                  "Cancelled or postponed", "Inställt eller uppskjutet"),
    "out_of_scope": ("Ohjelman ulkopuolella", "Out of scope", "Utanför tillämpningsområdet"),
    "merged": ("Yhdistetty", "Merged", "Sammanfogad", "Merged with action", "Sammanfogad med åtgärden"),
    "postponed": ("Lykätty", "Postponed", "Uppskjuten"),
    "undefined": ("Tuntematon", "Unknown", "Okänd"),
}.items():
    for _word in _words:
        STATUS_IDENTIFIERS[_word.casefold()] = _ident

KNOWN_STATUS_IDENTIFIERS = frozenset(STATUS_IDENTIFIERS.values())


def status_identifier(label: str) -> str | None:
    """The canonical identifier for a shown status label; None when the plan uses a word we do not know."""
    return STATUS_IDENTIFIERS.get(clean_inline(label).casefold())


def normalise_status_identifier(raw: str | None) -> str | None:
    """Embedded data says `on_time` (V1/V2 ActionStatus) or `ON_TIME` (V3 statusSummary): one spelling."""
    if not raw:
        return None
    return raw.strip().lower()
