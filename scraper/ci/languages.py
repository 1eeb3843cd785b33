"""The `languages` of a sites.toml entry: which language versions of a plan are crawled, each as its own run.

A Kausal Watch site serves its primary language without a prefix and every other language under `/<lang>/`,
before the plan's base path (`/en/lumo/actions`; reference section 8). The same action in two languages is two
records with their own history (the archive keys actions by site, plan, language and identifier), so each
language is a crawl of its own rather than one crawl that follows language links: a Finnish run and an English
run are compared only with runs of their own language.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from schemas.errors import UsageError
from scraper.urls import LANGUAGES, plan_prefix, split_prefix


def parse_languages(where: str, value: Any, start_url: str) -> tuple[str, ...]:
    """The entry's languages, primary first; () when the key is absent (the start URL's language only).

    A start URL that already names a language (`/en/actions`) is refused alongside `languages`: the list says
    which languages to crawl, and a prefix would make the first of them ambiguous.
    """
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise UsageError(f'{where}: languages must be a non-empty list such as ["fi", "en"]')
    languages = [v.strip().lower() for v in value]
    unknown = [v for v in languages if v not in LANGUAGES]
    if unknown:
        raise UsageError(f"{where}: unknown language(s) {', '.join(unknown)} (known: {', '.join(LANGUAGES)})")
    twice = sorted({v for v in languages if languages.count(v) > 1})
    if twice:
        raise UsageError(f"{where}: language(s) listed twice: {', '.join(twice)}")
    prefix = plan_prefix(start_url)
    named, _ = split_prefix(prefix) if prefix is not None else (None, "")
    if named is not None:
        raise UsageError(f"{where}: with languages, give the start_url of the primary language (without /{named}/);"
                         " the other languages are crawled under /<lang>/")
    return tuple(languages)


def language_start_url(start_url: str, primary: str, language: str) -> str:
    """Where the crawl of one language starts: the start URL itself for the primary language, else the same
    path under `/<lang>` (`https://host/lumo/actions` → `https://host/en/lumo/actions`)."""
    if language == primary:
        return start_url
    parts = urlsplit(start_url)
    return urlunsplit(parts._replace(path=f"/{language}{parts.path.rstrip('/')}"))
