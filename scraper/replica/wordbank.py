"""Finnish raw material for generated plans: sentences, names, units, the way Helsinki's plan text really reads.

The text deliberately carries what real pages carry: NBSP (\u00a0) between numbers and units, soft hyphens
(\u00ad) in long compounds, en dashes, decimal commas with glued units ("38,50km"), ampersands, quotes and "<".
"""

from __future__ import annotations

SENTENCES = [
    "Helsingin kaupunki vähentää kasvi\u00adhuone\u00adkaasu\u00adpäästöjään 80\u00a0% vuoteen 2035 mennessä.",
    "Toimenpiteen tavoitteena on parantaa rakennusten energiatehokkuutta ja lisätä uusiutuvan energian osuutta.",
    "Keskimääräinen työmatka lyheni 38,50km:stä 31,2\u00a0km:iin vuosina 2015–2019.",
    "Selvitys tehdään yhteistyössä Helen Oy:n & HSY:n kanssa, ja tulokset julkaistaan avoimesti.",
    "Hankinnoissa otetaan käyttöön ilmasto\u00adkriteerit, joiden vähimmäistaso on \"hyvä\" tai parempi.",
    "Kaupunki tarjoaa asukkaille neuvontaa energia\u00adremonteista sekä aurinkosähkön hankinnasta.",
    "Liikenteen päästöt ovat noin 25\u00a0% kaupungin kokonaispäästöistä.",
    "Pyöräilyn osuus kaikista matkoista nostetaan 15\u00a0%:iin vuoteen 2035 mennessä.",
    "Tavoitteena on, että ajoneuvojen keskipäästö on < 50\u00a0g/km vuonna 2030.",
    "Uusissa asemakaavoissa edellytetään viherkerroin\u00admenetelmän käyttöä.",
    "Kiinteistöjen lämmitysenergian kulutusta seurataan kuukausittain (kWh/m²).",
    "Toimenpide toteutetaan vaiheittain vuosina 2020–2025, ja sen kustannusarvio on 1,2\u00a0milj.\u00a0€.",
    "Maanalaisten pysäköintilaitosten latauspisteiden määrä kaksinkertaistetaan.",
    "Työ käynnistyy pilottihankkeella, jonka kokemuksista raportoidaan ympäristölautakunnalle.",
    "Hiilineutraalisuus tarkoittaa, että päästöt ja nielut ovat tasapainossa.",
    "Kaukolämmön tuotannossa luovutaan kivihiilestä vuoteen 2029 mennessä.",
    "Rakennusvalvonta ohjeistaa hankkeita vähähiilisen rakentamisen periaatteisiin.",
    "Kaupunkiympäristön toimiala vastaa toimenpiteen seurannasta ja raportoinnista.",
    "Asukkaiden osallistumista tuetaan kaupunginosakohtaisilla ilmastotyöpajoilla.",
    "Jätteiden lajitteluastetta nostetaan erityisesti kerrostaloissa.",
]

SEURAAVAA_INTRO = "Toimenpiteessä tehdään seuraavaa:"

LIST_ITEMS = [
    "kartoitetaan nykytilanne",
    "laaditaan toimintamalli ja aikataulu",
    "koulutetaan henkilöstö",
    "seurataan vaikutuksia vuosittain",
    "raportoidaan tuloksista kaupunginhallitukselle",
]

ACTION_NAME_PARTS = [
    ("Energiatehokkuuden", "parantaminen kaupungin omistamissa rakennuksissa"),
    ("Aurinkosähkön", "lisääminen julkisissa kiinteistöissä"),
    ("Joukkoliikenteen", "sähköistäminen ja runkolinjojen kehittäminen"),
    ("Pyöräliikenteen", "laatukäytävien rakentaminen"),
    ("Latausverkoston", "laajentaminen asuinalueille"),
    ("Ilmastokriteerien", "käyttöönotto hankinnoissa"),
    ("Vähähiilisen rakentamisen", "ohjaus asemakaavoituksessa"),
    ("Kaukolämmön", "päästöjen vähentäminen"),
    ("Kiertotalouden", "edistäminen rakennushankkeissa"),
    ("Ilmastoviestinnän", "vahvistaminen kaupunkilaisille"),
    ("Hiilinielujen", "kartoitus ja vahvistaminen"),
    ("Jakeluliikenteen", "päästöjen vähentäminen"),
    ("Energianeuvonnan", "kehittäminen taloyhtiöille"),
    ("Maalämmön", "hyödyntämisen selvitys"),
    ("Pysäköintipolitiikan", "uudistaminen"),
    ("Ruokahävikin", "vähentäminen kouluissa ja päiväkodeissa"),
]

TASK_NAMES = [
    "Valitaan yhteyshenkilö ja sovitaan toimenpiteen toteuttamisesta",
    "Laaditaan selvitys nykytilanteesta",
    "Käynnistetään pilottihanke",
    "Toimenpiteestä on tilannekuvaus",
    "Päivitetään ohjeistus",
    "Järjestetään sidosryhmätyöpaja",
    "Hankitaan konsulttiselvitys",
    "Raportoidaan tuloksista lautakunnalle",
    "Otetaan käyttöön seurantamittari",
    "Kilpailutetaan toteutus",
    "Vakiinnutetaan toimintamalli",
]

TASK_DETAILS = [
    "Selvitys valmistui aikataulussa ja on luettavissa kaupungin verkkosivuilla.",
    "Työpajaan osallistui 42 asiantuntijaa; seuraava tapaaminen sovitaan erikseen.",
    "Pilotissa saavutettiin 12,5\u00a0% säästö energiankulutuksessa.",
]

FIRST_NAMES = ["Mia", "Jukka", "Anna", "Pekka", "Sari", "Timo", "Laura", "Mikko", "Hanna", "Ville", "Elina",
               "Antti", "Kaisa", "Juha", "Riikka", "Olli", "Päivi", "Jari", "Noora", "Heikki", "Tiina", "Petri"]
LAST_NAMES = ["Malin", "Virtanen", "Korhonen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Koskinen",
              "Heikkinen", "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Lindqvist", "Öhman", "Ahonen"]
TITLES = ["ympäristösuunnittelija", "projektipäällikkö", "erityisasiantuntija", "energia-asiantuntija",
          "liikenneinsinööri", "hankinta-asiantuntija", "yksikön päällikkö", "kehittämispäällikkö", None]
UNITS = ["Ympäristöpalvelut", "Kaupunkiympäristön toimiala", "Liikennesuunnittelu", "Hankintakeskus",
         "Rakennetun omaisuuden hallinta", "Kaupunginkanslia", None]

UPDATE_TITLES = [
    "Toimenpiteen toteutus etenee",
    "Selvitys valmistunut",
    "Aikataulu tarkentunut",
    "Pilotin ensimmäiset tulokset",
]

INDICATOR_NAMES = [
    "Kasvihuonekaasupäästöt yhteensä (kt CO2e)",
    "Kaukolämmön päästökerroin",
    "Pyöräilyn kulkumuoto-osuus",
    "Sähköautojen osuus ensirekisteröinneistä",
    "Rakennusten energiankulutus (GWh)",
    "Aurinkosähkön tuotanto (MWh)",
    "Joukkoliikenteen matkustajamäärät",
    "Latauspisteiden määrä",
    "Ilmastokriteerien osuus hankinnoista (%)",
    "Hiilinielujen koko (kt CO2e)",
]

LINKS = [
    ("Hiilineutraali Helsinki 2035 -toimenpideohjelma", "https://www.hel.fi/static/ymk/hnh2035-ohjelma.pdf"),
    ("Ilmastovahti-palvelun ohjeet", "https://ilmastovahti.hel.fi/ohjeet"),
    ("Energiarenessanssi", "https://www.energiarenessanssi.fi/"),
    ("Helsingin pyöräilyohjelma", "https://www.hel.fi/pyoraily"),
    ("Motiva: julkiset hankinnat", "https://www.motiva.fi/julkinen_sektori/kestavat_julkiset_hankinnat"),
    ("HSY:n ilmastoinfo", "https://www.hsy.fi/ilmastoinfo"),
]

#: sub-headings editors put inside a description (an `<h3>` of the rich text, not a section of the page)
SUBHEADINGS = ["Tavoitteet", "Toteutus", "Seuranta", "Taustaa", "Mitä tehdään?", "Vaikutukset"]

#: small tables of plan text: (header row, body rows); NBSP between numbers and units as in the real plans
TABLES = [
    (["Vuosi", "Tavoite"], [["2025", "10\u00a0%"], ["2030", "50\u00a0%"], ["2035", "80\u00a0%"]]),
    (["Mittari", "Lähtötaso 2019", "Tavoite 2030"],
     [["Pyöräilyn kulkumuoto-osuus", "9\u00a0%", "15\u00a0%"], ["Latauspisteet", "420", "4\u00a0000"]]),
    (["Vaihe", "Aikataulu", "Vastuu"],
     [["Selvitys", "2020", "Kymp"], ["Pilotti", "2021–2022", "Stara"], ["Käyttöönotto", "2023", "Kymp & HSY"]]),
    (["Kohde", "Säästö (MWh/v)"], [["Koulut", "1\u00a0250"], ["Päiväkodit", "480"], ["Virastotalot", "2\u00a0100,5"]]),
]

ORDERED_STEPS = [
    "Laaditaan toteutussuunnitelma.",
    "Kilpailutetaan ensimmäiset kohteet.",
    "Arvioidaan tulokset ja päätetään jatkosta.",
    "Raportoidaan ympäristölautakunnalle vuosittain.",
]

#: a responsible party's specifier, shown under its badge (never an organisation of its own)
SPECIFIERS = ["ilmastoyksikkö", "rakennusvalvontapalvelut", "liikennesuunnittelu", "(koordinointi)"]
