"""Why a page could not become a record."""

from __future__ import annotations

from schemas.errors import VahtiError


class ParseError(VahtiError):
    """The page is not an action page, or lacks what every action has (a name). The raw page is still archived."""


class ActionNotFound(ParseError):
    """The site answered with its "action not found" page (V3 answers HTTP 200 with a 404 marker)."""
