"""Languages left behind, held to the replica's scripted translation lags (`--translation-lag`), crawled weekly.

The replica changes three actions' status in Finnish on days 10, 11 and 12; the English pages show the change on
day 22, on day 40 and never. Crawled in Finnish and in English once a week (a replica day is a calendar day, the
runs dated by VAHTI_NOW), and once more a week after the last day with nothing changed, the archive shows exactly
two stories: the day-11 edit, English following four weeks later, and the day-12 edit, never followed. The day-10
edit, seen behind a week later and followed two weeks later, and every ordinary edit (both languages get it at
once) are not stories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from schemas.dates import HELSINKI
from schemas.meaning import UNKNOWN
from scraper.replica import ReplicaConfig, ReplicaServer
from scraper.replica.translation import TranslationLag
from snapshots.db import connect_read
from snapshots.lagging import Lag, behind, changed_facts, languages_left_behind, neutral, record_fields
from tests.scraper.helpers import crawl_complete, crawl_replica, query

FIRST = dt.date(2026, 3, 2)
#: (days after FIRST the crawl is dated, the replica's day): weekly, then a week with nothing changed
SCHEDULE = [(day, day) for day in range(0, 57, 7)] + [(63, 56)]
WINDOW = 14


@dataclass
class Crawled:
    db: Path
    site: str
    lags: dict[str, TranslationLag]  # kind -> ground truth
    english: dict[str, Any]  # identifier -> the replica's English truth on the last day


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    db = tmp_path_factory.mktemp("lagging") / "vahti.duckdb"
    with pytest.MonkeyPatch.context() as mp, ReplicaServer(ReplicaConfig(plan="tampere", translation_lag=True)) as srv:
        for offset, day in SCHEDULE:
            mp.setenv("VAHTI_NOW", (FIRST + dt.timedelta(days=offset)).isoformat())
            srv.set_day(day)
            crawl_complete(srv, db)
            summary = crawl_replica(srv, db, srv.start_url_for("en"))
            assert summary.outcome == "complete", summary.reason
        lags = {lag.kind: lag for lag in srv.translation_lags()}
        english = {i: r.model_dump(mode="json") for i, r in srv.expected_records("en").items()}
        lagged = set(lags.values())
        ordinary = [c for c in srv.changes(0, 56) if c.field in ("status", "tasks", "responsible_organizations")
                    and c.identifier not in {lag.identifier for lag in lagged}]
        site = srv.base_url.split("://", 1)[1]
    assert sorted(lags) == ["never_translated", "translated_in_time", "translated_late"]
    assert len(ordinary) > 10  # plenty of edits both languages got at once
    yield Crawled(db, site, lags, english)


def found(crawled: Crawled, window: float = WINDOW, now: dt.datetime | None = None) -> list[Lag]:
    con = connect_read(crawled.db)
    try:
        return languages_left_behind(con, crawled.site, window, now=now)
    finally:
        con.close()


def crawl_date(offset: int) -> dt.date:
    return FIRST + dt.timedelta(days=offset)


def local(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else moment.astimezone(HELSINKI).date()


def seen_on(day: int) -> int:
    """The offset of the first crawl that saw replica day `day`."""
    return next(offset for offset, shown in SCHEDULE if shown >= day)


def test_exactly_the_late_and_the_never_followed_edit_are_stories(crawled: Crawled) -> None:
    got = found(crawled)
    assert [(lag.identifier, lag.leading, lag.lagging) for lag in got] == [
        (crawled.lags[kind].identifier, "fi", "en") for kind in ("translated_late", "never_translated")]


def test_the_late_one_has_both_dates(crawled: Crawled) -> None:
    truth = crawled.lags["translated_late"]
    lag = next(lag for lag in found(crawled) if lag.identifier == truth.identifier)
    assert truth.follow_day is not None
    assert local(lag.changed_at) == crawl_date(seen_on(truth.edit_day))
    assert local(lag.followed_at) == crawl_date(seen_on(truth.follow_day))
    assert lag.as_of == lag.followed_at
    assert local(lag.noticed_at) == crawl_date(seen_on(truth.edit_day) + WINDOW)  # when the digest tells it
    assert lag.fields == ("status", "updated_at")
    assert lag.leading_values["status"] != lag.lagging_values["status"]
    assert lag.lagging_values["updated_at"] < lag.leading_values["updated_at"]


def test_the_never_followed_one_has_no_follow_date_as_of_the_last_english_crawl(crawled: Crawled) -> None:
    truth = crawled.lags["never_translated"]
    lag = next(lag for lag in found(crawled) if lag.identifier == truth.identifier)
    assert local(lag.changed_at) == crawl_date(seen_on(truth.edit_day))
    assert lag.followed_at is None
    assert local(lag.as_of) == crawl_date(SCHEDULE[-1][0])
    assert lag.fields[0] == "status"
    # what the English page still says is what the replica's English truth says
    assert lag.lagging_values["status"] == crawled.english[truth.identifier]["status"]["identifier"]
    rows = query(crawled.db, "SELECT status_identifier FROM actions_current WHERE language = 'en' AND identifier = ?",
                 truth.identifier)
    assert rows == [(lag.lagging_values["status"],)]


def test_the_edit_followed_within_the_window_was_seen_behind_for_a_week(crawled: Crawled) -> None:
    truth = crawled.lags["translated_in_time"]
    assert truth.follow_day is not None
    assert truth.identifier not in {lag.identifier for lag in found(crawled)}
    # with a window shorter than the week English was seen behind, it is one
    short = [lag for lag in found(crawled, 5) if lag.identifier == truth.identifier]
    assert len(short) == 1
    assert local(short[0].followed_at) == crawl_date(seen_on(truth.follow_day))
    assert short[0].followed_at is not None and short[0].followed_at - short[0].changed_at < dt.timedelta(WINDOW)


def test_as_of_a_date_only_what_was_known_then(crawled: Crawled) -> None:
    def at(offset: int) -> dt.datetime:
        return dt.datetime.combine(crawl_date(offset), dt.time(23), HELSINKI)

    assert found(crawled, now=at(21)) == []  # the window of the day-14 change has not passed
    then = found(crawled, now=at(28))
    assert [lag.identifier for lag in then] == [crawled.lags[k].identifier
                                                for k in ("translated_late", "never_translated")]
    assert all(lag.followed_at is None and local(lag.as_of) == crawl_date(28) for lag in then)


def test_an_unchanged_week_adds_nothing(crawled: Crawled) -> None:
    last, before = SCHEDULE[-1][0], SCHEDULE[-2][0]
    now = dt.datetime.combine(crawl_date(before), dt.time(23), HELSINKI)
    earlier = [(lag.identifier, lag.changed_at, lag.followed_at) for lag in found(crawled, now=now)]
    assert [(lag.identifier, lag.changed_at, lag.followed_at) for lag in found(crawled)] == earlier
    never = next(lag for lag in found(crawled) if lag.followed_at is None)
    assert local(never.as_of) == crawl_date(last)


# --- the neutral projection --------------------------------------------------------------------------------------

def _record(language: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "language": language, "status": {"label": "Myöhässä", "identifier": "late"},
        "tasks": [{"state": "todo", "date": None, "date_text": "3.2021", "title": "Laaditaan selvitys"},
                  {"state": "done", "date": "2020-05-04", "date_text": "4.5.2020", "title": "Kartoitus"}],
        "responsible_organizations": [{"name": "Kaupunkiympäristön toimiala", "abbreviation": "KYMP",
                                       "role": "primary"}],
        "updated_at": "2026-03-01",
    }
    base.update(fields)
    return base


ENGLISH = _record(
    "en", status={"label": "Late", "identifier": "late"},
    tasks=[{"state": "done", "date": "2020-05-04", "date_text": "5/4/2020", "title": "Survey"},
           {"state": "todo", "date": None, "date_text": "3/2021", "title": "A study is drawn up"}],
    responsible_organizations=[{"name": "Urban Environment Division", "abbreviation": "KYMP", "role": "primary"}],
)


def test_translated_words_are_not_a_difference() -> None:
    fi, en = neutral(_record("fi"), "v3"), neutral(ENGLISH, "v3")
    assert fi == en
    assert behind(fi, en, list(fi)) == ()


def test_each_neutral_field_is_compared() -> None:
    fi = neutral(_record("fi"), "v3")
    cases: dict[str, dict[str, Any]] = {
        "status": {"status": {"label": "Ajallaan", "identifier": "on_time"}},
        "tasks": {"tasks": [{"state": "in_progress", "date": None, "date_text": "3/2021", "title": "x"},
                            {"state": "done", "date": "2020-05-04", "date_text": "5/4/2020", "title": "y"}]},
        "responsible_organizations": {"responsible_organizations": [
            {"name": "Urban Environment Division", "abbreviation": "KYMP", "role": "collaborator"}]},
        "updated_at": {"updated_at": "2026-02-01"},
    }
    for name, change in cases.items():
        en = neutral({**ENGLISH, **change}, "v3")
        assert record_fields(behind(fi, en, list(fi))) == (name,), name
        assert record_fields(changed_facts(fi, en)) == (name,), name


def test_a_later_updated_date_is_not_behind_and_an_earlier_one_is() -> None:
    fi = neutral(_record("fi"), "v3")
    assert behind(fi, neutral({**ENGLISH, "updated_at": "2026-03-09"}, "v3"), ["updated_at"]) == ()
    assert behind(fi, neutral({**ENGLISH, "updated_at": None}, "v3"), ["updated_at"]) == ("updated_at",)


def test_what_an_era_cannot_show_is_unknown_never_a_difference() -> None:
    v1 = neutral({**ENGLISH, "responsible_organizations": [{"name": "KYMP", "abbreviation": None, "role": None}],
                  "tasks": [{"state": "todo", "date": None, "date_text": "3/2021", "title": "x"},
                            {"state": "done", "date": "2020-05-04", "date_text": "5/4/2020", "title": "y"}]}, "v1")
    assert v1["responsible_organizations/role"] is UNKNOWN and v1["tasks/state"] is UNKNOWN
    fi = neutral(_record("fi", tasks=[{"state": "in_progress", "date": None, "date_text": "3.2021", "title": "a"},
                                      {"state": "done", "date": "2020-05-04", "date_text": "4.5.2020", "title": "b"}]),
                 "v3")
    assert behind(fi, v1, list(fi)) == ()
    assert neutral(_record("fi", status={"label": "Myöhässä", "identifier": None}))["status"] is UNKNOWN
    assert neutral(_record("fi", status=None))["status"] is None


# --- the rule, on archives written day by day ----------------------------------------------------------------------

#: (language, day, status identifier, updated date) of one action "1": what each language's crawl saw
Crawl = tuple[str, int, str, str]


def _archive(tmp_path: Path, crawls: list[Crawl]) -> Path:
    from schemas.action import Status
    from snapshots.store import Archive
    from tests.snapshots.helpers import DAY0, SITE, body_of, make_action

    tmp_path.mkdir(exist_ok=True)
    db = tmp_path / "vahti.duckdb"
    with Archive(db) as archive:
        for n, (language, day, status, updated) in enumerate(crawls):
            prefix = "" if language == "fi" else f"/{language}"
            action = make_action("1", language=language, updated_at=dt.date.fromisoformat(updated)).model_copy(
                update={"status": Status(label=f"{status} ({language})", identifier=status),
                        "url": f"https://{SITE}{prefix}/actions/1"})
            run = archive.begin_run(SITE, f"https://{SITE}{prefix}/actions", language=language,
                                    started_at=DAY0 + dt.timedelta(days=day, seconds=n))
            page = archive.store_page(run, action.url, 200, {}, body_of(action))
            archive.store_observation(run, page, "parsed", url=action.url, record=action, position=0)
            archive.end_run(run, "complete")
    return db


def _lags(db: Path, window: float = WINDOW) -> list[tuple[str, str, int, int | None, tuple[str, ...]]]:
    """(leading, lagging, day of the change, day of the follow or None, fields) per story."""
    from tests.snapshots.helpers import DAY0, SITE

    def day(moment: dt.datetime | None) -> int | None:
        return None if moment is None else (moment - DAY0).days

    con = connect_read(db)
    try:
        return [(lag.leading, lag.lagging, day(lag.changed_at) or 0, day(lag.followed_at), lag.fields)
                for lag in languages_left_behind(con, SITE, window)]
    finally:
        con.close()


def _both(day: int, status: str, updated: str, english: tuple[str, str] | None = None) -> list[Crawl]:
    """Finnish, then English, the same morning; `english` what English showed if not the same."""
    en_status, en_updated = english or (status, updated)
    return [("fi", day, status, updated), ("en", day, en_status, en_updated)]


def test_english_may_lead_and_finnish_be_left_behind(tmp_path: Path) -> None:
    crawls = [*_both(0, "late", "2024-01-01"), *_both(7, "late", "2024-01-01", ("on_time", "2024-01-05")),
              *_both(21, "late", "2024-01-01", ("on_time", "2024-01-05")), *_both(28, "on_time", "2024-01-05")]
    assert _lags(_archive(tmp_path, crawls)) == [("en", "fi", 7, 28, ("status", "updated_at"))]


def test_a_language_crawled_again_only_after_the_window_is_judged_by_that_crawl(tmp_path: Path) -> None:
    start = [*_both(0, "late", "2024-01-01"), ("fi", 3, "on_time", "2024-01-03")]
    caught_up = [*start, ("en", 20, "on_time", "2024-01-03")]
    still_behind = [*start, ("en", 20, "late", "2024-01-01")]
    assert _lags(_archive(tmp_path / "a", caught_up)) == []
    assert _lags(_archive(tmp_path / "b", still_behind)) == [("fi", "en", 3, None, ("status", "updated_at"))]


def test_a_change_replaced_within_the_window_is_judged_by_the_change_that_stood(tmp_path: Path) -> None:
    crawls = [*_both(0, "late", "2024-01-01"),
              ("fi", 1, "on_time", "2024-01-02"), ("en", 1, "late", "2024-01-01"),  # replaced four days later
              ("fi", 5, "completed", "2024-01-05"), ("en", 5, "late", "2024-01-01"),
              ("fi", 20, "completed", "2024-01-05"), ("en", 20, "late", "2024-01-01"),
              *_both(30, "completed", "2024-01-05")]
    assert _lags(_archive(tmp_path, crawls)) == [("fi", "en", 5, 30, ("status", "updated_at"))]


def test_a_language_never_crawled_since_the_change_is_not_behind(tmp_path: Path) -> None:
    crawls = [*_both(0, "late", "2024-01-01"), ("fi", 3, "on_time", "2024-01-03"), ("fi", 30, "on_time", "2024-01-03")]
    assert _lags(_archive(tmp_path, crawls)) == []


def test_the_report_tells_each_language_left_behind_once(crawled: Crawled, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from scraper.cli.app import app, load_commands

    load_commands()
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--db", str(crawled.db), "--out", str(out), "--language", "fi"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    start = page.index('<section class="stories">')
    stories = page[start:page.index("</section>", start)]
    assert stories.count("Language left behind</span>") == 2
    for kind in ("translated_late", "never_translated"):
        assert f"<strong>{crawled.lags[kind].identifier} " in stories
    assert f"<strong>{crawled.lags['translated_in_time'].identifier} " not in stories
    assert "still shows the old values as of" in stories and "en followed on" in stories
