"""verify's own API→record mapping against the replica's ground truth, in every era and language: the record a
page must hold and the record the API implies mean the same in every compared field."""

from __future__ import annotations

import pytest

from scraper.fetch import FetchPolicy
from scraper.replica import ReplicaConfig, ReplicaServer
from scraper.verify.api_client import ApiClient
from scraper.verify.api_record import api_record
from scraper.verify.compare import COMPARED, compare, disagreeing
from scraper.verify.html_plain import plain


@pytest.mark.parametrize("plan", ["tampere", "espoo"])
@pytest.mark.parametrize("era", ["v1early", "v1", "v2", "v3"])
def test_api_records_mean_the_ground_truth(plan: str, era: str) -> None:
    for lang in ("fi", "sv", "en"):
        with ReplicaServer(ReplicaConfig(plan=plan, era=era, lang=lang, api_port=0, day=3)) as srv:
            truth = srv.expected_records()
            with ApiClient(srv.api_url, FetchPolicy(delay=0)) as api:
                plan_data, actions = api.plan_actions(srv.site.plan.identifier if srv.site else "", lang)
            primary = plan_data["primaryActionClassification"]["identifier"]
            by_ident = {a["identifier"]: a for a in actions}
            assert set(by_ident) == set(truth)
            compared: set[str] = set()
            for ident, record in truth.items():
                mine = api_record(by_ident[ident], site=record.site, plan_path=record.plan_path, url=record.url,
                                  language=lang, era=era, primary_type=primary,
                                  task_format=plan_data["actionListPage"]["taskDateFormat"])
                diffs = compare(record, mine, era)
                assert disagreeing(diffs) == [], (era, lang, ident, {f: d.to_json() for f, d in diffs.items()
                                                                      if d is not None and not d.agrees})
                compared |= {f for f, d in diffs.items() if d is not None}
            not_shown = {"v1early": {"lead", "implementation_phase", "indicators", "status_updates"},
                         "v1": {"lead", "implementation_phase"}}.get(era, set())
            assert compared == set(COMPARED) - {"identifier"} - not_shown


def test_rich_text_reads_as_the_record_says() -> None:
    html = ('<p>Intro <a href="/x">linkki</a>.</p><h3>Alaotsikko</h3><ul><li>yksi</li><li>kaksi</li></ul>'
            '<figure class="table"><table><thead><tr><th>Vuosi</th><th>Tavoite</th></tr></thead><tbody>'
            '<tr><td>2025</td><td><p>10&nbsp;%</p></td></tr><tr><td>2030</td><td>50<br>%</td></tr></tbody></table>'
            '</figure><p>Rivi<br>toinen&shy;rivi</p>')
    read = plain(html)
    assert read.text == ("Intro linkki.\n\nAlaotsikko\n\nyksi\n\nkaksi\n\n"
                         "Vuosi | Tavoite\n2025 | 10 %\n2030 | 50 %\n\nRivi\ntoinenrivi")
    assert read.links == [("linkki", "/x")]
    assert plain("").text is None and plain(None).text is None
    assert plain("plain text, no tags").text == "plain text, no tags"
