"""Vocabulary of crawl runs and observations shared by the crawler and the archive."""

from __future__ import annotations

from typing import Literal, get_args

RunOutcome = Literal["running", "complete", "partial", "failed", "interrupted"]
ObservationOutcome = Literal[
    "parsed",        # fetched (or reused) and parsed into a record
    "unchanged",     # 304 Not Modified: the previous body still holds; the record was re-derived from it
    "parse_failed",  # raw page stored, the parser raised ParseError (error holds why)
    "gone",          # 404/410, or a V3 200-with-not-found-marker page, or merged away (reason says which)
    "fetch_failed",  # retries exhausted, oversized, wrong content type … (error holds why)
    "refused",       # robots.txt or off-host: never requested
    "not_reached",   # a partial run stopped before this action; says nothing about the action
]

RUN_OUTCOMES: tuple[str, ...] = get_args(RunOutcome)
OBSERVATION_OUTCOMES: tuple[str, ...] = get_args(ObservationOutcome)
VersionCause = Literal["crawl", "reparse", "import", "backfill"]
