"""What makes a generated plan as awkward as a real one: rich text with sub-headings, tables and ordered lists,
hierarchical categories (an action in a parent and its child, or in two siblings), actions without a status,
specifiers under responsible parties.

Everything here draws from its own `random.Random`, seeded per plan and action, so that adding it left the rest of
each generated plan (names, tasks, dates) as it was.
"""

from __future__ import annotations

import random

from scraper.replica import wordbank as wb
from scraper.replica.model import Block, Category, CategoryType, Inline, PlanData, RichText, Row

#: Helsinki's primary categories: roots and their children (pk, name, children)
HELSINKI_THEMES: list[tuple[int, str, list[tuple[int, str]]]] = [
    (1, "Hankinnat", []),  # action 111's category in the seed page
    (2, "1. Rakentaminen ja asuminen", [(201, "1.1. Kaavoitus ja tontinluovutus"), (202, "1.2. Uudisrakentaminen"),
                                        (203, "1.3. Korjausrakentaminen")]),
    (3, "2. Liikenne", [(301, "2.1. Joukkoliikenne"), (302, "2.2. Pyöräily ja kävely"),
                        (303, "2.3. Sähköautot ja lataus")]),
    (4, "3. Energia", [(401, "3.1. Kaukolämpö"), (402, "3.2. Aurinkosähkö")]),
    (5, "4. Kulutus ja kiertotalous", []),
    (6, "5. Hiilinielut", []),
    (7, "6. Viestintä ja osallistaminen", []),
]
#: a second, non-primary category type for Helsinki, given to most actions but not all
HELSINKI_SECTOR = CategoryType("sector", "Päästösektori", False)
HELSINKI_SECTORS = [(60, "Rakennusten lämmitys"), (61, "Liikenne"), (62, "Sähkönkulutus"), (63, "Muut päästöt")]


def _rng(plan: PlanData, seed: int, what: str, ident: str) -> random.Random:
    return random.Random(f"{plan.key}:{seed}:{what}:{ident}")


def helsinki_categories(plan: PlanData) -> None:
    for pk, name, children in HELSINKI_THEMES:
        plan.categories[pk] = Category(pk, str(pk), name, "theme")
        for child_pk, child_name in children:
            plan.categories[child_pk] = Category(child_pk, str(child_pk), child_name, "theme", parent_pk=pk)
    plan.category_types.append(HELSINKI_SECTOR)
    for pk, name in HELSINKI_SECTORS:
        plan.categories[pk] = Category(pk, f"s{pk}", name, HELSINKI_SECTOR.identifier)


def _children(plan: PlanData, parent: int) -> list[int]:
    return [pk for pk, c in plan.categories.items() if c.parent_pk == parent]


def primary_categories(plan: PlanData, rng: random.Random, base: list[int]) -> list[int]:
    """A parent and its child (parent first as the API mostly returns them, sometimes the child first), or two
    siblings, or the plain picks: the page shows each of them, and only those."""
    parents = sorted({c.parent_pk for c in plan.categories.values() if c.parent_pk is not None})
    roll = rng.random()
    if roll < 0.3 and parents:
        parent = rng.choice(parents)
        pair = [parent, rng.choice(_children(plan, parent))]
        return pair if rng.random() < 0.8 else pair[::-1]
    with_siblings = [p for p in parents if len(_children(plan, p)) >= 2]
    if roll < 0.45 and with_siblings:
        return rng.sample(_children(plan, rng.choice(with_siblings)), 2)
    return base


def enrich_actions(plan: PlanData, seed: int) -> None:
    """Categories, specifiers, missing statuses and official descriptions, richer text; action 111 untouched."""
    primary = plan.primary_type().identifier
    late_types = [t for t in plan.category_types if t.identifier == HELSINKI_SECTOR.identifier]
    for action in plan.actions:
        if action.identifier == "111":
            continue
        rng = _rng(plan, seed, "cats", action.identifier)
        base = [pk for pk in action.category_pks if plan.categories[pk].type_identifier == primary]
        others = [pk for pk in action.category_pks if plan.categories[pk].type_identifier != primary]
        for ctype in late_types:
            if rng.random() < 0.7:
                own = [pk for pk, c in plan.categories.items() if c.type_identifier == ctype.identifier]
                others += rng.sample(own, rng.randint(1, 2))
        action.category_pks = primary_categories(plan, rng, base) + others
        for party in action.responsible:
            if rng.random() < 0.12:
                party.specifier = rng.choice(wb.SPECIFIERS)
        rich = _rng(plan, seed, "rich", action.identifier)
        action.description = rich_description(rich, action.description)
        for task in action.tasks:
            if task.details and rich.random() < 0.35:
                task.details = [*task.details, _details_extra(rich)]
    _no_status(plan, seed)
    if all(a.official_name is not None for a in plan.actions if a.identifier != "111"):
        next(a for a in plan.actions if a.identifier != "111").official_name = None


def _no_status(plan: PlanData, seed: int) -> None:
    """A few actions have no status at all (and so no phase): at least two in a large plan, one in a small one."""
    rng = random.Random(f"{plan.key}:{seed}:nostatus")
    candidates = [a for a in plan.actions if a.identifier != "111"]
    chosen = [a for a in candidates if rng.random() < 0.04]
    want = 2 if len(candidates) > 50 else 1
    for action in rng.sample(candidates, len(candidates)):
        if len(chosen) >= want:
            break
        if action not in chosen:
            chosen.append(action)
    for action in chosen:
        action.status_id = action.phase_id = None
        action.completion = None


def _p(*pieces: Inline) -> Block:
    return Block("p", [list(pieces)])


def _table(rng: random.Random) -> Block:
    header, body = rng.choice(wb.TABLES)
    rows: list[Row] = [[[("text", cell)] for cell in header]]
    rows += [[[("text", cell)] for cell in row] for row in body]
    return Block("table", [], rows)


def rich_description(rng: random.Random, blocks: RichText) -> RichText:
    """A good share of descriptions get what admins' rich text really holds: a sub-heading followed by a table,
    an ordered list with a link, or a bare table between paragraphs."""
    roll = rng.random()
    head, tail = blocks[:1], blocks[1:]
    if roll < 0.25:
        return [*head, Block("h3", [[("text", rng.choice(wb.SUBHEADINGS))]]), _table(rng),
                _p(("text", rng.choice(wb.SENTENCES))), *tail]
    if roll < 0.4:
        title, url = rng.choice(wb.LINKS)
        steps: list[list[Inline]] = [[("text", s)] for s in rng.sample(wb.ORDERED_STEPS, 2)]
        steps.append([("text", "Katso myös "), ("link", title, url), ("text", ".")])
        return [*blocks, Block("h3", [[("text", rng.choice(wb.SUBHEADINGS))]]), Block("ol", steps)]
    if roll < 0.5:
        return [*head, _table(rng), *tail]
    return blocks


def _details_extra(rng: random.Random) -> Block:
    if rng.random() < 0.5:
        return _table(rng)
    return Block("ul", [[("text", item)] for item in rng.sample(wb.LIST_ITEMS, 2)])
