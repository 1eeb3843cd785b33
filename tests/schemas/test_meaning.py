"""The meaning of a record (schemas.meaning): one plan, whatever the markup. Hand-built records, one per case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from schemas.action import Action, ContactPerson, Link, Organization, Status, StatusUpdate, Task
from schemas.meaning import ERAS, UNKNOWN, advance, fold, meaning_changed, project, reach_table, same, sniff_front_end
from schemas.meaning_values import schedule_meaning

SITE = "ilmastovahti.example"


def act(**fields: Any) -> Action:
    base: dict[str, Any] = {
        "site": SITE,
        "url": f"https://{SITE}/actions/111",
        "identifier": "111",
        "name": "Julkisten toimijoiden yhteistyö",
        "description": "Ensimmäinen kappale.\n\nToinen kappale.",
        "status": Status(label="Ajallaan", identifier="on_time"),
    }
    base.update(fields)
    return Action(**base)


def changed(before: Action, before_era: str | None, after: Action, after_era: str | None) -> tuple[str, ...]:
    return meaning_changed(advance(None, before, before_era).known, after, after_era)


# --- printed forms ------------------------------------------------------------------------------------------


def test_a_full_date_printed_padded_or_not_is_the_same_date() -> None:
    a = act(tasks=[Task(state="done", date=dt.date(2019, 3, 1), date_text="01.03.2019", title="Valitaan")])
    b = act(tasks=[Task(state="done", date=dt.date(2019, 3, 1), date_text="1.3.2019", title="Valitaan")])
    assert changed(a, "v2", b, "v3") == ()
    c = act(tasks=[Task(state="done", date=dt.date(2019, 3, 2), date_text="2.3.2019", title="Valitaan")])
    assert changed(a, "v3", c, "v3") == ("tasks",)


@pytest.mark.parametrize("shown", ["6.2021", "06/2021", "2021-06", "6/2021"])
def test_a_month_is_the_same_month_however_printed(shown: str) -> None:
    a = act(tasks=[Task(state="todo", date_text="6.2021", title="Laaditaan")])
    b = act(tasks=[Task(state="todo", date_text=shown, title="Laaditaan")])
    assert changed(a, "v3", b, "v2") == ()
    c = act(tasks=[Task(state="todo", date_text="7.2021", title="Laaditaan")])
    assert changed(a, "v3", c, "v3") == ("tasks",)


def test_a_v1_due_day_matches_the_month_or_year_a_later_era_shows() -> None:
    """V1 printed every due date as a day; the plan's format (month, year) shows only from V2 on."""
    v1 = act(tasks=[Task(state="todo", date=dt.date(2021, 6, 1), date_text="01.06.2021", title="Laaditaan")])
    month = act(tasks=[Task(state="todo", date_text="6.2021", title="Laaditaan")])
    year = act(tasks=[Task(state="todo", date_text="2021", title="Laaditaan")])
    assert changed(v1, "v1", month, "v2") == ()
    assert changed(v1, "v1early", year, "v3") == ()
    assert changed(month, "v3", v1, "v1") == ()
    later = act(tasks=[Task(state="todo", date_text="9.2021", title="Laaditaan")])
    assert changed(v1, "v1", later, "v2") == ("tasks",)
    # between two eras that print the plan's own precision, a day becoming a month is a change
    day = act(tasks=[Task(state="todo", date=dt.date(2021, 6, 1), date_text="1.6.2021", title="Laaditaan")])
    assert changed(day, "v3", month, "v3") == ("tasks",)


def test_empty_and_null_scalars_both_mean_nothing() -> None:
    assert changed(act(schedule=""), "v2", act(schedule=None), "v3") == ()
    assert changed(act(lead=""), "v2", act(lead=None), "v3") == ()
    assert changed(act(impact=""), None, act(impact=None), None) == ()
    assert changed(act(lead=None), "v3", act(lead="Uusi johdanto."), "v3") == ("lead",)


def test_categories_and_organisations_compare_as_sets_contacts_keep_their_order() -> None:
    a = act(categories=["Hankinnat", "Liikenne"],
            responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen", role="primary"),
                                       Organization(name="Kymp", role="collaborator")])
    b = act(categories=["Liikenne", "Hankinnat"],
            responsible_organizations=[Organization(name="Kymp", role="collaborator"),
                                       Organization(name="Helen Oy", abbreviation="Helen", role="primary")])
    assert changed(a, "v3", b, "v3") == ()
    assert changed(a, "v1", b, "v3") == ()
    first = [ContactPerson(name="Mia Malin"), ContactPerson(name="Olli Ojala")]
    assert changed(act(contact_persons=first), "v3", act(contact_persons=first[::-1]), "v3") == ("contact_persons",)


def test_v2_breadcrumb_parents_are_not_new_categories() -> None:
    """V2's trails show "Liikenne / Pyöräily": the parent is on the page, but the action is in Pyöräily only."""
    v1, v3 = act(categories=["Pyöräily"]), act(categories=["Pyöräily"])
    v2 = act(categories=["Pyöräily", "Liikenne"])
    steps, _ = fold([(v1, "v1"), (v2, "v2"), (v3, "v3")])
    assert steps == [(), (), ()]
    steps, _ = fold([(v1, "v1"), (v2, "v2"), (act(categories=["Pyöräily", "Liikenne"]), "v3")])
    assert steps[-1] == ("categories",)
    assert changed(v2, "v2", act(categories=["Kävely", "Liikenne"]), "v2") == ("categories",)


def test_todo_and_in_progress_are_one_open_state_where_an_era_has_no_in_progress_group() -> None:
    v3 = act(tasks=[Task(state="in_progress", date=dt.date(2022, 1, 1), date_text="1.1.2022", title="Tehdään")])
    v1 = act(tasks=[Task(state="todo", date=dt.date(2022, 1, 1), date_text="01.01.2022", title="Tehdään")])
    assert changed(v3, "v3", v1, "v1") == ()
    assert changed(v1, "v1early", v3, "v3") == ()
    done = act(tasks=[Task(state="done", date=dt.date(2021, 5, 5), date_text="05.05.2021", title="Tehdään")])
    assert changed(v3, "v3", done, "v1") == ("tasks",)
    todo = act(tasks=[Task(state="todo", date=dt.date(2022, 1, 1), date_text="1.1.2022", title="Tehdään")])
    assert changed(v3, "v3", todo, "v2") == ("tasks",)


@pytest.mark.parametrize(("text", "meaning"), [
    ("2019–2021", "2019–2021"),
    ("2019-2021", "2019–2021"),
    ("Toteutetaan aikavälillä 2019 - 2021", "2019–2021"),
    ("Tidsram mellan 2019 - 2021", "2019–2021"),
    ("Timeframe between 2019 - 2021", "2019–2021"),
    ("Jatkuva", "continuous"),
    ("Ständig", "continuous"),
    ("Continuous", "continuous"),
    ("1.1.2020 → 31.12.2023", "2020-01-01–2023-12-31"),
    ("01.01.2020 → 31.12.2023", "2020-01-01–2023-12-31"),
    ("", None),
    (None, None),
])
def test_schedules_have_one_form(text: str | None, meaning: str | None) -> None:
    assert schedule_meaning(text) == meaning


def test_english_and_swedish_schedule_dates() -> None:
    assert schedule_meaning("1/1/2020 → 12/31/2023", "en") == "2020-01-01–2023-12-31"
    assert schedule_meaning("2020-01-01 → 2023-12-31", "sv") == "2020-01-01–2023-12-31"


def test_a_v1_schedule_row_and_the_v2_sentence_are_the_same_schedule() -> None:
    assert changed(act(schedule="2019–2021"), "v1", act(schedule="Toteutetaan aikavälillä 2019 - 2021"), "v2") == ()
    assert changed(act(schedule=None), "v1", act(schedule="Jatkuva"), "v3") == ()  # V1 could not tell
    assert changed(act(schedule="2019–2021"), "v1", act(schedule="Jatkuva"), "v3") == ("schedule",)
    assert changed(act(schedule="Jatkuva"), "v2", act(schedule=""), "v1") == ()  # V1's chart is client-only
    assert changed(act(schedule="2019–2021"), "v1", act(schedule="2019–2022"), "v1") == ("schedule",)
    assert changed(act(schedule="Jatkuva"), "v2", act(schedule=None), "v3") == ("schedule",)


def test_links_compare_as_a_set_of_urls_whatever_block_they_came_from() -> None:
    a = act(links=[Link(title="PKS -ryhmä", url="https://www.hsy.fi/pks"), Link(title="Keino", url="https://k.fi/")])
    b = act(links=[Link(title="Keino-akatemia", url="https://k.fi/"), Link(title="PKS", url="https://www.hsy.fi/pks")])
    assert changed(a, "v2", b, "v3") == ()
    # V1 shows only the description's anchors: compared with V1 pages, never with a whole list
    v1 = act(links=[Link(title="Keino", url="https://k.fi/")])
    assert changed(a, "v3", v1, "v1") == ()
    assert changed(v1, "v1", a, "v2") == ()
    assert changed(v1, "v1", act(links=[]), "v1early") == ("links",)
    assert changed(a, "v2", v1, "v3") == ("links",)


@pytest.mark.parametrize("field", ["description", "lead", "official_description"])
def test_whitespace_only_edits_are_no_change(field: str) -> None:
    a = act(**{field: "Kaupunki  lisää\nyhteistyötä.\n\nToinen kappale."})
    b = act(**{field: "Kaupunki lisää yhteistyötä.\nToinen  kappale."})
    assert changed(a, "v3", b, "v3") == ()
    c = act(**{field: "Kaupunki lisää yhteistyötä. Toinen kappale, muutettu."})
    assert changed(a, "v3", c, "v3") == (field,)


def test_whitespace_in_task_details_and_status_update_bodies_is_no_change() -> None:
    a = act(tasks=[Task(state="done", date=dt.date(2019, 3, 1), date_text="01.03.2019", title="T", details="a\n\nb")],
            status_updates=[StatusUpdate(date=dt.date(2020, 1, 1), title="U", body="x  y\ny")])
    b = act(tasks=[Task(state="done", date=dt.date(2019, 3, 1), date_text="1.3.2019", title="T", details="a b")],
            status_updates=[StatusUpdate(date=dt.date(2020, 1, 1), title="U", body="x y y")])
    assert changed(a, "v2", b, "v3") == ()


def test_presentation_only_fields_never_change_the_meaning() -> None:
    a = act(official_description="Virallinen.", official_description_label="Toimenpideohjelman mukaisesti",
            url="https://old.example/action/111", test_instance=True, parser_version="0.9",
            status=Status(label="Ajallaan", identifier=None))
    b = act(official_description="Virallinen.", official_description_label=None,
            url=f"https://{SITE}/fi/actions/111", test_instance=False, parser_version="2.0",
            status=Status(label="Ajallaan", identifier="on_time"))
    assert changed(a, "v1early", b, "v3") == ()
    c = act(official_description="Virallinen.", status=Status(label="Myöhässä", identifier="on_time"))
    assert changed(b, "v3", c, "v3") == ("status",)


def test_neighbours_are_compared_by_identifier_not_by_url_form() -> None:
    a = act(previous_url=f"https://{SITE}/action/110", next_url=f"https://{SITE}/action/112")
    b = act(previous_url=f"https://{SITE}/actions/110", next_url=f"https://{SITE}/actions/112")
    assert changed(a, "v1early", b, "v3") == ()
    c = act(previous_url=f"https://{SITE}/actions/109", next_url=f"https://{SITE}/actions/112")
    assert changed(b, "v3", c, "v3") == ("previous_url",)


# --- what an era cannot show --------------------------------------------------------------------------------


def test_v1early_badge_text_is_the_same_organisation_as_a_full_name() -> None:
    early = act(responsible_organizations=[Organization(name="Helen")])
    later = act(responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen", role="primary")])
    assert changed(early, "v1early", later, "v2") == ()
    assert changed(later, "v3", early, "v1early") == ()
    renamed = act(responsible_organizations=[Organization(name="Helen Group Oy", abbreviation="Helen")])
    assert changed(later, "v3", renamed, "v1") == ("responsible_organizations",)
    other = act(responsible_organizations=[Organization(name="HSY")])
    assert changed(later, "v3", other, "v1early") == ("responsible_organizations",)


def test_primary_then_unknown_then_collaborator_is_one_change_reported_at_the_collaborator_page() -> None:
    primary = act(responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen", role="primary")])
    unknown = act(responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen", role=None)])
    collaborator = act(
        responsible_organizations=[Organization(name="Helen Oy", abbreviation="Helen", role="collaborator")])
    steps, known = fold([(primary, "v3"), (unknown, "v1"), (collaborator, "v3")])
    assert steps == [(), (), ("responsible_organizations",)]
    assert known["responsible_organizations/role/Helen"] == "collaborator"
    # and the same role again after the V1 page is no change at all
    steps, _ = fold([(primary, "v3"), (unknown, "v1"), (primary, "v2")])
    assert steps == [(), (), ()]


@pytest.mark.parametrize(("field", "value", "era"), [
    ("lead", "Johdanto.", "v1"),
    ("implementation_phase", "Toteutus", "v1early"),
    ("status_updates", [StatusUpdate(date=dt.date(2020, 1, 1), title="Päivitys")], "v1early"),
    ("indicators", [], "v1early"),
])
def test_a_field_an_era_cannot_show_is_unknown_never_a_change(field: str, value: Any, era: str) -> None:
    shown = act(**{field: value})
    hidden = act()
    assert project(hidden, era)[field] is UNKNOWN
    assert changed(shown, "v3", hidden, era) == ()
    assert changed(hidden, era, shown, "v3") == ()
    steps, _ = fold([(shown, "v3"), (hidden, era), (shown, "v3")])
    assert steps == [(), (), ()]
    # the era that cannot show it does not hide a real change from the next era that can
    if field in ("lead", "implementation_phase"):
        steps, _ = fold([(shown, "v3"), (hidden, era), (act(**{field: "Muuta."}), "v2")])
        assert steps[-1] == (field,)


def test_other_category_types_in_extra_sections_are_unknown_in_v1() -> None:
    v2 = act(extra_sections={"Toimenpidekokonaisuus": "Liikenne", "Kustannukset": "< 1 milj. €"})
    v1 = act(extra_sections={})
    assert changed(v2, "v2", v1, "v1") == ()
    assert changed(v1, "v1", v2, "v2") == ()
    steps, _ = fold([(v2, "v3"), (v1, "v1"), (act(extra_sections={"Toimenpidekokonaisuus": "Liikenne"}), "v3")])
    assert steps == [(), (), ("extra_sections",)]
    # a section V1 shows is compared: its text, and (among V1 pages) whether it is there
    a = act(extra_sections={"Huomio": "Teksti  tässä"})
    assert changed(a, "v1", act(extra_sections={"Huomio": "Teksti tässä"}), "v3") == ()
    assert changed(a, "v1", act(extra_sections={"Huomio": "Eri teksti"}), "v1") == ("extra_sections",)
    assert changed(a, "v1", act(extra_sections={}), "v1") == ("extra_sections",)


def test_an_unknown_era_means_full_reach() -> None:
    a = act(lead="Johdanto.", responsible_organizations=[Organization(name="Helen", role="primary")])
    b = act(lead=None, responsible_organizations=[Organization(name="Helen", role=None)])
    assert changed(a, "v3", b, None) == ("lead", "responsible_organizations")
    assert changed(a, "v3", b, "not-an-era") == ("lead", "responsible_organizations")


def test_the_first_record_changes_nothing_and_known_is_json() -> None:
    import json

    step = advance(None, act(lead="x"), "v1")
    assert step.changed == ()
    assert "lead" not in step.known  # unknown is not stored: the last known value stands
    assert json.loads(json.dumps(step.known)) == step.known


def test_a_v1_day_matches_a_later_month_only_by_prefix() -> None:
    assert same("tasks/when/x", "~2021-06-01", "2021-06")
    assert same("tasks/when/x", "2021", "~2021-12-31")
    assert not same("tasks/when/x", "~2021-06-01", "2021-07")
    assert not same("tasks/when/x", "2021-06-01", "2021-06")
    assert not same("description", "~2021", "2021")


def test_the_reach_table_names_every_era_and_docs_record_md_holds_it() -> None:
    from pathlib import Path

    table = reach_table()
    assert table.splitlines()[0].endswith("| v1early | v1 | v2 | v3 |")
    assert len(ERAS) == 4 and "organisations" in table
    doc = (Path(__file__).resolve().parents[2] / "docs" / "record.md").read_text(encoding="utf-8")
    section = doc.split("## Meaning: when the plan changed", 1)[-1]
    assert table in section, "docs/record.md's era table differs from schemas.meaning.FACETS (reach_table())"


# --- sniffing the era ---------------------------------------------------------------------------------------

_NEXT = '<script id="__NEXT_DATA__" type="application/json">{data}</script>'


def _page(body: str, data: str) -> bytes:
    return f"<!DOCTYPE html><html><body>{body}{_NEXT.format(data=data)}</body></html>".encode()


def test_sniff_v3() -> None:
    assert sniff_front_end(b'<script>self.__next_f.push([1,"x"])</script>') == "v3"
    assert sniff_front_end(b'<div hidden id="S:2"><div data-testid="action-page">x</div></div>') == "v3"


def test_sniff_v2_by_its_props_or_apollo3_refs() -> None:
    v1_data = '{"props":{"pageProps":{},"apolloState":{"data":{"Action:1":{"plan":{"type":"id","id":"Plan:1"}}}}}}'
    assert sniff_front_end(_page("<h1>x</h1>", v1_data)) == "v1"
    assert sniff_front_end(_page("<h1>x</h1>", '{"props":{"plan":{"identifier":"hnh"},"apolloState":{}}}')) == "v2"
    assert sniff_front_end(_page("<h1>x</h1>", '{"props":{"siteContext":{}}}')) == "v2"
    assert sniff_front_end(_page("<h1>x</h1>", '{"props":{"apolloState":{"data":{"a":{"b":{"__ref":"P:1"}}}}}}')) == "v2"


def test_sniff_v1early_by_its_hard_coded_2019_markup() -> None:
    data = '{"props":{"apolloState":{"data":{}}}}'
    assert sniff_front_end(_page("<strong>Toimenpideohjelman mukaisesti</strong>", data)) == "v1early"
    header = '<div class="task-header"><svg></svg> <span class="Date">01.03.2019</span> | <span>Valitaan</span></div>'
    assert sniff_front_end(_page(header, data)) == "v1early"
    assert sniff_front_end(_page('<a href="/#actions"><h4>Toimenpiteet</h4></a>', data)) == "v1early"
    assert sniff_front_end(_page('<a href="/actions"><h4>Toimenpiteet</h4></a>', data)) == "v1"
    # the words inside the embedded data are not the page's
    assert sniff_front_end(_page("<h1>x</h1>", '{"props":{"x":"Toimenpideohjelman mukaisesti"}}')) == "v1"


def test_sniff_unknown() -> None:
    assert sniff_front_end(None) is None
    assert sniff_front_end(b"") is None
    assert sniff_front_end(b"<html><body><h1>Redesigned</h1></body></html>") is None


@pytest.mark.parametrize("era", ERAS)
def test_sniff_the_replicas_pages(era: str) -> None:
    """Every era the replica serves is recognised from its action pages (and a redesign as unknown)."""
    from scraper.replica import ReplicaConfig
    from scraper.replica.site import ReplicaSite

    site = ReplicaSite(ReplicaConfig(era=era, plan="tampere"), "http://127.0.0.1:1")
    path = site.site_for("fi").action_path(site.chain()[0])
    assert sniff_front_end(site.page(path, None, None).body) == era
    redesigned = ReplicaSite(ReplicaConfig(era=era, plan="tampere", redesign=True), "http://127.0.0.1:1")
    if era != "v3":
        assert sniff_front_end(redesigned.page(path, None, None).body) is None


def test_every_record_field_is_meaning_presentation_or_identity() -> None:
    """A new record field must be placed: compared by its meaning (projected), or named presentation or identity."""
    from schemas.meaning import IDENTITY, PRESENTATION, field_of

    projected = {field_of(path) for path in project(Action(site="s", url="u", identifier="1", name="n"), "v3")}
    kinds = [projected, set(PRESENTATION), set(IDENTITY)]
    assert set().union(*kinds) == set(Action.model_fields)
    assert sum(len(k) for k in kinds) == len(Action.model_fields)  # and in one place each
