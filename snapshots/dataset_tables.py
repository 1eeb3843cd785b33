"""The public dataset's tables: which columns of the archive are published, from where, and what each one means.

One list drives both the Parquet files and DATASET.md, so a column cannot be published without its meaning (a
test reads every written file and checks each column against this list). Columns are named as in the archive,
so the README's example queries run on the dataset unchanged. Left out on purpose: the raw pages and bodies
(the archive asset has them, byte for byte), the packed copies of records (`record_zstd`, `record_base`: storage,
not data), `meaning` (a cache kept on newest versions only) and the record JSON itself (every one of its fields
is a typed column of `versions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from snapshots.export import RECORD_STRUCTURE


@dataclass(frozen=True)
class Column:
    name: str
    #: the SQL that selects it from the table's base query (default: the column of the same name)
    expr: str
    meaning: str


def col(name: str, meaning: str, expr: str | None = None) -> Column:
    return Column(name, expr or name, meaning)


@dataclass(frozen=True)
class Table:
    #: the folder (Hive dataset) and the file (release asset) name
    name: str
    #: the archive table it comes from, for the reader who also has the archive
    source: str
    about: str
    #: every column but `site`, which is the partition (the folder name) and the first column of the flat file
    columns: tuple[Column, ...]
    #: the rows of one site: a query with the site as `$site` (and `$structure` where it needs the record's shape)
    base: str
    order: str

    def select(self) -> str:
        exprs = ", ".join(f"{c.expr} AS {c.name}" for c in self.columns)
        return f"SELECT {exprs} FROM ({self.base}) AS t ORDER BY {self.order}"


SITE = col("site", "the host the plan is served from, with the port when it is not the default (the partition)")
_PLAN = (
    col("plan_path", 'the plan\'s base path on its host: `""` for the host\'s main plan, `/lumo` for a second plan'),
    col("language", "the language of the pages (`fi`, `sv`, `en`); each language of a plan is a crawl and a history "
                    "of its own"),
)

RUNS = Table(
    name="runs",
    source="runs",
    about="one row per crawl, import or backfill of one plan in one language",
    columns=(
        col("id", "run id (what vahti's WHEN accepts)"),
        *_PLAN,
        col("start_url", "where the run began: the plan's action list (for a backfill: the address whose captures were "
                         "read)"),
        col("started_at", "when the run began (UTC); versions are dated by it. A backfill run: its Helsinki day's first "
                          "capture time"),
        col("finished_at", "when it ended (UTC); empty for a run that never ended"),
        col("outcome", "`complete` (every action on the prev/next chain or the list got an observation), `partial`, "
                       "`failed`, `interrupted` (never finished), `running`"),
        col("reason", "why a run was not complete"),
        col("resumed_from", "the interrupted run this one continued"),
        col("cause", "`crawl` (vahti read the live site), `import` (a WARC file) or `backfill` (web-archive captures)"),
        col("pages", "pages fetched"),
        col("parsed", "observations `parsed`"),
        col("unchanged", "observations `unchanged`"),
        col("parse_failed", "observations `parse_failed`"),
        col("gone", "observations `gone`"),
        col("fetch_failed", "observations `fetch_failed`"),
        col("refused", "observations `refused`"),
        col("not_reached", "observations `not_reached`"),
        col("versions_added", "versions this run opened"),
        col("counts", "JSON text: the counts above plus any the crawler reported (requests, retries, …)"),
    ),
    base="SELECT * FROM runs WHERE site = $site",
    order="id",
)

OBSERVATIONS = Table(
    name="observations",
    source="observations, joined with pages for when and how each page arrived",
    about="one row per run and action: what that run saw of that action",
    columns=(
        col("id", "observation id"),
        col("run_id", "the run (`runs.id`)"),
        col("page_id", "the page behind it in the archive (`vahti page` prints it); empty when nothing was fetched"),
        *_PLAN,
        col("identifier", 'the action\'s identifier as the site shows it ("111", "2.1.10", "a1147"; never assume a '
                          "number); empty when a page could not be tied to an action"),
        col("url", "the action page's address"),
        col("outcome", "`parsed`, `unchanged` (the page was the same as before: a 304, or the same body but for its "
                       "tracing tags), `parse_failed`, `gone`, `fetch_failed`, `refused` (robots.txt, another host), "
                       "`not_reached` (a partial run stopped first: says nothing about the action)"),
        col("error", "the fetch or parse error"),
        col("reason", "for `gone`: why (`404`, `not-found page`, `merged into 112`, `removed from the chain and the "
                      "list`)"),
        col("warnings", "JSON text: the parser's warnings, a list of `{field, message}`"),
        col("position", "the action's place in the site's own order (the prev/next walk); empty for captures"),
        col("record_hash", "hash of the record the page gave (the normalised record without the parser version)"),
        col("version_id", "the version the page showed (`versions.id`); empty when the page gave no record"),
        col("front_end", "the front-end era that printed the page: `v1early`, `v1`, `v2`, `v3`; empty when unknown"),
        col("fetched_at", "when the page arrived (UTC); for a backfill: the web-archive capture time", "fetched_at"),
        col("http_status", "the HTTP status of the page; empty when no response arrived", "http_status"),
        col("capture_url", "for a page read from a web archive: the capture it came from "
                           "(`…/web/20210312093000id_/https://…`); empty for pages vahti fetched from the site"),
    ),
    base="SELECT o.*, p.fetched_at, p.status AS http_status, p.capture_url FROM observations o"
         " LEFT JOIN pages p ON p.id = o.page_id WHERE o.site = $site",
    order="id",
)

#: The record's list and map fields, typed from its JSON (the scalar fields are typed columns of the archive).
NESTED = ("responsible_organizations", "contact_persons", "tasks", "indicators", "links", "status_updates",
          "extra_sections")
NESTED_STRUCTURE = json.dumps({name: RECORD_STRUCTURE[name] for name in NESTED})

VERSIONS = Table(
    name="versions",
    source="action_versions",
    about="one row per distinct content of an action, with the period it was in force: the plan's history",
    columns=(
        col("id", "version id"),
        *_PLAN,
        col("identifier", "the action's identifier"),
        col("valid_from", "start of the period this content was in force (UTC): the start of the first run that saw "
                          "it"),
        col("valid_to", "end of that period (UTC): the start of the run that saw other content or found the action "
                        "gone; empty = in force now. Half-open: valid_from <= t < valid_to"),
        col("first_run", "the first run that saw this content"),
        col("last_run", "the last run that saw it (the true edit lies between last_run and closed_run)"),
        col("closed_run", "the run that ended it (changed or gone)"),
        col("record_hash", "hash of the normalised record without the parser version: equal hashes, equal content"),
        col("parser_version", "the parser that read the page"),
        col("cause", "`crawl` (the site changed), `import`, `backfill` (seen in a web-archive capture), `markup` (the "
                     "page changed but the plan did not) or `reparse` (the parser changed)"),
        col("gone_reason", "why the action disappeared, when this version ended that way"),
        col("front_end", "the front-end era of the page this version was read from"),
        col("url", "the action page's canonical address"),
        col("name", "the action's name"),
        col("lead", "the lead paragraph"),
        col("description", "the description as plain text, paragraphs separated by a blank line"),
        col("official_description", 'the "Virallinen kuvaus" (official description) text'),
        col("official_description_label", 'its label line ("Toimenpideohjelman mukaan")'),
        col("official_description_source", 'its source caption ("(… -toimenpideohjelmasta)")'),
        col("status_label", 'the status as shown ("Ajallaan", "Myöhässä", "On time")'),
        col("status_identifier", "the status's identifier when known (`on_time`, `late`, …)"),
        col("implementation_phase", "the implementation phase as shown"),
        col("completion", "percent complete"),
        col("impact", "the impact as shown"),
        col("schedule", 'the schedule as shown ("Toteutetaan aikavälillä 2021 - 2029", "Jatkuva")'),
        col("updated_at", 'the page\'s own "updated" date ("Tietoja päivitetty")'),
        col("previous_url", "the previous action in the site's own order"),
        col("next_url", "the next action in the site's own order"),
        col("test_instance", "the page carried a TESTI (test instance) banner"),
        col("categories", "category names of the plan's primary category type (list)"),
        col("tasks_total", "number of tasks"),
        col("tasks_done", "tasks done"),
        col("tasks_in_progress", "tasks in progress"),
        col("tasks_todo", "tasks to do"),
        col("responsible_organizations", "list of `{name, abbreviation, role}`: role `primary` or `collaborator`",
            "rec.responsible_organizations"),
        col("contact_persons", "list of `{name, title, organization}` (e-mail addresses are never on the page)",
            "rec.contact_persons"),
        col("tasks", "list of `{state, date, date_text, title, details}`: state `done`, `in_progress` or `todo`; "
                     "`date` only for a full day, `date_text` as shown", "rec.tasks"),
        col("indicators", "list of `{name, url}`", "rec.indicators"),
        col("links", "list of `{title, url}`", "rec.links"),
        col("status_updates", "list of `{date, author, title, body}`", "rec.status_updates"),
        col("extra_sections", "map `{heading: text}` of every labelled section vahti does not model: nothing is "
                              "dropped", "rec.extra_sections"),
    ),
    base="SELECT *, json_transform(record, $structure) AS rec FROM action_versions WHERE site = $site",
    order="plan_path, language, identifier, valid_from, id",
)

CHANGES = Table(
    name="changes",
    source="action_changes",
    about="one row per field whose meaning changed between two consecutive versions of an action",
    columns=(
        col("id", "change id"),
        *_PLAN,
        col("identifier", "the action's identifier"),
        col("field", "the record field (a column name of `versions`; `status` for status_label and "
                     "status_identifier)"),
        col("old", "the field's value before, as JSON text"),
        col("new", "the field's value after, as JSON text"),
        col("run_id", "the run that saw the change"),
        col("changed_at", "that run's start (UTC); for `reparse`: the reparse time"),
        col("cause", "`crawl`, `import`, `backfill` or `reparse` (a `markup` version has no change rows)"),
        col("old_version", "the version before (`versions.id`)"),
        col("new_version", "the version after"),
    ),
    base="SELECT * FROM action_changes WHERE site = $site",
    order="changed_at, id",
)

TABLES: tuple[Table, ...] = (RUNS, OBSERVATIONS, VERSIONS, CHANGES)


@dataclass
class DatasetSummary:
    folder: Path
    sites: list[str]
    #: rows per table and site
    rows: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.sites
