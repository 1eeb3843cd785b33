"""Turn one Kausal Watch action page into an Action record.

API (stable): parse_page(html, url) -> ParseResult(action, warnings); parse_action(html, url) -> Action.
Raises ParseError (or its subclass ActionNotFound) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.action import Action, ParseWarning
from scraper.parse_errors import ActionNotFound, ParseError

__all__ = ["ActionNotFound", "ParseError", "ParseResult", "parse_action", "parse_page"]


@dataclass
class ParseResult:
    action: Action
    warnings: list[ParseWarning] = field(default_factory=list)


def parse_page(html: bytes, url: str) -> ParseResult:
    raise ParseError("parser not implemented yet")


def parse_action(html: bytes, url: str) -> Action:
    return parse_page(html, url).action
