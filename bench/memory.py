"""Peak memory of parsing one page, as tracemalloc sees it.

The yardstick is fair to all three readers: BeautifulSoup builds its tree as Python objects (lxml only feeds it
parse events, libxml2 keeps no tree of its own), and selectolax hands Lexbor Python's allocator, so Lexbor's arenas
are counted too (each tree starts with about 1 MB of them, whatever the page size).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable


def traced_peak(fn: Callable[[bytes, str], object], body: bytes, url: str) -> int:
    """Bytes of the heap peak while parsing one page (after a warm-up call, so caches are not counted)."""
    fn(body, url)
    tracemalloc.start()
    try:
        fn(body, url)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
