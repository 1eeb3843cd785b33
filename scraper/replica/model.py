"""The replica's plan state: what the back end of a Kausal Watch site knows, before any front end renders it.

Rich text is kept as structure (paragraphs of inline pieces), not as HTML, so that the renderers can vary the
markup freely while the ground truth is computed from the same structure without parsing anything.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# An inline piece of rich text: ("text", s) | ("link", title, url) | ("br",)
Inline = tuple[str, ...]


#: one table row: its cells, each a run of inline pieces
Row = list[list[Inline]]


@dataclass
class Block:
    """A block of rich text as an editor writes it in the admin: a paragraph (`p`), a sub-heading inside the
    text (`h3`), a list (`ul`/`ol`, one item per entry of `items`) or a table (`rows`, the first row its header).
    """

    kind: Literal["p", "h3", "ul", "ol", "table"]
    items: list[list[Inline]]
    rows: list[Row] = field(default_factory=list)


RichText = list[Block]


@dataclass
class Org:
    pk: int
    name: str
    abbreviation: str | None  # None, "" (shown as name) or a code such as "Palu_Ympa"


@dataclass
class Person:
    pk: int
    first_name: str
    last_name: str
    title: str | None
    organization: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class CategoryType:
    identifier: str  # "theme"
    name: str  # "Teema"
    primary: bool


@dataclass
class Category:
    pk: int
    identifier: str
    name: str
    type_identifier: str
    parent_pk: int | None = None


@dataclass
class Indicator:
    pk: int
    name: str


TaskStateName = Literal["NOT_STARTED", "IN_PROGRESS", "COMPLETED", "CANCELLED"]
DateFormat = Literal["FULL", "MONTH_YEAR", "YEAR"]


@dataclass
class TaskData:
    pk: int
    name: str
    state: TaskStateName
    due_at: dt.date
    completed_at: dt.date | None = None
    date_format: DateFormat | None = None
    details: RichText | None = None


@dataclass
class StatusUpdateData:
    pk: int
    date: dt.date
    author_pk: int
    title: str
    content: RichText | None


@dataclass
class ResponsibleParty:
    org_pk: int
    role: Literal["PRIMARY", "COLLABORATOR"] | None = None
    specifier: str | None = None


@dataclass
class Schedule:
    """One of: legacy schedule row (`rows`), start/end dates (`dates`), continuous (`continuous`)."""

    kind: Literal["rows", "dates", "continuous"]
    name: str = ""
    begins: dt.date | None = None
    ends: dt.date | None = None


@dataclass
class ActionData:
    pk: int
    identifier: str
    name: str
    order: int
    updated_at: dt.datetime  # aware
    description: RichText = field(default_factory=list)
    lead: str = ""
    official_name: str | None = None  # plain text, may contain single "\n"
    category_pks: list[int] = field(default_factory=list)
    responsible: list[ResponsibleParty] = field(default_factory=list)
    contact_pks: list[int] = field(default_factory=list)
    status_id: str | None = None
    phase_id: str | None = None
    completion: int | None = None
    impact_id: str | None = None
    schedule: Schedule | None = None
    tasks: list[TaskData] = field(default_factory=list)
    indicator_pks: list[int] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    status_updates: list[StatusUpdateData] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # attribute type name -> shown value
    merged_with: str | None = None  # identifier of the action this one was merged into
    #: raw whitespace noise added by whitespace-only edits: (paragraph index, extra) — invisible in the record
    whitespace_noise: int = 0


@dataclass
class PlanData:
    key: str  # "helsinki"
    identifier: str  # "hnh2035"
    name: str  # "Hiilineutraali Helsinki 2035"
    site_title: str  # "Ilmastovahti"
    base_path: str  # "" or "/lumo"
    official_name_description: str
    statuses: dict[str, str]  # identifier -> name ("on_time" -> "Ajallaan")
    phases: list[tuple[str, str]]  # (identifier, name), ordered
    impacts: dict[str, str]  # identifier -> name
    category_types: list[CategoryType]
    categories: dict[int, Category]
    orgs: dict[int, Org]
    persons: dict[int, Person]
    indicators: dict[int, Indicator]
    actions: list[ActionData]
    task_date_format: DateFormat = "FULL"
    today: dt.date = dt.date(2019, 10, 15)

    def copy(self) -> PlanData:
        return copy.deepcopy(self)

    def live_actions(self) -> list[ActionData]:
        """Actions on the site, in prev/next order (the back end's `order`, not identifier order)."""
        return sorted((a for a in self.actions if a.merged_with is None), key=lambda a: a.order)

    def find(self, identifier: str) -> ActionData | None:
        for action in self.actions:
            if action.identifier == identifier:
                return action
        return None

    def primary_type(self) -> CategoryType:
        return next(t for t in self.category_types if t.primary)
