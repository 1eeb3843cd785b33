"""Kausal Watch URL shapes, shared by the parser and the crawler.

Public action URLs are `https://<host>[/<lang>][/<plan base path>]/actions/<identifier>`; Helsinki's 2019 test
instance used the singular `/action/`. Identifiers may be dotted or alphanumeric and are URL-encoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from schemas.errors import UsageError

LANGUAGES = ("fi", "sv", "en")
_LANG_SEGMENT = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2})?$")
ACTION_PATH = re.compile(
    r"^(?P<prefix>(?:/[^/?#]+)*?)/(?P<kind>actions|action)/(?P<ident>[^/?#]+)/?$"
)


@dataclass(frozen=True)
class ActionLocation:
    """Where an action lives: what identifies it in the archive, read off its URL."""

    site: str
    plan_path: str
    language: str | None
    identifier: str
    kind: str  # "actions" or "action"


@lru_cache(maxsize=4096)  # a parse asks about the same few URLs many times; the answer is a pure function
def site_of(url: str) -> str:
    """Host, with the port when it is not the scheme's default (the replica runs on 127.0.0.1:PORT)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        return f"{host}:{port}"
    return host


def origin_of(url: str) -> tuple[str, str]:
    """(scheme, site): the unit the crawler may never leave."""
    return (urlsplit(url).scheme.lower(), site_of(url))


def canonical(url: str) -> str:
    """Absolute URL without query or fragment, trailing slash dropped from the path."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def absolute(base: str, href: str) -> str:
    return urljoin(base, href.strip())


def split_prefix(prefix: str) -> tuple[str | None, str]:
    """`/en/lumo` → ("en", "/lumo"); `/lumo` → (None, "/lumo")."""
    segments = [s for s in prefix.split("/") if s]
    language = None
    if segments and _LANG_SEGMENT.match(segments[0]) and segments[0][:2].lower() in LANGUAGES:
        language = segments[0][:2].lower()
        segments = segments[1:]
    return language, ("/" + "/".join(segments)) if segments else ""


@lru_cache(maxsize=4096)  # ActionLocation is frozen: sharing one answer is safe
def action_location(url: str) -> ActionLocation | None:
    """The action an URL points at, or None when it is not an action page URL (lists, indicators, …)."""
    parts = urlsplit(url)
    match = ACTION_PATH.match(parts.path)
    if not match:
        return None
    language, plan_path = split_prefix(match["prefix"])
    return ActionLocation(
        site=site_of(url),
        plan_path=plan_path,
        language=language,
        identifier=unquote(match["ident"]),
        kind=match["kind"],
    )


def is_action_url(url: str) -> bool:
    return action_location(url) is not None


_LIST_PATH = re.compile(r"^(?P<prefix>(?:/[^/?#]+)*?)/(?:actions|action)/?$")


def plan_prefix(url: str) -> str | None:
    """The path before `/actions` of an action or list URL (`/en/lumo`, or "" for the main plan); None otherwise."""
    path = urlsplit(url).path
    match = ACTION_PATH.match(path) or _LIST_PATH.match(path)
    return match["prefix"] if match else None


def action_list_url(url: str) -> str:
    """The `/actions` list of the plan an URL belongs to; a site root or unknown page maps to its `/actions`."""
    parts = urlsplit(url)
    prefix = plan_prefix(url)
    if prefix is None:
        prefix = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), f"{prefix}/actions", "", ""))


def action_url_key(url: str) -> str:
    """One spelling per action URL (canonical, identifier percent-encoded the same way), so the chain, the list
    and the sitemap agree on which URLs are the same action; other URLs are just made canonical."""
    location = action_location(url)
    prefix = plan_prefix(url)
    if location is None or prefix is None:
        return canonical(url)
    parts = urlsplit(url)
    path = f"{prefix}/{location.kind}/{quote(location.identifier, safe='')}"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def check_start_url(url: str) -> str:
    """A start URL must be an absolute http(s) URL with a host; anything else is a usage error (exit 2)."""
    text = url.strip()
    if not text or any(c.isspace() for c in text):
        raise UsageError(f"bad start URL {url!r}: it contains spaces or is empty")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"bad start URL {url!r}: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        hint = f" (did you mean https://{text}?)" if not parts.scheme and "." in text.split("/", 1)[0] else ""
        raise UsageError(f"bad start URL {url!r}: it must start with http:// or https://{hint}")
    if not parts.hostname:
        raise UsageError(f"bad start URL {url!r}: no host")
    if port == 0:
        raise UsageError(f"bad start URL {url!r}: port 0")
    return text
