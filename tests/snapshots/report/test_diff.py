"""Unit tests of the record diff: each list operation, ordering, normalisation, reparse hiding."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schemas.action import Action, ContactPerson, Organization, Status, Task
from snapshots.diff import diff_fields, diff_list, diff_plans, diff_records, natural_key


def action(**kw: Any) -> Action:
    base: dict[str, Any] = {
        "site": "ilmastovahti.hel.fi",
        "url": "https://ilmastovahti.hel.fi/actions/1",
        "identifier": "1",
        "name": "Pyöräilyn edistäminen",
        "status": Status(label="Ajallaan", identifier="on_time"),
    }
    base.update(kw)
    return Action(**base)


def task(title: str, state: str = "todo", date: dt.date | None = None, text: str = "") -> Task:
    return Task(title=title, state=state, date=date, date_text=text or (date.strftime("%-d.%-m.%Y") if date else ""))


def test_identical_records_give_no_change() -> None:
    assert diff_records(action(), action()) is None


def test_whitespace_only_difference_is_not_a_change() -> None:
    a = action(description="Kaupunki  rakentaa\u00a0pyöräteitä.")
    b = action(description="Kaupunki rakentaa pyöräteitä.")
    assert diff_records(a, b) is None


def test_parser_version_is_not_a_change() -> None:
    assert diff_records(action(parser_version="0.9"), action(parser_version="1.0")) is None


def test_status_change_comes_first_with_old_and_new() -> None:
    a = action(description="vanha")
    b = action(description="uusi", status=Status(label="Myöhässä", identifier="late"))
    change = diff_records(a, b)
    assert change is not None and change.change == "modified"
    assert list(change.fields) == ["status", "description"]
    assert change.fields["status"].old == {"label": "Ajallaan", "identifier": "on_time"}
    assert change.fields["status"].new == {"label": "Myöhässä", "identifier": "late"}


def test_task_completed() -> None:
    a = action(tasks=[task("Rakennetaan baana", "todo", dt.date(2020, 12, 31))])
    b = action(tasks=[task("Rakennetaan baana", "done", dt.date(2020, 11, 3))])
    items = diff_fields(a, b)["tasks"].items
    assert items is not None and [i["op"] for i in items] == ["completed"]
    assert items[0]["date"] == "2020-11-03" and items[0]["label"] == "Rakennetaan baana"


def test_task_deadline_moved() -> None:
    a = action(tasks=[task("Selvitys", "todo", dt.date(2020, 12, 31))])
    b = action(tasks=[task("Selvitys", "todo", dt.date(2021, 6, 30))])
    items = diff_list(
        "tasks", [t.model_dump(mode="json") for t in a.tasks], [t.model_dump(mode="json") for t in b.tasks]
    )
    assert [(i["op"], i["from"], i["to"]) for i in items] == [("moved", "31.12.2020", "30.6.2021")]


def test_task_month_only_deadline_moved() -> None:
    old = [{"state": "todo", "date": None, "date_text": "3.2020", "title": "Kysely", "details": None}]
    new = [{"state": "todo", "date": None, "date_text": "9.2020", "title": "Kysely", "details": None}]
    assert [(i["op"], i["from"], i["to"]) for i in diff_list("tasks", old, new)] == [("moved", "3.2020", "9.2020")]


def test_task_title_corrected_is_changed_not_added_and_removed() -> None:
    a = action(tasks=[task("Pyöräpysäköinnin lisäämninen asemille")])
    b = action(tasks=[task("Pyöräpysäköinnin lisääminen asemille")])
    items = diff_fields(a, b)["tasks"].items
    assert items is not None and [i["op"] for i in items] == ["changed"]
    assert items[0]["old_label"] == "Pyöräpysäköinnin lisäämninen asemille"
    assert items[0]["changed"] == ["title"]


def test_task_added_and_removed_when_titles_differ() -> None:
    a = action(tasks=[task("Ensimmäinen tehtävä")])
    b = action(tasks=[task("Täysin toinen asia")])
    items = diff_fields(a, b)["tasks"].items
    assert items is not None and sorted(i["op"] for i in items) == ["added", "removed"]


def test_task_state_todo_to_in_progress_is_changed() -> None:
    a = action(tasks=[task("Kilpailutus", "todo")])
    b = action(tasks=[task("Kilpailutus", "in_progress")])
    items = diff_fields(a, b)["tasks"].items
    assert items is not None and [(i["op"], i["changed"]) for i in items] == [("changed", ["state"])]


def test_contacts_and_organisations_added_removed() -> None:
    a = action(
        contact_persons=[ContactPerson(name="Maija Meikäläinen", title="Projektipäällikkö")],
        responsible_organizations=[Organization(name="Kymp")],
    )
    b = action(
        contact_persons=[ContactPerson(name="Teppo Testaaja")],
        responsible_organizations=[Organization(name="Kymp"), Organization(name="Helen Oy")],
    )
    fields = diff_fields(a, b)
    contacts = fields["contact_persons"].items or []
    assert sorted((i["op"], i["label"]) for i in contacts) == [
        ("added", "Teppo Testaaja"),
        ("removed", "Maija Meikäläinen"),
    ]
    assert [(i["op"], i["label"]) for i in fields["responsible_organizations"].items or []] == [("added", "Helen Oy")]


def test_organisation_gaining_full_name_is_changed() -> None:
    old = [{"name": "Kymp", "abbreviation": None, "role": None}]
    new = [{"name": "Kaupunkiympäristön toimiala", "abbreviation": "Kymp", "role": "primary"}]
    items = diff_list("responsible_organizations", old, new)
    assert [(i["op"], i["old_label"], i["label"]) for i in items] == [
        ("changed", "Kymp", "Kaupunkiympäristön toimiala")
    ]


def test_contact_title_changed() -> None:
    old = [{"name": "Maija", "title": "Suunnittelija", "organization": None}]
    new = [{"name": "Maija", "title": "Johtava suunnittelija", "organization": None}]
    assert [(i["op"], i["changed"]) for i in diff_list("contact_persons", old, new)] == [("changed", ["title"])]


def test_reordered_categories() -> None:
    items = diff_list("categories", ["Liikenne", "Energia"], ["Energia", "Liikenne"])
    assert [i["op"] for i in items] == ["reordered"]


def test_extra_sections_changes() -> None:
    a = action(extra_sections={"Teema": "Liikenne", "Vanha": "x"})
    b = action(extra_sections={"Teema": "Energia", "Uusi": "y"})
    items = diff_fields(a, b)["extra_sections"].items or []
    assert sorted((i["op"], i["label"]) for i in items) == [
        ("added", "Uusi"),
        ("changed", "Teema"),
        ("removed", "Vanha"),
    ]


def test_added_and_removed_actions() -> None:
    a = action(identifier="5", name="Vanha toimenpide")
    added = diff_records(None, a)
    removed = diff_records(a, None, reason="404")
    assert added is not None and added.change == "added" and "name" in added.fields
    assert removed is not None and removed.change == "removed" and removed.fields == {}
    assert removed.to_json()["reason"] == "404"
    assert "reason" not in added.to_json()


def test_plan_diff_orders_status_changes_first_and_hides_reparse() -> None:
    def key(ident: str) -> tuple[str, str, str, str]:
        return ("ilmastovahti.hel.fi", "", "fi", ident)

    old = {
        key("1"): action(identifier="1", name="Yksi"),
        key("2"): action(identifier="2", name="Kaksi"),
        key("10"): action(identifier="10", name="Kymmenen"),
        key("3"): action(identifier="3", name="Kolme"),
        key("4"): action(identifier="4", name="Neljä"),
    }
    new = {
        key("1"): action(identifier="1", name="Yksi korjattu"),
        key("10"): action(identifier="10", name="Kymmenen", status=Status(label="Valmis", identifier="completed")),
        key("3"): action(identifier="3", name="Kolme (uusi jäsennys)"),
        key("4"): action(identifier="4", name="Neljä?"),
        key("11"): action(identifier="11", name="Uusi"),
    }
    common = {"reasons": {key("2"): "404"}, "causes": {key("3"): "reparse"}, "unknown": [key("4")]}
    changes = diff_plans(old, new, **common)  # type: ignore[arg-type]
    assert [(c.identifier, c.change) for c in changes] == [
        ("10", "modified"),
        ("11", "added"),
        ("2", "removed"),
        ("1", "modified"),
    ]
    with_reparse = diff_plans(old, new, all_changes=True, **common)  # type: ignore[arg-type]
    assert [c.identifier for c in with_reparse if c.cause == "reparse"] == ["3"]


def test_natural_key_orders_dotted_identifiers() -> None:
    idents = ["2.1.10", "2.1.9", "10", "2", "a1147", "a23"]
    assert sorted(idents, key=natural_key) == ["2", "2.1.9", "2.1.10", "10", "a23", "a1147"]


def test_json_shape() -> None:
    a = action(tasks=[task("T", "todo")])
    b = action(tasks=[task("T", "done", dt.date(2021, 1, 2))], completion=50)
    change = diff_records(a, b)
    assert change is not None
    out = change.to_json()
    assert set(out) >= {"identifier", "name", "change", "cause", "fields"}
    assert out["fields"]["completion"] == {"old": None, "new": 50}
    assert out["fields"]["tasks"]["items"][0]["op"] == "completed"


def test_summary_groups_add_up_to_the_actions_changed() -> None:
    from snapshots.render_common import summary_counts

    line = summary_counts({"status": 5, "added": 1, "removed": 0, "modified": 4})
    assert line == "5 status changes, 1 added, 0 removed, 4 with other edits"
