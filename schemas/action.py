"""The Action record: the public contract every archive row, export and diff is built on.

Field names are English snake_case; values are what the page says, normalised only where the design says so.
`None` means "the page does not show this field", `""` means "the heading is shown with nothing under it".
List fields are never null so that a front-end change (V3 omits empty blocks) never creates a version by itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TaskState = Literal["done", "in_progress", "todo"]
OrgRole = Literal["primary", "collaborator"]

#: Bumped whenever the parser's output for the same bytes may change; not part of the record hash.
PARSER_VERSION = "1.0.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


class Organization(_Model):
    name: str
    abbreviation: str | None = None
    role: OrgRole | None = None


class ContactPerson(_Model):
    name: str
    title: str | None = None
    organization: str | None = None


class Status(_Model):
    label: str
    identifier: str | None = None


class Task(_Model):
    state: TaskState
    date: dt.date | None = None
    date_text: str = ""
    title: str
    details: str | None = None


class Indicator(_Model):
    name: str
    url: str | None = None


class Link(_Model):
    title: str
    url: str


class StatusUpdate(_Model):
    date: dt.date | None = None
    author: str | None = None
    title: str
    body: str | None = None


class Action(_Model):
    site: str
    plan_path: str = ""
    url: str
    identifier: str = Field(min_length=1)
    name: str = Field(min_length=1)
    lead: str | None = None
    description: str | None = None
    official_description: str | None = None
    official_description_label: str | None = None
    official_description_source: str | None = None
    categories: list[str] = Field(default_factory=list)
    responsible_organizations: list[Organization] = Field(default_factory=list)
    contact_persons: list[ContactPerson] = Field(default_factory=list)
    status: Status | None = None
    implementation_phase: str | None = None
    completion: int | None = Field(default=None, ge=0, le=100)
    impact: str | None = None
    schedule: str | None = None
    tasks: list[Task] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    status_updates: list[StatusUpdate] = Field(default_factory=list)
    updated_at: dt.date | None = None
    previous_url: str | None = None
    next_url: str | None = None
    test_instance: bool = False
    language: Literal["fi", "sv", "en"] = "fi"
    extra_sections: dict[str, str] = Field(default_factory=dict)
    parser_version: str = PARSER_VERSION

    @field_validator(
        "categories",
        "responsible_organizations",
        "contact_persons",
        "tasks",
        "indicators",
        "links",
        "status_updates",
        mode="before",
    )
    @classmethod
    def _lists_never_null(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("extra_sections", mode="before")
    @classmethod
    def _dict_never_null(cls, value: Any) -> Any:
        return {} if value is None else value

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The identity of an action across runs: (site, plan_path, language, identifier)."""
        return (self.site, self.plan_path, self.language, self.identifier)

    def content_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data without `parser_version`, so a parser upgrade alone never looks like
        the city editing its plan."""
        data = self.model_dump(mode="json")
        data.pop("parser_version", None)
        return data

    def record_hash(self) -> str:
        """A stable digest of what the page says; equal hashes mean no new version."""
        payload = json.dumps(self.content_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


#: How a parse warning starts when the page showed a list but read shorter than the embedded data, and the record
#: took the embedded items: the daily digest counts these per site.
EMBEDDED_FILL = "filled from embedded data"


class ParseWarning(_Model):
    """A disagreement or oddity noticed while parsing; kept beside the record, never inside it."""

    field: str
    message: str
