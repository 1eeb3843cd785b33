"""Which front-end era printed each stored page (`schemas.meaning.sniff_front_end` on its raw bytes).

The record does not say which era it was read from; the page does. The writer sniffs every body once, when it
stores it (the body is in hand then), and keeps the era beside each observation (`observations.front_end`) and
each version (`action_versions.front_end`), so deciding whether a new record means something new never has to
read a page back. The migration that introduced the columns fills them from the bodies already stored.
"""

from __future__ import annotations

import duckdb

from schemas.meaning import sniff_front_end
from snapshots.bodies import BodyReader, PageUnreadable, restore


class FrontEnds:
    """Mixin for the writer: the era of a stored page, by page id, sniffed once per distinct body."""

    bodies: BodyReader  # provided by the writer

    def __init__(self) -> None:
        self._era_by_page: dict[int, str | None] = {}
        self._era_by_sha: dict[str, str | None] = {}

    def con(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def _flush(self) -> None:
        """Bulk mode buffers pages in an appender: make them visible first."""

    def _note_page(self, page_id: int, sha: str | None, body: bytes | None) -> None:
        """Called as a page is stored: a body is sniffed (once per sha); a 304 points at the body it confirmed."""
        if sha is None:
            self._era_by_page[page_id] = None
            return
        if sha not in self._era_by_sha and body is not None:
            self._era_by_sha[sha] = sniff_front_end(body)
        if sha in self._era_by_sha:
            self._era_by_page[page_id] = self._era_by_sha[sha]

    def front_end_of(self, page_id: int | None) -> str | None:
        """The era of a page (None: no page, no body, or no sign of a known era)."""
        if page_id is None:
            return None
        if page_id in self._era_by_page:
            return self._era_by_page[page_id]
        self._flush()
        row = self.con().execute("SELECT sha256 FROM pages WHERE id = ?", [page_id]).fetchone()
        era: str | None = None
        if row is not None and row[0] is not None:
            if row[0] in self._era_by_sha:
                era = self._era_by_sha[row[0]]
            else:
                try:
                    era = sniff_front_end(self.bodies.body(row[0]))
                except PageUnreadable:
                    era = None  # a damaged page shows no era; the observation says what else is known
                self._era_by_sha[row[0]] = era
        self._era_by_page[page_id] = era
        return era


def fill_front_ends(con: duckdb.DuckDBPyConnection) -> int:
    """Sniff the era of every stored body behind an observation and fill `observations.front_end` and
    `action_versions.front_end` (the era of the page its first run read: for a reparse version, the page it
    re-parsed). Returns the number of bodies sniffed. The caller holds the transaction. (Run by the migration to
    schema 3, when every body was still stored whole; a damaged one shows no era.)"""
    shas: list[str] = []
    eras: list[str | None] = []
    cursor = con.execute(
        "SELECT b.sha256, b.zstd FROM bodies b WHERE b.sha256 IN"
        " (SELECT p.sha256 FROM observations o JOIN pages p ON p.id = o.page_id WHERE p.sha256 IS NOT NULL)"
    )
    while batch := cursor.fetchmany(256):
        for sha, packed in batch:
            shas.append(sha)
            try:
                eras.append(sniff_front_end(restore(sha, packed)))
            except PageUnreadable:
                eras.append(None)
    if shas:
        con.execute(
            "UPDATE observations SET front_end = e.era FROM pages p,"
            " (SELECT unnest(?::VARCHAR[]) AS sha256, unnest(?::VARCHAR[]) AS era) e"
            " WHERE p.id = observations.page_id AND p.sha256 = e.sha256",
            [shas, eras],
        )
    con.execute(
        "UPDATE action_versions SET front_end = o.front_end FROM ("
        " SELECT run_id, site, plan_path, language, identifier, front_end FROM observations"
        " WHERE page_id IS NOT NULL AND identifier IS NOT NULL"
        " QUALIFY row_number() OVER (PARTITION BY run_id, site, plan_path, language, identifier"
        "                            ORDER BY (version_id IS NOT NULL) DESC, id DESC) = 1) o"
        " WHERE o.run_id = action_versions.first_run AND o.site = action_versions.site"
        " AND o.plan_path = action_versions.plan_path AND o.language = action_versions.language"
        " AND o.identifier = action_versions.identifier"
    )
    return len(shas)
