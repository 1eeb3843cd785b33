"""What the parser's layers hand each other: what the visible page shows, and what the embedded data says.

The merge decides the record from these two, so each must say plainly what it knows: on `Shown`, `None` is "the
page does not show this" and `""` or `[]` is "the page shows the block, empty" (a V1 heading over nothing), which
is why the embedded data may fill the first and never the second. Items are the record's own shapes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict


class OrgItem(TypedDict):
    name: str
    abbreviation: str | None
    role: str | None


class ContactItem(TypedDict):
    name: str
    title: str | None
    organization: str | None


class TaskItem(TypedDict):
    state: str
    date: dt.date | None
    date_text: str
    title: str
    details: str | None


class LinkItem(TypedDict):
    title: str
    url: str


class IndicatorItem(TypedDict):
    name: str
    url: str | None


class EmbeddedIndicator(TypedDict):
    name: str
    id: str | int | None


class UpdateItem(TypedDict):
    date: dt.date | None
    author: str | None
    title: str
    body: str | None


@dataclass
class ShownCategory:
    name: str
    type_key: str | None  # "theme" from `?cat-theme=8`; "" for V1/V2 `?category=8`; None without a link


@dataclass
class CategoryBlock:
    """An aside block whose every link filters the action list by a category: one category type."""

    heading: str
    values: list[ShownCategory]


@dataclass
class ShownCategories:
    crumbs: list[ShownCategory] = field(default_factory=list)  # breadcrumb links and V1 hero badges, page order
    blocks: list[CategoryBlock] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return bool(self.crumbs or self.blocks)


@dataclass
class EmbeddedCategoryType:
    key: str | None  # the type identifier; None in 2019 data, which knew one type only
    name: str | None
    names: list[str]


@dataclass
class Shown:
    """The visible page, read by labels and headings."""

    identifier: str | None = None
    name: str | None = None
    lead: str | None = None
    lead_links: list[LinkItem] = field(default_factory=list)
    description: str | None = None
    description_links: list[LinkItem] = field(default_factory=list)
    official_description: str | None = None
    official_description_label: str | None = None
    official_description_source: str | None = None
    status_label: str | None = None
    status_identifier: str | None = None  # V1/V2 progress bar class `bg-<identifier>`
    implementation_phase: str | None = None
    completion: int | None = None
    impact: str | None = None
    schedule: str | None = None
    responsible_organizations: list[OrgItem] | None = None
    contact_persons: list[ContactItem] | None = None
    tasks: list[TaskItem] | None = None
    indicators: list[IndicatorItem] | None = None
    links: list[LinkItem] | None = None
    status_updates: list[UpdateItem] | None = None
    categories: ShownCategories = field(default_factory=ShownCategories)
    updated_at: dt.date | None = None
    previous_url: str | None = None
    next_url: str | None = None
    test_instance: bool = False


@dataclass
class Embedded:
    """The GraphQL action object the page embeds, mapped onto record fields and normalised like visible text."""

    identifier: str | None = None
    name: str | None = None
    lead: str | None = None
    description: str | None = None
    description_links: list[tuple[str, str]] = field(default_factory=list)
    official_description: str | None = None
    completion: int | None = None
    updated_at: dt.date | None = None
    status_label: str | None = None
    #: every label a theme may print for the status (the plan's own name, the summary's label) → identifier
    status_labels: dict[str, str | None] = field(default_factory=dict)
    status_identifier: str | None = None
    implementation_phase: str | None = None
    impact: str | None = None
    schedule: str | None = None
    category_types: list[EmbeddedCategoryType] = field(default_factory=list)
    responsible_organizations: list[OrgItem] = field(default_factory=list)
    contact_persons: list[ContactItem] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)
    indicators: list[EmbeddedIndicator] = field(default_factory=list)
    links: list[LinkItem] = field(default_factory=list)
    status_updates: list[UpdateItem] = field(default_factory=list)
    next_identifier: str | None = None
    previous_identifier: str | None = None
    merged_with: str | None = None
