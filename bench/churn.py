"""A seeded year of a climate plan's life, written day by day through the archive's write interface.

150 actions, 365 daily runs, a few percent of the actions touched each day the way real plans move: a status
changes, a task gets done, a date slips, a description is reworded, the completion percent creeps up, an action is
added or removed. Each day also has raw pages (synthetic HTML that changes exactly when the record does), so the
archive stores what a crawl would. The generator is shared by the archive benchmark and the baseline benchmarks.

    .venv/bin/python bench/churn.py --db /tmp/churn.duckdb [--actions 150] [--days 365] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas.action import Action, Indicator, Link, Organization, Status, Task  # noqa: E402
from snapshots.interface import ArchiveWriter  # noqa: E402

SITE = "ilmastovahti.churn.example"
START_URL = f"https://{SITE}/actions"
FIRST_DAY = dt.datetime(2024, 1, 1, 4, 0, tzinfo=dt.UTC)  # 06:00 in Helsinki: a nightly crawl

_WORDS = (
    "hiilineutraali", "kaupunki", "energia", "lämpö", "liikenne", "pyöräily", "joukkoliikenne",
    "rakennus", "korjaus", "aurinkovoima", "tuulivoima", "kaukolämpö", "päästö", "vähennys",
    "kiertotalous", "jäte", "ruoka", "kulutus", "hankinta", "asukas", "yritys", "kumppani", "selvitys",
    "ohjelma", "tavoite", "seuranta", "mittari", "investointi", "rahoitus", "alue", "keskusta", "puisto",
    "vesi", "hulevesi", "sähköauto", "latausverkko", "kävely", "katu", "valaistus", "koulu", "päiväkoti",
    "kiinteistö", "vuokra", "energiatehokkuus",
)
_STATUSES = ("Ajallaan", "Myöhässä", "Pahasti myöhässä", "Valmis", "Ei aloitettu", "Käynnissä")
_PHASES = ("Suunnittelu", "Toteutus", "Valmis", "Ei aloitettu")
_ORGS = ("Kaupunkiympäristön toimiala", "Helen Oy", "Kasvatuksen ja koulutuksen toimiala", "HSL",
         "Kaupunginkanslia", "Stara", "Ympäristöpalvelut")
_CATEGORIES = ("Rakentaminen ja rakennusten käyttö", "Liikenne", "Energia", "Kulutus ja hankinnat",
               "Kaupunkiorganisaatio", "Kiertotalous")


def _sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _task(rng: random.Random, day: dt.date, state: str) -> Task:
    when = day + dt.timedelta(days=rng.randint(-400, 900))
    return Task(state=state, date=when, date_text=f"{when.day}.{when.month}.{when.year}",  # type: ignore[arg-type]
                title=_sentence(rng, 6), details=_sentence(rng, 18) if rng.random() < 0.5 else None)


def new_action(rng: random.Random, number: int, day: dt.date) -> Action:
    identifier = str(number)
    tasks = [_task(rng, day, rng.choice(("done", "todo", "todo", "in_progress"))) for _ in range(rng.randint(2, 8))]
    return Action(
        site=SITE,
        url=f"{START_URL}/{identifier}",
        identifier=identifier,
        name=_sentence(rng, 7)[:-1],
        lead=_sentence(rng, 20),
        description="\n\n".join(" ".join(_sentence(rng) for _ in range(3)) for _ in range(rng.randint(1, 4))),
        categories=[rng.choice(_CATEGORIES)],
        responsible_organizations=[Organization(name=o, role="primary" if i == 0 else "collaborator")
                                   for i, o in enumerate(rng.sample(_ORGS, rng.randint(1, 3)))],
        status=Status(label=rng.choice(_STATUSES)),
        implementation_phase=rng.choice(_PHASES),
        completion=rng.choice((None, 0, 10, 25, 50)),
        schedule=f"Toteutetaan aikavälillä {day.year} - {day.year + rng.randint(1, 10)}",
        tasks=tasks,
        indicators=[Indicator(name=_sentence(rng, 4)[:-1], url=f"https://{SITE}/indicators/{number}{i}")
                    for i in range(rng.randint(0, 2))],
        links=[Link(title=_sentence(rng, 5)[:-1], url=f"https://example.org/{number}/{i}")
               for i in range(rng.randint(0, 3))],
        updated_at=day,
    )


def mutate(rng: random.Random, action: Action, day: dt.date) -> tuple[str, Action]:
    """One edit of the kind plans really see; returns what kind it was."""
    kind = rng.choice(("status", "task_done", "date_moved", "text_edit", "completion", "task_added"))
    data: dict[str, Any] = {"updated_at": day}
    tasks = list(action.tasks)
    if kind == "status":
        data["status"] = Status(label=rng.choice([s for s in _STATUSES if action.status is None
                                                  or s != action.status.label]))
    elif kind == "task_done" and any(t.state != "done" for t in tasks):
        i = rng.choice([i for i, t in enumerate(tasks) if t.state != "done"])
        tasks[i] = tasks[i].model_copy(update={"state": "done"})
        data["tasks"] = tasks
    elif kind == "date_moved" and tasks:
        i = rng.randrange(len(tasks))
        moved = (tasks[i].date or day) + dt.timedelta(days=rng.choice((30, 90, 180, 365)))
        tasks[i] = tasks[i].model_copy(update={"date": moved, "date_text": f"{moved.day}.{moved.month}.{moved.year}"})
        data["tasks"] = tasks
    elif kind == "text_edit" and action.description:
        paragraphs = action.description.split("\n\n")
        paragraphs[rng.randrange(len(paragraphs))] = " ".join(_sentence(rng) for _ in range(3))
        data["description"] = "\n\n".join(paragraphs)
    elif kind == "completion":
        data["completion"] = min(100, (action.completion or 0) + rng.choice((5, 10, 25)))
    else:
        kind = "task_added"
        data["tasks"] = [*tasks, _task(rng, day, "todo")]
    return kind, action.model_copy(update=data)


def render_page(action: Action) -> bytes:
    """Synthetic Kausal-Watch-like HTML: a function of the record only, so an unchanged action is byte-identical."""
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='fi'><head><meta charset='utf-8'>",
        f"<title>{e(action.name)} | Ilmastovahti</title><link rel='stylesheet' href='/static/site.css'></head>",
        "<body><header><nav><a href='/'>Etusivu</a><a href='/actions'>Toimenpiteet</a></nav></header><main>",
        f"<h1><span class='identifier'>{e(action.identifier)}.</span> {e(action.name)}</h1>",
        f"<p class='lead'>{e(action.lead or '')}</p><section><h2>Kuvaus</h2>",
        *(f"<p>{e(p)}</p>" for p in (action.description or "").split("\n\n")),
        "</section><section><h2>Eteneminen</h2>",
        f"<div class='status'>{e(action.status.label if action.status else '')}</div>",
        f"<div class='phase'>{e(action.implementation_phase or '')}</div>",
        f"<div class='completion'>{action.completion if action.completion is not None else ''} %</div>",
        f"<h3>Aikajänne</h3><p>{e(action.schedule or '')}</p></section><section><h2>Tehtävät</h2><ul>",
        *(f"<li class='{t.state}'><time>{e(t.date_text)}</time> {e(t.title)}<p>{e(t.details or '')}</p></li>"
          for t in action.tasks),
        "</ul></section><section><h2>Vastuuorganisaatiot</h2><ul>",
        *(f"<li>{e(o.name)}</li>" for o in action.responsible_organizations),
        "</ul></section><section><h2>Mittarit</h2><ul>",
        *(f"<li><a href='{e(i.url or '')}'>{e(i.name)}</a></li>" for i in action.indicators),
        "</ul></section><section><h2>Lue lisää</h2><ul>",
        *(f"<li><a href='{e(link.url)}'>{e(link.title)}</a></li>" for link in action.links),
        "</ul></section>",
        f"<p class='updated'>Tietoja päivitetty {action.updated_at.day}.{action.updated_at.month}."
        f"{action.updated_at.year}</p>" if action.updated_at else "",
        "</main><footer>Helsingin kaupunki · Saavutettavuusseloste · Tietosuoja</footer></body></html>",
    ]
    return "".join(parts).encode("utf-8")


@dataclass
class Day:
    index: int
    started_at: dt.datetime
    actions: list[Action]
    edits: dict[str, int]
    pages: list[bytes]  # render_page(action) for each action, in the same order


def generate(actions: int = 150, days: int = 365, rate: float = 0.03, seed: int = 7) -> Iterator[Day]:
    """Each day's full plan, in list order; `rate` is the share of actions edited per day."""
    rng = random.Random(seed)
    first = FIRST_DAY.date()
    plan = {str(n): new_action(rng, n, first) for n in range(1, actions + 1)}
    pages = {identifier: render_page(action) for identifier, action in plan.items()}
    next_number = actions + 1
    for index in range(days):
        started = FIRST_DAY + dt.timedelta(days=index, minutes=rng.randint(0, 20))
        today = started.date()
        edits: dict[str, int] = {}
        if index:
            for identifier in list(plan):
                if rng.random() < rate:
                    kind, plan[identifier] = mutate(rng, plan[identifier], today)
                    pages[identifier] = render_page(plan[identifier])
                    edits[kind] = edits.get(kind, 0) + 1
            if rng.random() < 0.15:
                plan[str(next_number)] = new_action(rng, next_number, today)
                pages[str(next_number)] = render_page(plan[str(next_number)])
                next_number += 1
                edits["added"] = edits.get("added", 0) + 1
            if rng.random() < 0.1 and len(plan) > 10:
                del plan[rng.choice(list(plan))]
                edits["removed"] = edits.get("removed", 0) + 1
        yield Day(index, started, list(plan.values()), edits, [pages[i] for i in plan])


def write_day(writer: ArchiveWriter, day: Day) -> int:
    """One complete run: a 200 page and a parsed observation per action, as the crawler would store them."""
    run = writer.begin_run(SITE, START_URL, started_at=day.started_at)
    for position, (action, body) in enumerate(zip(day.actions, day.pages, strict=True)):
        fetched = day.started_at + dt.timedelta(seconds=position)
        page = writer.store_page(run, action.url, 200, {"content-type": "text/html; charset=utf-8"},
                                 body, fetched_at=fetched)
        writer.store_observation(run, page, "parsed", url=action.url, record=action, position=position)
    writer.end_run(run, "complete", finished_at=day.started_at + dt.timedelta(seconds=len(day.actions)))
    return run


def write_churn(writer: ArchiveWriter, days: Iterator[Day]) -> int:
    """Write every day; uses the writer's bulk path when it has one. Returns the number of observations."""
    bulk = getattr(writer, "bulk", None)
    total = 0
    if bulk is not None:
        with bulk():
            for day in days:
                write_day(writer, day)
                total += len(day.actions)
    else:
        for day in days:
            write_day(writer, day)
            total += len(day.actions)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--actions", type=int, default=150)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from snapshots.store import Archive

    start = time.perf_counter()
    with Archive(args.db) as archive:
        total = write_churn(archive, generate(args.actions, args.days, args.rate, args.seed))
    print(f"wrote {total} observations in {time.perf_counter() - start:.1f} s to {args.db}")


if __name__ == "__main__":
    main()
