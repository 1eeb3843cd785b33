"""Where vahti's parse time goes: CPU time per stage of `scraper.parse`, measured by wrapping each stage.

The stages are the parser's own functions (embedded data, the page index, the section readers, the merge); a
wrapper adds about a microsecond a call, so the shares are right and the sum is a little above the plain run.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

import scraper.parse as parse
import scraper.parse_dom as parse_dom

_PARSE_STAGES = ("extract", "map_fields", "read_dom", "merge", "resolve_categories", "LexborHTMLParser", "to_utf8")
_DOM_STAGES = ("PageIndex", "infer_renamed_headings", "read_pager", "_test_banner", "_updated_at", "_sections",
               "_read_section", "_task_groups", "_categories", "leading_description", "_bold_lead", "_extra_sections")


def _wrap(module: ModuleType, name: str, spent: Counter[str]) -> Callable[[], None]:
    original = getattr(module, name)
    label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    setattr(module, name, timed)
    return lambda: setattr(module, name, original)


def stage_times(pages: Iterable[tuple[bytes, str]], repeats: int = 3) -> tuple[float, dict[str, float]]:
    """(µs per page in all, {stage: µs per page}) over `repeats` passes."""
    pages = list(pages)
    for body, url in pages:  # warm caches first, as the timed runs do
        parse.parse_page(body, url)
    spent: Counter[str] = Counter()
    undo = [_wrap(parse, n, spent) for n in _PARSE_STAGES] + [_wrap(parse_dom, n, spent) for n in _DOM_STAGES]
    try:
        start = time.process_time()
        for _ in range(repeats):
            for body, url in pages:
                parse.parse_page(body, url)
        total = time.process_time() - start
    finally:
        for restore in undo:
            restore()
    n = max(1, repeats * len(pages))
    return total / n * 1e6, {k: v / n * 1e6 for k, v in spent.most_common()}
