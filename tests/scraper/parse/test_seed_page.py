"""The page vahti started from: Helsinki's 2019 test instance, action 111, as the pre-October-2019 V1 front end
rendered it. Every value of the seed must come back exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from schemas.action import Action
from scraper.parse import parse_page

SAMPLE = Path(__file__).resolve().parents[3] / "scraper" / "samples" / "action-111-v1early.html"
URL = "https://hnh.hel.ninja/action/111"


@pytest.fixture(scope="module")
def action() -> Action:
    result = parse_page(SAMPLE.read_bytes(), URL)
    assert result.warnings == []
    return result.action


def test_identity(action: Action) -> None:
    assert action.identifier == "111"
    assert action.site == "hnh.hel.ninja"
    assert action.plan_path == ""
    assert action.url == URL
    assert action.language == "fi"
    assert action.name == "Julkisten toimijoiden yhteistyö vastuullisissa hankinnoissa"


def test_description_and_links(action: Action) -> None:
    assert action.description is not None
    paragraphs = action.description.split("\n\n")
    assert paragraphs[0].startswith("Helsingin kaupungille tärkeitä yhteistyötahoja")
    assert paragraphs[0].endswith("(Procura+) -verkosto.")
    assert paragraphs[1:] == ["PKS -ryhmä", "Keino -akatemia", "Hankinta Suomi"]
    assert [link.title for link in action.links] == ["PKS -ryhmä", "Keino -akatemia", "Hankinta Suomi"]
    assert all(link.url.startswith("https://") for link in action.links)


def test_official_description(action: Action) -> None:
    assert action.official_description_label == "Toimenpideohjelman mukaisesti"
    assert action.official_description_source == "(Hiilineutraali Helsinki 2035 -toimenpideohjelmasta)"
    assert action.official_description is not None
    assert action.official_description.startswith("Lisätään hankintayhteistyötä vastuullisissa hankinnoissa")
    assert action.official_description.endswith("määrittely kilpailutuksille.")


def test_sidebar(action: Action) -> None:
    assert action.updated_at == dt.date(2019, 10, 15)
    assert action.categories == ["Hankinnat"]
    assert [(o.name, o.abbreviation, o.role) for o in action.responsible_organizations] == [("Palu_Ympa", None, None)]
    assert [(c.name, c.title, c.organization) for c in action.contact_persons] == [
        ("Mia Malin", "ympäristösuunnittelija", "Ympäristöpalvelut")
    ]
    assert action.status is not None
    assert (action.status.label, action.status.identifier) == ("Ajallaan", "on_time")
    assert action.schedule == ""
    assert action.indicators == []
    assert action.test_instance is True


def test_tasks(action: Action) -> None:
    done = [t for t in action.tasks if t.state == "done"]
    todo = [t for t in action.tasks if t.state == "todo"]
    assert [t.date for t in done] == [dt.date(2019, 3, 1), dt.date(2019, 3, 31)]
    assert [t.date_text for t in done] == ["01.03.2019", "31.03.2019"]
    assert done[0].title == "Valitaan yhteyshenkilö ja sovitaan toimenpiteen toteuttamisesta"
    assert done[0].details is None
    assert done[1].title.startswith("Laaditaan pääkaupunkiseudun yhteiset ympäristökriteerisuositukset")
    assert done[1].details is not None and done[1].details.startswith("Kriteerisuosituksilla luotiin")
    assert [(t.date, t.title) for t in todo] == [(dt.date(2019, 10, 23), "Toimenpiteestä on tilannekuvaus")]
    assert not [t for t in action.tasks if t.state == "in_progress"]


def test_pager(action: Action) -> None:
    assert action.previous_url == "https://hnh.hel.ninja/action/110"
    assert action.next_url == "https://hnh.hel.ninja/action/112"


def test_json_round_trip(action: Action) -> None:
    again = Action.model_validate_json(action.model_dump_json())
    assert again == action
    assert again.record_hash() == action.record_hash()


def test_record_hash_ignores_parser_version(action: Action) -> None:
    bumped = action.model_copy(update={"parser_version": "999"})
    assert bumped.record_hash() == action.record_hash()
    renamed = action.model_copy(update={"name": action.name + " (korjattu)"})
    assert renamed.record_hash() != action.record_hash()
