"""What a V3 response carries besides its page (reference 12.5): a per-request Sentry tracing id in the head,
fresh cookies, `no-store`, the plan's headers, and no validators, so that no two fetches of the same page are
byte-identical and a conditional GET never applies.

The page is rendered once and cached with a mark where the tracing tags go; each request only splices its own
tags in (a few dozen bytes into the cached body), so Content-Length stays exact without re-rendering.
"""

from __future__ import annotations

import hashlib
import secrets

#: where the renderer leaves room for the tracing tags; removed from the cached body, its offset kept
TRACE_MARK = "<!--replica:sentry-trace-->"
CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate"


def build_keys(build_seed: int) -> tuple[str, str]:
    """(sentry release, public key) of one front-end build: the same on every page of the build."""
    digest = hashlib.sha1(f"build:{build_seed}".encode()).hexdigest()
    return f"kausal-watch-ui@{digest[:12]}", hashlib.md5(f"key:{build_seed}".encode()).hexdigest()


def trace_tags(release: str, public_key: str, seed: str | None = None) -> bytes:
    """A new trace for this request: `sentry-trace` and the `baggage` that repeats its trace id. With `seed` (a
    web-archive capture's own timestamp and URL) the ids are derived from it, so that a capture reads back the
    same bytes every time while two captures still differ as two live fetches do."""
    if seed is None:
        trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    else:
        digest = hashlib.sha256(f"trace:{seed}".encode()).hexdigest()
        trace_id, span_id = digest[:32], digest[32:48]
    baggage = (f"sentry-environment=production,sentry-release={release},sentry-public_key={public_key},"
               f"sentry-trace_id={trace_id},sentry-sample_rate=0,sentry-sampled=false")
    return (f'<meta name="sentry-trace" content="{trace_id}-{span_id}-1"/>'
            f'<meta name="baggage" content="{baggage}"/>').encode()


def cookies(lang: str, seed: str | None = None) -> list[str]:
    """Set-Cookie values of every response: a fresh CSRF token (token|hash, URL-encoded) and the locale; `seed`
    as in `trace_tags`."""
    token = secrets.token_hex(32) if seed is None else hashlib.sha256(f"csrf:{seed}".encode()).hexdigest()
    check = hashlib.sha256(token.encode()).hexdigest()
    return [f"authjs.csrf-token={token}%7C{check}; Path=/; HttpOnly; SameSite=Lax",
            f"NEXT_LOCALE={lang}; Path=/; SameSite=lax"]


def link_header(alternates: list[tuple[str, str]]) -> str:
    """`link:` with the page's language versions: (hreflang, absolute URL) pairs, x-default included."""
    return ", ".join(f'<{url}>; rel="alternate"; hreflang="{lang}"' for lang, url in alternates)
