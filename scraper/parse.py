"""Turn one Kausal Watch action page (any era, any language) into an Action record.

Layers: the embedded data (`__NEXT_DATA__` or the V3 flight payload), the visible page read by labels and
headings, and a merge in which the visible text wins for what is shown. Everything the page labels but the record
does not model lands in `extra_sections`. The only exceptions that leave this module are ParseError and its
subclass ActionNotFound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from selectolax.lexbor import LexborHTMLParser

from schemas.action import PARSER_VERSION, Action, ParseWarning
from schemas.text import clean_inline
from schemas.vocab import NOT_FOUND_TEXT
from scraper.charsets import PARSER_INPUT, decode, to_utf8
from scraper.embedded_fields import map_fields
from scraper.fragments import FragmentReader
from scraper.parse_categories import resolve as resolve_categories
from scraper.parse_dom import read_dom
from scraper.parse_embedded import extract
from scraper.parse_errors import ActionNotFound, ParseError
from scraper.parse_layers import Embedded, Shown
from scraper.parse_merge import merge
from scraper.urls import action_location, canonical, site_of

__all__ = ["ActionNotFound", "ParseError", "ParseResult", "decode_html", "parse_action", "parse_page"]

_NOT_FOUND_MARKER = "NEXT_HTTP_ERROR_FALLBACK;404"
_RECORD_FIELDS = set(Action.model_fields)


@dataclass
class ParseResult:
    action: Action
    warnings: list[ParseWarning] = field(default_factory=list)
    #: the identifier of the action this one was merged into (V3 embedded `mergedWith`): the page still stands,
    #: the action is gone (`scraper.judge` records it so)
    merged_with: str | None = None


def decode_html(html: bytes) -> tuple[str, str | None]:
    """Text of the page and a warning when its bytes did not match the declared charset.

    The parser is handed UTF-8 (the fetcher and every judge of a stored response convert with the response's own
    headers); raw bytes of a saved page are decoded by the same rule (`scraper.charsets`), so that a wrong
    declaration costs a warning, not the page."""
    return decode(html, PARSER_INPUT)


def parse_page(html: bytes, url: str) -> ParseResult:
    try:
        return _parse(html, url)
    except ParseError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ParseError(f"page too deeply nested or too large to parse: {type(exc).__name__}") from None
    except Exception as exc:  # the contract: a page never crashes the caller with anything but ParseError
        raise ParseError(f"unexpected page structure ({type(exc).__name__}: {exc})") from exc


def parse_action(html: bytes, url: str) -> Action:
    return parse_page(html, url).action


def _parse(html: bytes, url: str) -> ParseResult:
    warnings: list[ParseWarning] = []
    # lexbor reads UTF-8 bytes: a body that already is UTF-8 goes in as it is, never decoded and encoded again
    utf8, charset_warning = to_utf8(html, PARSER_INPUT)
    if charset_warning:
        warnings.append(ParseWarning(field="page", message=charset_warning))
    tree = LexborHTMLParser(utf8)
    location = action_location(url)
    has_action_root = tree.css_first('[data-testid="action-page"]') is not None
    if not has_action_root and _is_not_found(tree):
        raise ActionNotFound("the site says this action does not exist (not-found page)")

    embedded = extract(tree, location.identifier if location else None)
    emb_fields: Embedded | None = map_fields(embedded.data, FragmentReader(tree)) if embedded is not None else None
    language = _language(tree, url)
    dom = read_dom(tree, url, _date_locale(tree, language), emb_fields)
    warnings.extend(dom.warnings)

    if emb_fields is None and dom.evidence == 0:
        raise ParseError("not a Kausal Watch action page: no action sections, pager or embedded action data")
    fields = merge(dom.shown, emb_fields, url, warnings)
    if not fields.get("name"):
        raise ParseError("no action name found on the page")
    if not fields.get("identifier"):
        raise ParseError("no action identifier found (neither on the page nor in its URL)")

    extra = _without_relabelled(dict(dom.extra_sections), dom.shown, fields)
    categories, other_types = resolve_categories(
        dom.shown.categories, emb_fields.category_types if emb_fields else [],
        lambda f, m: warnings.append(ParseWarning(field=f, message=m)),
    )
    fields["categories"] = categories
    extra.update(other_types)

    record: dict[str, Any] = {k: v for k, v in fields.items() if k in _RECORD_FIELDS}
    record.update(
        site=site_of(url),
        plan_path=location.plan_path if location else "",
        url=canonical(url),
        language=language,
        test_instance=dom.shown.test_instance,
        extra_sections=extra,
        parser_version=PARSER_VERSION,
    )
    try:
        action = Action.model_validate(record)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ParseError(f"page data does not fit the record ({where}: {first.get('msg')})") from None
    return ParseResult(action=action, warnings=warnings, merged_with=emb_fields.merged_with if emb_fields else None)


def _without_relabelled(extra: dict[str, str], shown: Shown, merged: dict[str, Any]) -> dict[str, str]:
    """A V3 admin can rename a block's heading (`fieldLabel`): the section then looks unknown, but when its text is
    exactly what the embedded data says the description (or lead, or official text) is, it is that field."""
    for label, text in list(extra.items()):
        for field_name in ("description", "lead", "official_description"):
            value = merged.get(field_name)
            if getattr(shown, field_name) is None and value and clean_inline(value) == clean_inline(text):
                del extra[label]
                break
    return extra


def _is_not_found(tree: LexborHTMLParser) -> bool:
    for template in tree.css("template[data-dgst]"):
        if _NOT_FOUND_MARKER in (template.attributes.get("data-dgst") or ""):
            return True
    title = tree.css_first("title")
    heading = tree.css_first("h1")
    texts = [clean_inline(n.text() or "").casefold() for n in (title, heading) if n is not None]
    return any(t.startswith(NOT_FOUND_TEXT) for t in texts)


def _date_locale(tree: LexborHTMLParser, language: str) -> str:
    """English dates are month first (en-US, the Kausal default) except on en-GB/en-AU style sites."""
    html = tree.css_first("html")
    lang = ((html.attributes.get("lang") if html is not None else None) or "").strip().lower()
    if language == "en" and lang[3:] in ("gb", "au", "ie", "nz", "in", "za"):
        return "en-gb"
    return language


def _language(tree: LexborHTMLParser, url: str) -> str:
    html = tree.css_first("html")
    lang = ((html.attributes.get("lang") if html is not None else None) or "").strip().lower()[:2]
    if lang in ("fi", "sv", "en"):
        return lang
    location = action_location(url)
    if location and location.language in ("fi", "sv", "en"):
        return location.language
    return "fi"
