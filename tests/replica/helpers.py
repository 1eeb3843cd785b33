"""Readable comparison of records for replica tests."""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

from schemas.action import Action
from scraper.replica.view import ERAS, LANGS

PLANS = ("helsinki", "tampere", "espoo")
#: every era × language × bundled plan, as the round-trip tests serve them
ROUNDTRIP_CASES = [(era, lang, plan) for plan in PLANS for era in ERAS for lang in LANGS]


def roundtrip_variation(era: str, lang: str, plan: str) -> int | None:
    """Plain markup for Finnish Helsinki pages, a different variation seed for every other case."""
    if plan == "helsinki" and lang == "fi" and era == "v1early":
        return None
    return zlib.crc32(f"{era}:{lang}:{plan}".encode()) % 1000


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) < 400 else text[:400] + "…"


def record_differences(got: Action, want: Action) -> list[str]:
    """One line per differing field, list fields item by item, so a failure says what the parser got wrong."""
    a, b = got.content_dict(), want.content_dict()
    out = []
    for field in b:
        if a.get(field) == b[field]:
            continue
        if isinstance(b[field], list) and isinstance(a.get(field), list):
            ga, wb = a[field], b[field]
            if len(ga) != len(wb):
                out.append(f"{field}: {len(ga)} items, want {len(wb)}: got {_short(ga)} want {_short(wb)}")
                continue
            for n, (x, y) in enumerate(zip(ga, wb, strict=True)):
                if x != y:
                    out.append(f"{field}[{n}]: got {_short(x)} want {_short(y)}")
        else:
            out.append(f"{field}: got {_short(a.get(field))} want {_short(b[field])}")
    return out


#: V3's per-request tracing tags (reference 12.5)
TRACE_TAGS = re.compile(rb'<meta name="sentry-trace" content="([0-9a-f]{32})-[0-9a-f]{16}-1"/>'
                        rb'<meta name="baggage" content="[^"]*sentry-trace_id=([0-9a-f]{32})[^"]*"/>')


def without_tracing(body: bytes) -> bytes:
    """A V3 body with its per-request tracing tags removed: what stays the same from one fetch to the next."""
    return TRACE_TAGS.sub(b"", body)
