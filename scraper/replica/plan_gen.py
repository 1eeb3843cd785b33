"""Deterministic bundled plans: Helsinki-like (~150 actions, action 111 as in the seed page), Tampere-like
(dotted identifiers under the base path /lumo) and Espoo-like (alphanumeric identifiers).

Everything comes from `random.Random(seed)`, so the same seed always yields the same plan byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from scraper.replica import wordbank as wb
from scraper.replica.model import (
    ActionData,
    Block,
    Category,
    CategoryType,
    Indicator,
    Inline,
    Org,
    Person,
    PlanData,
    ResponsibleParty,
    RichText,
    Schedule,
    StatusUpdateData,
    TaskData,
)
from scraper.replica.plan_content import HELSINKI_SECTOR, enrich_actions, helsinki_categories

HELSINKI = ZoneInfo("Europe/Helsinki")
TODAY = dt.date(2019, 10, 15)
PLANS = ("helsinki", "tampere", "espoo")

STATUSES = {"on_time": "Ajallaan", "late": "Myöhässä", "completed": "Valmis", "not_started": "Ei aloitettu"}
PHASES = [("not_started", "Ei aloitettu"), ("planning", "Suunnittelu"), ("implementation", "Toteutus"),
          ("completed", "Valmis")]
IMPACTS = {"1": "Vähäinen", "2": "Kohtalainen", "3": "Suuri", "4": "Erittäin suuri"}

ORGS = [
    ("Palu_Ympa", None),
    ("Kaupunkiympäristön toimiala, maankäyttö ja kaupunkirakenne, yleissuunnittelu", "Maka_KamuRya_Ylpi"),
    ("Kaupunkiympäristön toimiala", "Kymp"),
    ("Helsingin kaupungin liikennelaitos", "HKL"),
    ("Helen Oy", "Helen"),
    ("Rakentamispalvelu Stara", "Stara"),
    ("Kaupunginkanslia", "Kanslia"),
    ("Helsingin seudun ympäristöpalvelut -kuntayhtymä", "HSY"),
    ("Kasvatuksen ja koulutuksen toimiala", "Kasko"),
    ("Ympäristöpalvelut", ""),
    ("Rakennetun omaisuuden hallinta", "Rakpa_Rava"),
    ("Forum Virium Helsinki", None),
]


def _text(s: str) -> Inline:
    return ("text", s)


def _paragraphs(rng: random.Random, n: int) -> RichText:
    blocks: RichText = []
    for _ in range(n):
        sentences = rng.sample(wb.SENTENCES, rng.randint(1, 3))
        if rng.random() < 0.15 and len(sentences) > 1:
            blocks.append(Block("p", [[_text(sentences[0]), ("br",), _text(" ".join(sentences[1:]))]]))
        else:
            blocks.append(Block("p", [[_text(" ".join(sentences))]]))
    return blocks


def _description(rng: random.Random, with_seuraavaa: bool) -> RichText:
    blocks = _paragraphs(rng, rng.randint(1, 4))
    if with_seuraavaa:
        blocks.append(Block("p", [[_text(wb.SEURAAVAA_INTRO)]]))
        blocks.append(Block("ul", [[_text(item)] for item in rng.sample(wb.LIST_ITEMS, 3)]))
    if rng.random() < 0.2:
        title, url = rng.choice(wb.LINKS)
        blocks.append(Block("p", [[_text("Lisätietoja: "), ("link", title, url), _text(".")]]))
    return blocks


def _stamp(rng: random.Random, day: dt.date) -> dt.datetime:
    """An updatedAt; one in eight falls just after local midnight, where the UTC date is the day before."""
    if rng.random() < 0.125:
        hour, minute = 0, rng.randint(0, 59)
    else:
        hour, minute = rng.randint(7, 18), rng.randint(0, 59)
    return dt.datetime(day.year, day.month, day.day, hour, minute, rng.randint(0, 59), tzinfo=HELSINKI)


def _tasks(rng: random.Random, pk0: int) -> list[TaskData]:
    tasks = []
    for i, name in enumerate(rng.sample(wb.TASK_NAMES, rng.randint(0, 6))):
        roll = rng.random()
        due = TODAY + dt.timedelta(days=rng.randint(-300, 2000))
        fmt = rng.choice([None, None, None, "FULL", "MONTH_YEAR", "YEAR"])
        details = [Block("p", [[_text(rng.choice(wb.TASK_DETAILS))]])] if rng.random() < 0.3 else None
        if roll < 0.35:
            done = TODAY - dt.timedelta(days=rng.randint(1, 400))
            tasks.append(TaskData(pk0 + i, name, "COMPLETED", done, done, fmt, details))  # type: ignore[arg-type]
        elif roll < 0.55:
            tasks.append(TaskData(pk0 + i, name, "IN_PROGRESS", due, None, fmt, details))  # type: ignore[arg-type]
        elif roll < 0.9:
            tasks.append(TaskData(pk0 + i, name, "NOT_STARTED", due, None, fmt, details))  # type: ignore[arg-type]
        else:
            tasks.append(TaskData(pk0 + i, name, "CANCELLED", due, None, fmt, details))  # type: ignore[arg-type]
    return tasks


def _schedule(rng: random.Random) -> Schedule | None:
    roll = rng.random()
    if roll < 0.5:
        start = rng.randint(2019, 2025)
        end = start + rng.randint(1, 8)
        return Schedule("rows", f"{start}–{end}", dt.date(start, 1, 1), dt.date(end, 12, 31))
    if roll < 0.7:
        start_d = dt.date(rng.randint(2019, 2024), rng.randint(1, 12), 1)
        return Schedule("dates", "", start_d, dt.date(start_d.year + rng.randint(1, 6), 12, 31))
    if roll < 0.8:
        return Schedule("continuous")
    return None


def _base(key: str) -> PlanData:
    if key == "helsinki":
        return PlanData(key, "hnh2035", "Hiilineutraali Helsinki 2035", "Ilmastovahti", "",
                        "Hiilineutraali Helsinki 2035 -toimenpideohjelmasta", dict(STATUSES), list(PHASES),
                        dict(IMPACTS), [CategoryType("theme", "Teema", True)], {}, {}, {}, {}, [])
    if key == "tampere":
        return PlanData(key, "lumo", "Hiilineutraali Tampere 2030", "Tampereen ilmastovahti", "/lumo",
                        "Hiilineutraali Tampere 2030 -tiekartan mukaisesti", dict(STATUSES), list(PHASES),
                        dict(IMPACTS), [CategoryType("theme", "Teema", True),
                                        CategoryType("kokonaisuus", "Toimenpidekokonaisuus", False)],
                        {}, {}, {}, {}, [], task_date_format="MONTH_YEAR")
    return PlanData(key, "espoo-ilmasto", "Hiilineutraali Espoo 2030", "Espoon ilmastovahti", "",
                    "Espoon ilmasto-ohjelmasta", dict(STATUSES), list(PHASES), dict(IMPACTS),
                    [CategoryType("theme", "Teema", True), CategoryType("sdg", "Kestävän kehityksen tavoitteet",
                                                                         False)],
                    {}, {}, {}, {}, [])


def _identifiers(key: str, rng: random.Random) -> list[str]:
    if key == "helsinki":
        pool = [n for n in range(1, 172) if n not in (4, 9, 27, 58, 59, 60, 77, 96, 101, 130, 131, 150,
                                                       151, 152, 160, 165, 166, 170, 171)]
        return [str(n) for n in pool[:150]]
    if key == "tampere":
        return ["1.1.1", "1.1.2", "1.2.1", "1.2.4", "2.1.1", "2.1.2", "2.1.10", "2.2.3", "3.1.1", "3.1.5",
                "3.2.2", "4.1.1", "4.1.12", "5.1"]
    return ["a1101", "a1102", "a1105", "a1120", "a1133", "a1147", "a1148", "a1150", "b2001", "b2004", "b2010",
            "c3001"]


def build_plan(key: str, seed: int = 0) -> PlanData:
    """The bundled plan `key` generated from `seed` (plan state at day 0, 2019-10-15)."""
    if key not in PLANS:
        raise ValueError(f"unknown plan {key!r}; expected one of {', '.join(PLANS)}")
    rng = random.Random(f"{key}:{seed}")
    plan = _base(key)
    plan.today = TODAY
    for pk, (name, abbr) in enumerate(ORGS, start=1):
        plan.orgs[pk] = Org(pk, name, abbr)
    person_pk = 1
    names = [(f, ln) for f in wb.FIRST_NAMES for ln in wb.LAST_NAMES]
    for first, last in rng.sample(names, 40):
        plan.persons[person_pk] = Person(person_pk, first, last, rng.choice(wb.TITLES), rng.choice(wb.UNITS))
        person_pk += 1
    plan.persons[999] = Person(999, "Mia", "Malin", "ympäristösuunnittelija", "Ympäristöpalvelut")
    if key == "helsinki":
        helsinki_categories(plan)
    else:
        themes = ["Hankinnat", "Rakennukset", "Liikenne", "Energia", "Kulutus", "Kaupunkisuunnittelu",
                  "Hiilinielut", "Viestintä ja osallistaminen"]
        for pk, name in enumerate(themes, start=1):
            plan.categories[pk] = Category(pk, str(pk), name, "theme")
        for pk, name in ((20, "Joukkoliikenne"), (21, "Pyöräily"), (22, "Sähköautot")):
            plan.categories[pk] = Category(pk, str(pk), name, "theme", parent_pk=3)
    if key == "tampere":
        for pk, name in ((40, "Kestävä liikkuminen"), (41, "Energiatehokas rakentaminen")):
            plan.categories[pk] = Category(pk, f"k{pk}", name, "kokonaisuus")
    if key == "espoo":
        for pk, name in ((50, "7 Edullista ja puhdasta energiaa"), (51, "11 Kestävät kaupungit"),
                         (52, "13 Ilmastotekoja")):
            plan.categories[pk] = Category(pk, f"sdg{pk}", name, "sdg")
    for pk, name in enumerate(wb.INDICATOR_NAMES, start=1):
        plan.indicators[pk] = Indicator(pk, name)
    idents = _identifiers(key, rng)
    seuraavaa_at = rng.randrange(len(idents))
    for i, ident in enumerate(idents):
        plan.actions.append(_action(plan, rng, i, ident, with_seuraavaa=(i == seuraavaa_at or rng.random() < 0.05)))
    # back-end `order` is not identifier order: swap a few neighbours
    for _ in range(max(2, len(plan.actions) // 10)):
        j = rng.randrange(len(plan.actions) - 1)
        a, b = plan.actions[j], plan.actions[j + 1]
        if "111" in (a.identifier, b.identifier):
            continue
        a.order, b.order = b.order, a.order
    # a string starting with "$", which the V3 flight payload escapes by doubling ("$$5 …")
    plan.actions[3].official_name = "$5 milj. € lisärahoitus energiaremontteihin vuosille 2020–2022."
    if key == "helsinki":
        seed_action = _seed_111(plan)
        for n, action in enumerate(plan.actions):
            if action.identifier == "111":
                seed_action.order = action.order
                plan.actions[n] = seed_action
    enrich_actions(plan, seed)
    return plan


def _action(plan: PlanData, rng: random.Random, i: int, ident: str, with_seuraavaa: bool) -> ActionData:
    first, rest = rng.choice(wb.ACTION_NAME_PARTS)
    name = f"{first} {rest}"
    if rng.random() < 0.3:
        name += rng.choice([" – vaihe 2", " (jatko)", " ja seuranta", " 2019–2021"])
    theme_pks = [pk for pk, c in plan.categories.items() if c.type_identifier == "theme"]
    cats = rng.sample(theme_pks, rng.choice([1, 1, 1, 2]))
    for ctype in plan.category_types:
        if not ctype.primary and ctype is not HELSINKI_SECTOR:  # that one is given in plan_content
            own = [pk for pk, c in plan.categories.items() if c.type_identifier == ctype.identifier]
            cats += rng.sample(own, rng.randint(1, min(2, len(own))))
    org_pks = rng.sample(sorted(plan.orgs), rng.choice([0, 1, 1, 2, 2, 3]))
    responsible = []
    for n, pk in enumerate(org_pks):
        role = "PRIMARY" if n == 0 else rng.choice(["COLLABORATOR", "COLLABORATOR", None])
        responsible.append(ResponsibleParty(pk, role))  # type: ignore[arg-type]
    contacts = rng.sample(sorted(p for p in plan.persons if p != 999), rng.choice([0, 1, 1, 2, 3]))
    pk = 1000 + i
    updates = []
    if rng.random() < 0.3:
        for n in range(rng.randint(1, 2)):
            day = TODAY - dt.timedelta(days=rng.randint(1, 200))
            author = rng.choice(sorted(plan.persons))
            updates.append(StatusUpdateData(pk * 10 + n, day, author, rng.choice(wb.UPDATE_TITLES),
                                            _paragraphs(rng, 1) if rng.random() < 0.8 else None))
        updates.sort(key=lambda u: u.date, reverse=True)
    attributes = {}
    if plan.key == "tampere":
        attributes["Kustannusarvioiden suuruusluokat aikavälillä 2024-2030"] = rng.choice(
            ["> 100 milj. €", "10–100 milj. €", "< 1 milj. €"])
    status = rng.choice(list(plan.statuses))
    phase = {"completed": "completed", "not_started": "not_started"}.get(
        status, rng.choice(["planning", "implementation"]))
    sched = _schedule(rng)
    if sched is not None and sched.kind == "continuous" and phase == "completed":
        phase = "implementation"
    return ActionData(
        pk=pk,
        identifier=ident,
        name=name,
        order=(i + 1) * 10,
        updated_at=_stamp(rng, TODAY - dt.timedelta(days=rng.randint(0, 60))),
        description=_description(rng, with_seuraavaa),
        lead=rng.choice(wb.SENTENCES).replace("\u00ad", "") if rng.random() < 0.4 else "",
        official_name=(" ".join(rng.sample(wb.SENTENCES, 2)) if rng.random() < 0.5
                       else rng.choice(wb.SENTENCES) + "\n" + rng.choice(wb.SENTENCES))
        if rng.random() < 0.8 else None,
        category_pks=cats,
        responsible=responsible,
        contact_pks=contacts,
        status_id=status,
        phase_id=phase,
        completion=rng.choice([None, None, 10, 25, 50, 80]) if status != "completed" else 100,
        impact_id=rng.choice([None, *plan.impacts]),
        schedule=sched,
        tasks=_tasks(rng, pk * 100),
        indicator_pks=rng.sample(sorted(plan.indicators), rng.choice([0, 0, 1, 2])),
        links=rng.sample(wb.LINKS, rng.randint(1, 2)) if rng.random() < 0.3 else [],
        status_updates=updates,
        attributes=attributes,
    )


def _seed_111(plan: PlanData) -> ActionData:
    """Action 111 with the values of the 2019 test-instance page in the shared seeds."""
    hel = HELSINKI
    desc = [
        Block("p", [[_text(
            "Helsingin kaupungille tärkeitä yhteistyötahoja vastuullisten hankintojen kehittämisessä ovat "
            "erityisesti pääkaupunkiseudun muut kaupungit, Suomen kuutoskaupungit, kuntayhtymät sekä muut "
            "julkiset tahot kuten työ- ja elinkeinoministeriön ohjaama KEINO-osaamiskeskus ja sen konsortioon "
            "kuuluvat toimijat (Motiva Oy, Suomen Ympäristökeskus, yms.) sekä julkisen sektorin hankkijoiden "
            "yhteinen ekohankintaverkosto. Merkittäviä kansainvälisiä verkostoja ovat mm. Global Leading City "
            "Network on Public Procurement (GLCN) -verkosto sekä European Sustainable Procurement Network "
            "(Procura+) -verkosto. ")]]),
        Block("p", [[_text("\u00a0")]]),
        Block("p", [[("link", "PKS -ryhmä", "https://www.hsy.fi/pks-hankintaryhma")]]),
        Block("p", [[("link", "Keino -akatemia", "https://www.hankintakeino.fi/fi/keino-akatemia")]]),
        Block("p", [[("link", "Hankinta Suomi", "https://www.hankintasuomi.fi/")]]),
    ]
    details = [Block("p", [[_text(
        "Kriteerisuosituksilla luotiin yhteinen kriteerien minimitason ilmasto- ja ympäristönäkökulmien "
        "huomioimiseksi hankinnoissa vuosien 2019-2024 aikana. Yhteiset suositukset laadittiin Helsingin, "
        "Vantaan ja Espoon kaupungeille, Helsingin seudun ympäristöpalvelut HSY:lle ja HUS Logistiikalle."
        "Jokainen hankintayksikkö ottaa käyttöön kriteereitä oman kilpailutusaikataulun mukaisesti.")]])]
    return ActionData(
        pk=1111,
        identifier="111",
        name="Julkisten toimijoiden yhteistyö vastuullisissa hankinnoissa",
        order=0,
        updated_at=dt.datetime(2019, 10, 15, 9, 41, 12, tzinfo=hel),
        description=desc,
        official_name=(
            "Lisätään hankintayhteistyötä vastuullisissa hankinnoissa lähialueen kuntien, kuntayhtymien ja "
            "muiden julkisten toimijoiden kanssa, esim. yhteisiä koulutuksia, selvityksiä, markkinakartoituksia "
            "ja ilmastokriteerien vähimmäisvaatimusten tason määrittely kilpailutuksille."),
        category_pks=[1],
        responsible=[ResponsibleParty(1, "PRIMARY")],
        contact_pks=[999],
        status_id="on_time",
        phase_id="implementation",
        schedule=Schedule("rows", "2019–2021", dt.date(2019, 1, 1), dt.date(2021, 12, 31)),
        tasks=[
            TaskData(111001, "Valitaan yhteyshenkilö ja sovitaan toimenpiteen toteuttamisesta", "COMPLETED",
                     dt.date(2019, 3, 1), dt.date(2019, 3, 1)),
            TaskData(111002, "Laaditaan pääkaupunkiseudun yhteiset ympäristökriteerisuositukset kevyille "
                     "tavara- ja henkilökuljetuspalveluhankinnoille", "COMPLETED", dt.date(2019, 3, 31),
                     dt.date(2019, 3, 31), None, details),
            TaskData(111003, "Toimenpiteestä on tilannekuvaus", "NOT_STARTED", dt.date(2019, 10, 23)),
        ],
    )
